/**
 * The emulated `POST /v2/promotion/bulk/enrolAndEarn`: in-memory state and the rules of
 * reference/enrol-and-issue-promotion.md + upstream-facts.md, with DESIGN §5's decisions
 * where the vendor is silent. No HTTP here: the server hands in an org and a parsed body.
 */
import type { DemoData, PromotionConfig } from './demo-catalog';
import {
  answerOf,
  customerError,
  issued,
  limitExhausted,
  type EngineAnswer,
  type EnvelopeItem,
  type ItemResult,
} from './envelope';
import {
  customerKey,
  entityIdOf,
  hasRequiredFields,
  indexOrg,
  resolveRequest,
  type OrgIndex,
  type ResolvedCall,
} from './enrol-and-earn-request';
import type { EnrolmentRecord, LedgerEntry } from './records';
import { CUSTOMER_CODES } from './vendor-codes';

export type { EngineAnswer } from './envelope';

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

/** One item of a resolved call, with what it needs to act and to record its work. */
interface CustomerWork {
  org: string;
  request: ResolvedCall;
  customer: unknown;
  call: CallContext;
  /** Receives the ledger entry of what was done. */
  entries: LedgerEntry[];
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
/** An enrolment of a promotion without an end date expires this long after it was made. */
const DEFAULT_ENROLMENT_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Enrolments kept per customer and promotion: benchmarks re-enrol the same people for hours. */
const MAX_TIMELINE_ENTRIES = 20;

/** When what was done at `time` for `promotion` expires: the promotion's end, else 30 days on. */
export function expiryOf(promotion: PromotionConfig, time: string): string {
  const end = promotion.details?.endDate ?? null;
  return end ?? new Date(Date.parse(time) + DEFAULT_ENROLMENT_DAYS * DAY_MS).toISOString();
}

export class PromotionEngine {
  private readonly orgs = new Map<string, OrgIndex>();
  private counters = new Map<string, Counters>();
  /** Active enrolment per `customerKey` (ENROL_AND_ISSUE). */
  private enrolments = new Map<string, Enrolment>();
  /** Earns per `customerKey` (DIRECT). */
  private directEarns = new Map<string, number>();
  /** Every enrolment and earn per `customerKey`, oldest first: what the customer lookup reads. */
  private timelines = new Map<string, EnrolmentRecord[]>();

  constructor(data: DemoData) {
    for (const org of data.orgs) this.orgs.set(org.org, indexOrg(org));
  }

  /** Enrolments, earns and counters back to the seeded start. */
  reset(): void {
    this.counters = new Map();
    this.enrolments = new Map();
    this.directEarns = new Map();
    this.timelines = new Map();
  }

  /** The org's programs and customers, as the request checks index them. */
  orgIndexOf(org: string): OrgIndex | undefined {
    return this.orgs.get(org);
  }

  /** A customer's enrolments of one promotion, oldest first ([] when none). */
  timelineOf(
    org: string,
    promotion: PromotionConfig,
    entityId: number,
  ): readonly EnrolmentRecord[] {
    return this.timelines.get(customerKey(org, promotion, entityId)) ?? [];
  }

  enrolAndEarn(org: string, body: unknown, call: CallContext): EngineAnswer {
    const request = resolveRequest(this.orgs.get(org), body);
    if ('status' in request) return request;
    const entries: LedgerEntry[] = [];
    const response = request.customers.map((customer) =>
      this.processCustomer({ org, request, customer, call, entries }),
    );
    return answerOf(response, entries);
  }

  /**
   * One key per known customer the call would act on (the same person however identified);
   * the server holds them while the call is in flight, so another call for one gets 521.
   */
  customerKeysOf(org: string, body: unknown): string[] {
    const request = resolveRequest(this.orgs.get(org), body);
    if ('status' in request) return [];
    const keys: string[] = [];
    for (const customer of request.customers) {
      const entityId = entityIdOf(request, customer);
      if (entityId !== undefined) keys.push(customerKey(org, request.promotion, entityId));
    }
    return keys;
  }

  private processCustomer({ org, request, customer, call, entries }: CustomerWork): EnvelopeItem {
    const { programId, promotion, action } = request;
    if (!hasRequiredFields(request, customer)) return customerError(CUSTOMER_CODES.emptyFields);
    const entityId = entityIdOf(request, customer);
    if (entityId === undefined) return customerError(CUSTOMER_CODES.customerNotFound);
    const key = customerKey(org, promotion, entityId);
    if (call.busy?.has(key) === true) return customerError(CUSTOMER_CODES.concurrentAction);

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
      this.timelineEntry(key, {
        issualId,
        enrolledAt: call.time,
        expiresAt: expiryOf(promotion, call.time),
        earnings: [],
      });
      return issued({ ...result, issualId });
    }

    if (promotion.type === 'ENROL_AND_ISSUE') {
      const enrolment = this.enrolments.get(key);
      if (enrolment === undefined) return customerError(CUSTOMER_CODES.issueFailed);
      if (enrolment.earns >= promotion.earnLimit) return limitExhausted(result);
      enrolment.earns++;
      const earnedId = String(counters.earned++);
      record(enrolment.issualId, earnedId);
      const timeline = this.timelines.get(key);
      const entry = timeline?.find((e) => e.issualId === enrolment.issualId);
      entry?.earnings.push({ earnedId, earnedAt: call.time, expiresAt: entry.expiresAt });
      return issued({ ...result, issualId: enrolment.issualId, earnedId });
    }

    const earns = this.directEarns.get(key) ?? 0;
    if (earns >= promotion.earnLimit) return limitExhausted(result);
    this.directEarns.set(key, earns + 1);
    // Direct Issue has no enrolment: the vendor sends a dummy issualId, here a fresh counter value.
    const issualId = String(counters.issual++);
    const earnedId = String(counters.earned++);
    record(issualId, earnedId);
    // The lookup shows a Direct issue as an enrolment entry sharing its issue's date.
    const expiresAt = expiryOf(promotion, call.time);
    this.timelineEntry(key, {
      issualId,
      enrolledAt: call.time,
      expiresAt,
      earnings: [{ earnedId, earnedAt: call.time, expiresAt }],
    });
    return issued({ ...result, issualId, earnedId });
  }

  private timelineEntry(key: string, entry: EnrolmentRecord): void {
    const timeline = this.timelines.get(key);
    if (timeline === undefined) {
      this.timelines.set(key, [entry]);
      return;
    }
    timeline.push(entry);
    if (timeline.length > MAX_TIMELINE_ENTRIES) timeline.shift();
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
