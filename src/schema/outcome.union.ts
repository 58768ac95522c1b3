import { createUnionType } from 'type-graphql';
import { Earning, Enrolment } from './issued.type';
import { EarningRevocation, EnrolmentRevocation } from './revocation.type';
import {
  OutcomeUnknownError,
  RateLimitedError,
  UpstreamUnavailableError,
} from './path-errors.type';
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
} from './upstream-errors.type';

/** Every way one customer's request can end, success aside. */
const customerErrorTypes = [
  CustomerNotFoundError,
  IssueFailedError,
  LimitExhaustedError,
  CustomerBusyError,
  InvalidProgramError,
  InvalidPromotionError,
  PromotionInactiveError,
  UnsupportedActionError,
  UpstreamUnavailableError,
  RateLimitedError,
  OutcomeUnknownError,
  UpstreamError,
] as const;

export const EnrolmentOutcome = createUnionType({
  name: 'EnrolmentOutcome',
  description: 'What happened to one customer of enrolCustomers.',
  types: () => [Enrolment, ...customerErrorTypes] as const,
});

export const EarningOutcome = createUnionType({
  name: 'EarningOutcome',
  description: 'What happened to one customer of earnPromotion.',
  types: () => [Earning, ...customerErrorTypes] as const,
});

/** Every way one customer's revocation can end, success aside: no limits, and 8903 for earns. */
const revocationErrorTypes = [
  CustomerNotFoundError,
  IssueFailedError,
  CustomerBusyError,
  InvalidProgramError,
  InvalidPromotionError,
  PromotionInactiveError,
  UnsupportedActionError,
  UpstreamUnavailableError,
  RateLimitedError,
  OutcomeUnknownError,
  UpstreamError,
] as const;

export const EnrolmentRevocationOutcome = createUnionType({
  name: 'EnrolmentRevocationOutcome',
  description: 'What happened to one customer of revokeEnrolments.',
  types: () => [EnrolmentRevocation, ...revocationErrorTypes] as const,
});

export const EarningRevocationOutcome = createUnionType({
  name: 'EarningRevocationOutcome',
  description: 'What happened to one customer of revokeEarnings.',
  types: () => [EarningRevocation, EarningNotRevocableError, ...revocationErrorTypes] as const,
});
