/**
 * Values computed from a text and asked for on every request, remembered up to a bound:
 * a key longer than `maxKeyLength` is never kept (looking it up would only hash it), and a
 * memo that holds `maxEntries` starts over. Recomputing must always be correct; the memo
 * only saves the work.
 */
export class BoundedMemo<V> {
  private readonly entries = new Map<string, V>();

  constructor(
    private readonly maxEntries: number,
    private readonly maxKeyLength: number,
  ) {}

  get(key: string): V | undefined {
    return key.length <= this.maxKeyLength ? this.entries.get(key) : undefined;
  }

  set(key: string, value: V): void {
    if (key.length > this.maxKeyLength) return;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, value);
  }
}
