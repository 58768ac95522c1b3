/**
 * Reconcile before re-sending (DESIGN §8), as pure functions: what one customer lookup
 * says about a call whose outcome was unknown, and how a re-sent customer's new answer
 * merges with what the idempotency record held. No network here.
 */
import type { OperationTrace } from '../observability/observer';
import type { CustomerOutcome, IssuedOutcome } from '../domain/outcome';
import type { BulkAction, Credentials, PromotionRef, PromotionRequest } from '../domain/promotion';
import type { CustomerPromotionRecord, CustomerPromotionsPage } from '../domain/promotion-read';
import { UpstreamCode } from '../domain/upstream-codes';

/**
 * Looks up the customers of a retry whose earlier call ended unknown (DESIGN §8): those it
 * shows done come back, by index, with that work as their outcome. Never rejects.
 */
export interface UnknownOutcomes {
  reconcile(
    request: PromotionRequest,
    previous: readonly CustomerOutcome[],
    indices: readonly number[],
    credentials: Credentials,
    deadline: number,
    /** The retry's operation span (tracing on), which the lookups link to. */
    trace?: OperationTrace,
  ): Promise<ReadonlyMap<number, CustomerOutcome>>;
}

/** The actions whose work the lookup shows as a new record. Revocations only hide one. */
export type ReconcilableAction = 'ENROL' | 'EARN';

export function isReconcilable(action: BulkAction): action is ReconcilableAction {
  return action === 'ENROL' || action === 'EARN';
}

export type Finding =
  /** Exactly one unreported enrolment (earning) dated since the call left: that call's work. */
  | { kind: 'DONE'; outcome: IssuedOutcome }
  /** The promotion is shown, with nothing new since the call left. */
  | { kind: 'NOT_DONE' }
  /** The lookup cannot tell: it failed, or found several candidates or an undated one. */
  | { kind: 'UNSURE'; reason: string }
  /** No lookup can tell for now (rate limited, or the reads' circuit is open): the customer stays unknown. */
  | { kind: 'PAUSED' };

/** When the unknown call behind this outcome left, or null (not unknown, or a record from before sentAt was kept). */
export function sentAtOf(outcome: CustomerOutcome | undefined): number | null {
  if (outcome?.kind !== 'OUTCOME_UNKNOWN') return null;
  const { sentAt } = outcome as { sentAt?: unknown };
  return typeof sentAt === 'number' && Number.isFinite(sentAt) ? sentAt : null;
}

/** The work an outcome reports: its issualId for ENROL, its earnedId for EARN, or null. */
export function workIdOf(action: ReconcilableAction, outcome: CustomerOutcome): string | null {
  if (outcome.kind !== 'ISSUED') return null;
  return action === 'ENROL' ? outcome.issualId : outcome.earnedId;
}

/** The ids an answer already reported (issualIds for ENROL, earnedIds for EARN): none is claimed twice. */
export function reportedIdsOf(
  action: ReconcilableAction,
  outcomes: readonly CustomerOutcome[],
): Set<string> {
  const ids = new Set<string>();
  for (const outcome of outcomes) {
    const id = workIdOf(action, outcome);
    if (id !== null) ids.add(id);
  }
  return ids;
}

/** The request's promotion on a lookup page, by promotionId or else promoIdentifier. */
export function promotionOn(
  page: CustomerPromotionsPage,
  ref: PromotionRef,
): CustomerPromotionRecord | null {
  return (
    page.promotions.find(
      (p) =>
        p.programId === ref.programId &&
        (ref.promotionId !== null && ref.promotionId !== undefined
          ? p.promotionId === ref.promotionId
          : p.promoIdentifier === ref.promoIdentifier),
    ) ?? null
  );
}

interface Candidate {
  issualId: string;
  earnedId: string | null;
  at: Date | null;
}

export interface FindingInput {
  action: ReconcilableAction;
  entityId: string;
  promotion: CustomerPromotionRecord;
  /** When the unknown call left (epoch ms). */
  sentAt: number;
  /** RECONCILE_CLOCK_SKEW_MS: the API dates by its own clock, which may lag ours. */
  clockSkewMs: number;
  /** Ids an earlier answer reported (of this key, or to anyone lately): never that call's work. */
  reported: { has(id: string): boolean };
}

/**
 * DESIGN §8's rule: an enrolment (ENROL) or earning (EARN) of the promotion dated at or
 * after `sentAt - clockSkewMs` that no earlier answer reported is the call's work — when
 * there is exactly one. An undated unreported record could be it too, so it makes the
 * lookup unsure.
 */
export function findingOf(input: FindingInput): Finding {
  const { action, promotion, reported } = input;
  const since = input.sentAt - input.clockSkewMs;
  const all: Candidate[] =
    action === 'ENROL'
      ? promotion.enrolments.map((e) => ({
          issualId: e.issualId,
          earnedId: null,
          at: e.enrolledAt,
        }))
      : promotion.enrolments.flatMap((e) =>
          e.earnings.map((g) => ({ issualId: e.issualId, earnedId: g.earnedId, at: g.earnedAt })),
        );
  const unreported = all.filter((c) => !reported.has(c.earnedId ?? c.issualId));
  if (unreported.some((c) => c.at === null)) return { kind: 'UNSURE', reason: 'an undated record' };
  const candidates = unreported.filter((c) => c.at!.getTime() >= since);
  const [only, ...others] = candidates;
  if (only === undefined) return { kind: 'NOT_DONE' };
  if (others.length > 0) return { kind: 'UNSURE', reason: 'several candidates' };
  return {
    kind: 'DONE',
    outcome: {
      kind: 'ISSUED',
      entityId: input.entityId,
      programId: promotion.programId,
      promotionId: promotion.promotionId,
      promoIdentifier: promotion.promoIdentifier,
      issualId: only.issualId,
      earnedId: only.earnedId,
      warnings: [],
    },
  };
}

/** True when an answer says only that nothing was done this time. */
function nothingDoneNow(outcome: CustomerOutcome): boolean {
  return (
    outcome.kind === 'UNAVAILABLE' ||
    outcome.kind === 'RATE_LIMITED' ||
    (outcome.kind === 'UPSTREAM_ERROR' && outcome.code === UpstreamCode.CONCURRENT_ACTION)
  );
}

/**
 * A re-sent customer's new outcome, given what the record held. The earlier unknown call
 * may still be the one that did the work: an answer that only says "nothing done this
 * time" leaves the customer unknown, and a second unknown keeps the first call's time (or
 * none, when the first call's time was not known), so the next retry still looks for it.
 */
export function mergeResent(previous: CustomerOutcome, fresh: CustomerOutcome): CustomerOutcome {
  if (previous.kind !== 'OUTCOME_UNKNOWN') return fresh;
  if (nothingDoneNow(fresh)) return previous;
  if (fresh.kind !== 'OUTCOME_UNKNOWN') return fresh;
  const first = sentAtOf(previous);
  const { kind, message } = fresh;
  if (first === null) return { kind, message };
  return { kind, message, sentAt: Math.min(first, sentAtOf(fresh) ?? first) };
}
