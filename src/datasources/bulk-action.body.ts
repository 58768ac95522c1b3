/** The promotion API's bulk calls: their paths and REST bodies, built from the gateway's words (pure). */
import { isRevocation } from '../domain/promotion';
import type {
  BulkAction,
  CustomerRef,
  CustomerSource,
  IdentifierName,
  PromotionRef,
} from '../domain/promotion';

export const ENROL_AND_EARN_PATH = '/v2/promotion/bulk/enrolAndEarn';
export const REVOKE_ENROL_AND_EARN_PATH = '/v2/promotion/bulk/revokeEnrolAndEarn';

/** The endpoint of an action: revocations have their own, with the same envelope. */
export function endpointPathOf(action: BulkAction): string {
  return isRevocation(action) ? REVOKE_ENROL_AND_EARN_PATH : ENROL_AND_EARN_PATH;
}

/** One customer of a body; `earnIds` only in REVOKE_EARN, and only when the caller named earns. */
export interface BodyCustomer {
  identifierValue: string;
  source: CustomerSource;
  earnIds?: Array<number | string>;
}

/** The REST body of either bulk call, exactly as the vendor's pages document it. */
export interface BulkActionBody {
  type: 'CUSTOMER';
  bulkAction: BulkAction;
  promotionDetails: { programId: number; promotionId?: number; promoIdentifier?: string };
  identifierName: IdentifierName;
  customers: BodyCustomer[];
}

/**
 * Builds the body of one call. `promotionId` wins when both are set (validation
 * guarantees exactly one); only the fields the API documents are sent.
 */
export function toRequestBody(
  action: BulkAction,
  promotion: PromotionRef,
  identifierName: IdentifierName,
  customers: readonly CustomerRef[],
): BulkActionBody {
  const promotionDetails: BulkActionBody['promotionDetails'] =
    promotion.promotionId !== null && promotion.promotionId !== undefined
      ? { programId: promotion.programId, promotionId: promotion.promotionId }
      : { programId: promotion.programId, promoIdentifier: promotion.promoIdentifier ?? '' };
  return {
    type: 'CUSTOMER',
    bulkAction: action,
    promotionDetails,
    identifierName,
    // A fresh object per customer so that nothing but the documented fields is sent.
    customers: customers.map((c) =>
      action === 'REVOKE_EARN' && c.earnedIds !== null && c.earnedIds !== undefined
        ? {
            identifierValue: c.identifierValue,
            source: c.source,
            earnIds: c.earnedIds.map(toEarnId),
          }
        : { identifierValue: c.identifierValue, source: c.source },
    ),
  };
}

/**
 * The page types `earnIds` as integers: digits go as a number, unless a number could not
 * hold them exactly; anything else goes as the caller gave it, for the API to judge.
 */
function toEarnId(earnedId: string): number | string {
  if (!/^\d+$/.test(earnedId)) return earnedId;
  const value = Number(earnedId);
  return Number.isSafeInteger(value) ? value : earnedId;
}
