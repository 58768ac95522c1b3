/**
 * The read side in the gateway's own words (DESIGN §8 "One vocabulary"): an enrolment's id
 * is `issualId`, an earning's is `earnedId`, whatever the endpoint calls them.
 */
import type {
  AuthRejectedOutcome,
  RateLimitedOutcome,
  UnavailableOutcome,
  UpstreamErrorOutcome,
} from './outcome';
import type { CustomerSource, IdentifierName } from './promotion';

export const PROMOTION_KINDS = ['GENERIC', 'DIRECT_ISSUE', 'ENROL_AND_ISSUE'] as const;
export type PromotionKind = (typeof PROMOTION_KINDS)[number];

export const CUSTOMER_PROMOTION_STATUSES = [
  'AVAILABLE_TO_ENROL',
  'AVAILABLE_TO_EARN',
  'AVAILABLE_TO_REDEEM',
  'EXPIRED',
] as const;
export type CustomerPromotionStatus = (typeof CUSTOMER_PROMOTION_STATUSES)[number];

/** One customer lookup as the API is asked it (validated). */
export interface LookupQuery {
  identifierName: IdentifierName;
  identifierValue: string;
  source: CustomerSource;
  programIds: number[] | null;
  status: CustomerPromotionStatus | null;
  kind: PromotionKind | null;
  limit: number;
  offset: number;
}

export interface PromotionEarningRecord {
  earnedId: string;
  earnedAt: Date | null;
  expiresAt: Date | null;
  redeemedCount: number;
}

export interface PromotionEnrolmentRecord {
  issualId: string;
  enrolledAt: Date | null;
  expiresAt: Date | null;
  /** Newest first. */
  earnings: PromotionEarningRecord[];
}

/** Caps and use: null where the API sets no cap (-1) or does not say; points as decimal strings. */
export interface PromotionUsageRecord {
  maxTimesPerCustomer: number | null;
  timesUsedByCustomer: number | null;
  maxPointsPerCustomer: string | null;
  pointsUsedByCustomer: string | null;
  maxPointsPerEvent: string | null;
  maxPointsInPromotion: string | null;
  pointsUsedInPromotion: string | null;
}

export interface CustomerPromotionRecord {
  programId: number;
  promotionId: number;
  promoIdentifier: string | null;
  name: string;
  description: string | null;
  kind: PromotionKind;
  active: boolean;
  startsAt: Date | null;
  endsAt: Date | null;
  usage: PromotionUsageRecord;
  /** Newest first. */
  enrolments: PromotionEnrolmentRecord[];
}

export interface CustomerPromotionsPage {
  entityId: string;
  promotions: CustomerPromotionRecord[];
  /** Every matching promotion, all pages. */
  totalCount: number;
}

export const RESTRICTION_SCOPES = ['ISSUAL', 'EARN', 'REDEMPTION', 'EXPIRY'] as const;
export type RestrictionScope = (typeof RESTRICTION_SCOPES)[number];

export interface PromotionRestrictionRecord {
  scope: RestrictionScope;
  name: string;
  value: number | null;
  type: string | null;
  periodType: string | null;
  periodUnit: string | null;
}

export interface PromotionDefinition {
  programId: number;
  promotionId: number;
  promoIdentifier: string | null;
  name: string;
  description: string | null;
  kind: PromotionKind;
  status: string | null;
  active: boolean;
  startsAt: Date | null;
  endsAt: Date | null;
  eventName: string | null;
  limits: {
    maxTimesPerCustomer: number | null;
    maxPointsPerCustomer: string | null;
    maxPointsPerEvent: string | null;
    maxPointsInPromotion: string | null;
  };
  restrictions: PromotionRestrictionRecord[];
}

/** Why a read has no answer; a read never ends "unknown" (it is safe to repeat). */
export type ReadFailure =
  UpstreamErrorOutcome | UnavailableOutcome | RateLimitedOutcome | AuthRejectedOutcome;

export type ReadResult<T> = { kind: 'OK'; value: T } | ReadFailure;

/** The key of one promotion's definition. */
export interface PromotionKey {
  programId: number;
  promotionId: number;
}
