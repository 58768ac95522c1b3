/* eslint-disable */
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = T | null | undefined;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** A date-time string at UTC, such as 2007-12-03T10:15:30Z, compliant with the `date-time` format outlined in section 5.6 of the RFC 3339 profile of the ISO 8601 standard for representation of dates and times using the Gregorian calendar. */
  DateTime: { input: any; output: any; }
};

/** Another action on this customer was in flight at the promotion API; nothing was done. Sending the same mutation again, with the same idempotencyKey, may succeed (API code 521). */
export type CustomerBusyError = MutationError & {
  __typename?: 'CustomerBusyError';
  /** What went wrong, for people. */
  message: Scalars['String']['output'];
  /** True when sending the same mutation again, with the same idempotencyKey, may succeed. */
  retryable: Scalars['Boolean']['output'];
  /** The promotion API's error code. */
  upstreamCode: Scalars['Int']['output'];
};

/** One input customer of earnPromotion and what happened to it. */
export type CustomerEarning = {
  __typename?: 'CustomerEarning';
  /** The identifier as the input gave it. */
  identifierValue: Scalars['String']['output'];
  /** An Earning, or why there is none. */
  outcome: EarningOutcome;
  /** The source as the input gave it. */
  source: CustomerSource;
};

/** One input customer of revokeEarnings and what happened to it. */
export type CustomerEarningRevocation = {
  __typename?: 'CustomerEarningRevocation';
  /** The identifier as the input gave it. */
  identifierValue: Scalars['String']['output'];
  /** An EarningRevocation, or why there is none. */
  outcome: EarningRevocationOutcome;
  /** The source as the input gave it. */
  source: CustomerSource;
};

/** One input customer of enrolCustomers and what happened to it. */
export type CustomerEnrolment = {
  __typename?: 'CustomerEnrolment';
  /** The identifier as the input gave it. */
  identifierValue: Scalars['String']['output'];
  /** An Enrolment, or why there is none. */
  outcome: EnrolmentOutcome;
  /** The source as the input gave it. */
  source: CustomerSource;
};

/** One input customer of revokeEnrolments and what happened to it. */
export type CustomerEnrolmentRevocation = {
  __typename?: 'CustomerEnrolmentRevocation';
  /** The identifier as the input gave it. */
  identifierValue: Scalars['String']['output'];
  /** An EnrolmentRevocation, or why there is none. */
  outcome: EnrolmentRevocationOutcome;
  /** The source as the input gave it. */
  source: CustomerSource;
};

/** Which identifier `identifierValue` holds; sent to the API as "id", "mobile" or "email". */
export type CustomerIdentifierName =
  /** Email address. */
  | 'EMAIL'
  /** The loyalty platform customer id (digits). */
  | 'ID'
  /** Mobile number: 8 to 15 digits, optionally with a leading "+". */
  | 'MOBILE';

/** One customer to act on. */
export type CustomerInput = {
  /** The customer identifier, of the kind named by identifierName. */
  identifierValue: Scalars['String']['input'];
  /** The source of the customer's registration. */
  source: CustomerSource;
};

/** No customer of the program has this identifier (API code 8015). */
export type CustomerNotFoundError = MutationError & {
  __typename?: 'CustomerNotFoundError';
  /** What went wrong, for people. */
  message: Scalars['String']['output'];
  /** True when sending the same mutation again, with the same idempotencyKey, may succeed. */
  retryable: Scalars['Boolean']['output'];
  /** The promotion API's error code. */
  upstreamCode: Scalars['Int']['output'];
};

/** One promotion as the API records it for one customer. */
export type CustomerPromotion = {
  __typename?: 'CustomerPromotion';
  /** Whether the API marks it active. */
  active: Scalars['Boolean']['output'];
  /** The promotion's definition, fetched on demand (batched and cached, see DESIGN §8); null with a GraphQL error when it cannot be had. */
  definition?: Maybe<Promotion>;
  /** The promotion's description. */
  description?: Maybe<Scalars['String']['output']>;
  /** When it ends. */
  endsAt?: Maybe<Scalars['DateTime']['output']>;
  /** The customer's enrolments, newest first; [] when never enrolled (and always for GENERIC). */
  enrolments: Array<PromotionEnrolment>;
  /** What kind of promotion it is. */
  kind: PromotionKind;
  /** The promotion's name. */
  name: Scalars['String']['output'];
  /** The loyalty program. */
  programId: Scalars['Int']['output'];
  /** The promotion's external identifier (the API's identifier). */
  promoIdentifier?: Maybe<Scalars['String']['output']>;
  /** The promotion id. */
  promotionId: Scalars['Int']['output'];
  /** When it starts. */
  startsAt?: Maybe<Scalars['DateTime']['output']>;
  /** Caps, and how much of them is used. */
  usage: PromotionUsage;
};

/** Where a promotion stands for one customer. */
export type CustomerPromotionStatus =
  /** A Direct Issue promotion, or an Enrol-and-Issue one the customer joined. */
  | 'AVAILABLE_TO_EARN'
  /** An Enrol-and-Issue promotion the customer has not joined. */
  | 'AVAILABLE_TO_ENROL'
  /** An active promotion of any kind. */
  | 'AVAILABLE_TO_REDEEM'
  /** A promotion past its end date. */
  | 'EXPIRED';

/** One page of a customer's promotions. */
export type CustomerPromotions = {
  __typename?: 'CustomerPromotions';
  /** The customer id in the loyalty platform (the API's customerId). */
  entityId: Scalars['ID']['output'];
  /** How to get the next page. */
  pageInfo: PageInfo;
  /** The promotions of this page. */
  promotions: Array<CustomerPromotion>;
  /** Every matching promotion, all pages. */
  totalCount: Scalars['Int']['output'];
};

/** Input of customerPromotions. */
export type CustomerPromotionsInput = {
  /** The previous page's PageInfo.endCursor; opaque. */
  after?: InputMaybe<Scalars['String']['input']>;
  /** Whose promotions. */
  customer: CustomerRefInput;
  /** Page size, 1 to 100. */
  first?: InputMaybe<Scalars['Int']['input']>;
  /** Only promotions of this kind. */
  kind?: InputMaybe<PromotionKind>;
  /** Only these programs; every program when absent. */
  programIds?: InputMaybe<Array<Scalars['Int']['input']>>;
  /** Only promotions in this state for the customer. */
  status?: InputMaybe<CustomerPromotionStatus>;
};

/** One page of the customer's promotions, or why there is none. */
export type CustomerPromotionsPayload = CustomerNotFoundError | CustomerPromotions | InvalidInputError | InvalidProgramError | RateLimitedError | UpstreamError | UpstreamUnavailableError;

/** One customer, identified as for the mutations. */
export type CustomerRefInput = {
  /** Which identifier identifierValue holds. */
  identifierName: CustomerIdentifierName;
  /** The customer identifier, of the kind named by identifierName. */
  identifierValue: Scalars['String']['input'];
  /** The source of the customer's registration. */
  source: CustomerSource;
};

/** The source of the customer's registration, as known to the loyalty platform. */
export type CustomerSource =
  | 'ALL'
  | 'ECOMMERCE'
  | 'FACEBOOK'
  | 'INSTORE'
  | 'JD'
  | 'LINE'
  | 'MARTJACK'
  | 'TAOBAO'
  | 'TMALL'
  | 'WEBSITE'
  | 'WEB_ENGAGE';

/** Input of earnPromotion. */
export type EarnPromotionInput = {
  /** The customers, 1 to gatewayLimits.maxCustomersPerMutation, each at most once. */
  customers: Array<CustomerInput>;
  /** Optional, at most 255 characters. The same key with the same input replays the first completed answer instead of calling the API again. */
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  /** Which identifier every customer gives. */
  identifierName: CustomerIdentifierName;
  /** The promotion to act on. */
  promotion: PromotionRefInput;
};

/** The per-customer result, or one error when the whole mutation failed the same way. */
export type EarnPromotionPayload = EarnPromotionResult | IdempotencyConflictError | InvalidInputError | InvalidProgramError | InvalidPromotionError | OutcomeUnknownError | PromotionInactiveError | RateLimitedError | UnsupportedActionError | UpstreamError | UpstreamUnavailableError;

/** The per-customer answer of earnPromotion. */
export type EarnPromotionResult = {
  __typename?: 'EarnPromotionResult';
  /** Customers whose outcome is an error. */
  failureCount: Scalars['Int']['output'];
  /** True when answered from an earlier call with the same idempotencyKey. */
  replayed: Scalars['Boolean']['output'];
  /** One per input customer, in input order. */
  results: Array<CustomerEarning>;
  /** Customers whose outcome is a success. */
  successCount: Scalars['Int']['output'];
  /** Customers in the input. */
  totalCount: Scalars['Int']['output'];
};

/** The promotion was issued to the customer, who earned it. */
export type Earning = {
  __typename?: 'Earning';
  /** Id of this earn. */
  earnedId: Scalars['ID']['output'];
  /** The customer id in the loyalty platform. */
  entityId: Scalars['ID']['output'];
  /** Id of the enrolment earned on; a placeholder for Direct Issue promotions. */
  issualId: Scalars['ID']['output'];
  /** The loyalty program. */
  programId: Scalars['Int']['output'];
  /** The promotion's external identifier, when the API returned it. */
  promoIdentifier?: Maybe<Scalars['String']['output']>;
  /** The promotion id, when the API returned it. */
  promotionId?: Maybe<Scalars['Int']['output']>;
  /** Warnings the API gave with this result. */
  warnings: Array<UpstreamWarning>;
};

/** Nothing was revoked: an earnedId given is not one of the customer's earnings or is already revoked, or the customer has no earning left to revoke (API code 8903). */
export type EarningNotRevocableError = MutationError & {
  __typename?: 'EarningNotRevocableError';
  /** What went wrong, for people. */
  message: Scalars['String']['output'];
  /** True when sending the same mutation again, with the same idempotencyKey, may succeed. */
  retryable: Scalars['Boolean']['output'];
  /** The promotion API's error code. */
  upstreamCode: Scalars['Int']['output'];
};

/** What happened to one customer of earnPromotion. */
export type EarningOutcome = CustomerBusyError | CustomerNotFoundError | Earning | InvalidProgramError | InvalidPromotionError | IssueFailedError | LimitExhaustedError | OutcomeUnknownError | PromotionInactiveError | RateLimitedError | UnsupportedActionError | UpstreamError | UpstreamUnavailableError;

/** The customer's earnings of the promotion are revoked. */
export type EarningRevocation = {
  __typename?: 'EarningRevocation';
  /** The customer id in the loyalty platform. */
  entityId: Scalars['ID']['output'];
  /** The loyalty program. */
  programId: Scalars['Int']['output'];
  /** The promotion's external identifier, when the API returned it. */
  promoIdentifier?: Maybe<Scalars['String']['output']>;
  /** The promotion id, when the API returned it. */
  promotionId?: Maybe<Scalars['Int']['output']>;
  /** The earnedIds revoked (as earnPromotion returned them). */
  revokedEarnedIds: Array<Scalars['ID']['output']>;
  /** Warnings the API gave with this result. */
  warnings: Array<UpstreamWarning>;
};

/** What happened to one customer of revokeEarnings. */
export type EarningRevocationOutcome = CustomerBusyError | CustomerNotFoundError | EarningNotRevocableError | EarningRevocation | InvalidProgramError | InvalidPromotionError | IssueFailedError | OutcomeUnknownError | PromotionInactiveError | RateLimitedError | UnsupportedActionError | UpstreamError | UpstreamUnavailableError;

/** Input of enrolCustomers. */
export type EnrolCustomersInput = {
  /** The customers, 1 to gatewayLimits.maxCustomersPerMutation, each at most once. */
  customers: Array<CustomerInput>;
  /** Optional, at most 255 characters. The same key with the same input replays the first completed answer instead of calling the API again. */
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  /** Which identifier every customer gives. */
  identifierName: CustomerIdentifierName;
  /** The promotion to act on. */
  promotion: PromotionRefInput;
};

/** The per-customer result, or one error when the whole mutation failed the same way. */
export type EnrolCustomersPayload = EnrolCustomersResult | IdempotencyConflictError | InvalidInputError | InvalidProgramError | InvalidPromotionError | OutcomeUnknownError | PromotionInactiveError | RateLimitedError | UnsupportedActionError | UpstreamError | UpstreamUnavailableError;

/** The per-customer answer of enrolCustomers. */
export type EnrolCustomersResult = {
  __typename?: 'EnrolCustomersResult';
  /** Customers whose outcome is an error. */
  failureCount: Scalars['Int']['output'];
  /** True when answered from an earlier call with the same idempotencyKey. */
  replayed: Scalars['Boolean']['output'];
  /** One per input customer, in input order. */
  results: Array<CustomerEnrolment>;
  /** Customers whose outcome is a success. */
  successCount: Scalars['Int']['output'];
  /** Customers in the input. */
  totalCount: Scalars['Int']['output'];
};

/** The customer is enrolled in the promotion. */
export type Enrolment = {
  __typename?: 'Enrolment';
  /** The customer id in the loyalty platform. */
  entityId: Scalars['ID']['output'];
  /** Id of this enrolment (the API calls enrolment "issue"). */
  issualId: Scalars['ID']['output'];
  /** The loyalty program. */
  programId: Scalars['Int']['output'];
  /** The promotion's external identifier, when the API returned it. */
  promoIdentifier?: Maybe<Scalars['String']['output']>;
  /** The promotion id, when the API returned it. */
  promotionId?: Maybe<Scalars['Int']['output']>;
  /** Warnings the API gave with this result. */
  warnings: Array<UpstreamWarning>;
};

/** What happened to one customer of enrolCustomers. */
export type EnrolmentOutcome = CustomerBusyError | CustomerNotFoundError | Enrolment | InvalidProgramError | InvalidPromotionError | IssueFailedError | LimitExhaustedError | OutcomeUnknownError | PromotionInactiveError | RateLimitedError | UnsupportedActionError | UpstreamError | UpstreamUnavailableError;

/** The customer's enrolment in the promotion is revoked. */
export type EnrolmentRevocation = {
  __typename?: 'EnrolmentRevocation';
  /** The customer id in the loyalty platform. */
  entityId: Scalars['ID']['output'];
  /** The loyalty program. */
  programId: Scalars['Int']['output'];
  /** The promotion's external identifier, when the API returned it. */
  promoIdentifier?: Maybe<Scalars['String']['output']>;
  /** The promotion id, when the API returned it. */
  promotionId?: Maybe<Scalars['Int']['output']>;
  /** The issualId of the enrolment revoked (as enrolCustomers returned it). */
  revokedIssualId: Scalars['ID']['output'];
  /** Warnings the API gave with this result. */
  warnings: Array<UpstreamWarning>;
};

/** What happened to one customer of revokeEnrolments. */
export type EnrolmentRevocationOutcome = CustomerBusyError | CustomerNotFoundError | EnrolmentRevocation | InvalidProgramError | InvalidPromotionError | IssueFailedError | OutcomeUnknownError | PromotionInactiveError | RateLimitedError | UnsupportedActionError | UpstreamError | UpstreamUnavailableError;

/** This gateway's limits, so clients can size their mutations. */
export type GatewayLimits = {
  __typename?: 'GatewayLimits';
  /** Longest wait, in ms, to coalesce concurrent mutations into one API call (BATCH_WINDOW_MS). */
  batchWindowMs: Scalars['Int']['output'];
  /** Most customers one mutation may carry (MAX_CUSTOMERS_PER_MUTATION). */
  maxCustomersPerMutation: Scalars['Int']['output'];
  /** Most customers sent in one API call (UPSTREAM_BATCH_SIZE). */
  upstreamBatchSize: Scalars['Int']['output'];
};

/** The idempotencyKey is in use by a running mutation, or was used with another input. */
export type IdempotencyConflictError = MutationError & {
  __typename?: 'IdempotencyConflictError';
  /** What went wrong, for people. */
  message: Scalars['String']['output'];
  /** Why the key could not be used. */
  reason: IdempotencyConflictReason;
  /** True when sending the same mutation again, with the same idempotencyKey, may succeed. */
  retryable: Scalars['Boolean']['output'];
};

/** Why a mutation with an idempotencyKey could not run. */
export type IdempotencyConflictReason =
  /** This key was already used with a different input. */
  | 'INPUT_MISMATCH'
  /** An earlier mutation with this key is still running; retry later. */
  | 'IN_PROGRESS';

/** One problem with the input. */
export type InputViolation = {
  __typename?: 'InputViolation';
  /** Path of the offending field, like "customers[3].identifierValue". */
  field: Scalars['String']['output'];
  /** What is wrong with it. */
  message: Scalars['String']['output'];
};

/** The input was refused before anything was sent; every violation is listed. */
export type InvalidInputError = MutationError & {
  __typename?: 'InvalidInputError';
  /** What went wrong, for people. */
  message: Scalars['String']['output'];
  /** True when sending the same mutation again, with the same idempotencyKey, may succeed. */
  retryable: Scalars['Boolean']['output'];
  /** Every problem found, all at once: at most 100 per HTTP request, then one entry of field "input" saying more were left out. */
  violations: Array<InputViolation>;
};

/** The program does not exist or is not visible to these credentials (API code 1101). */
export type InvalidProgramError = MutationError & {
  __typename?: 'InvalidProgramError';
  /** What went wrong, for people. */
  message: Scalars['String']['output'];
  /** True when sending the same mutation again, with the same idempotencyKey, may succeed. */
  retryable: Scalars['Boolean']['output'];
  /** The promotion API's error code. */
  upstreamCode: Scalars['Int']['output'];
};

/** The promotion does not exist in this program (API code 8874). */
export type InvalidPromotionError = MutationError & {
  __typename?: 'InvalidPromotionError';
  /** What went wrong, for people. */
  message: Scalars['String']['output'];
  /** True when sending the same mutation again, with the same idempotencyKey, may succeed. */
  retryable: Scalars['Boolean']['output'];
  /** The promotion API's error code. */
  upstreamCode: Scalars['Int']['output'];
};

/** The API could not issue the promotion to the customer, e.g. EARN without an active enrolment (API code 8896). */
export type IssueFailedError = MutationError & {
  __typename?: 'IssueFailedError';
  /** What went wrong, for people. */
  message: Scalars['String']['output'];
  /** True when sending the same mutation again, with the same idempotencyKey, may succeed. */
  retryable: Scalars['Boolean']['output'];
  /** The promotion API's error code. */
  upstreamCode: Scalars['Int']['output'];
};

/** Nothing was issued: the promotion's configuration or the customer's limits do not allow it (API warning 8890, no ids). */
export type LimitExhaustedError = MutationError & {
  __typename?: 'LimitExhaustedError';
  /** What went wrong, for people. */
  message: Scalars['String']['output'];
  /** True when sending the same mutation again, with the same idempotencyKey, may succeed. */
  retryable: Scalars['Boolean']['output'];
  /** The promotion API's error code. */
  upstreamCode: Scalars['Int']['output'];
};

export type Mutation = {
  __typename?: 'Mutation';
  /** Issue a promotion to customers so that they earn it (bulkAction EARN). */
  earnPromotion: EarnPromotionPayload;
  /** Enrol customers into an Enrol-and-Issue promotion (bulkAction ENROL). */
  enrolCustomers: EnrolCustomersPayload;
  /** Revoke what customers earned (bulkAction REVOKE_EARN): the earnedIds given, or all of them. */
  revokeEarnings: RevokeEarningsPayload;
  /** Revoke customers' enrolments (bulkAction REVOKE_ENROL). Their earnings must be revoked first. */
  revokeEnrolments: RevokeEnrolmentsPayload;
};


export type MutationEarnPromotionArgs = {
  input: EarnPromotionInput;
};


export type MutationEnrolCustomersArgs = {
  input: EnrolCustomersInput;
};


export type MutationRevokeEarningsArgs = {
  input: RevokeEarningsInput;
};


export type MutationRevokeEnrolmentsArgs = {
  input: RevokeEnrolmentsInput;
};

/** Every error a mutation can answer with, as data. */
export type MutationError = {
  /** What went wrong, for people. */
  message: Scalars['String']['output'];
  /** True when sending the same mutation again, with the same idempotencyKey, may succeed. */
  retryable: Scalars['Boolean']['output'];
};

/** The request was sent but no trustworthy answer came back: it may or may not have been processed. Retry with the same idempotencyKey to find out without doing it twice. */
export type OutcomeUnknownError = MutationError & {
  __typename?: 'OutcomeUnknownError';
  /** What went wrong, for people. */
  message: Scalars['String']['output'];
  /** True when sending the same mutation again, with the same idempotencyKey, may succeed. */
  retryable: Scalars['Boolean']['output'];
};

/** Where a page of a list stands (Relay). */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** Pass as `after` to get the next page; null when this page is empty. */
  endCursor?: Maybe<Scalars['String']['output']>;
  /** True when another page follows this one. */
  hasNextPage: Scalars['Boolean']['output'];
};

/** A promotion's definition (get-by-id). */
export type Promotion = {
  __typename?: 'Promotion';
  /** Whether the API marks it active. */
  active: Scalars['Boolean']['output'];
  /** The promotion's description. */
  description?: Maybe<Scalars['String']['output']>;
  /** When it ends. */
  endsAt?: Maybe<Scalars['DateTime']['output']>;
  /** The event it is earned on. */
  eventName?: Maybe<Scalars['String']['output']>;
  /** What kind of promotion it is. */
  kind: PromotionKind;
  /** Its caps. */
  limits: PromotionLimits;
  /** The promotion's name. */
  name: Scalars['String']['output'];
  /** The loyalty program. */
  programId: Scalars['Int']['output'];
  /** The promotion's external identifier. */
  promoIdentifier?: Maybe<Scalars['String']['output']>;
  /** The promotion id. */
  promotionId: Scalars['Int']['output'];
  /** Its restrictions, every scope. */
  restrictions: Array<PromotionRestriction>;
  /** When it starts. */
  startsAt?: Maybe<Scalars['DateTime']['output']>;
  /** The API's promotionStatus (LIVE, PENDING, ...). */
  status?: Maybe<Scalars['String']['output']>;
};

/** One earning of an enrolment (the API calls it an issue). */
export type PromotionEarning = {
  __typename?: 'PromotionEarning';
  /** When it was earned. */
  earnedAt?: Maybe<Scalars['DateTime']['output']>;
  /** The earnedId earnPromotion returned (the lookup's issuedDetails[].issualId). */
  earnedId: Scalars['ID']['output'];
  /** When it expires. */
  expiresAt?: Maybe<Scalars['DateTime']['output']>;
  /** Times it was redeemed. */
  redeemedCount: Scalars['Int']['output'];
};

/** One of the customer's enrolments. */
export type PromotionEnrolment = {
  __typename?: 'PromotionEnrolment';
  /** What was earned on it, newest first. */
  earnings: Array<PromotionEarning>;
  /** When the customer enrolled. */
  enrolledAt?: Maybe<Scalars['DateTime']['output']>;
  /** When the enrolment expires. */
  expiresAt?: Maybe<Scalars['DateTime']['output']>;
  /** The issualId enrolCustomers returned (the lookup's enrollmentId). */
  issualId: Scalars['ID']['output'];
};

/** The promotion is inactive (API code 8892). */
export type PromotionInactiveError = MutationError & {
  __typename?: 'PromotionInactiveError';
  /** What went wrong, for people. */
  message: Scalars['String']['output'];
  /** True when sending the same mutation again, with the same idempotencyKey, may succeed. */
  retryable: Scalars['Boolean']['output'];
  /** The promotion API's error code. */
  upstreamCode: Scalars['Int']['output'];
};

/** What kind of promotion it is (the API's pointsOfferType / promotionType). */
export type PromotionKind =
  /** Issued directly: customers earn it without enrolling. */
  | 'DIRECT_ISSUE'
  /** Customers enrol first, then earn it. */
  | 'ENROL_AND_ISSUE'
  /** Available without issue: nobody is enrolled or earns it. */
  | 'GENERIC';

/** Caps of a promotion; null where the API sets none (-1). Points as decimal strings. */
export type PromotionLimits = {
  __typename?: 'PromotionLimits';
  /** Points the promotion may give in all. */
  maxPointsInPromotion?: Maybe<Scalars['String']['output']>;
  /** Points one customer may get. */
  maxPointsPerCustomer?: Maybe<Scalars['String']['output']>;
  /** Points one event may give. */
  maxPointsPerEvent?: Maybe<Scalars['String']['output']>;
  /** Times one customer may earn it. */
  maxTimesPerCustomer?: Maybe<Scalars['Int']['output']>;
};

/** The promotion's definition, or why there is none. */
export type PromotionPayload = InvalidInputError | InvalidProgramError | InvalidPromotionError | Promotion | RateLimitedError | UpstreamError | UpstreamUnavailableError;

/** The promotion to act on: its program, and exactly one of promotionId / promoIdentifier. */
export type PromotionRefInput = {
  /** Loyalty program id. */
  programId: Scalars['Int']['input'];
  /** External identifier of the promotion. Give this or promotionId, not both. */
  promoIdentifier?: InputMaybe<Scalars['String']['input']>;
  /** Promotion id. Give this or promoIdentifier, not both. */
  promotionId?: InputMaybe<Scalars['Int']['input']>;
};

/** One restriction of a promotion. */
export type PromotionRestriction = {
  __typename?: 'PromotionRestriction';
  /** The API's name, like MAX_NUMBER_OF_EARNS_PER_CUSTOMER. */
  name: Scalars['String']['output'];
  /** e.g. MOVING_WINDOW. */
  periodType?: Maybe<Scalars['String']['output']>;
  /** DAILY, WEEKLY or MONTHLY. */
  periodUnit?: Maybe<Scalars['String']['output']>;
  /** What it restricts. */
  scope: RestrictionScope;
  /** PERIOD_BASED / NON_PERIOD_BASED, or PROMOTION / CUSTOM for expiry. */
  type?: Maybe<Scalars['String']['output']>;
  /** Its value; -1 means no cap. */
  value?: Maybe<Scalars['Int']['output']>;
};

/** Caps and use; null where the API sets no cap (-1) or does not say. Points are decimal strings as the API gives them. */
export type PromotionUsage = {
  __typename?: 'PromotionUsage';
  /** Points the promotion may give in all. */
  maxPointsInPromotion?: Maybe<Scalars['String']['output']>;
  /** Points one customer may get. */
  maxPointsPerCustomer?: Maybe<Scalars['String']['output']>;
  /** Points one event may give. */
  maxPointsPerEvent?: Maybe<Scalars['String']['output']>;
  /** Times one customer may earn it. */
  maxTimesPerCustomer?: Maybe<Scalars['Int']['output']>;
  /** Points this customer got. */
  pointsUsedByCustomer?: Maybe<Scalars['String']['output']>;
  /** Points the promotion gave in all. */
  pointsUsedInPromotion?: Maybe<Scalars['String']['output']>;
  /** Times this customer earned it. */
  timesUsedByCustomer?: Maybe<Scalars['Int']['output']>;
};

export type Query = {
  __typename?: 'Query';
  /** A customer's promotions as the promotion API records them (GET /v2/customers/lookup/promotionData). */
  customerPromotions: CustomerPromotionsPayload;
  /** This gateway's limits; needs no credentials. */
  gatewayLimits: GatewayLimits;
  /** One promotion's definition (GET /api_gateway/loyalty/v1/programs/{programId}/promotions/{promotionId}/get). */
  promotion: PromotionPayload;
};


export type QueryCustomerPromotionsArgs = {
  input: CustomerPromotionsInput;
};


export type QueryPromotionArgs = {
  programId: Scalars['Int']['input'];
  promotionId: Scalars['Int']['input'];
};

/** The promotion API or this gateway asked callers to slow down. Nothing was processed. */
export type RateLimitedError = MutationError & {
  __typename?: 'RateLimitedError';
  /** What went wrong, for people. */
  message: Scalars['String']['output'];
  /** Seconds to wait before retrying, when known. */
  retryAfterSeconds?: Maybe<Scalars['Int']['output']>;
  /** True when sending the same mutation again, with the same idempotencyKey, may succeed. */
  retryable: Scalars['Boolean']['output'];
};

/** Which part of a promotion a restriction limits. */
export type RestrictionScope =
  /** Earning. */
  | 'EARN'
  /** How long enrolments and earnings last. */
  | 'EXPIRY'
  /** Enrolment (the API calls it issual). */
  | 'ISSUAL'
  /** Redeeming what was earned. */
  | 'REDEMPTION';

/** One customer whose earnings to revoke. */
export type RevokeEarningsCustomerInput = {
  /** The earnedIds (as earnPromotion returned them) to revoke, 1 to 100, each once; leave it out to revoke every earn of the customer. */
  earnedIds?: InputMaybe<Array<Scalars['ID']['input']>>;
  /** The customer identifier, of the kind named by identifierName. */
  identifierValue: Scalars['String']['input'];
  /** The source of the customer's registration. */
  source: CustomerSource;
};

/** Input of revokeEarnings. */
export type RevokeEarningsInput = {
  /** The customers, 1 to gatewayLimits.maxCustomersPerMutation, each at most once, with the earns to revoke. */
  customers: Array<RevokeEarningsCustomerInput>;
  /** Optional, at most 255 characters. The same key with the same input replays the first completed answer instead of calling the API again. */
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  /** Which identifier every customer gives. */
  identifierName: CustomerIdentifierName;
  /** The promotion to act on. */
  promotion: PromotionRefInput;
};

/** The per-customer result, or one error when the whole mutation failed the same way. */
export type RevokeEarningsPayload = IdempotencyConflictError | InvalidInputError | InvalidProgramError | InvalidPromotionError | OutcomeUnknownError | PromotionInactiveError | RateLimitedError | RevokeEarningsResult | UnsupportedActionError | UpstreamError | UpstreamUnavailableError;

/** The per-customer answer of revokeEarnings. */
export type RevokeEarningsResult = {
  __typename?: 'RevokeEarningsResult';
  /** Customers whose outcome is an error. */
  failureCount: Scalars['Int']['output'];
  /** True when answered from an earlier call with the same idempotencyKey. */
  replayed: Scalars['Boolean']['output'];
  /** One per input customer, in input order. */
  results: Array<CustomerEarningRevocation>;
  /** Customers whose outcome is a success. */
  successCount: Scalars['Int']['output'];
  /** Customers in the input. */
  totalCount: Scalars['Int']['output'];
};

/** Input of revokeEnrolments. */
export type RevokeEnrolmentsInput = {
  /** The customers, 1 to gatewayLimits.maxCustomersPerMutation, each at most once. */
  customers: Array<CustomerInput>;
  /** Optional, at most 255 characters. The same key with the same input replays the first completed answer instead of calling the API again. */
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  /** Which identifier every customer gives. */
  identifierName: CustomerIdentifierName;
  /** The promotion to act on. */
  promotion: PromotionRefInput;
};

/** The per-customer result, or one error when the whole mutation failed the same way. */
export type RevokeEnrolmentsPayload = IdempotencyConflictError | InvalidInputError | InvalidProgramError | InvalidPromotionError | OutcomeUnknownError | PromotionInactiveError | RateLimitedError | RevokeEnrolmentsResult | UnsupportedActionError | UpstreamError | UpstreamUnavailableError;

/** The per-customer answer of revokeEnrolments. */
export type RevokeEnrolmentsResult = {
  __typename?: 'RevokeEnrolmentsResult';
  /** Customers whose outcome is an error. */
  failureCount: Scalars['Int']['output'];
  /** True when answered from an earlier call with the same idempotencyKey. */
  replayed: Scalars['Boolean']['output'];
  /** One per input customer, in input order. */
  results: Array<CustomerEnrolmentRevocation>;
  /** Customers whose outcome is a success. */
  successCount: Scalars['Int']['output'];
  /** Customers in the input. */
  totalCount: Scalars['Int']['output'];
};

/** The action is not supported for this type of promotion, e.g. ENROL on a Direct Issue promotion (API code 8902). */
export type UnsupportedActionError = MutationError & {
  __typename?: 'UnsupportedActionError';
  /** What went wrong, for people. */
  message: Scalars['String']['output'];
  /** True when sending the same mutation again, with the same idempotencyKey, may succeed. */
  retryable: Scalars['Boolean']['output'];
  /** The promotion API's error code. */
  upstreamCode: Scalars['Int']['output'];
};

/** The promotion API reported an error this gateway has no more specific type for. */
export type UpstreamError = MutationError & {
  __typename?: 'UpstreamError';
  /** What went wrong, for people. */
  message: Scalars['String']['output'];
  /** True when sending the same mutation again, with the same idempotencyKey, may succeed. */
  retryable: Scalars['Boolean']['output'];
  /** The promotion API's error code. */
  upstreamCode: Scalars['Int']['output'];
};

/** The promotion API could not be reached (refused, DNS, connect timeout, open circuit, overloaded). Nothing was processed. */
export type UpstreamUnavailableError = MutationError & {
  __typename?: 'UpstreamUnavailableError';
  /** What went wrong, for people. */
  message: Scalars['String']['output'];
  /** True when sending the same mutation again, with the same idempotencyKey, may succeed. */
  retryable: Scalars['Boolean']['output'];
};

/** A warning the promotion API attached to a successful result. */
export type UpstreamWarning = {
  __typename?: 'UpstreamWarning';
  /** The warning as the API worded it. */
  message: Scalars['String']['output'];
  /** The promotion API's warning code. */
  upstreamCode: Scalars['Int']['output'];
};

export type CustomerPromotionsQueryVariables = Exact<{
  input: CustomerPromotionsInput;
}>;


export type CustomerPromotionsQuery = { __typename?: 'Query', customerPromotions:
    | { __typename: 'CustomerNotFoundError', upstreamCode: number, message: string, retryable: boolean }
    | { __typename: 'CustomerPromotions', entityId: string, totalCount: number, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null }, promotions: Array<{ __typename?: 'CustomerPromotion', programId: number, promotionId: number, promoIdentifier?: string | null, name: string, kind: PromotionKind, active: boolean, startsAt?: any | null, endsAt?: any | null, enrolments: Array<{ __typename?: 'PromotionEnrolment', issualId: string, enrolledAt?: any | null, expiresAt?: any | null, earnings: Array<{ __typename?: 'PromotionEarning', earnedId: string, earnedAt?: any | null, expiresAt?: any | null, redeemedCount: number }> }> }> }
    | { __typename: 'InvalidInputError', message: string, retryable: boolean, violations: Array<{ __typename?: 'InputViolation', field: string, message: string }> }
    | { __typename: 'InvalidProgramError', upstreamCode: number, message: string, retryable: boolean }
    | { __typename: 'RateLimitedError', retryAfterSeconds?: number | null, message: string, retryable: boolean }
    | { __typename: 'UpstreamError', upstreamCode: number, message: string, retryable: boolean }
    | { __typename: 'UpstreamUnavailableError', message: string, retryable: boolean }
   };

export type EarnPromotionMutationVariables = Exact<{
  input: EarnPromotionInput;
}>;


export type EarnPromotionMutation = { __typename?: 'Mutation', earnPromotion:
    | { __typename: 'EarnPromotionResult', totalCount: number, successCount: number, failureCount: number, replayed: boolean, results: Array<{ __typename?: 'CustomerEarning', identifierValue: string, source: CustomerSource, outcome:
          | { __typename: 'CustomerBusyError', upstreamCode: number, message: string, retryable: boolean }
          | { __typename: 'CustomerNotFoundError', upstreamCode: number, message: string, retryable: boolean }
          | { __typename: 'Earning', entityId: string, programId: number, promotionId?: number | null, promoIdentifier?: string | null, issualId: string, earnedId: string, warnings: Array<{ __typename?: 'UpstreamWarning', upstreamCode: number, message: string }> }
          | { __typename: 'InvalidProgramError', upstreamCode: number, message: string, retryable: boolean }
          | { __typename: 'InvalidPromotionError', upstreamCode: number, message: string, retryable: boolean }
          | { __typename: 'IssueFailedError', upstreamCode: number, message: string, retryable: boolean }
          | { __typename: 'LimitExhaustedError', upstreamCode: number, message: string, retryable: boolean }
          | { __typename: 'OutcomeUnknownError', message: string, retryable: boolean }
          | { __typename: 'PromotionInactiveError', upstreamCode: number, message: string, retryable: boolean }
          | { __typename: 'RateLimitedError', retryAfterSeconds?: number | null, message: string, retryable: boolean }
          | { __typename: 'UnsupportedActionError', upstreamCode: number, message: string, retryable: boolean }
          | { __typename: 'UpstreamError', upstreamCode: number, message: string, retryable: boolean }
          | { __typename: 'UpstreamUnavailableError', message: string, retryable: boolean }
         }> }
    | { __typename: 'IdempotencyConflictError', reason: IdempotencyConflictReason, message: string, retryable: boolean }
    | { __typename: 'InvalidInputError', message: string, retryable: boolean, violations: Array<{ __typename?: 'InputViolation', field: string, message: string }> }
    | { __typename: 'InvalidProgramError', upstreamCode: number, message: string, retryable: boolean }
    | { __typename: 'InvalidPromotionError', upstreamCode: number, message: string, retryable: boolean }
    | { __typename: 'OutcomeUnknownError', message: string, retryable: boolean }
    | { __typename: 'PromotionInactiveError', upstreamCode: number, message: string, retryable: boolean }
    | { __typename: 'RateLimitedError', retryAfterSeconds?: number | null, message: string, retryable: boolean }
    | { __typename: 'UnsupportedActionError', upstreamCode: number, message: string, retryable: boolean }
    | { __typename: 'UpstreamError', upstreamCode: number, message: string, retryable: boolean }
    | { __typename: 'UpstreamUnavailableError', message: string, retryable: boolean }
   };

export type EnrolCustomersMutationVariables = Exact<{
  input: EnrolCustomersInput;
}>;


export type EnrolCustomersMutation = { __typename?: 'Mutation', enrolCustomers:
    | { __typename: 'EnrolCustomersResult', totalCount: number, successCount: number, failureCount: number, replayed: boolean, results: Array<{ __typename?: 'CustomerEnrolment', identifierValue: string, source: CustomerSource, outcome:
          | { __typename: 'CustomerBusyError', upstreamCode: number, message: string, retryable: boolean }
          | { __typename: 'CustomerNotFoundError', upstreamCode: number, message: string, retryable: boolean }
          | { __typename: 'Enrolment', entityId: string, programId: number, promotionId?: number | null, promoIdentifier?: string | null, issualId: string, warnings: Array<{ __typename?: 'UpstreamWarning', upstreamCode: number, message: string }> }
          | { __typename: 'InvalidProgramError', upstreamCode: number, message: string, retryable: boolean }
          | { __typename: 'InvalidPromotionError', upstreamCode: number, message: string, retryable: boolean }
          | { __typename: 'IssueFailedError', upstreamCode: number, message: string, retryable: boolean }
          | { __typename: 'LimitExhaustedError', upstreamCode: number, message: string, retryable: boolean }
          | { __typename: 'OutcomeUnknownError', message: string, retryable: boolean }
          | { __typename: 'PromotionInactiveError', upstreamCode: number, message: string, retryable: boolean }
          | { __typename: 'RateLimitedError', retryAfterSeconds?: number | null, message: string, retryable: boolean }
          | { __typename: 'UnsupportedActionError', upstreamCode: number, message: string, retryable: boolean }
          | { __typename: 'UpstreamError', upstreamCode: number, message: string, retryable: boolean }
          | { __typename: 'UpstreamUnavailableError', message: string, retryable: boolean }
         }> }
    | { __typename: 'IdempotencyConflictError', reason: IdempotencyConflictReason, message: string, retryable: boolean }
    | { __typename: 'InvalidInputError', message: string, retryable: boolean, violations: Array<{ __typename?: 'InputViolation', field: string, message: string }> }
    | { __typename: 'InvalidProgramError', upstreamCode: number, message: string, retryable: boolean }
    | { __typename: 'InvalidPromotionError', upstreamCode: number, message: string, retryable: boolean }
    | { __typename: 'OutcomeUnknownError', message: string, retryable: boolean }
    | { __typename: 'PromotionInactiveError', upstreamCode: number, message: string, retryable: boolean }
    | { __typename: 'RateLimitedError', retryAfterSeconds?: number | null, message: string, retryable: boolean }
    | { __typename: 'UnsupportedActionError', upstreamCode: number, message: string, retryable: boolean }
    | { __typename: 'UpstreamError', upstreamCode: number, message: string, retryable: boolean }
    | { __typename: 'UpstreamUnavailableError', message: string, retryable: boolean }
   };

export type GatewayLimitsQueryVariables = Exact<{ [key: string]: never; }>;


export type GatewayLimitsQuery = { __typename?: 'Query', gatewayLimits: { __typename?: 'GatewayLimits', maxCustomersPerMutation: number, upstreamBatchSize: number, batchWindowMs: number } };

type MutationErrorFields_CustomerBusyError_Fragment = { __typename: 'CustomerBusyError', upstreamCode: number, message: string, retryable: boolean };

type MutationErrorFields_CustomerNotFoundError_Fragment = { __typename: 'CustomerNotFoundError', upstreamCode: number, message: string, retryable: boolean };

type MutationErrorFields_EarningNotRevocableError_Fragment = { __typename: 'EarningNotRevocableError', message: string, retryable: boolean };

type MutationErrorFields_IdempotencyConflictError_Fragment = { __typename: 'IdempotencyConflictError', reason: IdempotencyConflictReason, message: string, retryable: boolean };

type MutationErrorFields_InvalidInputError_Fragment = { __typename: 'InvalidInputError', message: string, retryable: boolean, violations: Array<{ __typename?: 'InputViolation', field: string, message: string }> };

type MutationErrorFields_InvalidProgramError_Fragment = { __typename: 'InvalidProgramError', upstreamCode: number, message: string, retryable: boolean };

type MutationErrorFields_InvalidPromotionError_Fragment = { __typename: 'InvalidPromotionError', upstreamCode: number, message: string, retryable: boolean };

type MutationErrorFields_IssueFailedError_Fragment = { __typename: 'IssueFailedError', upstreamCode: number, message: string, retryable: boolean };

type MutationErrorFields_LimitExhaustedError_Fragment = { __typename: 'LimitExhaustedError', upstreamCode: number, message: string, retryable: boolean };

type MutationErrorFields_OutcomeUnknownError_Fragment = { __typename: 'OutcomeUnknownError', message: string, retryable: boolean };

type MutationErrorFields_PromotionInactiveError_Fragment = { __typename: 'PromotionInactiveError', upstreamCode: number, message: string, retryable: boolean };

type MutationErrorFields_RateLimitedError_Fragment = { __typename: 'RateLimitedError', retryAfterSeconds?: number | null, message: string, retryable: boolean };

type MutationErrorFields_UnsupportedActionError_Fragment = { __typename: 'UnsupportedActionError', upstreamCode: number, message: string, retryable: boolean };

type MutationErrorFields_UpstreamError_Fragment = { __typename: 'UpstreamError', upstreamCode: number, message: string, retryable: boolean };

type MutationErrorFields_UpstreamUnavailableError_Fragment = { __typename: 'UpstreamUnavailableError', message: string, retryable: boolean };

export type MutationErrorFieldsFragment =
  | MutationErrorFields_CustomerBusyError_Fragment
  | MutationErrorFields_CustomerNotFoundError_Fragment
  | MutationErrorFields_EarningNotRevocableError_Fragment
  | MutationErrorFields_IdempotencyConflictError_Fragment
  | MutationErrorFields_InvalidInputError_Fragment
  | MutationErrorFields_InvalidProgramError_Fragment
  | MutationErrorFields_InvalidPromotionError_Fragment
  | MutationErrorFields_IssueFailedError_Fragment
  | MutationErrorFields_LimitExhaustedError_Fragment
  | MutationErrorFields_OutcomeUnknownError_Fragment
  | MutationErrorFields_PromotionInactiveError_Fragment
  | MutationErrorFields_RateLimitedError_Fragment
  | MutationErrorFields_UnsupportedActionError_Fragment
  | MutationErrorFields_UpstreamError_Fragment
  | MutationErrorFields_UpstreamUnavailableError_Fragment
;

export type RevokeEarningsMutationVariables = Exact<{
  input: RevokeEarningsInput;
}>;


export type RevokeEarningsMutation = { __typename?: 'Mutation', revokeEarnings:
    | { __typename: 'IdempotencyConflictError', reason: IdempotencyConflictReason, message: string, retryable: boolean }
    | { __typename: 'InvalidInputError', message: string, retryable: boolean, violations: Array<{ __typename?: 'InputViolation', field: string, message: string }> }
    | { __typename: 'InvalidProgramError', upstreamCode: number, message: string, retryable: boolean }
    | { __typename: 'InvalidPromotionError', upstreamCode: number, message: string, retryable: boolean }
    | { __typename: 'OutcomeUnknownError', message: string, retryable: boolean }
    | { __typename: 'PromotionInactiveError', upstreamCode: number, message: string, retryable: boolean }
    | { __typename: 'RateLimitedError', retryAfterSeconds?: number | null, message: string, retryable: boolean }
    | { __typename: 'RevokeEarningsResult', totalCount: number, successCount: number, failureCount: number, replayed: boolean, results: Array<{ __typename?: 'CustomerEarningRevocation', identifierValue: string, source: CustomerSource, outcome:
          | { __typename: 'CustomerBusyError', upstreamCode: number, message: string, retryable: boolean }
          | { __typename: 'CustomerNotFoundError', upstreamCode: number, message: string, retryable: boolean }
          | { __typename: 'EarningNotRevocableError', message: string, retryable: boolean, upstreamCode: number }
          | { __typename: 'EarningRevocation', entityId: string, programId: number, promotionId?: number | null, promoIdentifier?: string | null, revokedEarnedIds: Array<string>, warnings: Array<{ __typename?: 'UpstreamWarning', upstreamCode: number, message: string }> }
          | { __typename: 'InvalidProgramError', upstreamCode: number, message: string, retryable: boolean }
          | { __typename: 'InvalidPromotionError', upstreamCode: number, message: string, retryable: boolean }
          | { __typename: 'IssueFailedError', upstreamCode: number, message: string, retryable: boolean }
          | { __typename: 'OutcomeUnknownError', message: string, retryable: boolean }
          | { __typename: 'PromotionInactiveError', upstreamCode: number, message: string, retryable: boolean }
          | { __typename: 'RateLimitedError', retryAfterSeconds?: number | null, message: string, retryable: boolean }
          | { __typename: 'UnsupportedActionError', upstreamCode: number, message: string, retryable: boolean }
          | { __typename: 'UpstreamError', upstreamCode: number, message: string, retryable: boolean }
          | { __typename: 'UpstreamUnavailableError', message: string, retryable: boolean }
         }> }
    | { __typename: 'UnsupportedActionError', upstreamCode: number, message: string, retryable: boolean }
    | { __typename: 'UpstreamError', upstreamCode: number, message: string, retryable: boolean }
    | { __typename: 'UpstreamUnavailableError', message: string, retryable: boolean }
   };

export type RevokeEnrolmentsMutationVariables = Exact<{
  input: RevokeEnrolmentsInput;
}>;


export type RevokeEnrolmentsMutation = { __typename?: 'Mutation', revokeEnrolments:
    | { __typename: 'IdempotencyConflictError', reason: IdempotencyConflictReason, message: string, retryable: boolean }
    | { __typename: 'InvalidInputError', message: string, retryable: boolean, violations: Array<{ __typename?: 'InputViolation', field: string, message: string }> }
    | { __typename: 'InvalidProgramError', upstreamCode: number, message: string, retryable: boolean }
    | { __typename: 'InvalidPromotionError', upstreamCode: number, message: string, retryable: boolean }
    | { __typename: 'OutcomeUnknownError', message: string, retryable: boolean }
    | { __typename: 'PromotionInactiveError', upstreamCode: number, message: string, retryable: boolean }
    | { __typename: 'RateLimitedError', retryAfterSeconds?: number | null, message: string, retryable: boolean }
    | { __typename: 'RevokeEnrolmentsResult', totalCount: number, successCount: number, failureCount: number, replayed: boolean, results: Array<{ __typename?: 'CustomerEnrolmentRevocation', identifierValue: string, source: CustomerSource, outcome:
          | { __typename: 'CustomerBusyError', upstreamCode: number, message: string, retryable: boolean }
          | { __typename: 'CustomerNotFoundError', upstreamCode: number, message: string, retryable: boolean }
          | { __typename: 'EnrolmentRevocation', entityId: string, programId: number, promotionId?: number | null, promoIdentifier?: string | null, revokedIssualId: string, warnings: Array<{ __typename?: 'UpstreamWarning', upstreamCode: number, message: string }> }
          | { __typename: 'InvalidProgramError', upstreamCode: number, message: string, retryable: boolean }
          | { __typename: 'InvalidPromotionError', upstreamCode: number, message: string, retryable: boolean }
          | { __typename: 'IssueFailedError', upstreamCode: number, message: string, retryable: boolean }
          | { __typename: 'OutcomeUnknownError', message: string, retryable: boolean }
          | { __typename: 'PromotionInactiveError', upstreamCode: number, message: string, retryable: boolean }
          | { __typename: 'RateLimitedError', retryAfterSeconds?: number | null, message: string, retryable: boolean }
          | { __typename: 'UnsupportedActionError', upstreamCode: number, message: string, retryable: boolean }
          | { __typename: 'UpstreamError', upstreamCode: number, message: string, retryable: boolean }
          | { __typename: 'UpstreamUnavailableError', message: string, retryable: boolean }
         }> }
    | { __typename: 'UnsupportedActionError', upstreamCode: number, message: string, retryable: boolean }
    | { __typename: 'UpstreamError', upstreamCode: number, message: string, retryable: boolean }
    | { __typename: 'UpstreamUnavailableError', message: string, retryable: boolean }
   };

type RevocationErrorFields_CustomerBusyError_Fragment = { __typename?: 'CustomerBusyError' };

type RevocationErrorFields_CustomerNotFoundError_Fragment = { __typename?: 'CustomerNotFoundError' };

type RevocationErrorFields_EarningNotRevocableError_Fragment = { __typename?: 'EarningNotRevocableError', upstreamCode: number };

type RevocationErrorFields_IdempotencyConflictError_Fragment = { __typename?: 'IdempotencyConflictError' };

type RevocationErrorFields_InvalidInputError_Fragment = { __typename?: 'InvalidInputError' };

type RevocationErrorFields_InvalidProgramError_Fragment = { __typename?: 'InvalidProgramError' };

type RevocationErrorFields_InvalidPromotionError_Fragment = { __typename?: 'InvalidPromotionError' };

type RevocationErrorFields_IssueFailedError_Fragment = { __typename?: 'IssueFailedError' };

type RevocationErrorFields_LimitExhaustedError_Fragment = { __typename?: 'LimitExhaustedError' };

type RevocationErrorFields_OutcomeUnknownError_Fragment = { __typename?: 'OutcomeUnknownError' };

type RevocationErrorFields_PromotionInactiveError_Fragment = { __typename?: 'PromotionInactiveError' };

type RevocationErrorFields_RateLimitedError_Fragment = { __typename?: 'RateLimitedError' };

type RevocationErrorFields_UnsupportedActionError_Fragment = { __typename?: 'UnsupportedActionError' };

type RevocationErrorFields_UpstreamError_Fragment = { __typename?: 'UpstreamError' };

type RevocationErrorFields_UpstreamUnavailableError_Fragment = { __typename?: 'UpstreamUnavailableError' };

export type RevocationErrorFieldsFragment =
  | RevocationErrorFields_CustomerBusyError_Fragment
  | RevocationErrorFields_CustomerNotFoundError_Fragment
  | RevocationErrorFields_EarningNotRevocableError_Fragment
  | RevocationErrorFields_IdempotencyConflictError_Fragment
  | RevocationErrorFields_InvalidInputError_Fragment
  | RevocationErrorFields_InvalidProgramError_Fragment
  | RevocationErrorFields_InvalidPromotionError_Fragment
  | RevocationErrorFields_IssueFailedError_Fragment
  | RevocationErrorFields_LimitExhaustedError_Fragment
  | RevocationErrorFields_OutcomeUnknownError_Fragment
  | RevocationErrorFields_PromotionInactiveError_Fragment
  | RevocationErrorFields_RateLimitedError_Fragment
  | RevocationErrorFields_UnsupportedActionError_Fragment
  | RevocationErrorFields_UpstreamError_Fragment
  | RevocationErrorFields_UpstreamUnavailableError_Fragment
;

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const MutationErrorFieldsFragmentDoc = new TypedDocumentString(`
    fragment MutationErrorFields on MutationError {
  __typename
  message
  retryable
  ... on InvalidInputError {
    violations {
      field
      message
    }
  }
  ... on InvalidProgramError {
    upstreamCode
  }
  ... on InvalidPromotionError {
    upstreamCode
  }
  ... on PromotionInactiveError {
    upstreamCode
  }
  ... on UnsupportedActionError {
    upstreamCode
  }
  ... on CustomerNotFoundError {
    upstreamCode
  }
  ... on IssueFailedError {
    upstreamCode
  }
  ... on LimitExhaustedError {
    upstreamCode
  }
  ... on CustomerBusyError {
    upstreamCode
  }
  ... on UpstreamError {
    upstreamCode
  }
  ... on RateLimitedError {
    retryAfterSeconds
  }
  ... on IdempotencyConflictError {
    reason
  }
}
    `, {"fragmentName":"MutationErrorFields"}) as unknown as TypedDocumentString<MutationErrorFieldsFragment, unknown>;
export const RevocationErrorFieldsFragmentDoc = new TypedDocumentString(`
    fragment RevocationErrorFields on MutationError {
  ... on EarningNotRevocableError {
    upstreamCode
  }
}
    `, {"fragmentName":"RevocationErrorFields"}) as unknown as TypedDocumentString<RevocationErrorFieldsFragment, unknown>;
export const CustomerPromotionsDocument = new TypedDocumentString(`
    query CustomerPromotions($input: CustomerPromotionsInput!) {
  customerPromotions(input: $input) {
    __typename
    ... on CustomerPromotions {
      entityId
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      promotions {
        programId
        promotionId
        promoIdentifier
        name
        kind
        active
        startsAt
        endsAt
        enrolments {
          issualId
          enrolledAt
          expiresAt
          earnings {
            earnedId
            earnedAt
            expiresAt
            redeemedCount
          }
        }
      }
    }
    ...MutationErrorFields
  }
}
    fragment MutationErrorFields on MutationError {
  __typename
  message
  retryable
  ... on InvalidInputError {
    violations {
      field
      message
    }
  }
  ... on InvalidProgramError {
    upstreamCode
  }
  ... on InvalidPromotionError {
    upstreamCode
  }
  ... on PromotionInactiveError {
    upstreamCode
  }
  ... on UnsupportedActionError {
    upstreamCode
  }
  ... on CustomerNotFoundError {
    upstreamCode
  }
  ... on IssueFailedError {
    upstreamCode
  }
  ... on LimitExhaustedError {
    upstreamCode
  }
  ... on CustomerBusyError {
    upstreamCode
  }
  ... on UpstreamError {
    upstreamCode
  }
  ... on RateLimitedError {
    retryAfterSeconds
  }
  ... on IdempotencyConflictError {
    reason
  }
}`, {"hash":"ed0e207772dbe6375652970032d578f96413b72275e72d03992ac4d0c1105bea"}) as unknown as TypedDocumentString<CustomerPromotionsQuery, CustomerPromotionsQueryVariables>;
export const EarnPromotionDocument = new TypedDocumentString(`
    mutation EarnPromotion($input: EarnPromotionInput!) {
  earnPromotion(input: $input) {
    __typename
    ... on EarnPromotionResult {
      totalCount
      successCount
      failureCount
      replayed
      results {
        identifierValue
        source
        outcome {
          __typename
          ... on Earning {
            entityId
            programId
            promotionId
            promoIdentifier
            issualId
            earnedId
            warnings {
              upstreamCode
              message
            }
          }
          ...MutationErrorFields
        }
      }
    }
    ...MutationErrorFields
  }
}
    fragment MutationErrorFields on MutationError {
  __typename
  message
  retryable
  ... on InvalidInputError {
    violations {
      field
      message
    }
  }
  ... on InvalidProgramError {
    upstreamCode
  }
  ... on InvalidPromotionError {
    upstreamCode
  }
  ... on PromotionInactiveError {
    upstreamCode
  }
  ... on UnsupportedActionError {
    upstreamCode
  }
  ... on CustomerNotFoundError {
    upstreamCode
  }
  ... on IssueFailedError {
    upstreamCode
  }
  ... on LimitExhaustedError {
    upstreamCode
  }
  ... on CustomerBusyError {
    upstreamCode
  }
  ... on UpstreamError {
    upstreamCode
  }
  ... on RateLimitedError {
    retryAfterSeconds
  }
  ... on IdempotencyConflictError {
    reason
  }
}`, {"hash":"7e51b65c054ba737b753c69c1c0ad473180cd34eaceeb99dcf480a905a0ab247"}) as unknown as TypedDocumentString<EarnPromotionMutation, EarnPromotionMutationVariables>;
export const EnrolCustomersDocument = new TypedDocumentString(`
    mutation EnrolCustomers($input: EnrolCustomersInput!) {
  enrolCustomers(input: $input) {
    __typename
    ... on EnrolCustomersResult {
      totalCount
      successCount
      failureCount
      replayed
      results {
        identifierValue
        source
        outcome {
          __typename
          ... on Enrolment {
            entityId
            programId
            promotionId
            promoIdentifier
            issualId
            warnings {
              upstreamCode
              message
            }
          }
          ...MutationErrorFields
        }
      }
    }
    ...MutationErrorFields
  }
}
    fragment MutationErrorFields on MutationError {
  __typename
  message
  retryable
  ... on InvalidInputError {
    violations {
      field
      message
    }
  }
  ... on InvalidProgramError {
    upstreamCode
  }
  ... on InvalidPromotionError {
    upstreamCode
  }
  ... on PromotionInactiveError {
    upstreamCode
  }
  ... on UnsupportedActionError {
    upstreamCode
  }
  ... on CustomerNotFoundError {
    upstreamCode
  }
  ... on IssueFailedError {
    upstreamCode
  }
  ... on LimitExhaustedError {
    upstreamCode
  }
  ... on CustomerBusyError {
    upstreamCode
  }
  ... on UpstreamError {
    upstreamCode
  }
  ... on RateLimitedError {
    retryAfterSeconds
  }
  ... on IdempotencyConflictError {
    reason
  }
}`, {"hash":"d5f207c1420a239870265b49222555ffc8532e574932f1106f7b0e2a22c2aa2a"}) as unknown as TypedDocumentString<EnrolCustomersMutation, EnrolCustomersMutationVariables>;
export const GatewayLimitsDocument = new TypedDocumentString(`
    query GatewayLimits {
  gatewayLimits {
    maxCustomersPerMutation
    upstreamBatchSize
    batchWindowMs
  }
}
    `, {"hash":"7c8471b2016e46450d0fd6bb79a42682a77b8dd91824b4fd207743fbc2577227"}) as unknown as TypedDocumentString<GatewayLimitsQuery, GatewayLimitsQueryVariables>;
export const RevokeEarningsDocument = new TypedDocumentString(`
    mutation RevokeEarnings($input: RevokeEarningsInput!) {
  revokeEarnings(input: $input) {
    __typename
    ... on RevokeEarningsResult {
      totalCount
      successCount
      failureCount
      replayed
      results {
        identifierValue
        source
        outcome {
          __typename
          ... on EarningRevocation {
            entityId
            programId
            promotionId
            promoIdentifier
            revokedEarnedIds
            warnings {
              upstreamCode
              message
            }
          }
          ...MutationErrorFields
          ...RevocationErrorFields
        }
      }
    }
    ...MutationErrorFields
  }
}
    fragment MutationErrorFields on MutationError {
  __typename
  message
  retryable
  ... on InvalidInputError {
    violations {
      field
      message
    }
  }
  ... on InvalidProgramError {
    upstreamCode
  }
  ... on InvalidPromotionError {
    upstreamCode
  }
  ... on PromotionInactiveError {
    upstreamCode
  }
  ... on UnsupportedActionError {
    upstreamCode
  }
  ... on CustomerNotFoundError {
    upstreamCode
  }
  ... on IssueFailedError {
    upstreamCode
  }
  ... on LimitExhaustedError {
    upstreamCode
  }
  ... on CustomerBusyError {
    upstreamCode
  }
  ... on UpstreamError {
    upstreamCode
  }
  ... on RateLimitedError {
    retryAfterSeconds
  }
  ... on IdempotencyConflictError {
    reason
  }
}
fragment RevocationErrorFields on MutationError {
  ... on EarningNotRevocableError {
    upstreamCode
  }
}`, {"hash":"e004de269358ad36968b7db15facf75f7908e4870078efdbef505b778451b4fc"}) as unknown as TypedDocumentString<RevokeEarningsMutation, RevokeEarningsMutationVariables>;
export const RevokeEnrolmentsDocument = new TypedDocumentString(`
    mutation RevokeEnrolments($input: RevokeEnrolmentsInput!) {
  revokeEnrolments(input: $input) {
    __typename
    ... on RevokeEnrolmentsResult {
      totalCount
      successCount
      failureCount
      replayed
      results {
        identifierValue
        source
        outcome {
          __typename
          ... on EnrolmentRevocation {
            entityId
            programId
            promotionId
            promoIdentifier
            revokedIssualId
            warnings {
              upstreamCode
              message
            }
          }
          ...MutationErrorFields
        }
      }
    }
    ...MutationErrorFields
  }
}
    fragment MutationErrorFields on MutationError {
  __typename
  message
  retryable
  ... on InvalidInputError {
    violations {
      field
      message
    }
  }
  ... on InvalidProgramError {
    upstreamCode
  }
  ... on InvalidPromotionError {
    upstreamCode
  }
  ... on PromotionInactiveError {
    upstreamCode
  }
  ... on UnsupportedActionError {
    upstreamCode
  }
  ... on CustomerNotFoundError {
    upstreamCode
  }
  ... on IssueFailedError {
    upstreamCode
  }
  ... on LimitExhaustedError {
    upstreamCode
  }
  ... on CustomerBusyError {
    upstreamCode
  }
  ... on UpstreamError {
    upstreamCode
  }
  ... on RateLimitedError {
    retryAfterSeconds
  }
  ... on IdempotencyConflictError {
    reason
  }
}`, {"hash":"666bd12911a653963fa3fb6abeb96c5789f7c40781b47c039ee2fefdf19783e8"}) as unknown as TypedDocumentString<RevokeEnrolmentsMutation, RevokeEnrolmentsMutationVariables>;