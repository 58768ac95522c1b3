/**
 * Compile-time tests, checked by `npm run typecheck` (not run by jest): a switch over a
 * payload or outcome union that ends in a `never` check compiles only when it names
 * every member, so a member added to the schema is a compile error in partners' code.
 */
import { expectTypeOf } from 'expect-type';
import type {
  CustomerPromotionsPayload,
  EarnPromotionPayload,
  EnrolCustomersPayload,
  MutationResult,
  RevokeEarningsPayload,
} from '../src';
import { GatewayClient } from '../src';

type EnrolResult = Extract<EnrolCustomersPayload, { __typename: 'EnrolCustomersResult' }>;
type EnrolmentOutcome = EnrolResult['results'][number]['outcome'];

function assertNever(value: never): never {
  throw new Error(`unhandled member ${JSON.stringify(value)}`);
}

/** Every member named: compiles. */
export function describeOutcome(outcome: EnrolmentOutcome): string {
  switch (outcome.__typename) {
    case 'Enrolment':
      return `enrolled, issualId ${outcome.issualId}`;
    case 'OutcomeUnknownError':
    case 'RateLimitedError':
    case 'UpstreamUnavailableError':
    case 'CustomerBusyError':
      return `not yet known (${outcome.retryable ? 'retry' : 'give up'})`;
    case 'CustomerNotFoundError':
    case 'InvalidProgramError':
    case 'InvalidPromotionError':
    case 'IssueFailedError':
    case 'LimitExhaustedError':
    case 'PromotionInactiveError':
    case 'UnsupportedActionError':
    case 'UpstreamError':
      return `refused: ${outcome.message} (${outcome.upstreamCode})`;
    default:
      return assertNever(outcome);
  }
}

/** One member left out: the `never` check does not compile. */
export function describeOutcomeMissingEnrolment(outcome: EnrolmentOutcome): string {
  switch (outcome.__typename) {
    case 'OutcomeUnknownError':
    case 'RateLimitedError':
    case 'UpstreamUnavailableError':
    case 'CustomerBusyError':
    case 'CustomerNotFoundError':
    case 'InvalidProgramError':
    case 'InvalidPromotionError':
    case 'IssueFailedError':
    case 'LimitExhaustedError':
    case 'PromotionInactiveError':
    case 'UnsupportedActionError':
    case 'UpstreamError':
      return outcome.message;
    default:
      // @ts-expect-error Enrolment is not handled, so `outcome` is not `never` here.
      return assertNever(outcome);
  }
}

/** The same for a payload: leaving out the Result does not compile. */
export function describePayloadMissingResult(payload: EarnPromotionPayload): string {
  switch (payload.__typename) {
    case 'IdempotencyConflictError':
    case 'InvalidInputError':
    case 'InvalidProgramError':
    case 'InvalidPromotionError':
    case 'OutcomeUnknownError':
    case 'PromotionInactiveError':
    case 'RateLimitedError':
    case 'UnsupportedActionError':
    case 'UpstreamError':
    case 'UpstreamUnavailableError':
      return payload.message;
    default:
      // @ts-expect-error EarnPromotionResult is not handled.
      return assertNever(payload);
  }
}

// The unions hold exactly the schema's members, each narrowable to its own fields.
expectTypeOf<EnrolmentOutcome['__typename']>().toEqualTypeOf<
  | 'Enrolment'
  | 'CustomerBusyError'
  | 'CustomerNotFoundError'
  | 'InvalidProgramError'
  | 'InvalidPromotionError'
  | 'IssueFailedError'
  | 'LimitExhaustedError'
  | 'OutcomeUnknownError'
  | 'PromotionInactiveError'
  | 'RateLimitedError'
  | 'UnsupportedActionError'
  | 'UpstreamError'
  | 'UpstreamUnavailableError'
>();
expectTypeOf<Extract<EnrolmentOutcome, { __typename: 'RateLimitedError' }>>().toHaveProperty(
  'retryAfterSeconds',
);
expectTypeOf<Extract<EnrolmentOutcome, { __typename: 'Enrolment' }>>().not.toHaveProperty(
  'retryable',
);
expectTypeOf<GatewayClient['enrolCustomers']>().returns.resolves.toEqualTypeOf<
  MutationResult<EnrolCustomersPayload>
>();
// The input is the schema's: an unknown identifierName does not compile.
expectTypeOf<GatewayClient['enrolCustomers']>()
  .parameter(0)
  .toHaveProperty('identifierName')
  .toEqualTypeOf<'EMAIL' | 'ID' | 'MOBILE'>();

type RevokeEarningsResult = Extract<RevokeEarningsPayload, { __typename: 'RevokeEarningsResult' }>;
type EarningRevocationOutcome = RevokeEarningsResult['results'][number]['outcome'];

/** The revocation outcomes narrow the same way: leaving out EarningNotRevocableError does not compile. */
export function describeRevocationMissingNotRevocable(outcome: EarningRevocationOutcome): string {
  switch (outcome.__typename) {
    case 'EarningRevocation':
      return outcome.revokedEarnedIds.join(',');
    case 'CustomerBusyError':
    case 'CustomerNotFoundError':
    case 'InvalidProgramError':
    case 'InvalidPromotionError':
    case 'IssueFailedError':
    case 'OutcomeUnknownError':
    case 'PromotionInactiveError':
    case 'RateLimitedError':
    case 'UnsupportedActionError':
    case 'UpstreamError':
    case 'UpstreamUnavailableError':
      return outcome.message;
    default:
      // @ts-expect-error EarningNotRevocableError is not handled.
      return assertNever(outcome);
  }
}

/** And the read side's payload: leaving out CustomerNotFoundError does not compile. */
export function describeLookupMissingNotFound(payload: CustomerPromotionsPayload): string {
  switch (payload.__typename) {
    case 'CustomerPromotions':
      return `${payload.totalCount} promotions`;
    case 'InvalidInputError':
    case 'InvalidProgramError':
    case 'RateLimitedError':
    case 'UpstreamError':
    case 'UpstreamUnavailableError':
      return payload.message;
    default:
      // @ts-expect-error CustomerNotFoundError is not handled.
      return assertNever(payload);
  }
}
