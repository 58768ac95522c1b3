/**
 * Groups items by key into batches of at most `maxSize` and hands each batch, in the order
 * its items joined, to `dispatch` exactly once. A batch leaves:
 * - at once when it is full;
 * - at the end of the turn of the event loop in which its window closes;
 * - on `leaveIfLate` once its window has passed and it is `EARLY_DEPARTURE_SHARE` full;
 * - on `flush`, and, after `drain`, at the end of the turn it opened in.
 * Only open batches are kept: a key whose batch left has nothing in the queue.
 */

/** How full a batch whose window has passed must be to leave early (BENCHMARKS.md "Third round"). */
export const EARLY_DEPARTURE_SHARE = 0.7;

export interface BatchQueueOptions {
  /** Items per batch, at least 1. */
  maxSize: number;
  /** Longest wait for company, in ms. `0`: only what joins in the same turn. */
  windowMs: number;
}

interface OpenBatch<T> {
  key: string;
  items: T[];
  /** `performance.now()` when it opened. */
  openedAt: number;
  windowTimer: NodeJS.Timeout | undefined;
  closing: NodeJS.Immediate | undefined;
}

export class BatchQueue<T> {
  private readonly open = new Map<string, OpenBatch<T>>();
  private draining = false;

  constructor(
    private readonly options: BatchQueueOptions,
    private readonly dispatch: (items: T[]) => void,
  ) {}

  /** Joins the open batch of `key` (opening one if none), which leaves at once if now full. */
  add(key: string, item: T): void {
    const batch = this.open.get(key) ?? this.openBatch(key);
    batch.items.push(item);
    if (batch.items.length >= this.options.maxSize) this.release(batch);
  }

  /**
   * Sends the open batch of `key` now if its window has passed and it is
   * `EARLY_DEPARTURE_SHARE` full; asked once a whole mutation joined, so it is not split.
   */
  leaveIfLate(key: string): void {
    const batch = this.open.get(key);
    const { maxSize, windowMs } = this.options;
    if (
      batch !== undefined &&
      windowMs > 0 &&
      batch.items.length >= maxSize * EARLY_DEPARTURE_SHARE &&
      performance.now() - batch.openedAt >= windowMs
    ) {
      this.release(batch);
    }
  }

  /** Sends every open batch now, in the order they opened. */
  flush(): void {
    for (const batch of [...this.open.values()]) this.release(batch);
  }

  /** Shutdown: flush, and from now on no batch waits for a window. */
  drain(): void {
    this.draining = true;
    this.flush();
  }

  /** Batches waiting for their window. */
  get openBatches(): number {
    return this.open.size;
  }

  private openBatch(key: string): OpenBatch<T> {
    const batch: OpenBatch<T> = {
      key,
      items: [],
      openedAt: performance.now(),
      windowTimer: undefined,
      closing: undefined,
    };
    // setImmediate, not nextTick: the check phase follows the poll phase, so requests read
    // in this turn (after a window timer fired, too) join the batch.
    const closeAtEndOfTurn = (): void => {
      batch.closing = setImmediate(() => this.release(batch));
    };
    const windowMs = this.draining ? 0 : this.options.windowMs;
    if (windowMs > 0) batch.windowTimer = setTimeout(closeAtEndOfTurn, windowMs);
    else closeAtEndOfTurn();
    this.open.set(key, batch);
    return batch;
  }

  private release(batch: OpenBatch<T>): void {
    if (this.open.get(batch.key) !== batch) return;
    this.open.delete(batch.key);
    clearTimeout(batch.windowTimer);
    clearImmediate(batch.closing);
    this.dispatch(batch.items);
  }
}
