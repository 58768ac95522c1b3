import { assertNever, type CustomerOutcome, type IssuedOutcome } from '../domain/outcome';
import { UpstreamCode } from '../domain/upstream-codes';
import { isRetryable, type MutationPayload } from '../promotion/payload';
import { IdempotencyConflictReason } from '../schema/idempotency-conflict-reason.enum';
import { InputViolation, InvalidInputError } from '../schema/invalid-input-error.type';
import {
  IdempotencyConflictError,
  OutcomeUnknownError,
  RateLimitedError,
  UpstreamUnavailableError,
} from '../schema/path-errors.type';
import {
  CustomerBusyError,
  CustomerNotFoundError,
  InvalidProgramError,
  InvalidPromotionError,
  IssueFailedError,
  LimitExhaustedError,
  PromotionInactiveError,
  UnsupportedActionError,
  UpstreamError,
} from '../schema/upstream-errors.type';
import { build } from './build';

/** Every error class made by upstreamErrorType shares this shape. */
type UpstreamCodeError = UpstreamError;

/** What an outcome that is not a success is presented as, in a payload or a customer's outcome. */
export type OutcomeError =
  UpstreamCodeError | UpstreamUnavailableError | RateLimitedError | OutcomeUnknownError;

/** What a whole mutation's payload is when it is an error: a member of both payload unions. */
export type PayloadError = OutcomeError | InvalidInputError | IdempotencyConflictError;

/** Errors of a whole call: the ones a mutation's payload may be. */
const callErrorTypeByCode: ReadonlyMap<number, new () => UpstreamCodeError> = new Map([
  [UpstreamCode.INVALID_PROGRAM, InvalidProgramError],
  [UpstreamCode.INVALID_PROMOTION, InvalidPromotionError],
  [UpstreamCode.PROMOTION_INACTIVE, PromotionInactiveError],
  [UpstreamCode.UNSUPPORTED_ACTION, UnsupportedActionError],
]);

/** Errors one customer's outcome may be: those of a call, and the customer's own. */
const customerErrorTypeByCode: ReadonlyMap<number, new () => UpstreamCodeError> = new Map([
  ...callErrorTypeByCode,
  [UpstreamCode.CUSTOMER_NOT_FOUND, CustomerNotFoundError],
  [UpstreamCode.ISSUE_FAILED, IssueFailedError],
  [UpstreamCode.LIMIT_EXHAUSTED, LimitExhaustedError],
  [UpstreamCode.CONCURRENT_ACTION, CustomerBusyError],
]);

/** `typeByCode` says which union the error is for: a payload's, or a customer outcome's. */
function presentOutcomeError(
  outcome: Exclude<CustomerOutcome, IssuedOutcome>,
  typeByCode: ReadonlyMap<number, new () => UpstreamCodeError>,
): OutcomeError {
  const message = outcome.message;
  const retryable = isRetryable(outcome);
  switch (outcome.kind) {
    case 'UPSTREAM_ERROR': {
      const type = typeByCode.get(outcome.code) ?? UpstreamError;
      return build(type, { message, retryable, upstreamCode: outcome.code });
    }
    case 'AUTH_REJECTED':
      return build(UpstreamError, { message, retryable, upstreamCode: outcome.status });
    case 'UNAVAILABLE':
      return build(UpstreamUnavailableError, { message, retryable });
    case 'RATE_LIMITED':
      return build(RateLimitedError, {
        message,
        retryable,
        retryAfterSeconds: outcome.retryAfterSeconds,
      });
    case 'OUTCOME_UNKNOWN':
      return build(OutcomeUnknownError, { message, retryable });
    default:
      return assertNever(outcome);
  }
}

/** One customer's outcome that is not a success, as a member of its outcome union. */
export function presentCustomerError(
  outcome: Exclude<CustomerOutcome, IssuedOutcome>,
): OutcomeError {
  return presentOutcomeError(outcome, customerErrorTypeByCode);
}

/** A payload that is one error for the whole mutation, as either payload union's member. */
export function presentPayloadError(
  payload: Exclude<MutationPayload, { kind: 'RESULT' }>,
): PayloadError {
  switch (payload.kind) {
    case 'INVALID_INPUT':
      return build(InvalidInputError, {
        message: `The input has ${payload.violations.length} problem(s); nothing was sent.`,
        retryable: false,
        violations: payload.violations.map((v) => build(InputViolation, v)),
      });
    case 'IDEMPOTENCY_CONFLICT':
      return build(IdempotencyConflictError, {
        reason: IdempotencyConflictReason[payload.reason],
        retryable: payload.reason === 'IN_PROGRESS',
        message:
          payload.reason === 'IN_PROGRESS'
            ? 'A mutation with this idempotencyKey is still running; retry later.'
            : 'This idempotencyKey was already used with a different input.',
      });
    case 'HOISTED':
      return presentOutcomeError(payload.outcome, callErrorTypeByCode);
    default:
      return assertNever(payload);
  }
}
