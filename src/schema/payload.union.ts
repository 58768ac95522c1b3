import { createUnionType } from 'type-graphql';
import { InvalidInputError } from './invalid-input-error.type';
import {
  IdempotencyConflictError,
  OutcomeUnknownError,
  RateLimitedError,
  UpstreamUnavailableError,
} from './path-errors.type';
import {
  EarnPromotionResult,
  EnrolCustomersResult,
  RevokeEarningsResult,
  RevokeEnrolmentsResult,
} from './result.type';
import {
  InvalidProgramError,
  InvalidPromotionError,
  PromotionInactiveError,
  UnsupportedActionError,
  UpstreamError,
} from './upstream-errors.type';

/** Errors that apply to a whole mutation (hoisted batch-level errors and refusals). */
const mutationErrorTypes = [
  InvalidInputError,
  InvalidProgramError,
  InvalidPromotionError,
  PromotionInactiveError,
  UnsupportedActionError,
  UpstreamUnavailableError,
  RateLimitedError,
  OutcomeUnknownError,
  IdempotencyConflictError,
  UpstreamError,
] as const;

export const EnrolCustomersPayload = createUnionType({
  name: 'EnrolCustomersPayload',
  description: 'The per-customer result, or one error when the whole mutation failed the same way.',
  types: () => [EnrolCustomersResult, ...mutationErrorTypes] as const,
});

export const EarnPromotionPayload = createUnionType({
  name: 'EarnPromotionPayload',
  description: 'The per-customer result, or one error when the whole mutation failed the same way.',
  types: () => [EarnPromotionResult, ...mutationErrorTypes] as const,
});

export const RevokeEnrolmentsPayload = createUnionType({
  name: 'RevokeEnrolmentsPayload',
  description: 'The per-customer result, or one error when the whole mutation failed the same way.',
  types: () => [RevokeEnrolmentsResult, ...mutationErrorTypes] as const,
});

export const RevokeEarningsPayload = createUnionType({
  name: 'RevokeEarningsPayload',
  description: 'The per-customer result, or one error when the whole mutation failed the same way.',
  types: () => [RevokeEarningsResult, ...mutationErrorTypes] as const,
});
