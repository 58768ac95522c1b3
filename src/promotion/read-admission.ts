/**
 * Reads of callers the API has not vouched for (DESIGN.md §9 "Fairness"). A made-up
 * credential is a caller of its own with a full share, so until the API has accepted a
 * caller's credentials its reads go one at a time: the first is a probe, the others wait
 * for its answer, and a refusal answers them, and the caller's reads of the next few
 * seconds, unsent (a batched request's later operations may start after the probe ended).
 * All such callers together have at most `maxProbes` reads at the API; past them a new
 * caller's read waits for a slot by its deadline (1,000 waiting at most, then refused). One
 * request of 500 lookups with invented credentials costs the API one call, and a crowd of
 * new credentials a few connections, never the pool.
 */
import { LRUCache } from 'lru-cache';
import type { AcceptedCallers } from '../domain/accepted-callers';
import type { ReadResult } from '../domain/promotion-read';
import { DEADLINE_PASSED, UNEXPECTED_STATUS_CODE } from '../datasources/attempt-verdict';

type Refusal = Extract<ReadResult<never>, { kind: 'AUTH_REJECTED' }>;

const PROBES_BUSY: ReadResult<never> = {
  kind: 'RATE_LIMITED',
  message:
    'Too many reads of credentials the promotion API has not accepted yet; retry in a moment.',
  retryAfterSeconds: 1,
};

/** How long a refusal of unverified credentials answers their reads without a call. */
const REFUSAL_REMEMBERED_MS = 5_000;
/** New callers' reads that may wait for a probe slot; past it they are refused at once. */
const MAX_WAITING_FOR_SLOTS = 1_000;

export class ReadAdmission {
  /** Caller → its probe's refusal, or null once the probe ended otherwise. */
  private readonly probes = new Map<string, Promise<Refusal | null>>();
  /** Probes at the API now (slots taken), at most `maxProbes`. */
  private probing = 0;
  /** Reads of new callers waiting for a free probe slot, oldest first. */
  private readonly slotWaiters = new Set<() => void>();
  private readonly refused = new LRUCache<string, Refusal>({
    max: 10_000,
    ttl: REFUSAL_REMEMBERED_MS,
  });

  constructor(
    private readonly accepted: AcceptedCallers,
    private readonly maxProbes: number,
  ) {}

  /**
   * `read` now, after this caller's probe, or not at all (then `unsent` hears the answer
   * given instead); never rejects if `read` does not.
   */
  admit<T>(
    callerId: string,
    deadline: number,
    read: () => Promise<ReadResult<T>>,
    unsent: (answer: ReadResult<T>) => void = () => undefined,
  ): Promise<ReadResult<T>> {
    // The hot path: a caller the API knows reads at once.
    if (this.accepted.has(callerId)) return read();
    return this.unverified(callerId, deadline, read, unsent);
  }

  private async unverified<T>(
    callerId: string,
    deadline: number,
    read: () => Promise<ReadResult<T>>,
    unsent: (answer: ReadResult<T>) => void,
  ): Promise<ReadResult<T>> {
    let called = false;
    const answer = await this.decide(callerId, deadline, () => {
      called = true;
      return read();
    });
    if (!called) unsent(answer);
    return answer;
  }

  private async decide<T>(
    callerId: string,
    deadline: number,
    read: () => Promise<ReadResult<T>>,
  ): Promise<ReadResult<T>> {
    for (;;) {
      if (this.accepted.has(callerId)) return this.heard(callerId, await read());
      const refusal = this.refused.get(callerId);
      if (refusal !== undefined) return refusal;
      const probe = this.probes.get(callerId);
      if (probe === undefined) break;
      const verdict = await beforeDeadline(probe, deadline);
      if (verdict === 'late') return DEADLINE_PASSED;
      if (verdict !== null) return verdict;
      // The probe ended without the API's word either way: the next read asks.
    }
    // This read is the caller's probe from now, also while it waits for a slot: the
    // caller's other reads wait for it, so a caller waits for one slot, not one per read.
    let settle!: (verdict: Refusal | null) => void;
    const own = new Promise<Refusal | null>((resolve) => (settle = resolve));
    this.probes.set(callerId, own);
    try {
      if (this.probing >= this.maxProbes) {
        if (this.slotWaiters.size >= MAX_WAITING_FOR_SLOTS) return PROBES_BUSY;
        if ((await this.slotFreed(deadline)) === 'late') return PROBES_BUSY;
      } else {
        this.probing++;
      }
      try {
        const result = await read();
        settle(result.kind === 'AUTH_REJECTED' ? result : null);
        return this.heard(callerId, result);
      } finally {
        this.handOnSlot();
      }
    } finally {
      settle(null);
      if (this.probes.get(callerId) === own) this.probes.delete(callerId);
    }
  }

  /** A probe ended: its slot goes to the oldest waiting new caller, or back to the pool. */
  private handOnSlot(): void {
    const [next] = this.slotWaiters;
    if (next === undefined) {
      this.probing--;
      return;
    }
    this.slotWaiters.delete(next);
    next();
  }

  /** Resolves 'free' with a slot handed over (FIFO), or 'late' at `deadline` without one. */
  private slotFreed(deadline: number): Promise<'free' | 'late'> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        resolve('free');
      };
      const timer = setTimeout(
        () => {
          this.slotWaiters.delete(wake);
          resolve('late');
        },
        Math.max(0, deadline - Date.now()),
      );
      this.slotWaiters.add(wake);
    });
  }

  private heard<T>(callerId: string, result: ReadResult<T>): ReadResult<T> {
    if (result.kind === 'AUTH_REJECTED' && !this.accepted.has(callerId)) {
      this.refused.set(callerId, result);
      return result;
    }
    // An answer of the API itself (a page, a definition, a documented error code) vouches.
    if (
      result.kind === 'OK' ||
      (result.kind === 'UPSTREAM_ERROR' && result.code !== UNEXPECTED_STATUS_CODE)
    ) {
      this.accepted.vouch(callerId);
    }
    return result;
  }
}

/** The probe's verdict, or 'late' when `deadline` (epoch ms) comes first. */
function beforeDeadline(
  probe: Promise<Refusal | null>,
  deadline: number,
): Promise<Refusal | null | 'late'> {
  const left = deadline - Date.now();
  if (left <= 0) return Promise.resolve('late');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), left);
  });
  return Promise.race([probe, late]).finally(() => clearTimeout(timer));
}
