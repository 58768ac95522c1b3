/**
 * The emulated `POST /v2/promotion/bulk/enrolAndEarn`: in-memory state and the rules of
 * reference/enrol-and-issue-promotion.md + upstream-facts.md, with DESIGN §5's decisions
 * where the vendor is silent. No HTTP here: the server hands in an org and a parsed body.
 */
import { CUSTOMER_SOURCES, IDENTIFIER_NAMES, type IdentifierName } from '../domain/promotion';
import { UpstreamCode } from '../domain/upstream-codes';
import type { DemoData, PromotionConfig } from './demo-catalog';
import type { LedgerEntry } from './records';

/** The vendor's messages, word for word (upstream-facts.md); 1060 is ours. */
export const UPSTREAM_MESSAGES: Readonly<Record<number, string>> = {
  [UpstreamCode.BATCH_LIMIT_EXCEEDED]: 'batch limit exceeded',
  [UpstreamCode.INVALID_PROGRAM]: 'invalid programId passed',
  [UpstreamCode.INVALID_PROMOTION]: 'promotion id passed is invalid',
  [UpstreamCode.PROMOTION_INACTIVE]: 'promotion is inactive',
  [UpstreamCode.UNSUPPORTED_ACTION]:
    'bulk action passed not supported for loyalty/generic promotion type',
  [UpstreamCode.INSUFFICIENT_PARAMETERS]:
    'insufficient parameters passed, program id and one of promotion id/identifier are required',
  [UpstreamCode.USER_GROUP_NOT_ALLOWED]: 'Cannot enrol/issue to the user group',
  [UpstreamCode.INVALID_ENTITY_TYPE]: 'invalid entity type passed',
  [UpstreamCode.CUSTOMER_NOT_FOUND]: 'Customer not found for the given identifiers',
  [UpstreamCode.ISSUE_FAILED]: 'Error occurred while issuing promotion to the customer',
  [UpstreamCode.EMPTY_FIELDS]: 'identifierName, identifierValue, source can not be empty',
  [UpstreamCode.LIMIT_EXHAUSTED]:
    'promotion not issued due to config issues or customer exhausted limits',
  [UpstreamCode.CONCURRENT_ACTION]: 'concurrent actions on the same customer',
};

/** The vendor's documented batch size. */
export const MAX_CUSTOMERS_PER_CALL = 100;

export interface UpstreamMessage {
  status: false;
  code: number;
  message: string;
}

export interface ItemResult {
  entityType: 'CUSTOMER';
  entityId: number;
  promotionId: number;
  promoIdentifier?: string;
  programId: number;
  issualId?: string;
  earnedId?: string;
}

export interface EnvelopeItem {
  result?: ItemResult;
  errors: UpstreamMessage[];
  warnings: UpstreamMessage[];
}

export interface Envelope {
  response: EnvelopeItem[];
  totalCount: number;
  failureCount: number;
}

export interface EngineAnswer {
  /** 200 none failed, 201 some failed, 500 all failed, 400 batch limit (DESIGN §5). */
  status: number;
  envelope: Envelope;
  /** Work done by this call, already applied to the state. */
  entries: LedgerEntry[];
}

export interface CallContext {
  callId: string;
  /** ISO 8601. */
  time: string;
  /**
   * Customers (as `customerKeysOf` names them) that another call in flight holds: each
   * gets 521 and nothing is done for it. Default: none.
   */
  busy?: ReadonlySet<string>;
}

/** What a call that passed the request-level checks acts on. */
interface ResolvedCall {
  programId: number;
  promotion: PromotionConfig;
  action: 'ENROL' | 'EARN';
  /** The org's customers by the call's identifierName; null when that name is not valid. */
  lookup: Map<string, number> | null;
  identifierName: unknown;
  customers: unknown[];
}

function upstreamMessage(code: number): UpstreamMessage {
  return { status: false, code, message: UPSTREAM_MESSAGES[code] ?? 'unknown error' };
}

function requestLevel(code: number, status = 500): EngineAnswer {
  return {
    status,
    envelope: {
      response: [{ errors: [upstreamMessage(code)], warnings: [] }],
      totalCount: 1,
      failureCount: 1,
    },
    entries: [],
  };
}

function customerError(code: number): EnvelopeItem {
  return { errors: [upstreamMessage(code)], warnings: [] };
}

interface ProgramIndex {
  byId: Map<number, PromotionConfig>;
  byIdentifier: Map<string, PromotionConfig>;
}

interface OrgIndex {
  programs: Map<number, ProgramIndex>;
  customers: Record<IdentifierName, Map<string, number>>;
}

interface Enrolment {
  issualId: string;
  earns: number;
}

interface Counters {
  issual: number;
  earned: number;
}

/** First ids of each org's counters; distinct ranges make a swapped issualId/earnedId visible. */
const FIRST_ISSUAL_ID = 1001;
const FIRST_EARNED_ID = 5_000_001;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

const SOURCES: ReadonlySet<string> = new Set(CUSTOMER_SOURCES);
const IDENTIFIERS: ReadonlySet<string> = new Set(IDENTIFIER_NAMES);

export class PromotionEngine {
  private readonly orgs = new Map<string, OrgIndex>();
  private counters = new Map<string, Counters>();
  /** Active enrolment per `org|promotionId|entityId` (ENROL_AND_ISSUE). */
  private enrolments = new Map<string, Enrolment>();
  /** Earns per `org|promotionId|entityId` (DIRECT). */
  private directEarns = new Map<string, number>();

  constructor(data: DemoData) {
    for (const org of data.orgs) {
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
      const customers: OrgIndex['customers'] = {
        id: new Map(),
        mobile: new Map(),
        email: new Map(),
      };
      for (const [entityId, mobile, email] of org.customers) {
        customers.id.set(String(entityId), entityId);
        customers.mobile.set(mobile, entityId);
        customers.email.set(email.toLowerCase(), entityId);
      }
      this.orgs.set(org.org, { programs, customers });
    }
  }

  /** Enrolments, earns and counters back to the seeded start. */
  reset(): void {
    this.counters = new Map();
    this.enrolments = new Map();
    this.directEarns = new Map();
  }

  enrolAndEarn(org: string, body: unknown, call: CallContext): EngineAnswer {
    const resolved = this.resolve(org, body);
    if ('status' in resolved) return resolved;
    const response: EnvelopeItem[] = [];
    const entries: LedgerEntry[] = [];
    let failureCount = 0;
    for (const customer of resolved.customers) {
      const item = this.processCustomer(org, resolved, customer, call, entries);
      if (item.errors.length > 0) failureCount++;
      response.push(item);
    }
    const totalCount = response.length;
    const status = failureCount === 0 ? 200 : failureCount < totalCount ? 201 : 500;
    return { status, envelope: { response, totalCount, failureCount }, entries };
  }

  /**
   * The customers a call would act on, one key per known customer (org, promotion and
   * entity: the same person however the call identified them, whatever the action);
   * none when the call fails a request-level check. The server holds these while the
   * call is in flight, so that another call for one of them gets 521.
   */
  customerKeysOf(org: string, body: unknown): string[] {
    const resolved = this.resolve(org, body);
    if ('status' in resolved) return [];
    const keys: string[] = [];
    for (const customer of resolved.customers) {
      const entityId = entityIdOf(resolved, customer);
      if (entityId !== undefined) keys.push(customerKey(org, resolved.promotion, entityId));
    }
    return keys;
  }

  /** The request-level checks, in the vendor's order; the failing one's answer, or the call. */
  private resolve(org: string, body: unknown): ResolvedCall | EngineAnswer {
    const orgIndex = this.orgs.get(org);
    if (!isRecord(body)) return requestLevel(UpstreamCode.INSUFFICIENT_PARAMETERS);

    const customers = Array.isArray(body.customers) ? (body.customers as unknown[]) : [];
    if (customers.length > MAX_CUSTOMERS_PER_CALL) {
      return requestLevel(UpstreamCode.BATCH_LIMIT_EXCEEDED, 400);
    }
    if (body.type === 'USER_GROUP') return requestLevel(UpstreamCode.USER_GROUP_NOT_ALLOWED);
    if (body.type !== 'CUSTOMER') return requestLevel(UpstreamCode.INVALID_ENTITY_TYPE);

    const details = body.promotionDetails;
    if (!isRecord(details) || !Number.isInteger(details.programId)) {
      return requestLevel(UpstreamCode.INSUFFICIENT_PARAMETERS);
    }
    const hasId = details.promotionId !== undefined && details.promotionId !== null;
    const hasIdentifier = nonEmptyString(details.promoIdentifier);
    if (!hasId && !hasIdentifier) return requestLevel(UpstreamCode.INSUFFICIENT_PARAMETERS);

    const programId = details.programId as number;
    const program = orgIndex?.programs.get(programId);
    if (orgIndex === undefined || program === undefined) {
      return requestLevel(UpstreamCode.INVALID_PROGRAM);
    }

    const byId = hasId
      ? typeof details.promotionId === 'number'
        ? program.byId.get(details.promotionId)
        : undefined
      : undefined;
    const byIdentifier = hasIdentifier
      ? program.byIdentifier.get(details.promoIdentifier as string)
      : undefined;
    // Both given: they must name the same promotion.
    const promotion =
      hasId && hasIdentifier && byId !== byIdentifier ? undefined : (byId ?? byIdentifier);
    if (promotion === undefined) return requestLevel(UpstreamCode.INVALID_PROMOTION);
    if (!promotion.active) return requestLevel(UpstreamCode.PROMOTION_INACTIVE);

    const action = body.bulkAction;
    if (action !== 'EARN' && !(action === 'ENROL' && promotion.type === 'ENROL_AND_ISSUE')) {
      return requestLevel(UpstreamCode.UNSUPPORTED_ACTION);
    }

    const identifierName = body.identifierName;
    const lookup =
      typeof identifierName === 'string' && IDENTIFIERS.has(identifierName)
        ? orgIndex.customers[identifierName as IdentifierName]
        : null;
    return { programId, promotion, action, lookup, identifierName, customers };
  }

  private processCustomer(
    org: string,
    resolved: ResolvedCall,
    customer: unknown,
    call: CallContext,
    entries: LedgerEntry[],
  ): EnvelopeItem {
    const { programId, promotion, action } = resolved;
    if (!hasRequiredFields(resolved, customer)) return customerError(UpstreamCode.EMPTY_FIELDS);
    const entityId = entityIdOf(resolved, customer);
    if (entityId === undefined) return customerError(UpstreamCode.CUSTOMER_NOT_FOUND);
    const key = customerKey(org, promotion, entityId);
    if (call.busy?.has(key) === true) return customerError(UpstreamCode.CONCURRENT_ACTION);

    const result: ItemResult = {
      entityType: 'CUSTOMER',
      entityId,
      promotionId: promotion.promotionId,
      ...(promotion.promoIdentifier !== null ? { promoIdentifier: promotion.promoIdentifier } : {}),
      programId,
    };
    const counters = this.countersOf(org);
    const record = (issualId: string, earnedId: string | null): void => {
      entries.push({
        org,
        programId,
        promotionId: promotion.promotionId,
        action,
        entityId,
        issualId,
        earnedId,
        time: call.time,
        callId: call.callId,
      });
    };

    if (action === 'ENROL') {
      // One active enrolment per customer: re-enrolling replaces it (and its earn count).
      const issualId = String(counters.issual++);
      this.enrolments.set(key, { issualId, earns: 0 });
      record(issualId, null);
      return { result: { ...result, issualId }, errors: [], warnings: [] };
    }

    if (promotion.type === 'ENROL_AND_ISSUE') {
      const enrolment = this.enrolments.get(key);
      if (enrolment === undefined) return customerError(UpstreamCode.ISSUE_FAILED);
      if (enrolment.earns >= promotion.earnLimit) return limitExhausted(result);
      enrolment.earns++;
      const earnedId = String(counters.earned++);
      record(enrolment.issualId, earnedId);
      return {
        result: { ...result, issualId: enrolment.issualId, earnedId },
        errors: [],
        warnings: [],
      };
    }

    const earns = this.directEarns.get(key) ?? 0;
    if (earns >= promotion.earnLimit) return limitExhausted(result);
    this.directEarns.set(key, earns + 1);
    // Direct Issue has no enrolment: the vendor sends a dummy issualId, here a fresh counter value.
    const issualId = String(counters.issual++);
    const earnedId = String(counters.earned++);
    record(issualId, earnedId);
    return { result: { ...result, issualId, earnedId }, errors: [], warnings: [] };
  }

  private countersOf(org: string): Counters {
    let counters = this.counters.get(org);
    if (counters === undefined) {
      counters = { issual: FIRST_ISSUAL_ID, earned: FIRST_EARNED_ID };
      this.counters.set(org, counters);
    }
    return counters;
  }
}

/** Active enrolments, earn counts and busy customers are all kept per org, promotion and entity. */
function customerKey(org: string, promotion: PromotionConfig, entityId: number): string {
  return `${org}|${promotion.promotionId}|${entityId}`;
}

/** The item's identifierValue and source are there and valid (else 11013). */
function hasRequiredFields(
  { lookup }: ResolvedCall,
  customer: unknown,
): customer is { identifierValue: string } {
  return (
    lookup !== null &&
    isRecord(customer) &&
    nonEmptyString(customer.identifierValue) &&
    nonEmptyString(customer.source) &&
    SOURCES.has(customer.source)
  );
}

/** The org's customer an item names, or undefined (8015, or 11013 when it is malformed). */
function entityIdOf(resolved: ResolvedCall, customer: unknown): number | undefined {
  if (!hasRequiredFields(resolved, customer)) return undefined;
  const value = customer.identifierValue.trim();
  return resolved.lookup?.get(resolved.identifierName === 'email' ? value.toLowerCase() : value);
}

/** Nothing issued: a `result` without ids and warning 8890; not a failure. */
function limitExhausted(result: ItemResult): EnvelopeItem {
  return { result, errors: [], warnings: [upstreamMessage(UpstreamCode.LIMIT_EXHAUSTED)] };
}
