import type { Logger } from 'pino';
import { callerIdOf } from '../domain/caller';
import type { CustomerOutcome } from '../domain/outcome';
import type { BulkAction, Credentials, PromotionRequest } from '../domain/promotion';
import {
  IdempotencyStoreFullError,
  type ClaimStatus,
  type IdempotencyStore,
} from '../idempotency/idempotency.store';
import { inputHashOf } from '../idempotency/input-hash';
import {
  NO_OBSERVER,
  type GatewayObserver,
  type IdempotencyResult,
  type OperationTrace,
} from '../observability/observer';
import { IdempotencyRecords, type StoredOutcomes } from './idempotency-records';
import { isRetryable, toPayload, type PromotionAnswer } from './payload';
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
    trace?: OperationTrace,
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
  /** Default: none. Hears what each keyed mutation's record said. */
  observer?: GatewayObserver;
  /** Default none: a retry sends every unknown customer again. */
  reconciler?: UnknownOutcomes;
}

export function hasCredentials(credentials: Credentials): boolean {
  return Boolean(credentials.authorization || credentials.oauthToken);
}

/**
 * One mutation from start to answer: credentials, validation, idempotency, the
 * batcher, and the shape of the payload. Resolvers stay thin around it.
 */
export class PromotionService {
  private readonly observer: GatewayObserver;
  private readonly records: IdempotencyRecords;

  constructor(
    private readonly submitter: PromotionSubmitter,
    private readonly store: IdempotencyStore,
    private readonly options: PromotionServiceOptions,
  ) {
    this.observer = options.observer ?? NO_OBSERVER;
    this.records = new IdempotencyRecords(store, options.logger);
  }

  /**
   * `trace`: the operation's span (tracing on), which the calls of its customers link to;
   * `answerBy`: when its HTTP request must be answered (epoch ms), the latest deadline.
   */
  async run(
    action: BulkAction,
    input: UncheckedPromotionInput,
    credentials: Credentials,
    trace?: OperationTrace,
    answerBy = Infinity,
  ): Promise<PromotionAnswer> {
    if (!hasCredentials(credentials)) {
      return NO_CREDENTIALS;
    }
    const checked = validateInput(input, this.options);
    if (!checked.valid) return { kind: 'INVALID_INPUT', violations: checked.violations };
    const request: PromotionRequest = { action, ...checked.request };
    const deadline = Math.min(Date.now() + this.options.timeoutMs, answerBy);

    const key = request.idempotencyKey;
    if (key === null || key === undefined) {
      const outcomes = await this.submit(request, credentials, deadline, trace);
      return this.answer(outcomes, false);
    }
    return this.runIdempotently(request, key, credentials, deadline, trace);
  }

  private async runIdempotently(
    request: PromotionRequest,
    key: string,
    credentials: Credentials,
    deadline: number,
    trace: OperationTrace | undefined,
  ): Promise<PromotionAnswer> {
    // Idempotency records are scoped by who called (as batches are), never by what they sent.
    const scope = callerIdOf(credentials);
    const inputHash = inputHashOf({
      action: request.action,
      promotion: request.promotion,
      identifierName: request.identifierName,
      customers: request.customers,
    });
    const leaseMs = this.records.leaseMsFor(this.options.timeoutMs);
    let claim;
    try {
      claim = await this.store.claim(scope, key, inputHash, leaseMs);
    } catch (error) {
      this.observer.idempotency(
        error instanceof IdempotencyStoreFullError ? 'full' : 'unavailable',
      );
      return this.records.refused(error);
    }
    this.observer.idempotency(IDEMPOTENCY_RESULTS[claim.status]);
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
      asked = await this.submitMissing(request, previous, credentials, deadline, trace);
    } catch (error) {
      await this.records.release(scope, key, claim.token);
      throw error;
    }
    // Judged on what the API said now: a refusal of a retry must not be stored as the
    // answer of customers the earlier attempt may have done. Any earlier partial stays.
    const refusal = refusalOf(asked.fresh);
    if (refusal !== null) {
      await this.records.release(scope, key, claim.token);
      return refusal;
    }
    const final = !asked.outcomes.some(isRetryable);
    await this.records.complete(scope, key, claim.token, { outcomes: asked.outcomes }, final);
    return toPayload(asked.outcomes, false);
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
    trace: OperationTrace | undefined,
  ): Promise<{ outcomes: CustomerOutcome[]; fresh: CustomerOutcome[] }> {
    if (previous === null || previous.length !== request.customers.length) {
      const outcomes = await this.submit(request, credentials, deadline, trace);
      return { outcomes, fresh: outcomes };
    }
    const again = previous.flatMap((o, index) => (isRetryable(o) ? [index] : []));
    if (again.length === 0) return { outcomes: previous, fresh: [] };
    const found =
      (await this.options.reconciler?.reconcile(
        request,
        previous,
        again,
        credentials,
        deadline,
        trace,
      )) ?? NOTHING_FOUND;
    const resend = again.filter((index) => !found.has(index));
    const fresh =
      resend.length === 0
        ? []
        : await this.submit(
            { ...request, customers: resend.map((index) => request.customers[index]!) },
            credentials,
            deadline,
            trace,
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
    trace: OperationTrace | undefined,
  ): Promise<CustomerOutcome[]> {
    const outcomes = await this.submitter.submit(request, credentials, deadline, trace);
    this.options.onWritten?.(credentials, request, outcomes);
    return outcomes;
  }

  private answer(outcomes: CustomerOutcome[], replayed: boolean): PromotionAnswer {
    return refusalOf(outcomes) ?? toPayload(outcomes, replayed);
  }
}

const IDEMPOTENCY_RESULTS = {
  CLAIMED: 'claimed',
  COMPLETED: 'replayed',
  IN_PROGRESS: 'in_progress',
  INPUT_MISMATCH: 'input_mismatch',
} as const satisfies Record<ClaimStatus, IdempotencyResult>;

const NOTHING_FOUND: ReadonlyMap<number, CustomerOutcome> = new Map();
