/**
 * `GET /v2/customers/lookup/promotionData` as a pure function of the query and the
 * engine's records (neighbour-endpoints.md §2, DESIGN §8). No HTTP here.
 */
import type {
  OrgConfig,
  PromotionConfig,
  PromotionDetails,
  RestrictionConfig,
} from './demo-catalog';
import type { EnrolmentRecord } from './records';
import { LOOKUP_CODES, VENDOR_READ_MESSAGES } from './vendor-codes';
import { CUSTOMER_SOURCES } from './vendor-fields';

/** What the lookup reads of the engine: one function, so revocation (or anything else) that hides records merges in one place. */
export interface PromotionRecords {
  /** A customer's enrolments of one promotion, oldest first. */
  timelineOf(org: string, promotion: PromotionConfig, entityId: number): readonly EnrolmentRecord[];
  /** The org's customers by identifier, as enrolAndEarn finds them. */
  customerOf(org: string, identifierName: string, value: string): number | undefined;
}

export interface ReadAnswer {
  status: number;
  body: unknown;
}

/** The documented identifierName values; the sandbox knows customers by the first three only. */
const LOOKUP_IDENTIFIER_NAMES: ReadonlySet<string> = new Set([
  'id',
  'mobile',
  'email',
  'externalId',
  'cuid',
]);
const SOURCES: ReadonlySet<string> = new Set(CUSTOMER_SOURCES);
const STATUSES = [
  'AVAILABLE_TO_ENROL',
  'AVAILABLE_TO_EARN',
  'AVAILABLE_TO_REDEEM',
  'EXPIRED',
] as const;
type CustomerStatus = (typeof STATUSES)[number];
const PROMOTION_TYPES = ['GENERIC', 'DIRECT_ISSUE', 'ENROL_AND_ISSUE'] as const;
type LookupPromotionType = (typeof PROMOTION_TYPES)[number];

/** Not documented; the gateway always sends `limit`. */
const DEFAULT_LIMIT = 10;
const MAX_LIMIT = 100;

/** Only what the records show as not revoked: the one place that decides it. */
export function visibleTimeline(records: readonly EnrolmentRecord[]): EnrolmentRecord[] {
  return records
    .filter((enrolment) => enrolment.revokedAt === undefined)
    .map((enrolment) => ({
      ...enrolment,
      earnings: enrolment.earnings.filter((earning) => earning.revokedAt === undefined),
    }));
}

export function lookupError(code: number, status = 400): ReadAnswer {
  return {
    status,
    body: { errors: [{ status: false, code, message: VENDOR_READ_MESSAGES[code] ?? 'error' }] },
  };
}

function kindOf(promotion: PromotionConfig): LookupPromotionType {
  return promotion.type === 'DIRECT' ? 'DIRECT_ISSUE' : 'ENROL_AND_ISSUE';
}

/** The vendor's `pointsOfferType` of a promotion type. */
export function pointsOfferTypeOf(promotion: PromotionConfig): 'LOYALTY' | 'LOYALTY_EARNING' {
  return promotion.type === 'DIRECT' ? 'LOYALTY' : 'LOYALTY_EARNING';
}

/** Times in the timelines follow the cluster's clock, written without an offset (UTC here). */
function clusterTime(iso: string): string {
  return iso.slice(0, 19);
}

function integerParam(
  params: URLSearchParams,
  name: string,
  fallback: number,
  max: number,
): number | null {
  const raw = params.get(name);
  if (raw === null) return fallback;
  if (!/^\d{1,9}$/.test(raw)) return null;
  const value = Number(raw);
  return value <= max ? value : null;
}

interface CustomerView {
  promotion: PromotionConfig;
  programId: number;
  timeline: EnrolmentRecord[];
}

function statusMatches(view: CustomerView, status: CustomerStatus, nowMs: number): boolean {
  const details = view.promotion.details;
  const ended = details?.endDate != null && Date.parse(details.endDate) < nowMs;
  const live = view.promotion.active && !ended;
  const enrolled = view.timeline.some((e) => Date.parse(e.expiresAt) > nowMs);
  switch (status) {
    case 'AVAILABLE_TO_ENROL':
      return live && view.promotion.type === 'ENROL_AND_ISSUE' && !enrolled;
    case 'AVAILABLE_TO_EARN':
      return live && (view.promotion.type === 'DIRECT' || enrolled);
    case 'AVAILABLE_TO_REDEEM':
      return live;
    case 'EXPIRED':
      return ended;
  }
}

function capText(value: number | undefined): string {
  return String(value ?? -1);
}

function lookupRestriction(
  row: RestrictionConfig,
  kpi: string,
  usage: number | null,
  limitOn: 'EVENT' | 'CUSTOMER' | 'PROMOTION',
) {
  return {
    kpi,
    maxLimit: String(row.value),
    ...(limitOn === 'EVENT' || usage === null ? {} : { currentCustomerUsage: String(usage) }),
    limitOn,
    ...(row.type === undefined ? {} : { type: row.type }),
    ...(row.periodType === undefined ? {} : { periodType: row.periodType }),
    ...(row.periodUnit === undefined ? {} : { periodUnit: row.periodUnit }),
  };
}

/** A redemption row's KPI and scope, read off its name (MAX_ALLOWED_POINTS_PER_EVENT ...). */
function redemptionKpi(name: string): {
  kpi: string;
  limitOn: 'EVENT' | 'CUSTOMER' | 'PROMOTION';
} {
  const kpi = name.includes('POINTS') ? 'NUMBER_OF_POINTS' : 'NUMBER_OF_TIMES';
  const limitOn = name.endsWith('_EVENT')
    ? 'EVENT'
    : name.endsWith('_PROMOTION')
      ? 'PROMOTION'
      : 'CUSTOMER';
  return { kpi, limitOn };
}

function promotionItem(view: CustomerView) {
  const { promotion, programId, timeline } = view;
  const details: PromotionDetails | undefined = promotion.details;
  const earns = timeline.reduce((sum, e) => sum + e.earnings.length, 0);
  const restrictions = details?.restrictions;
  return {
    promotionId: promotion.promotionId,
    promotionName: details?.name ?? `Promotion ${promotion.promotionId}`,
    programId,
    startDate: details?.startDate ?? null,
    endDate: details?.endDate ?? null,
    identifier: promotion.promoIdentifier,
    description: details?.description ?? null,
    active: promotion.active,
    eventName: details?.eventName ?? null,
    promotionMetadata: [],
    limits: {
      maxPointsPerEvent: capText(details?.limits.maxPointsPerEvent),
      pointsPerCustomer: capText(details?.limits.pointsPerCustomer),
      numberOFTimesPerCustomer: details?.limits.numberOfTimesPerCustomer ?? -1,
      totalPointsInPromotion: capText(details?.limits.totalPointsInPromotion),
    },
    customerUsage: {
      currentPointsPerCustomer: '0.000',
      currentNumberOfTimesPerCustomer: earns,
      currentTotalPointsInPromotion: '0.000',
    },
    pointsOfferType: pointsOfferTypeOf(promotion),
    promotionRestriction: {
      issualRestrictions: (restrictions?.issual ?? []).map((row) =>
        lookupRestriction(row, 'NUMBER_OF_ISSUALS', timeline.length, 'CUSTOMER'),
      ),
      earnRestrictions: (restrictions?.earn ?? []).map((row) =>
        lookupRestriction(row, 'NUMBER_OF_EARNS', earns, 'CUSTOMER'),
      ),
      redemptionRestrictions: (restrictions?.redemption ?? []).map((row) => {
        const { kpi, limitOn } = redemptionKpi(row.name);
        return lookupRestriction(row, kpi, 0, limitOn);
      }),
    },
    customerPromotionTimelines: timeline.map((enrolment) => {
      // A Direct issue's enrolment entry shares its issue's event log id (neighbour-endpoints.md §2).
      const direct = promotion.type === 'DIRECT';
      const firstEarn = enrolment.earnings[0];
      return {
        enrollmentId: Number(enrolment.issualId),
        enrollmentDate: clusterTime(enrolment.enrolledAt),
        enrollmentExpiryDate: clusterTime(enrolment.expiresAt),
        enrollEventLogId:
          direct && firstEarn !== undefined
            ? Number(firstEarn.earnedId) * 10
            : Number(enrolment.issualId) * 10,
        issuedDetails: enrolment.earnings.map((earning) => ({
          issualId: Number(earning.earnedId),
          issualDate: clusterTime(earning.earnedAt),
          issualExpiryDate: clusterTime(earning.expiresAt),
          issualEventLogId: Number(earning.earnedId) * 10,
          redeemedCount: 0,
        })),
      };
    }),
  };
}

/** One lookup for `org` (null: the credentials' org is unknown, which auth refused before). */
export function lookupPromotionData(
  records: PromotionRecords,
  org: OrgConfig,
  params: URLSearchParams,
  nowMs: number,
): ReadAnswer {
  const identifierName = params.get('identifierName');
  if (identifierName === null || !LOOKUP_IDENTIFIER_NAMES.has(identifierName)) {
    return lookupError(LOOKUP_CODES.identifierNameInvalid);
  }
  const source = params.get('source');
  if (source === null || !SOURCES.has(source.toUpperCase())) {
    return lookupError(LOOKUP_CODES.sourceInvalid);
  }
  const value = params.get('identifierValue')?.trim() ?? '';
  const entityId = value === '' ? undefined : records.customerOf(org.org, identifierName, value);
  if (entityId === undefined) return lookupError(LOOKUP_CODES.customerNotFound);

  const limit = integerParam(params, 'limit', DEFAULT_LIMIT, MAX_LIMIT);
  const offset = integerParam(params, 'offset', 0, Number.MAX_SAFE_INTEGER);
  if (limit === null || offset === null) return lookupError(LOOKUP_CODES.badPagination);
  const status = params.get('promotionStatusForCustomer');
  if (status !== null && !(STATUSES as readonly string[]).includes(status)) {
    return lookupError(LOOKUP_CODES.badFilter);
  }
  const type = params.get('promotionType');
  if (type !== null && !(PROMOTION_TYPES as readonly string[]).includes(type)) {
    return lookupError(LOOKUP_CODES.badFilter);
  }
  const programsParam = params.get('programs');
  let programs = org.programs;
  if (programsParam !== null && programsParam.trim() !== '') {
    const wanted = programsParam.split(',').map((id) => id.trim());
    const known = new Set(org.programs.map((p) => String(p.programId)));
    if (wanted.some((id) => !known.has(id))) return lookupError(LOOKUP_CODES.invalidProgram);
    programs = org.programs.filter((p) => wanted.includes(String(p.programId)));
  }

  const matching: CustomerView[] = [];
  for (const program of programs) {
    for (const promotion of program.promotions) {
      if (type !== null && kindOf(promotion) !== type) continue;
      const timeline = visibleTimeline(records.timelineOf(org.org, promotion, entityId));
      const view = { promotion, programId: program.programId, timeline };
      if (status !== null && !statusMatches(view, status as CustomerStatus, nowMs)) continue;
      matching.push(view);
    }
  }
  const page = limit === 0 ? [] : matching.slice(offset, offset + limit);
  return {
    status: 200,
    body: {
      pageDetails: {
        pageNumber: limit === 0 ? 0 : Math.floor(offset / limit),
        pageSize: limit,
        totalEntries: matching.length,
        pageCount: limit === 0 ? 0 : Math.ceil(matching.length / limit),
      },
      customerId: entityId,
      promotions: page.map(promotionItem),
      warnings: [],
    },
  };
}
