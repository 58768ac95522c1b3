/**
 * The request-level checks of enrolAndEarn and revokeEnrolAndEarn, in the vendor's order, and how an item names
 * a customer. Pure: the org's index in, the failing check's answer or the resolved call out.
 */
import type { OrgConfig, PromotionConfig } from './demo-catalog';
import { requestLevelAnswer, type EngineAnswer } from './envelope';
import { MAX_CUSTOMERS_PER_CALL, REQUEST_CODES, REVOKE_UNSUPPORTED_MESSAGE } from './vendor-codes';
import { CUSTOMER_SOURCES, IDENTIFIER_NAMES, type IdentifierName } from './vendor-fields';

interface ProgramIndex {
  byId: Map<number, PromotionConfig>;
  byIdentifier: Map<string, PromotionConfig>;
}

/** One org's programs and customers, indexed for the checks. */
export interface OrgIndex {
  programs: Map<number, ProgramIndex>;
  customers: Record<IdentifierName, Map<string, number>>;
}

/** The sandbox's two bulk endpoints: one envelope, each with its own pair of actions. */
export type BulkEndpoint = 'enrolAndEarn' | 'revokeEnrolAndEarn';

export type BulkActionName = 'ENROL' | 'EARN' | 'REVOKE_ENROL' | 'REVOKE_EARN';

/** Per endpoint: the action every promotion type allows, and the one only Enrol-and-Issue does. */
const ACTIONS: Record<BulkEndpoint, { any: BulkActionName; enrolAndIssue: BulkActionName }> = {
  enrolAndEarn: { any: 'EARN', enrolAndIssue: 'ENROL' },
  revokeEnrolAndEarn: { any: 'REVOKE_EARN', enrolAndIssue: 'REVOKE_ENROL' },
};

/** What a call that passed the request-level checks acts on. */
export interface ResolvedCall {
  programId: number;
  promotion: PromotionConfig;
  action: BulkActionName;
  /** The org's customers by the call's identifierName; null when that name is not valid. */
  lookup: Map<string, number> | null;
  identifierName: unknown;
  customers: unknown[];
}

const SOURCES: ReadonlySet<string> = new Set(CUSTOMER_SOURCES);
const IDENTIFIERS: ReadonlySet<string> = new Set(IDENTIFIER_NAMES);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

function isIdentifierName(value: unknown): value is IdentifierName {
  return typeof value === 'string' && IDENTIFIERS.has(value);
}

export function indexOrg(org: OrgConfig): OrgIndex {
  const programs = new Map<number, ProgramIndex>();
  for (const program of org.programs) {
    const index: ProgramIndex = { byId: new Map(), byIdentifier: new Map() };
    for (const promotion of program.promotions) {
      index.byId.set(promotion.promotionId, promotion);
      if (promotion.promoIdentifier !== null) {
        index.byIdentifier.set(promotion.promoIdentifier, promotion);
      }
    }
    programs.set(program.programId, index);
  }
  const customers: OrgIndex['customers'] = { id: new Map(), mobile: new Map(), email: new Map() };
  for (const [entityId, mobile, email] of org.customers) {
    customers.id.set(String(entityId), entityId);
    customers.mobile.set(mobile, entityId);
    customers.email.set(email.toLowerCase(), entityId);
  }
  return { programs, customers };
}

/** The failing check's answer, or the call; `orgIndex` undefined (unknown org) fails as 1101. */
export function resolveRequest(
  orgIndex: OrgIndex | undefined,
  body: unknown,
  endpoint: BulkEndpoint = 'enrolAndEarn',
): ResolvedCall | EngineAnswer {
  if (!isRecord(body)) return requestLevelAnswer(REQUEST_CODES.insufficientParameters);

  const customers: unknown[] = Array.isArray(body.customers) ? body.customers : [];
  if (customers.length > MAX_CUSTOMERS_PER_CALL) {
    return requestLevelAnswer(REQUEST_CODES.batchLimitExceeded, 400);
  }
  if (body.type === 'USER_GROUP') return requestLevelAnswer(REQUEST_CODES.userGroupNotAllowed);
  if (body.type !== 'CUSTOMER') return requestLevelAnswer(REQUEST_CODES.invalidEntityType);

  const details = body.promotionDetails;
  const programId = isRecord(details) ? wholeNumberOf(details.programId) : undefined;
  if (!isRecord(details) || programId === undefined) {
    return requestLevelAnswer(REQUEST_CODES.insufficientParameters);
  }
  const { promoIdentifier } = details;
  const promotionId = wholeNumberOf(details.promotionId) ?? details.promotionId;
  const hasId = promotionId !== undefined && promotionId !== null;
  const hasIdentifier = nonEmptyString(promoIdentifier);
  if (!hasId && !hasIdentifier) return requestLevelAnswer(REQUEST_CODES.insufficientParameters);

  const program = orgIndex?.programs.get(programId);
  if (orgIndex === undefined || program === undefined) {
    return requestLevelAnswer(REQUEST_CODES.invalidProgram);
  }

  const byId = typeof promotionId === 'number' ? program.byId.get(promotionId) : undefined;
  const byIdentifier = hasIdentifier ? program.byIdentifier.get(promoIdentifier) : undefined;
  // Both given: they must name the same promotion.
  const promotion =
    hasId && hasIdentifier && byId !== byIdentifier ? undefined : (byId ?? byIdentifier);
  if (promotion === undefined) return requestLevelAnswer(REQUEST_CODES.invalidPromotion);
  if (!promotion.active) return requestLevelAnswer(REQUEST_CODES.promotionInactive);

  const allowed = ACTIONS[endpoint];
  const action = body.bulkAction;
  if (
    action !== allowed.any &&
    !(action === allowed.enrolAndIssue && promotion.type === 'ENROL_AND_ISSUE')
  ) {
    return endpoint === 'enrolAndEarn'
      ? requestLevelAnswer(REQUEST_CODES.unsupportedAction)
      : requestLevelAnswer(REQUEST_CODES.unsupportedAction, 500, REVOKE_UNSUPPORTED_MESSAGE);
  }

  const identifierName = body.identifierName;
  const lookup = isIdentifierName(identifierName) ? orgIndex.customers[identifierName] : null;
  return {
    programId,
    promotion,
    action: action as BulkActionName,
    lookup,
    identifierName,
    customers,
  };
}

/** An id as a number or, as the vendor's revoke examples send it, a string of digits. */
function wholeNumberOf(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? value : undefined;
  return typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : undefined;
}

/** The item's identifierValue and source are there and valid (else 11013). */
export function hasRequiredFields(
  { lookup }: ResolvedCall,
  customer: unknown,
): customer is { identifierValue: string } {
  return (
    lookup !== null &&
    isRecord(customer) &&
    nonEmptyString(customer.identifierValue) &&
    nonEmptyString(customer.source) &&
    // The vendor's revoke examples send it in lower case (`instore`).
    SOURCES.has(customer.source.toUpperCase())
  );
}

/** The org's customer an item names, or undefined (8015, or 11013 when it is malformed). */
export function entityIdOf(resolved: ResolvedCall, customer: unknown): number | undefined {
  if (!hasRequiredFields(resolved, customer)) return undefined;
  const value = customer.identifierValue.trim();
  return resolved.lookup?.get(resolved.identifierName === 'email' ? value.toLowerCase() : value);
}

/** Enrolments, earn counts and busy customers are all kept per org, promotion and entity. */
export function customerKey(org: string, promotion: PromotionConfig, entityId: number): string {
  return `${org}|${promotion.promotionId}|${entityId}`;
}

/**
 * The `earnIds` a REVOKE_EARN customer names, null when absent (all of them); an id that is
 * no earn id (the page: integers; digits in a string pass too) stays as null in its place.
 */
export function earnIdsOf(customer: unknown): (string | null)[] | null {
  const asked = (customer as { earnIds?: unknown }).earnIds;
  if (asked === undefined || asked === null) return null;
  return Array.isArray(asked) ? asked.map(earnIdOf) : [];
}

function earnIdOf(value: unknown): string | null {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  if (typeof value === 'string' && /^\d+$/.test(value)) return value.replace(/^0+(?=\d)/, '');
  return null;
}
