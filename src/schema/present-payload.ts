import { assertNever, type CustomerOutcome } from '../domain/outcome';
import type { BulkAction } from '../domain/promotion';
import { UpstreamCode } from '../domain/upstream-codes';
import { countSuccesses, isRetryable, type MutationPayload } from '../promotion/payload';
import { IdempotencyConflictReason } from './idempotency-conflict-reason.enum';
import { InputViolation, InvalidInputError } from './invalid-input-error.type';
import { Earning, Enrolment } from './issued.type';
import type { MutationError } from './mutation-error.interface';
import {
  IdempotencyConflictError,
  OutcomeUnknownError,
  RateLimitedError,
  UpstreamUnavailableError,
} from './path-errors.type';
import {
  CustomerEarning,
  CustomerEnrolment,
  EarnPromotionResult,
  EnrolCustomersResult,
} from './result.type';
import {
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

/** Union members must be class instances: type-graphql resolves the member by instanceof. */
function build<T extends object>(type: new () => T, fields: Partial<T>): T {
  return Object.assign(new type(), fields);
}

const upstreamErrorTypeByCode = new Map<number, new () => MutationError & { upstreamCode: number }>(
  [
    [UpstreamCode.INVALID_PROGRAM, InvalidProgramError],
    [UpstreamCode.INVALID_PROMOTION, InvalidPromotionError],
    [UpstreamCode.PROMOTION_INACTIVE, PromotionInactiveError],
    [UpstreamCode.UNSUPPORTED_ACTION, UnsupportedActionError],
    [UpstreamCode.CUSTOMER_NOT_FOUND, CustomerNotFoundError],
    [UpstreamCode.ISSUE_FAILED, IssueFailedError],
    [UpstreamCode.LIMIT_EXHAUSTED, LimitExhaustedError],
  ],
);

function presentError(outcome: Exclude<CustomerOutcome, { kind: 'ISSUED' }>): MutationError {
  const retryable = isRetryable(outcome);
  switch (outcome.kind) {
    case 'UPSTREAM_ERROR': {
      const type = upstreamErrorTypeByCode.get(outcome.code) ?? UpstreamError;
      return build(type, { message: outcome.message, retryable, upstreamCode: outcome.code });
    }
    case 'AUTH_REJECTED':
      return build(UpstreamError, {
        message: outcome.message,
        retryable,
        upstreamCode: outcome.status,
      });
    case 'UNAVAILABLE':
      return build(UpstreamUnavailableError, { message: outcome.message, retryable });
    case 'RATE_LIMITED':
      return build(RateLimitedError, {
        message: outcome.message,
        retryable,
        retryAfterSeconds: outcome.retryAfterSeconds,
      });
    case 'OUTCOME_UNKNOWN':
      return build(OutcomeUnknownError, { message: outcome.message, retryable });
    default:
      return assertNever(outcome);
  }
}

function presentOutcome(action: BulkAction, outcome: CustomerOutcome): object {
  if (outcome.kind !== 'ISSUED') return presentError(outcome);
  const common = {
    entityId: outcome.entityId,
    programId: outcome.programId,
    promotionId: outcome.promotionId,
    promoIdentifier: outcome.promoIdentifier,
    issualId: outcome.issualId,
    warnings: outcome.warnings.map((w) =>
      build(UpstreamWarning, { upstreamCode: w.code, message: w.message }),
    ),
  };
  if (action === 'ENROL') return build(Enrolment, common);
  if (outcome.earnedId === null) {
    // An EARN answered without an earnedId is not an answer we can trust.
    return build(OutcomeUnknownError, {
      message: 'The promotion API answered an earn without an earnedId.',
      retryable: true,
    });
  }
  return build(Earning, { ...common, earnedId: outcome.earnedId });
}

/** Dresses a MutationPayload as the GraphQL types of enrolCustomers / earnPromotion. */
export function presentPayload(action: BulkAction, payload: MutationPayload): object {
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
      return presentError(payload.outcome);
    case 'RESULT': {
      const successCount = countSuccesses(payload.outcomes);
      const totals = {
        totalCount: payload.outcomes.length,
        successCount,
        failureCount: payload.outcomes.length - successCount,
        replayed: payload.replayed,
      };
      const results = payload.customers.map((customer, index) => ({
        identifierValue: customer.identifierValue,
        source: customer.source,
        outcome: presentOutcome(action, payload.outcomes[index]!),
      }));
      return action === 'ENROL'
        ? build(EnrolCustomersResult, {
            ...totals,
            results: results.map((r) => build(CustomerEnrolment, r as Partial<CustomerEnrolment>)),
          })
        : build(EarnPromotionResult, {
            ...totals,
            results: results.map((r) => build(CustomerEarning, r as Partial<CustomerEarning>)),
          });
    }
    default:
      return assertNever(payload);
  }
}
