/**
 * Callers (credential hashes) whose credentials the API accepted lately (DESIGN.md §9).
 * Credentials are only headers: a made-up one is a caller of its own, so the room a caller
 * gets waits for the API's word. The bulk calls and the reads both vouch, and both ask.
 */
import { LRUCache } from 'lru-cache';

export class AcceptedCallers {
  private readonly callers = new LRUCache<string, true>({ max: 10_000, ttl: 60 * 60 * 1000 });

  has(callerId: string): boolean {
    return this.callers.has(callerId);
  }

  /** An answer of the API itself (not a refusal, not the path failing) came for this caller. */
  vouch(callerId: string): void {
    this.callers.set(callerId, true);
  }
}
