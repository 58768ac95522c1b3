export {
  GatewayClient,
  type CallOptions,
  type CustomerPromotionsPayload,
  type EarnPromotionPayload,
  type EnrolCustomersPayload,
  type GatewayClientOptions,
  type GatewayLimits,
  type MutationResult,
  type QueryResult,
  type RevokeEarningsPayload,
  type RevokeEnrolmentsPayload,
} from './client';
export { GatewayRequestError, GatewayUnreachableError } from './errors';
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy';
export type { RetryEvent } from './run-with-retries';
export type { DocumentMode, GeneratedDocument } from './transport';
export type * from './generated/graphql';
import introspection from './generated/possible-types';

/** Union → member types, as Apollo Client's `new InMemoryCache({ possibleTypes })` takes it. */
export const possibleTypes = introspection.possibleTypes;
