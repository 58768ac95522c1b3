import { Field, Int, ObjectType } from 'type-graphql';
import { MutationError } from './mutation-error.interface';

/** The shape every error reported by the promotion API shares: its code, as upstreamCode. */
function upstreamErrorType(name: string, description: string) {
  @ObjectType(name, { implements: MutationError, description, simpleResolvers: true })
  class UpstreamCodeError extends MutationError {
    @Field(() => Int, { description: "The promotion API's error code." })
    upstreamCode!: number;
  }
  // Named as its GraphQL type: logs name a payload by its class (src/observability/mutation-log.ts).
  return Object.defineProperty(UpstreamCodeError, 'name', { value: name });
}

export const InvalidProgramError = upstreamErrorType(
  'InvalidProgramError',
  'The program does not exist or is not visible to these credentials (API code 1101).',
);
export type InvalidProgramError = InstanceType<typeof InvalidProgramError>;

export const InvalidPromotionError = upstreamErrorType(
  'InvalidPromotionError',
  'The promotion does not exist in this program (API code 8874).',
);
export type InvalidPromotionError = InstanceType<typeof InvalidPromotionError>;

export const PromotionInactiveError = upstreamErrorType(
  'PromotionInactiveError',
  'The promotion is inactive (API code 8892).',
);
export type PromotionInactiveError = InstanceType<typeof PromotionInactiveError>;

export const UnsupportedActionError = upstreamErrorType(
  'UnsupportedActionError',
  'The action is not supported for this type of promotion, e.g. ENROL on a Direct Issue promotion (API code 8902).',
);
export type UnsupportedActionError = InstanceType<typeof UnsupportedActionError>;

export const CustomerNotFoundError = upstreamErrorType(
  'CustomerNotFoundError',
  'No customer of the program has this identifier (API code 8015).',
);
export type CustomerNotFoundError = InstanceType<typeof CustomerNotFoundError>;

export const IssueFailedError = upstreamErrorType(
  'IssueFailedError',
  'The API could not issue the promotion to the customer, e.g. EARN without an active enrolment (API code 8896).',
);
export type IssueFailedError = InstanceType<typeof IssueFailedError>;

export const LimitExhaustedError = upstreamErrorType(
  'LimitExhaustedError',
  "Nothing was issued: the promotion's configuration or the customer's limits do not allow it (API warning 8890, no ids).",
);
export type LimitExhaustedError = InstanceType<typeof LimitExhaustedError>;

export const CustomerBusyError = upstreamErrorType(
  'CustomerBusyError',
  'Another action on this customer was in flight at the promotion API; nothing was done. Sending the same mutation again, with the same idempotencyKey, may succeed (API code 521).',
);
export type CustomerBusyError = InstanceType<typeof CustomerBusyError>;

export const EarningNotRevocableError = upstreamErrorType(
  'EarningNotRevocableError',
  "Nothing was revoked: an earnedId given is not one of the customer's earnings or is already revoked, or the customer has no earning left to revoke (API code 8903).",
);
export type EarningNotRevocableError = InstanceType<typeof EarningNotRevocableError>;

export const UpstreamError = upstreamErrorType(
  'UpstreamError',
  'The promotion API reported an error this gateway has no more specific type for.',
);
export type UpstreamError = InstanceType<typeof UpstreamError>;
