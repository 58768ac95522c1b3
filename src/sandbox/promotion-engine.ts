/**
 * The emulated `POST /v2/promotion/bulk/enrolAndEarn` and `.../revokeEnrolAndEarn`:
 * in-memory state and the rules of reference/enrol-and-issue-promotion.md,
 * upstream-facts.md and neighbour-endpoints.md §1, with DESIGN §5's and §8's decisions
 * where the vendor is silent. No HTTP here: the server hands in an org and a parsed body.
 */
import { expiryOf, type DemoData, type PromotionConfig } from './demo-catalog';
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
  earnIdsOf,
  entityIdOf,
  hasRequiredFields,
  indexOrg,
  resolveRequest,
  type BulkEndpoint,
  type OrgIndex,
  type ResolvedCall,
} from './enrol-and-earn-request';
import type { EarningRecord, EnrolmentRecord, LedgerEntry } from './records';
import { CUSTOMER_CODES, REVOKE_EARNS_FIRST_MESSAGE } from './vendor-codes';

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
/** Enrolments kept per customer and promotion: benchmarks re-enrol the same people for hours. */
const MAX_TIMELINE_ENTRIES = 20;

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

  /**
   * Enrolments and earns back to the seeded start. The id counters go on, as the platform's
   * never reuse an id: a gateway still running beside a reset sandbox must not meet an id
   * it already reported for other work.
   */
  reset(): void {
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
    return this.answer('enrolAndEarn', org, body, call);
  }

  revokeEnrolAndEarn(org: string, body: unknown, call: CallContext): EngineAnswer {
    return this.answer('revokeEnrolAndEarn', org, body, call);
  }

  /** One call of either endpoint: request-level checks, then each customer in order. */
  answer(endpoint: BulkEndpoint, org: string, body: unknown, call: CallContext): EngineAnswer {
    const request = resolveRequest(this.orgs.get(org), body, endpoint);
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
  customerKeysOf(org: string, body: unknown, endpoint: BulkEndpoint = 'enrolAndEarn'): string[] {
    const request = resolveRequest(this.orgs.get(org), body, endpoint);
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
    if (action === 'REVOKE_ENROL') return this.revokeEnrolment(key, result, record, call);
    if (action === 'REVOKE_EARN') return this.revokeEarns(key, customer, result, record, call);

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

  /**
   * REVOKE_ENROL (Enrol-and-Issue only, checked per request): the active enrolment, once
   * none of its earns is active (DESIGN §8: 8896 "revoke the earns first"). Without an
   * active enrolment there is nothing to revoke: 8896 with the vendor's words.
   */
  private revokeEnrolment(
    key: string,
    result: ItemResult,
    record: (issualId: string, earnedId: string | null) => void,
    call: CallContext,
  ): EnvelopeItem {
    const enrolment = this.enrolments.get(key);
    if (enrolment === undefined) return customerError(CUSTOMER_CODES.issueFailed);
    const entry = this.timelines.get(key)?.find((e) => e.issualId === enrolment.issualId);
    if (entry?.earnings.some((e) => e.revokedAt === undefined) === true) {
      return customerError(CUSTOMER_CODES.issueFailed, REVOKE_EARNS_FIRST_MESSAGE);
    }
    this.enrolments.delete(key);
    if (entry !== undefined) entry.revokedAt = call.time;
    record(enrolment.issualId, null);
    // The page's REVOKE_ENROL examples: the revoked enrolment as `issualId`, a string of digits.
    return issued({ ...result, issualId: enrolment.issualId });
  }

  /**
   * REVOKE_EARN: the `earnIds` given, or every active earn when absent. All or nothing per
   * customer: an id unknown, already revoked or given twice, or no active earn → 8903.
   */
  private revokeEarns(
    key: string,
    customer: unknown,
    result: ItemResult,
    record: (issualId: string, earnedId: string | null) => void,
    call: CallContext,
  ): EnvelopeItem {
    const active = (this.timelines.get(key) ?? []).flatMap((enrolment) =>
      enrolment.earnings
        .filter((earning) => earning.revokedAt === undefined)
        .map((earning) => ({ earning, issualId: enrolment.issualId })),
    );
    const ids = earnIdsOf(customer);
    let targets: { earning: EarningRecord; issualId: string }[];
    if (ids === null) {
      targets = active;
    } else {
      targets = ids.flatMap((id) => active.filter((e) => e.earning.earnedId === id));
      if (ids.length === 0 || targets.length !== ids.length || new Set(ids).size !== ids.length) {
        return customerError(CUSTOMER_CODES.earnNotRevocable);
      }
    }
    if (targets.length === 0) return customerError(CUSTOMER_CODES.earnNotRevocable);
    for (const { earning, issualId } of targets) {
      earning.revokedAt = call.time;
      record(issualId, earning.earnedId);
    }
    return issued({ ...result, revokedEarnIds: targets.map((e) => Number(e.earning.earnedId)) });
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
