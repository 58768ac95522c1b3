import { callerIdOf } from '../domain/caller';
import type { CustomerOutcome } from '../domain/outcome';
import type { BulkAction, Credentials, PromotionRequest } from '../domain/promotion';
import { forbidden, unauthenticated } from '../errors';
import type { IdempotencyStore } from '../idempotency/idempotency.store';
import { inputHashOf } from '../idempotency/input-hash';
import { isRetryable, toPayload, type MutationPayload } from './payload';
import { validateInput, type InputLimits, type UncheckedPromotionInput } from './validate-input';

/** What the service needs of the batcher: one outcome per customer, in input order, never a rejection. */
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
}

/** The stored form of a mutation's answer: one outcome per input customer. */
interface StoredOutcomes {
  outcomes: CustomerOutcome[];
}

export function hasCredentials(credentials: Credentials): boolean {
  return Boolean(credentials.authorization || credentials.oauthToken);
}

/** Idempotency records and batches are scoped by who called, never by what they sent. */
export function credentialScopeOf(credentials: Credentials): string {
  return callerIdOf(credentials);
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
  ): Promise<MutationPayload> {
    if (!hasCredentials(credentials)) {
      throw unauthenticated(
        'Send the promotion API credentials in the Authorization or X-CAP-API-OAUTH-TOKEN header.',
      );
    }
    const checked = validateInput(input, this.options);
    if (!checked.valid) return { kind: 'INVALID_INPUT', violations: checked.violations };
    const request: PromotionRequest = { action, ...checked.request };
    const deadline = Date.now() + this.options.timeoutMs;

    const key = request.idempotencyKey;
    if (key === null || key === undefined) {
      const outcomes = await this.submit(request, credentials, deadline);
      return this.answer(request, outcomes, false);
    }
    return this.runIdempotently(request, key, credentials, deadline);
  }

  private async runIdempotently(
    request: PromotionRequest,
    key: string,
    credentials: Credentials,
    deadline: number,
  ): Promise<MutationPayload> {
    const scope = credentialScopeOf(credentials);
    const inputHash = inputHashOf({
      action: request.action,
      promotion: request.promotion,
      identifierName: request.identifierName,
      customers: request.customers,
    });
    // The lease outlives the deadline so that a slow owner is never overtaken by a retry.
    const leaseMs = this.options.timeoutMs + 5_000;
    let claim;
    try {
      claim = await this.store.claim(scope, key, inputHash, leaseMs);
    } catch {
      return {
        kind: 'HOISTED',
        outcome: { kind: 'UNAVAILABLE', message: 'The idempotency store is unavailable.' },
      };
    }
    switch (claim.status) {
      case 'COMPLETED':
        return this.answer(request, (claim.payload as StoredOutcomes).outcomes, true);
      case 'IN_PROGRESS':
        return { kind: 'IDEMPOTENCY_CONFLICT', reason: 'IN_PROGRESS' };
      case 'INPUT_MISMATCH':
        return { kind: 'IDEMPOTENCY_CONFLICT', reason: 'INPUT_MISMATCH' };
      case 'CLAIMED':
        break;
    }

    const previous = (claim.previous as StoredOutcomes | null)?.outcomes ?? null;
    let outcomes: CustomerOutcome[];
    try {
      outcomes = await this.submitMissing(request, previous, credentials, deadline);
    } catch (error) {
      await this.store.release(scope, key, claim.token).catch(() => undefined);
      throw error;
    }
    if (outcomes.every((o) => o.kind === 'AUTH_REJECTED')) {
      await this.store.release(scope, key, claim.token).catch(() => undefined);
    } else {
      const final = !outcomes.some(isRetryable);
      const stored: StoredOutcomes = { outcomes };
      // Losing the record loses only the replay, not the answer: the caller still gets it.
      await this.store.complete(scope, key, claim.token, stored, final).catch(() => undefined);
    }
    return this.answer(request, outcomes, false);
  }

  /**
   * A retry of a key whose earlier answer was not final asks the API again only for
   * the customers whose outcome may change, and keeps every other answer as it was.
   */
  private async submitMissing(
    request: PromotionRequest,
    previous: CustomerOutcome[] | null,
    credentials: Credentials,
    deadline: number,
  ): Promise<CustomerOutcome[]> {
    if (previous === null || previous.length !== request.customers.length) {
      return this.submit(request, credentials, deadline);
    }
    const again = previous.flatMap((o, index) => (isRetryable(o) ? [index] : []));
    if (again.length === 0) return previous;
    const fresh = await this.submit(
      { ...request, customers: again.map((index) => request.customers[index]!) },
      credentials,
      deadline,
    );
    const merged = [...previous];
    again.forEach((index, i) => {
      merged[index] = fresh[i]!;
    });
    return merged;
  }

  /**
   * The submitter's outcomes, minus one the API may give that we cannot trust: an EARN
   * reported issued without an `earnedId` is unknown — counted as a failure, never
   * stored as final under an idempotencyKey, and asked again on a retry with it.
   */
  private async submit(
    request: PromotionRequest,
    credentials: Credentials,
    deadline: number,
  ): Promise<CustomerOutcome[]> {
    const outcomes = await this.submitter.submit(request, credentials, deadline);
    if (request.action !== 'EARN') return outcomes;
    return outcomes.map((outcome) =>
      outcome.kind === 'ISSUED' && outcome.earnedId === null
        ? {
            kind: 'OUTCOME_UNKNOWN',
            message: 'the promotion API answered an earn without an earnedId',
          }
        : outcome,
    );
  }

  private answer(
    request: PromotionRequest,
    outcomes: CustomerOutcome[],
    replayed: boolean,
  ): MutationPayload {
    const rejection = outcomes.find((o) => o.kind === 'AUTH_REJECTED');
    if (rejection?.kind === 'AUTH_REJECTED' && outcomes.every((o) => o.kind === 'AUTH_REJECTED')) {
      throw rejection.status === 403
        ? forbidden('The promotion API refused these credentials access to this action.')
        : unauthenticated('The promotion API did not accept these credentials.');
    }
    return toPayload(request.customers, outcomes, replayed);
  }
}
