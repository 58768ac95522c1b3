/**
 * How many reads are on the wire at once, and whose goes next (DESIGN.md §9 "Fairness").
 * Reads and bulk calls share one Pool whose queue is first come, first served, so one
 * tenant's 500 lookups at once held back every other tenant's reads and mutations until
 * they had all gone. Reads now take at most `slots` of the connections, leaving the rest
 * to the bulk calls, and a freed slot goes to the callers waiting in turn, one read each:
 * a caller with many waiting reads waits for its own, not the others for it.
 */

export type SlotWait = 'granted' | 'late';

interface Waiter {
  wake: () => void;
  timer: NodeJS.Timeout;
}

export class ReadSlots {
  private taken = 0;
  /** Callers with reads waiting, each with its own, oldest first; the Map's order is the turn. */
  private readonly waiting = new Map<string, Waiter[]>();

  constructor(private readonly slots: number) {}

  /** Resolves 'granted' with a slot, to give back with `release()`, or 'late' at `deadline` (epoch ms). */
  acquire(callerId: string, deadline: number): Promise<SlotWait> {
    if (this.taken < this.slots && this.waiting.size === 0) {
      this.taken++;
      return Promise.resolve('granted');
    }
    const left = deadline - Date.now();
    if (left <= 0) return Promise.resolve('late');
    return new Promise((resolve) => {
      const waiter: Waiter = {
        wake: () => {
          clearTimeout(waiter.timer);
          resolve('granted');
        },
        timer: setTimeout(() => {
          this.forget(callerId, waiter);
          resolve('late');
        }, left),
      };
      const queue = this.waiting.get(callerId);
      if (queue === undefined) this.waiting.set(callerId, [waiter]);
      else queue.push(waiter);
    });
  }

  /** A read's slot is free: the next caller in turn gets it, and goes to the back of the turn. */
  release(): void {
    const next = this.waiting.entries().next();
    if (next.done === true) {
      this.taken--;
      return;
    }
    const [callerId, queue] = next.value;
    const waiter = queue.shift() as Waiter;
    this.waiting.delete(callerId);
    if (queue.length > 0) this.waiting.set(callerId, queue);
    waiter.wake();
  }

  private forget(callerId: string, waiter: Waiter): void {
    const queue = this.waiting.get(callerId);
    if (queue === undefined) return;
    const at = queue.indexOf(waiter);
    if (at >= 0) queue.splice(at, 1);
    if (queue.length === 0) this.waiting.delete(callerId);
  }
}
