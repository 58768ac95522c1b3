import { assertNever, type CustomerOutcome, type IssuedOutcome } from '../domain/outcome';
import type { BulkAction, CustomerRef } from '../domain/promotion';
import { UpstreamCode } from '../domain/upstream-codes';
import { isRetryable, type MutationPayload } from '../promotion/payload';
import { IdempotencyConflictReason } from './idempotency-conflict-reason.enum';
import { InputViolation, InvalidInputError } from './invalid-input-error.type';
import { Earning, Enrolment } from './issued.type';
import type { MutationError } from './mutation-error.interface';
import type { EarningOutcome, EnrolmentOutcome } from './outcome.union';
import {
  IdempotencyConflictError,
  OutcomeUnknownError,
  RateLimitedError,
  UpstreamUnavailableError,
} from './path-errors.type';
import type { EarnPromotionPayload, EnrolCustomersPayload } from './payload.union';
import {
  CustomerEarning,
  CustomerEnrolment,
  EarnPromotionResult,
  EnrolCustomersResult,
} from './result.type';
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
} from './upstream-errors.type';
import { UpstreamWarning } from './upstream-warning.type';

/**
 * Union members must be class instances: type-graphql resolves the member by instanceof.
 * Every field is required here, so that e.g. an Earning cannot be built without an earnedId.
 */
function build<T extends object>(type: new () => T, fields: T): T {
  return Object.assign(new type(), fields);
}

type UpstreamCodeErrorType = new () => MutationError & { upstreamCode: number };

/** Errors of a whole call: the ones a mutation's payload may be. */
const callErrorTypeByCode: ReadonlyMap<number, UpstreamCodeErrorType> = new Map([
  [UpstreamCode.INVALID_PROGRAM, InvalidProgramError],
  [UpstreamCode.INVALID_PROMOTION, InvalidPromotionError],
  [UpstreamCode.PROMOTION_INACTIVE, PromotionInactiveError],
  [UpstreamCode.UNSUPPORTED_ACTION, UnsupportedActionError],
]);

/** Errors one customer's outcome may be: those of a call, and the customer's own. */
const customerErrorTypeByCode: ReadonlyMap<number, UpstreamCodeErrorType> = new Map([
  ...callErrorTypeByCode,
  [UpstreamCode.CUSTOMER_NOT_FOUND, CustomerNotFoundError],
  [UpstreamCode.ISSUE_FAILED, IssueFailedError],
  [UpstreamCode.LIMIT_EXHAUSTED, LimitExhaustedError],
  [UpstreamCode.CONCURRENT_ACTION, CustomerBusyError],
]);

/** `typeByCode` says which union the error is for: a payload's, or a customer outcome's. */
function presentError(
  outcome: Exclude<CustomerOutcome, IssuedOutcome>,
  typeByCode: ReadonlyMap<number, UpstreamCodeErrorType>,
): MutationError {
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

function issuedFields(outcome: IssuedOutcome) {
  return {
    entityId: outcome.entityId,
    programId: outcome.programId,
    promotionId: outcome.promotionId,
    promoIdentifier: outcome.promoIdentifier,
    issualId: outcome.issualId,
    warnings: outcome.warnings.map((w) =>
      build(UpstreamWarning, { upstreamCode: w.code, message: w.message }),
    ),
  };
}

function enrolmentOutcome(outcome: CustomerOutcome): typeof EnrolmentOutcome {
  if (outcome.kind !== 'ISSUED') return presentError(outcome, customerErrorTypeByCode);
  return build(Enrolment, issuedFields(outcome));
}

function earningOutcome(outcome: CustomerOutcome): typeof EarningOutcome {
  if (outcome.kind !== 'ISSUED') return presentError(outcome, customerErrorTypeByCode);
  const { earnedId } = outcome;
  if (earnedId === null) {
    // The mapper (toOutcomes) answers an earn without an earnedId as OUTCOME_UNKNOWN,
    // before anything counts; deciding it again here would let counts and outcomes disagree.
    throw new Error('an EARN success without an earnedId reached the presenter');
  }
  return build(Earning, { ...issuedFields(outcome), earnedId });
}

/** Counted from what is presented, so the totals cannot disagree with the outcomes. */
function totalsOf(successes: boolean[], replayed: boolean) {
  const successCount = successes.filter(Boolean).length;
  return {
    totalCount: successes.length,
    successCount,
    failureCount: successes.length - successCount,
    replayed,
  };
}

type ResultPayload = Extract<MutationPayload, { kind: 'RESULT' }>;

/** Each input customer, echoed as the input gave it (DESIGN §9), beside its outcome. */
function pairs(payload: ResultPayload, given: readonly CustomerRef[]) {
  if (given.length !== payload.outcomes.length) {
    throw new Error(`${payload.outcomes.length} outcomes for ${given.length} customers`);
  }
  return given.map((customer, index) => ({
    identifierValue: customer.identifierValue,
    source: customer.source,
    outcome: payload.outcomes[index]!,
  }));
}

function presentEnrolments(
  payload: ResultPayload,
  given: readonly CustomerRef[],
): EnrolCustomersResult {
  const results = pairs(payload, given).map(({ outcome, ...customer }) =>
    build(CustomerEnrolment, { ...customer, outcome: enrolmentOutcome(outcome) }),
  );
  return build(EnrolCustomersResult, {
    ...totalsOf(
      results.map((r) => r.outcome instanceof Enrolment),
      payload.replayed,
    ),
    results,
  });
}

function presentEarnings(
  payload: ResultPayload,
  given: readonly CustomerRef[],
): EarnPromotionResult {
  const results = pairs(payload, given).map(({ outcome, ...customer }) =>
    build(CustomerEarning, { ...customer, outcome: earningOutcome(outcome) }),
  );
  return build(EarnPromotionResult, {
    ...totalsOf(
      results.map((r) => r.outcome instanceof Earning),
      payload.replayed,
    ),
    results,
  });
}

/**
 * Dresses a MutationPayload as the GraphQL types of enrolCustomers / earnPromotion.
 * `given` is the input's customers as the caller wrote them: results echo those, while
 * the API was sent the validated (trimmed) ones.
 */
export function presentPayload(
  action: 'ENROL',
  payload: MutationPayload,
  given: readonly CustomerRef[],
): typeof EnrolCustomersPayload;
export function presentPayload(
  action: 'EARN',
  payload: MutationPayload,
  given: readonly CustomerRef[],
): typeof EarnPromotionPayload;
export function presentPayload(
  action: BulkAction,
  payload: MutationPayload,
  given: readonly CustomerRef[],
): typeof EnrolCustomersPayload | typeof EarnPromotionPayload;
export function presentPayload(
  action: BulkAction,
  payload: MutationPayload,
  given: readonly CustomerRef[],
): typeof EnrolCustomersPayload | typeof EarnPromotionPayload {
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
      return presentError(payload.outcome, callErrorTypeByCode);
    case 'RESULT':
      return action === 'ENROL'
        ? presentEnrolments(payload, given)
        : presentEarnings(payload, given);
    default:
      return assertNever(payload);
  }
}
