/**
 * The read endpoints' answers, as pure functions (DESIGN §8): the API's shapes read
 * leniently where its pages contradict themselves (ids as numbers or strings, times without
 * an offset), and refused (UPSTREAM_ERROR) where they are not the documented shape.
 */
import type {
  CustomerPromotionRecord,
  CustomerPromotionsPage,
  PromotionDefinition,
  PromotionEarningRecord,
  PromotionEnrolmentRecord,
  PromotionKey,
  PromotionKind,
  PromotionRestrictionRecord,
  ReadResult,
  RestrictionScope,
} from '../domain/promotion-read';
import { UNEXPECTED_STATUS_CODE } from './attempt-verdict';
import {
  ShapeError,
  fail,
  record,
  list,
  optionalList,
  idOf,
  integerOf,
  optionalString,
  booleanOf,
  cap,
  points,
  timeOf,
  type Json,
} from './read-json';

/** `pointsOfferType` (either vocabulary of the pages) or `promotionType` → PromotionKind. */
export function kindOf(value: unknown): PromotionKind {
  switch (value) {
    case 'GENERIC':
      return 'GENERIC';
    case 'LOYALTY':
    case 'DIRECT_EARN':
    case 'DIRECT_ISSUE':
      return 'DIRECT_ISSUE';
    case 'LOYALTY_EARNING':
    case 'ISSUE_AND_EARN':
    case 'ENROL_AND_ISSUE':
      return 'ENROL_AND_ISSUE';
    default:
      return fail('an unknown pointsOfferType');
  }
}

function newestFirst<T>(items: T[], timeOfItem: (item: T) => Date | null): T[] {
  // Stable on the API's order reversed, so equal times put the later-listed first.
  return items
    .reverse()
    .map((item, index) => ({ item, index, at: timeOfItem(item)?.getTime() ?? -Infinity }))
    .sort((a, b) => b.at - a.at || a.index - b.index)
    .map(({ item }) => item);
}

function earningOf(raw: unknown): PromotionEarningRecord {
  const earning = record(raw, 'an issuedDetails item');
  return {
    // The lookup's issuedDetails[].issualId is the earnedId earnPromotion returned.
    earnedId: idOf(earning.issualId, 'issuedDetails[].issualId'),
    earnedAt: timeOf(earning.issualDate, 'issualDate'),
    expiresAt: timeOf(earning.issualExpiryDate, 'issualExpiryDate'),
    redeemedCount:
      earning.redeemedCount === undefined || earning.redeemedCount === null
        ? 0
        : integerOf(earning.redeemedCount, 'redeemedCount'),
  };
}

function enrolmentOf(raw: unknown): PromotionEnrolmentRecord {
  const enrolment = record(raw, 'a customerPromotionTimelines item');
  return {
    // The lookup's enrollmentId is the issualId enrolCustomers returned.
    issualId: idOf(enrolment.enrollmentId, 'enrollmentId'),
    enrolledAt: timeOf(enrolment.enrollmentDate, 'enrollmentDate'),
    expiresAt: timeOf(enrolment.enrollmentExpiryDate, 'enrollmentExpiryDate'),
    earnings: newestFirst(
      optionalList(enrolment.issuedDetails, 'issuedDetails').map(earningOf),
      (e) => e.earnedAt,
    ),
  };
}

function customerPromotionOf(raw: unknown): CustomerPromotionRecord {
  const promotion = record(raw, 'a promotions item');
  const limits = promotion.limits === undefined ? {} : record(promotion.limits, 'limits');
  const usage =
    promotion.customerUsage === undefined ? {} : record(promotion.customerUsage, 'customerUsage');
  const kind = kindOf(promotion.pointsOfferType);
  const name = promotion.promotionName;
  return {
    programId: integerOf(promotion.programId, 'programId'),
    promotionId: integerOf(promotion.promotionId, 'promotionId'),
    promoIdentifier: optionalString(promotion.identifier, 'identifier'),
    name: typeof name === 'string' ? name : fail('promotionName'),
    description: optionalString(promotion.description, 'description'),
    kind,
    active: booleanOf(promotion.active, 'active'),
    startsAt: timeOf(promotion.startDate, 'startDate'),
    endsAt: timeOf(promotion.endDate, 'endDate'),
    usage: {
      // "numberOFTimesPerCustomer" here, "numberOfTimesPerCustomer" on the v1 pages.
      maxTimesPerCustomer: cap(
        limits.numberOFTimesPerCustomer ?? limits.numberOfTimesPerCustomer,
        'limits.numberOFTimesPerCustomer',
      ),
      timesUsedByCustomer: cap(
        usage.currentNumberOfTimesPerCustomer,
        'customerUsage.currentNumberOfTimesPerCustomer',
      ),
      maxPointsPerCustomer: points(limits.pointsPerCustomer, 'limits.pointsPerCustomer'),
      pointsUsedByCustomer: points(
        usage.currentPointsPerCustomer,
        'customerUsage.currentPointsPerCustomer',
      ),
      maxPointsPerEvent: points(limits.maxPointsPerEvent, 'limits.maxPointsPerEvent'),
      maxPointsInPromotion: points(limits.totalPointsInPromotion, 'limits.totalPointsInPromotion'),
      pointsUsedInPromotion: points(
        usage.currentTotalPointsInPromotion,
        'customerUsage.currentTotalPointsInPromotion',
      ),
    },
    // Absent for GENERIC; always [] there, whatever came.
    enrolments:
      kind === 'GENERIC'
        ? []
        : newestFirst(
            optionalList(promotion.customerPromotionTimelines, 'customerPromotionTimelines').map(
              enrolmentOf,
            ),
            (e) => e.enrolledAt,
          ),
  };
}

function unexpectedShape(endpoint: string, detail: string): ReadResult<never> {
  return {
    kind: 'UPSTREAM_ERROR',
    code: UNEXPECTED_STATUS_CODE,
    message: `the promotion API answered ${endpoint} in an unexpected shape (${detail})`,
    scope: 'batch',
  };
}

/** The API's request-level error list `{"errors":[{code, message}]}`, or null when the body is not one. */
function lookupErrorOf(body: unknown): ReadResult<never> | null {
  if (typeof body !== 'object' || body === null || 'pageDetails' in body) return null;
  const errors = (body as Json).errors;
  if (!Array.isArray(errors) || errors.length === 0) return null;
  const first = errors[0] as Json | null;
  if (typeof first?.code !== 'number') return null;
  return {
    kind: 'UPSTREAM_ERROR',
    code: first.code,
    message: typeof first.message === 'string' ? first.message : `error ${first.code}`,
    scope: 'batch',
  };
}

/**
 * A lookup's body, when it is one of the documented shapes (a page, or its error list);
 * null when it is neither, so the status decides (retry a 5xx, refuse a 2xx).
 */
export function toCustomerPromotionsPage(body: unknown): ReadResult<CustomerPromotionsPage> | null {
  const error = lookupErrorOf(body);
  if (error !== null) return error;
  if (typeof body !== 'object' || body === null || !('pageDetails' in body)) return null;
  try {
    const page = record(body, 'the body');
    const details = record(page.pageDetails, 'pageDetails');
    return {
      kind: 'OK',
      value: {
        entityId: idOf(page.customerId, 'customerId'),
        totalCount: integerOf(details.totalEntries, 'pageDetails.totalEntries'),
        promotions: list(page.promotions, 'promotions').map(customerPromotionOf),
      },
    };
  } catch (error) {
    if (error instanceof ShapeError) return unexpectedShape('a customer lookup', error.message);
    throw error;
  }
}

const RESTRICTION_LISTS: [string, RestrictionScope][] = [
  ['issualRestrictions', 'ISSUAL'],
  ['earnRestrictions', 'EARN'],
  ['redemptionRestrictions', 'REDEMPTION'],
  ['expiryRestrictions', 'EXPIRY'],
];

function restrictionsOf(raw: unknown): PromotionRestrictionRecord[] {
  if (raw === undefined || raw === null) return [];
  const outer = record(raw, 'promotionRestrictions');
  // The example nests the lists in `.restrictions`; the field table puts them directly here.
  const lists = outer.restrictions == null ? outer : record(outer.restrictions, 'restrictions');
  return RESTRICTION_LISTS.flatMap(([field, scope]) =>
    optionalList(lists[field], field).map((item) => {
      const row = record(item, `a ${field} item`);
      const name = row.name;
      return {
        scope,
        name: typeof name === 'string' ? name : fail(`${field}[].name`),
        value: row.value === undefined || row.value === null ? null : integerOf(row.value, 'value'),
        type: optionalString(row.type, 'type'),
        periodType: optionalString(row.periodType, 'periodType'),
        periodUnit: optionalString(row.periodUnit, 'periodUnit'),
      };
    }),
  );
}

function definitionOf(raw: unknown, key: PromotionKey): PromotionDefinition {
  const promotion = record(raw, 'data[0]');
  const limits = promotion.limits == null ? {} : record(promotion.limits, 'limits');
  const name = promotion.name;
  const promotionId = integerOf(promotion.id, 'id');
  if (promotionId !== key.promotionId) fail('another promotion than the one asked for');
  return {
    programId:
      promotion.programId == null ? key.programId : integerOf(promotion.programId, 'programId'),
    promotionId,
    promoIdentifier: optionalString(promotion.identifier, 'identifier'),
    name: typeof name === 'string' ? name : fail('name'),
    description: optionalString(promotion.description, 'description'),
    kind: kindOf(promotion.pointsOfferType),
    status: optionalString(promotion.promotionStatus, 'promotionStatus'),
    active: booleanOf(promotion.isActive, 'isActive'),
    startsAt: timeOf(promotion.startDate, 'startDate'),
    endsAt: timeOf(promotion.endDate, 'endDate'),
    eventName: optionalString(promotion.eventName, 'eventName'),
    limits: {
      maxTimesPerCustomer: cap(limits.numberOfTimesPerCustomer, 'limits.numberOfTimesPerCustomer'),
      maxPointsPerCustomer: points(limits.pointsPerCustomer, 'limits.pointsPerCustomer'),
      maxPointsPerEvent: points(limits.totalPointsPerEventLimit, 'limits.totalPointsPerEventLimit'),
      maxPointsInPromotion: points(limits.totalPointsInPromotion, 'limits.totalPointsInPromotion'),
    },
    restrictions: restrictionsOf(promotion.promotionRestrictions),
  };
}

/**
 * A get-by-id body, when it is the documented envelope (`status.code` 200 with one
 * promotion in `data`, or another `status.code`: the API's error); null otherwise.
 */
export function toPromotionDefinition(
  body: unknown,
  key: PromotionKey,
): ReadResult<PromotionDefinition> | null {
  if (typeof body !== 'object' || body === null || !('status' in body)) return null;
  const status = (body as Json).status;
  if (typeof status !== 'object' || status === null) return null;
  const code = (status as Json).code;
  if (typeof code !== 'number') return null;
  if (code !== 200) {
    const message = (status as Json).message;
    return {
      kind: 'UPSTREAM_ERROR',
      code,
      message: typeof message === 'string' ? message : `error ${code}`,
      scope: 'batch',
    };
  }
  try {
    const data = list((body as Json).data, 'data');
    if (data.length !== 1) fail(`${data.length} promotions in data`);
    return { kind: 'OK', value: definitionOf(data[0], key) };
  } catch (error) {
    if (error instanceof ShapeError) return unexpectedShape('a promotion get-by-id', error.message);
    throw error;
  }
}
