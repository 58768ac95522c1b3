/**
 * Enrolments and earnings this process told a caller about lately (DESIGN §8: only a record
 * "that no earlier answer reported" is an unknown call's work). A keyed retry must not take
 * one told to another caller or key for its own cut call's work: one earn, two callers told
 * they made it. What its own key was told stays its own: an answer whose record could not
 * be kept is found again by the next retry. Bounded to the most recent; another replica's
 * answers are not known here.
 */
import { LRUCache } from 'lru-cache';
import type { CustomerOutcome } from '../domain/outcome';
import { callerIdOf } from '../domain/caller';
import type { BulkAction, Credentials, PromotionRequest } from '../domain/promotion';
import { isReconcilable, workIdOf, type ReconcilableAction } from './reconcile';

export interface ReportedWorkOptions {
  /** How long a report is remembered: IDEMPOTENCY_TTL_SECONDS, as long as a retry may come. */
  ttlMs: number;
  /** Default `100000`: reports remembered at most, the oldest forgotten first. */
  max?: number;
}

/** Who was told: the caller and the mutation's idempotencyKey (none: an unkeyed mutation). */
export function tellerOf(credentials: Credentials, request: PromotionRequest): string {
  return JSON.stringify([callerIdOf(credentials), request.idempotencyKey ?? null]);
}

export class ReportedWork {
  /** Work → who was told of it (`tellerOf`). */
  private readonly reported: LRUCache<string, string>;

  constructor(options: ReportedWorkOptions) {
    this.reported = new LRUCache({ max: options.max ?? 100_000, ttl: options.ttlMs });
  }

  /** What one answer told `teller`: the enrolments of an ENROL, the earnings of an EARN. */
  record(action: BulkAction, outcomes: readonly CustomerOutcome[], teller: string): void {
    if (!isReconcilable(action)) return;
    for (const outcome of outcomes) {
      const id = workIdOf(action, outcome);
      if (id !== null && outcome.kind === 'ISSUED') {
        this.reported.set(keyOf(action, outcome.programId, outcome.entityId, id), teller);
      }
    }
  }

  /** Whether `id` (an issualId for ENROL, an earnedId for EARN) of this customer was told to someone other than `asker`. */
  toldOthers(
    action: ReconcilableAction,
    programId: number,
    entityId: string,
    id: string,
    asker: string,
  ): boolean {
    const teller = this.reported.get(keyOf(action, programId, entityId, id));
    return teller !== undefined && teller !== asker;
  }
}

/** Program and customer as the platform numbers them: an id is never confused across tenants. */
function keyOf(action: string, programId: number, entityId: string, id: string): string {
  return JSON.stringify([action, programId, entityId, id]);
}
