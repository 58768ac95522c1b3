/**
 * The life of one keyed mutation's idempotency record after its claim: completed (tried
 * again briefly), released, or refused; and the lease that covers all of it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { CustomerOutcome } from '../domain/outcome';
import { IdempotencyStoreFullError, type IdempotencyStore } from '../idempotency/idempotency.store';
import type { MutationPayload } from './payload';

/** The stored form of a mutation's answer: one outcome per input customer. */
export interface StoredOutcomes {
  outcomes: CustomerOutcome[];
}

export class IdempotencyRecords {
  constructor(
    private readonly store: IdempotencyStore,
    private readonly logger: Pick<Logger, 'error' | 'warn'> | undefined,
  ) {}

  /**
   * Never overtaken while alive: answered by the deadline (`timeoutMs`), then at most
   * COMPLETE_ATTEMPTS store operations and the waits between them.
   */
  leaseMsFor(timeoutMs: number): number {
    return (
      timeoutMs +
      COMPLETE_ATTEMPTS * this.store.operationTimeoutMs +
      COMPLETE_BACKOFFS_MS +
      TIMER_LAG_ALLOWANCE_MS
    );
  }

  /**
   * Stores the record, trying again briefly: a record left running would answer
   * IN_PROGRESS until its lease ends, and a lost partial would make the next retry ask
   * the API again for customers that are already done.
   */
  async complete(
    scope: string,
    key: string,
    token: string,
    record: StoredOutcomes,
    final: boolean,
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      let kept: boolean;
      try {
        kept = await this.store.complete(scope, key, token, record, final);
      } catch (error) {
        if (attempt >= COMPLETE_ATTEMPTS) {
          // The caller still gets its answer; only the replay of this key is lost.
          this.logger?.error(
            { err: error, attempts: attempt },
            'could not store an idempotency record; a retry with its key may ask the API again',
          );
          return;
        }
        this.logger?.warn(
          { err: error, attempt },
          'could not store an idempotency record; trying again',
        );
        await sleep(completeBackoffMs(attempt));
        continue;
      }
      if (!kept) {
        this.logger?.warn(
          { final },
          'idempotency record was lost or taken over before it could be stored; a retry with its key may ask the API again',
        );
      }
      return;
    }
  }

  /** Gives the key up; when the store cannot, a retry gets IN_PROGRESS until the lease ends. */
  async release(scope: string, key: string, token: string): Promise<void> {
    try {
      await this.store.release(scope, key, token);
    } catch (error) {
      this.logger?.error(
        { err: error },
        'could not release an idempotency key; a retry with it gets IN_PROGRESS until its lease ends',
      );
    }
  }

  /** What a keyed mutation answers when the store could not claim its key. */
  refused(error: unknown): MutationPayload {
    if (error instanceof IdempotencyStoreFullError) {
      const retryAfterSeconds = Math.max(1, Math.ceil(error.retryAfterMs / 1000));
      this.logger?.warn(
        { retryAfterSeconds },
        'idempotency store is full: keyed mutation answered RateLimitedError',
      );
      return {
        kind: 'HOISTED',
        outcome: {
          kind: 'RATE_LIMITED',
          message: 'The gateway cannot keep another idempotency record now; retry later.',
          retryAfterSeconds,
        },
      };
    }
    this.logger?.error(
      { err: error },
      'idempotency store failed: keyed mutation answered UpstreamUnavailableError',
    );
    return {
      kind: 'HOISTED',
      outcome: { kind: 'UNAVAILABLE', message: 'The idempotency store is unavailable.' },
    };
  }
}

/** Stores are asked this many times to keep a record before the gateway gives up on it. */
const COMPLETE_ATTEMPTS = 3;

/** Wait after the `attempt`th failed attempt to store a record: 100 ms, 200 ms, ... */
function completeBackoffMs(attempt: number): number {
  return 100 * 2 ** (attempt - 1);
}

/** Every wait between attempts to store a record, together. */
const COMPLETE_BACKOFFS_MS = Array.from({ length: COMPLETE_ATTEMPTS - 1 }, (_, i) =>
  completeBackoffMs(i + 1),
).reduce((sum, ms) => sum + ms, 0);

/** Timers fire late on a busy event loop; the lease allows this much for all of them. */
const TIMER_LAG_ALLOWANCE_MS = 1_000;
