/**
 * The emulated `POST /v2/promotion/bulk/enrolAndEarn` and `.../revokeEnrolAndEarn`:
 * in-memory state and the rules of reference/enrol-and-issue-promotion.md,
 * upstream-facts.md and neighbour-endpoints.md §1, with DESIGN §5's and §8's decisions
 * where the vendor is silent. No HTTP here: the server hands in an org and a parsed body.
 */
import type { DemoData } from './demo-catalog';
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
  type BulkEndpoint,
  type OrgIndex,
  type ResolvedCall,
} from './enrol-and-earn-request';
import type { LedgerEntry } from './records';
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

/** One earn, kept so that it can be revoked by its id. */
interface EarnRecord {
  earnedId: string;
  /** The enrolment earned on; the placeholder for Direct Issue. */
  issualId: string;
  /** ISO 8601 once revoked. */
  revokedAt: string | null;
}

interface Counters {
  issual: number;
  earned: number;
}

/** First ids of each org's counters; distinct ranges make a swapped issualId/earnedId visible. */
const FIRST_ISSUAL_ID = 1001;
const FIRST_EARNED_ID = 5_000_001;

export class PromotionEngine {
  private readonly orgs = new Map<string, OrgIndex>();
  private counters = new Map<string, Counters>();
  /** Active enrolment per `customerKey` (ENROL_AND_ISSUE). */
  private enrolments = new Map<string, Enrolment>();
  /** Earns per `customerKey` (DIRECT). */
  private directEarns = new Map<string, number>();
  /** Every earn per `customerKey`, oldest first, revoked ones included (both types). */
  private earnings = new Map<string, EarnRecord[]>();

  constructor(data: DemoData) {
    for (const org of data.orgs) this.orgs.set(org.org, indexOrg(org));
  }

  /** Enrolments, earns and counters back to the seeded start. */
  reset(): void {
    this.counters = new Map();
    this.enrolments = new Map();
    this.directEarns = new Map();
    this.earnings = new Map();
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
    if (action === 'REVOKE_ENROL') return this.revokeEnrolment(key, result, record);
    if (action === 'REVOKE_EARN') return this.revokeEarns(key, customer, result, record, call);

    if (action === 'ENROL') {
      // One active enrolment per customer: re-enrolling replaces it (and its earn count).
      const issualId = String(counters.issual++);
      this.enrolments.set(key, { issualId, earns: 0 });
      record(issualId, null);
      return issued({ ...result, issualId });
    }

    if (promotion.type === 'ENROL_AND_ISSUE') {
      const enrolment = this.enrolments.get(key);
      if (enrolment === undefined) return customerError(CUSTOMER_CODES.issueFailed);
      if (enrolment.earns >= promotion.earnLimit) return limitExhausted(result);
      enrolment.earns++;
      const earnedId = String(counters.earned++);
      this.keepEarn(key, earnedId, enrolment.issualId);
      record(enrolment.issualId, earnedId);
      return issued({ ...result, issualId: enrolment.issualId, earnedId });
    }

    const earns = this.directEarns.get(key) ?? 0;
    if (earns >= promotion.earnLimit) return limitExhausted(result);
    this.directEarns.set(key, earns + 1);
    // Direct Issue has no enrolment: the vendor sends a dummy issualId, here a fresh counter value.
    const issualId = String(counters.issual++);
    const earnedId = String(counters.earned++);
    this.keepEarn(key, earnedId, issualId);
    record(issualId, earnedId);
    return issued({ ...result, issualId, earnedId });
  }

  private keepEarn(key: string, earnedId: string, issualId: string): void {
    const kept = this.earnings.get(key);
    if (kept === undefined) this.earnings.set(key, [{ earnedId, issualId, revokedAt: null }]);
    else kept.push({ earnedId, issualId, revokedAt: null });
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
  ): EnvelopeItem {
    const enrolment = this.enrolments.get(key);
    if (enrolment === undefined) return customerError(CUSTOMER_CODES.issueFailed);
    const active = this.earnings.get(key) ?? [];
    if (active.some((e) => e.revokedAt === null && e.issualId === enrolment.issualId)) {
      return customerError(CUSTOMER_CODES.issueFailed, REVOKE_EARNS_FIRST_MESSAGE);
    }
    this.enrolments.delete(key);
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
    const active = (this.earnings.get(key) ?? []).filter((e) => e.revokedAt === null);
    const asked = (customer as { earnIds?: unknown }).earnIds;
    let targets: EarnRecord[];
    if (asked === undefined || asked === null) {
      targets = active;
    } else {
      const ids = Array.isArray(asked) ? asked.map(earnIdOf) : [];
      targets = ids.flatMap((id) => active.filter((e) => e.earnedId === id));
      if (ids.length === 0 || targets.length !== ids.length || new Set(ids).size !== ids.length) {
        return customerError(CUSTOMER_CODES.earnNotRevocable);
      }
    }
    if (targets.length === 0) return customerError(CUSTOMER_CODES.earnNotRevocable);
    for (const earn of targets) {
      earn.revokedAt = call.time;
      record(earn.issualId, earn.earnedId);
    }
    return issued({ ...result, revokedEarnIds: targets.map((e) => Number(e.earnedId)) });
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

/** An earn id as the request gave it (the page: integers; digits in a string pass too). */
function earnIdOf(value: unknown): string | null {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  if (typeof value === 'string' && /^\d+$/.test(value)) return value.replace(/^0+(?=\d)/, '');
  return null;
}
