import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { callerIdOf } from '../domain/caller';
import type { CustomerOutcome } from '../domain/outcome';
import type { BulkAction, Credentials, PromotionRequest } from '../domain/promotion';
import { IdempotencyStoreFullError, type IdempotencyStore } from '../idempotency/idempotency.store';
import { inputHashOf } from '../idempotency/input-hash';
import { isRetryable, toPayload, type MutationPayload, type PromotionAnswer } from './payload';
import { mergeResent, type UnknownOutcomes } from './reconcile';
import { NO_CREDENTIALS, refusalOf } from './refusal';
import { validateInput, type InputLimits, type UncheckedPromotionInput } from './validate-input';

/**
 * What the service needs of the batcher: one outcome per customer, in input order, never
 * a rejection, and by `deadline` (an idempotency lease is sized on it).
 */
export interface PromotionSubmitter {
  submit(
    request: PromotionRequest,
    credentials: Credentials,
    deadline: number,
  ): Promise<CustomerOutcome[]>;
}

export interface PromotionServiceOptions extends InputLimits {
  /** Deadline of one mutation's API work, retries included (PROMOTION_API_TIMEOUT_MS). */
  timeoutMs: number;
  /** Where store failures are reported; no key, customer data or credentials are logged. */
  logger?: Pick<Logger, 'error' | 'warn'>;
  /** Told when a write's call ended, before its answer leaves: reads in flight of its customers go stale. */
  onWritten?: (
    credentials: Credentials,
    request: PromotionRequest,
    outcomes: readonly CustomerOutcome[],
  ) => void;
  /** Default none: a retry sends every unknown customer again. */
  reconciler?: UnknownOutcomes;
}

/** The stored form of a mutation's answer: one outcome per input customer. */
interface StoredOutcomes {
  outcomes: CustomerOutcome[];
}

export function hasCredentials(credentials: Credentials): boolean {
  return Boolean(credentials.authorization || credentials.oauthToken);
}

/**
 * One mutation from start to answer: credentials, validation, idempotency, the
 * batcher, and the shape of the payload. Resolvers stay thin around it.
 */
export class PromotionService {
  constructor(
    private readonly submitter: PromotionSubmitter,
    private readonly store: IdempotencyStore,
    private readonly options: PromotionServiceOptions,
  ) {}

  async run(
    action: BulkAction,
    input: UncheckedPromotionInput,
    credentials: Credentials,
  ): Promise<PromotionAnswer> {
    if (!hasCredentials(credentials)) {
      return NO_CREDENTIALS;
    }
    const checked = validateInput(input, this.options);
    if (!checked.valid) return { kind: 'INVALID_INPUT', violations: checked.violations };
    const request: PromotionRequest = { action, ...checked.request };
    const deadline = Date.now() + this.options.timeoutMs;

    const key = request.idempotencyKey;
    if (key === null || key === undefined) {
      const outcomes = await this.submit(request, credentials, deadline);
      return this.answer(outcomes, false);
    }
    return this.runIdempotently(request, key, credentials, deadline);
  }

  private async runIdempotently(
    request: PromotionRequest,
    key: string,
    credentials: Credentials,
    deadline: number,
  ): Promise<PromotionAnswer> {
    // Idempotency records are scoped by who called (as batches are), never by what they sent.
    const scope = callerIdOf(credentials);
    const inputHash = inputHashOf({
      action: request.action,
      promotion: request.promotion,
      identifierName: request.identifierName,
      customers: request.customers,
    });
    // Never overtaken while alive: answered by the deadline, then at most COMPLETE_ATTEMPTS store operations and the waits between them.
    const leaseMs =
      this.options.timeoutMs +
      COMPLETE_ATTEMPTS * this.store.operationTimeoutMs +
      COMPLETE_BACKOFFS_MS +
      TIMER_LAG_ALLOWANCE_MS;
    let claim;
    try {
      claim = await this.store.claim(scope, key, inputHash, leaseMs);
    } catch (error) {
      return this.claimRefused(error);
    }
    switch (claim.status) {
      case 'COMPLETED':
        return this.answer((claim.payload as StoredOutcomes).outcomes, true);
      case 'IN_PROGRESS':
        return { kind: 'IDEMPOTENCY_CONFLICT', reason: 'IN_PROGRESS' };
      case 'INPUT_MISMATCH':
        return { kind: 'IDEMPOTENCY_CONFLICT', reason: 'INPUT_MISMATCH' };
      case 'CLAIMED':
        break;
    }

    const previous = (claim.previous as StoredOutcomes | null)?.outcomes ?? null;
    let asked: { outcomes: CustomerOutcome[]; fresh: CustomerOutcome[] };
    try {
      asked = await this.submitMissing(request, previous, credentials, deadline);
    } catch (error) {
      await this.releaseRecord(scope, key, claim.token);
      throw error;
    }
    // Judged on what the API said now: a refusal of a retry must not be stored as the
    // answer of customers the earlier attempt may have done. Any earlier partial stays.
    const refusal = refusalOf(asked.fresh);
    if (refusal !== null) {
      await this.releaseRecord(scope, key, claim.token);
      return refusal;
    }
    const final = !asked.outcomes.some(isRetryable);
    await this.completeRecord(scope, key, claim.token, { outcomes: asked.outcomes }, final);
    return toPayload(asked.outcomes, false);
  }

  /**
   * Stores the record, trying again briefly: a record left running would answer
   * IN_PROGRESS until its lease ends, and a lost partial would make the next retry ask
   * the API again for customers that are already done.
   */
  private async completeRecord(
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
          this.options.logger?.error(
            { err: error, attempts: attempt },
            'could not store an idempotency record; a retry with its key may ask the API again',
          );
          return;
        }
        this.options.logger?.warn(
          { err: error, attempt },
          'could not store an idempotency record; trying again',
        );
        await sleep(completeBackoffMs(attempt));
        continue;
      }
      if (!kept) {
        this.options.logger?.warn(
          { final },
          'idempotency record was lost or taken over before it could be stored; a retry with its key may ask the API again',
        );
      }
      return;
    }
  }

  /** Gives the key up; when the store cannot, a retry gets IN_PROGRESS until the lease ends. */
  private async releaseRecord(scope: string, key: string, token: string): Promise<void> {
    try {
      await this.store.release(scope, key, token);
    } catch (error) {
      this.options.logger?.error(
        { err: error },
        'could not release an idempotency key; a retry with it gets IN_PROGRESS until its lease ends',
      );
    }
  }

  /** What a keyed mutation answers when the store could not claim its key. */
  private claimRefused(error: unknown): MutationPayload {
    if (error instanceof IdempotencyStoreFullError) {
      const retryAfterSeconds = Math.max(1, Math.ceil(error.retryAfterMs / 1000));
      this.options.logger?.warn(
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
    this.options.logger?.error(
      { err: error },
      'idempotency store failed: keyed mutation answered UpstreamUnavailableError',
    );
    return {
      kind: 'HOISTED',
      outcome: { kind: 'UNAVAILABLE', message: 'The idempotency store is unavailable.' },
    };
  }

  /**
   * A retry of a key whose earlier answer was not final asks the API again only for
   * the customers whose outcome may change, and keeps every other answer as it was.
   * Customers whose earlier call's work the reconciler finds are reported, not sent.
   * `fresh` is what the API answered this time.
   */
  private async submitMissing(
    request: PromotionRequest,
    previous: CustomerOutcome[] | null,
    credentials: Credentials,
    deadline: number,
  ): Promise<{ outcomes: CustomerOutcome[]; fresh: CustomerOutcome[] }> {
    if (previous === null || previous.length !== request.customers.length) {
      const outcomes = await this.submit(request, credentials, deadline);
      return { outcomes, fresh: outcomes };
    }
    const again = previous.flatMap((o, index) => (isRetryable(o) ? [index] : []));
    if (again.length === 0) return { outcomes: previous, fresh: [] };
    const found =
      (await this.options.reconciler?.reconcile(request, previous, again, credentials, deadline)) ??
      NOTHING_FOUND;
    const resend = again.filter((index) => !found.has(index));
    const fresh =
      resend.length === 0
        ? []
        : await this.submit(
            { ...request, customers: resend.map((index) => request.customers[index]!) },
            credentials,
            deadline,
          );
    const merged = [...previous];
    for (const [index, outcome] of found) merged[index] = outcome;
    resend.forEach((index, i) => {
      merged[index] = mergeResent(previous[index]!, fresh[i]!);
    });
    return { outcomes: merged, fresh };
  }

  private async submit(
    request: PromotionRequest,
    credentials: Credentials,
    deadline: number,
  ): Promise<CustomerOutcome[]> {
    const outcomes = await this.submitter.submit(request, credentials, deadline);
    this.options.onWritten?.(credentials, request, outcomes);
    return outcomes;
  }

  private answer(outcomes: CustomerOutcome[], replayed: boolean): PromotionAnswer {
    return refusalOf(outcomes) ?? toPayload(outcomes, replayed);
  }
}

const NOTHING_FOUND: ReadonlyMap<number, CustomerOutcome> = new Map();

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
