/**
 * Customers held by calls in flight (DESIGN §8): a customer another call holds is that
 * call's conflict, answered 521. Keys are `PromotionEngine.customerKeysOf`'s.
 */
export class CustomerHolds {
  /** Customer key → id of the call holding it. */
  private readonly holders = new Map<string, string>();

  /** Takes the keys no other call holds; the others are the call's conflicts. */
  hold(callId: string, keys: readonly string[]): { held: string[]; conflicts: Set<string> } {
    const held: string[] = [];
    const conflicts = new Set<string>();
    for (const key of keys) {
      const holder = this.holders.get(key);
      if (holder === undefined) {
        this.holders.set(key, callId);
        held.push(key);
      } else if (holder !== callId) conflicts.add(key);
    }
    return { held, conflicts };
  }

  release(callId: string, keys: readonly string[]): void {
    for (const key of keys) {
      if (this.holders.get(key) === callId) this.holders.delete(key);
    }
  }
}
