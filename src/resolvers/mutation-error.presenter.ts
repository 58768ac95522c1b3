import {
  assertNever,
  type FailureOutcome,
  type RateLimitedOutcome,
  type UnavailableOutcome,
  type UpstreamErrorOutcome,
} from '../domain/outcome';
import { UpstreamCode } from '../domain/upstream-codes';
import { isRetryable, type MutationPayload } from '../promotion/payload';
import type { InputViolation as InputViolationValue } from '../promotion/validate-input';
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
  EarningNotRevocableError,
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

/** The error types of one outcome union, by upstream code; other codes are UpstreamError. */
export type CustomerErrorTypes = ReadonlyMap<number, new () => UpstreamCodeError>;

/** An enrolment's revocation: the errors of a call, and the customer's own. */
export const ENROLMENT_REVOCATION_ERRORS: CustomerErrorTypes = new Map([
  ...callErrorTypeByCode,
  [UpstreamCode.CUSTOMER_NOT_FOUND, CustomerNotFoundError],
  [UpstreamCode.ISSUE_FAILED, IssueFailedError],
  [UpstreamCode.CONCURRENT_ACTION, CustomerBusyError],
]);

/** An earning's revocation: as an enrolment's, and earns that cannot be revoked (8903). */
export const EARNING_REVOCATION_ERRORS: CustomerErrorTypes = new Map([
  ...ENROLMENT_REVOCATION_ERRORS,
  [UpstreamCode.EARN_NOT_REVOCABLE, EarningNotRevocableError],
]);

/** An enrolment or an earning: as a revocation of an enrolment, and the earn limit (8890). */
export const ISSUE_ERRORS: CustomerErrorTypes = new Map([
  ...ENROLMENT_REVOCATION_ERRORS,
  [UpstreamCode.LIMIT_EXHAUSTED, LimitExhaustedError],
]);

/** The failures of the path to the API that reads and writes both answer. */
export type PathFailure = UpstreamErrorOutcome | UnavailableOutcome | RateLimitedOutcome;

/** `typeByCode` says which union the error is for: a payload's, or a customer outcome's. */
export function presentPathFailure(
  failure: PathFailure,
  typeByCode: CustomerErrorTypes,
): UpstreamCodeError | UpstreamUnavailableError | RateLimitedError {
  const message = failure.message;
  const retryable = isRetryable(failure);
  switch (failure.kind) {
    case 'UPSTREAM_ERROR': {
      const type = typeByCode.get(failure.code) ?? UpstreamError;
      return build(type, { message, retryable, upstreamCode: failure.code });
    }
    case 'UNAVAILABLE':
      return build(UpstreamUnavailableError, { message, retryable });
    case 'RATE_LIMITED':
      return build(RateLimitedError, {
        message,
        retryable,
        retryAfterSeconds: failure.retryAfterSeconds,
      });
    default:
      return assertNever(failure);
  }
}

function presentOutcomeError(
  outcome: FailureOutcome,
  typeByCode: CustomerErrorTypes,
): OutcomeError {
  const message = outcome.message;
  const retryable = isRetryable(outcome);
  switch (outcome.kind) {
    case 'UPSTREAM_ERROR':
    case 'UNAVAILABLE':
    case 'RATE_LIMITED':
      return presentPathFailure(outcome, typeByCode);
    case 'AUTH_REJECTED':
      return build(UpstreamError, { message, retryable, upstreamCode: outcome.status });
    case 'OUTCOME_UNKNOWN':
      return build(OutcomeUnknownError, { message, retryable });
    default:
      return assertNever(outcome);
  }
}

/** Nothing was sent: every problem of the input at once. */
export function presentInvalidInput(violations: readonly InputViolationValue[]): InvalidInputError {
  return build(InvalidInputError, {
    message: `The input has ${violations.length} problem(s); nothing was sent.`,
    retryable: false,
    violations: violations.map((v) => build(InputViolation, v)),
  });
}

/** One customer's outcome that is not a success, as a member of the outcome union of `types`. */
export function presentCustomerError(
  outcome: FailureOutcome,
  types: CustomerErrorTypes = ISSUE_ERRORS,
): OutcomeError {
  return presentOutcomeError(outcome, types);
}

/** A payload that is one error for the whole mutation, as either payload union's member. */
export function presentPayloadError(
  payload: Exclude<MutationPayload, { kind: 'RESULT' }>,
): PayloadError {
  switch (payload.kind) {
    case 'INVALID_INPUT':
      return presentInvalidInput(payload.violations);
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
