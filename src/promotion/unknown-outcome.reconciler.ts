/**
 * Before a keyed retry sends again the customers whose earlier call ended unknown, it
 * looks each of them up (DESIGN §8 "Reconcile before re-sending"): one lookup per
 * customer, all at once, by the mutation's deadline, filtered to the program.
 */
import type { Logger } from 'pino';
import type { CustomerOutcome } from '../domain/outcome';
import type { Credentials, CustomerRef, PromotionRequest } from '../domain/promotion';
import type { CustomerPromotionsPage, LookupQuery, ReadResult } from '../domain/promotion-read';
import type { OperationTrace } from '../observability/observer';
import {
  findingOf,
  isReconcilable,
  promotionOn,
  reportedIdsOf,
  sentAtOf,
  type Finding,
  type FindingInput,
  type ReconcilableAction,
  type UnknownOutcomes,
} from './reconcile';
import { tellerOf, type ReportedWork } from './reported-work';

/** The read side's lookup (PromotionReadService.lookupPromotionData): read-your-writes safe, retried. */
export interface CustomerLookups {
  lookupPromotionData(
    credentials: Credentials,
    query: LookupQuery,
    deadline: number,
    operation?: OperationTrace,
  ): Promise<ReadResult<CustomerPromotionsPage>>;
  /** True while the reads' circuit is open or half-open (the lookup endpoint is failing). */
  readsPaused?(): boolean;
}

export interface UnknownOutcomeReconcilerOptions {
  /** Default `120000` ms (RECONCILE_CLOCK_SKEW_MS). How far the API's clock may lag ours. */
  clockSkewMs: number;
  /** Default none. What this process told other callers or keys lately: never a cut call's work. */
  reportedWork?: ReportedWork;
  /** Counts only: never an identifier. */
  logger?: Pick<Logger, 'info' | 'error'>;
}

type Reported = FindingInput['reported'];

/** The lookup's largest page; a program with more promotions than this is paged through. */
const PAGE_SIZE = 100;
/** Pages read for one customer before the lookup counts as unsure: bounded work per customer. */
const MAX_PAGES = 10;

export class UnknownOutcomeReconciler implements UnknownOutcomes {
  constructor(
    private readonly lookups: CustomerLookups,
    private readonly options: UnknownOutcomeReconcilerOptions,
  ) {}

  /**
   * Of the customers at `indices` of `previous` (the record's outcomes), those whose
   * earlier unknown call the lookup shows done, with that work as their outcome, and those
   * whose lookup was rate limited or failed while the reads' circuit is open, with their
   * unknown outcome as it was: with the lookup endpoint failing, every customer would be sent again, and an
   * earn that was done earned twice. The others (not unknown, no sentAt, lookup unsure or
   * showing nothing) are not in the map: they are sent again. Never rejects.
   */
  async reconcile(
    request: PromotionRequest,
    previous: readonly CustomerOutcome[],
    indices: readonly number[],
    credentials: Credentials,
    deadline: number,
    trace?: OperationTrace,
  ): Promise<Map<number, CustomerOutcome>> {
    const found = new Map<number, CustomerOutcome>();
    const { action } = request;
    if (!isReconcilable(action)) return found;
    const asked = indices.flatMap((index) => {
      const sentAt = sentAtOf(previous[index]);
      const customer = request.customers[index];
      return sentAt === null || customer === undefined ? [] : [{ index, sentAt, customer }];
    });
    if (asked.length === 0) return found;
    // What this key was told already, or another caller or key lately: never the cut call's work.
    const ownIds = reportedIdsOf(action, previous);
    const teller = tellerOf(credentials, request);
    const lately = this.options.reportedWork;
    const reportedOf = (programId: number, entityId: string): Reported => ({
      has: (id) =>
        ownIds.has(id) || (lately?.toldOthers(action, programId, entityId, id, teller) ?? false),
    });
    let findings: Finding[];
    try {
      findings = await Promise.all(
        asked.map(({ sentAt, customer }) =>
          this.findingFor(
            action,
            request,
            customer,
            sentAt,
            reportedOf,
            credentials,
            deadline,
            trace,
          ),
        ),
      );
    } catch (error) {
      // A bug of ours: sending again is what the gateway did before it could reconcile.
      this.options.logger?.error({ err: error }, 'reconciling unknown outcomes failed');
      return found;
    }
    // One id claimed for two customers would be reported twice: neither is sure then.
    const claims = new Map<string, number>();
    for (const finding of findings) {
      if (finding.kind === 'DONE') {
        const id = idOf(action, finding);
        claims.set(id, (claims.get(id) ?? 0) + 1);
      }
    }
    let unsure = 0;
    let paused = 0;
    const claimed: CustomerOutcome[] = [];
    findings.forEach((finding, i) => {
      const { index } = asked[i]!;
      if (finding.kind === 'DONE' && claims.get(idOf(action, finding)) === 1) {
        found.set(index, finding.outcome);
        claimed.push(finding.outcome);
      } else if (finding.kind === 'PAUSED') {
        found.set(index, previous[index]!);
        paused++;
      } else if (finding.kind !== 'NOT_DONE') unsure++;
    });
    // Told to this key now: no other caller's or key's retry takes them for its own.
    lately?.record(action, claimed, teller);
    this.options.logger?.info(
      { action, looked: asked.length, found: found.size - paused, unsure, paused },
      'looked up customers of unknown outcomes before sending them again',
    );
    return found;
  }

  /** One customer: its lookup pages until the promotion shows, then DESIGN §8's rule. */
  private async findingFor(
    action: ReconcilableAction,
    request: PromotionRequest,
    customer: CustomerRef,
    sentAt: number,
    reportedOf: (programId: number, entityId: string) => Reported,
    credentials: Credentials,
    deadline: number,
    trace: OperationTrace | undefined,
  ): Promise<Finding> {
    let offset = 0;
    for (let page = 0; page < MAX_PAGES; page++) {
      const result = await this.lookups.lookupPromotionData(
        credentials,
        {
          identifierName: request.identifierName,
          identifierValue: customer.identifierValue,
          source: customer.source,
          programIds: [request.promotion.programId],
          status: null,
          kind: null,
          limit: PAGE_SIZE,
          offset,
        },
        deadline,
        trace,
      );
      if (result.kind !== 'OK') {
        // Not asked (too many reads at once, the API or the gateway said wait) or the lookup
        // endpoint failing: nothing tells either way yet, and sending again could do it twice.
        return result.kind === 'RATE_LIMITED' || this.lookups.readsPaused?.() === true
          ? { kind: 'PAUSED' }
          : { kind: 'UNSURE', reason: 'the lookup failed' };
      }
      const promotion = promotionOn(result.value, request.promotion);
      if (promotion !== null) {
        const { entityId } = result.value;
        return findingOf({
          action,
          entityId,
          promotion,
          sentAt,
          clockSkewMs: this.options.clockSkewMs,
          reported: reportedOf(promotion.programId, entityId),
        });
      }
      offset += result.value.promotions.length;
      if (result.value.promotions.length === 0 || offset >= result.value.totalCount) break;
    }
    return { kind: 'UNSURE', reason: 'the lookup does not show the promotion' };
  }
}

function idOf(action: ReconcilableAction, finding: Extract<Finding, { kind: 'DONE' }>): string {
  return action === 'ENROL'
    ? finding.outcome.issualId
    : (finding.outcome.earnedId ?? finding.outcome.issualId);
}
