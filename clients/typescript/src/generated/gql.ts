/* eslint-disable */
import * as types from './graphql';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "mutation EarnPromotion($input: EarnPromotionInput!) {\n  earnPromotion(input: $input) {\n    __typename\n    ... on EarnPromotionResult {\n      totalCount\n      successCount\n      failureCount\n      replayed\n      results {\n        identifierValue\n        source\n        outcome {\n          __typename\n          ... on Earning {\n            entityId\n            programId\n            promotionId\n            promoIdentifier\n            issualId\n            earnedId\n            warnings {\n              upstreamCode\n              message\n            }\n          }\n          ...MutationErrorFields\n        }\n      }\n    }\n    ...MutationErrorFields\n  }\n}": typeof types.EarnPromotionDocument,
    "mutation EnrolCustomers($input: EnrolCustomersInput!) {\n  enrolCustomers(input: $input) {\n    __typename\n    ... on EnrolCustomersResult {\n      totalCount\n      successCount\n      failureCount\n      replayed\n      results {\n        identifierValue\n        source\n        outcome {\n          __typename\n          ... on Enrolment {\n            entityId\n            programId\n            promotionId\n            promoIdentifier\n            issualId\n            warnings {\n              upstreamCode\n              message\n            }\n          }\n          ...MutationErrorFields\n        }\n      }\n    }\n    ...MutationErrorFields\n  }\n}": typeof types.EnrolCustomersDocument,
    "query GatewayLimits {\n  gatewayLimits {\n    maxCustomersPerMutation\n    upstreamBatchSize\n    batchWindowMs\n  }\n}": typeof types.GatewayLimitsDocument,
    "fragment MutationErrorFields on MutationError {\n  __typename\n  message\n  retryable\n  ... on InvalidInputError {\n    violations {\n      field\n      message\n    }\n  }\n  ... on InvalidProgramError {\n    upstreamCode\n  }\n  ... on InvalidPromotionError {\n    upstreamCode\n  }\n  ... on PromotionInactiveError {\n    upstreamCode\n  }\n  ... on UnsupportedActionError {\n    upstreamCode\n  }\n  ... on CustomerNotFoundError {\n    upstreamCode\n  }\n  ... on IssueFailedError {\n    upstreamCode\n  }\n  ... on LimitExhaustedError {\n    upstreamCode\n  }\n  ... on CustomerBusyError {\n    upstreamCode\n  }\n  ... on UpstreamError {\n    upstreamCode\n  }\n  ... on RateLimitedError {\n    retryAfterSeconds\n  }\n  ... on IdempotencyConflictError {\n    reason\n  }\n}": typeof types.MutationErrorFieldsFragmentDoc,
};
const documents: Documents = {
    "mutation EarnPromotion($input: EarnPromotionInput!) {\n  earnPromotion(input: $input) {\n    __typename\n    ... on EarnPromotionResult {\n      totalCount\n      successCount\n      failureCount\n      replayed\n      results {\n        identifierValue\n        source\n        outcome {\n          __typename\n          ... on Earning {\n            entityId\n            programId\n            promotionId\n            promoIdentifier\n            issualId\n            earnedId\n            warnings {\n              upstreamCode\n              message\n            }\n          }\n          ...MutationErrorFields\n        }\n      }\n    }\n    ...MutationErrorFields\n  }\n}": types.EarnPromotionDocument,
    "mutation EnrolCustomers($input: EnrolCustomersInput!) {\n  enrolCustomers(input: $input) {\n    __typename\n    ... on EnrolCustomersResult {\n      totalCount\n      successCount\n      failureCount\n      replayed\n      results {\n        identifierValue\n        source\n        outcome {\n          __typename\n          ... on Enrolment {\n            entityId\n            programId\n            promotionId\n            promoIdentifier\n            issualId\n            warnings {\n              upstreamCode\n              message\n            }\n          }\n          ...MutationErrorFields\n        }\n      }\n    }\n    ...MutationErrorFields\n  }\n}": types.EnrolCustomersDocument,
    "query GatewayLimits {\n  gatewayLimits {\n    maxCustomersPerMutation\n    upstreamBatchSize\n    batchWindowMs\n  }\n}": types.GatewayLimitsDocument,
    "fragment MutationErrorFields on MutationError {\n  __typename\n  message\n  retryable\n  ... on InvalidInputError {\n    violations {\n      field\n      message\n    }\n  }\n  ... on InvalidProgramError {\n    upstreamCode\n  }\n  ... on InvalidPromotionError {\n    upstreamCode\n  }\n  ... on PromotionInactiveError {\n    upstreamCode\n  }\n  ... on UnsupportedActionError {\n    upstreamCode\n  }\n  ... on CustomerNotFoundError {\n    upstreamCode\n  }\n  ... on IssueFailedError {\n    upstreamCode\n  }\n  ... on LimitExhaustedError {\n    upstreamCode\n  }\n  ... on CustomerBusyError {\n    upstreamCode\n  }\n  ... on UpstreamError {\n    upstreamCode\n  }\n  ... on RateLimitedError {\n    retryAfterSeconds\n  }\n  ... on IdempotencyConflictError {\n    reason\n  }\n}": types.MutationErrorFieldsFragmentDoc,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation EarnPromotion($input: EarnPromotionInput!) {\n  earnPromotion(input: $input) {\n    __typename\n    ... on EarnPromotionResult {\n      totalCount\n      successCount\n      failureCount\n      replayed\n      results {\n        identifierValue\n        source\n        outcome {\n          __typename\n          ... on Earning {\n            entityId\n            programId\n            promotionId\n            promoIdentifier\n            issualId\n            earnedId\n            warnings {\n              upstreamCode\n              message\n            }\n          }\n          ...MutationErrorFields\n        }\n      }\n    }\n    ...MutationErrorFields\n  }\n}"): typeof import('./graphql').EarnPromotionDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation EnrolCustomers($input: EnrolCustomersInput!) {\n  enrolCustomers(input: $input) {\n    __typename\n    ... on EnrolCustomersResult {\n      totalCount\n      successCount\n      failureCount\n      replayed\n      results {\n        identifierValue\n        source\n        outcome {\n          __typename\n          ... on Enrolment {\n            entityId\n            programId\n            promotionId\n            promoIdentifier\n            issualId\n            warnings {\n              upstreamCode\n              message\n            }\n          }\n          ...MutationErrorFields\n        }\n      }\n    }\n    ...MutationErrorFields\n  }\n}"): typeof import('./graphql').EnrolCustomersDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query GatewayLimits {\n  gatewayLimits {\n    maxCustomersPerMutation\n    upstreamBatchSize\n    batchWindowMs\n  }\n}"): typeof import('./graphql').GatewayLimitsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment MutationErrorFields on MutationError {\n  __typename\n  message\n  retryable\n  ... on InvalidInputError {\n    violations {\n      field\n      message\n    }\n  }\n  ... on InvalidProgramError {\n    upstreamCode\n  }\n  ... on InvalidPromotionError {\n    upstreamCode\n  }\n  ... on PromotionInactiveError {\n    upstreamCode\n  }\n  ... on UnsupportedActionError {\n    upstreamCode\n  }\n  ... on CustomerNotFoundError {\n    upstreamCode\n  }\n  ... on IssueFailedError {\n    upstreamCode\n  }\n  ... on LimitExhaustedError {\n    upstreamCode\n  }\n  ... on CustomerBusyError {\n    upstreamCode\n  }\n  ... on UpstreamError {\n    upstreamCode\n  }\n  ... on RateLimitedError {\n    retryAfterSeconds\n  }\n  ... on IdempotencyConflictError {\n    reason\n  }\n}"): typeof import('./graphql').MutationErrorFieldsFragmentDoc;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
