/**
 * `GET /api_gateway/loyalty/v1/programs/{programId}/promotions/{promotionId}/get` as a
 * pure function (neighbour-endpoints.md §3, in the example's shape: restriction lists under
 * `promotionRestrictions.restrictions`). No HTTP here.
 */
import type { OrgConfig } from './demo-catalog';
import { pointsOfferTypeOf, type ReadAnswer } from './promotion-data';
import { DEFINITION_CODES, VENDOR_READ_MESSAGES } from './vendor-codes';

export const PROMOTION_DEFINITION_PATH =
  /^\/api_gateway\/loyalty\/v1\/programs\/([^/]+)\/promotions\/([^/]+)\/get$/;

function definitionError(code: number): ReadAnswer {
  return {
    status: 400,
    body: {
      status: { code, message: VENDOR_READ_MESSAGES[code] ?? 'error' },
      validationErrors: null,
      data: null,
    },
  };
}

export function promotionDefinition(
  org: OrgConfig,
  programIdText: string,
  promotionIdText: string,
): ReadAnswer {
  const program = /^\d{1,15}$/.test(programIdText)
    ? org.programs.find((p) => p.programId === Number(programIdText))
    : undefined;
  if (program === undefined) return definitionError(DEFINITION_CODES.programInvalid);
  const promotion = /^\d{1,15}$/.test(promotionIdText)
    ? program.promotions.find((p) => p.promotionId === Number(promotionIdText))
    : undefined;
  if (promotion === undefined) return definitionError(DEFINITION_CODES.promotionInvalid);

  const details = promotion.details;
  const restrictions = details?.restrictions;
  const item = {
    id: promotion.promotionId,
    name: details?.name ?? `Promotion ${promotion.promotionId}`,
    description: details?.description ?? null,
    promotionStatus: details?.promotionStatus ?? (promotion.active ? 'LIVE' : 'PAUSED'),
    lastUpdateDate: details?.startDate ?? null,
    lastUpdatedBy: 0,
    rulesetInfos: [],
    programName: program.programName ?? `Program ${program.programId}`,
    programId: program.programId,
    startDate: details?.startDate ?? null,
    endDate: details?.endDate ?? null,
    identifier: promotion.promoIdentifier,
    isActive: promotion.active,
    eventName: details?.eventName ?? null,
    allocatePointsOn: 'BILL',
    limits: {
      pointsPerCustomer: details?.limits.pointsPerCustomer ?? -1,
      numberOfTimesPerCustomer: details?.limits.numberOfTimesPerCustomer ?? -1,
      totalPointsInPromotion: details?.limits.totalPointsInPromotion ?? -1,
      totalPointsPerEventLimit: details?.limits.maxPointsPerEvent ?? -1,
    },
    useProportions: false,
    pointsOfferType: pointsOfferTypeOf(promotion),
    promotionRestrictions: {
      restrictions: {
        redemptionRestrictions: restrictions?.redemption ?? [],
        issualRestrictions: restrictions?.issual ?? [],
        earnRestrictions: restrictions?.earn ?? [],
        expiryRestrictions: restrictions?.expiry ?? [],
      },
      scope: null,
      isStackable: false,
      isConsideredForRanking: false,
      loyaltyEarningType: null,
      expiryReminder: null,
      isExclusive: false,
      isAlwaysApply: false,
    },
  };
  return {
    status: 200,
    body: { status: { code: 200, message: 'success' }, validationErrors: null, data: [item] },
  };
}
