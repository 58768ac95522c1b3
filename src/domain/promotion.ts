/**
 * The gateway's own words for what the promotion API does, shared by every layer:
 * the GraphQL schema maps onto these, the datasource speaks them to the batcher.
 * No GraphQL or HTTP types here.
 */

export const BULK_ACTIONS = ['ENROL', 'EARN', 'REVOKE_ENROL', 'REVOKE_EARN'] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

/** The actions of `POST /v2/promotion/bulk/revokeEnrolAndEarn`; the others are enrolAndEarn's. */
export function isRevocation(action: BulkAction): action is 'REVOKE_ENROL' | 'REVOKE_EARN' {
  return action === 'REVOKE_ENROL' || action === 'REVOKE_EARN';
}

/** The API's `identifierName` values (the GraphQL enum is ID / MOBILE / EMAIL). */
export const IDENTIFIER_NAMES = ['id', 'mobile', 'email'] as const;
export type IdentifierName = (typeof IDENTIFIER_NAMES)[number];

export const CUSTOMER_SOURCES = [
  'FACEBOOK',
  'WEB_ENGAGE',
  'INSTORE',
  'MARTJACK',
  'TMALL',
  'TAOBAO',
  'JD',
  'ECOMMERCE',
  'WEBSITE',
  'LINE',
  'ALL',
] as const;
export type CustomerSource = (typeof CUSTOMER_SOURCES)[number];

/** Exactly one of `promotionId` / `promoIdentifier` is set once input is validated. */
export interface PromotionRef {
  programId: number;
  promotionId?: number | null;
  promoIdentifier?: string | null;
}

export interface CustomerRef {
  identifierValue: string;
  source: CustomerSource;
  /** REVOKE_EARN only: the earns to revoke; absent or null = all of them. */
  earnedIds?: readonly string[] | null;
}

/**
 * The caller's credential headers, forwarded to the API exactly as they came.
 * At least one is set for any call that reaches the API.
 */
export interface Credentials {
  authorization?: string;
  oauthToken?: string;
}

/** One mutation as the resolvers hand it on, after validation. */
export interface PromotionRequest {
  action: BulkAction;
  promotion: PromotionRef;
  identifierName: IdentifierName;
  customers: CustomerRef[];
  idempotencyKey?: string | null;
}
