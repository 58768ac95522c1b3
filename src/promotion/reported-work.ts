/**
 * Enrolments and earnings this process told a caller about lately (DESIGN §8: only a record
 * "that no earlier answer reported" is an unknown call's work). A keyed retry must not take
 * one of them for its own cut call's work, whoever was told: one earn, two callers told
 * they made it. Bounded to the most recent; another replica's answers are not known here.
 */
import { LRUCache } from 'lru-cache';
import type { CustomerOutcome } from '../domain/outcome';
import type { BulkAction } from '../domain/promotion';
import type { ReconcilableAction } from './reconcile';

export interface ReportedWorkOptions {
  /** How long a report is remembered: IDEMPOTENCY_TTL_SECONDS, as long as a retry may come. */
  ttlMs: number;
  /** Default `100000`: reports remembered at most, the oldest forgotten first. */
  max?: number;
}

export class ReportedWork {
  private readonly reported: LRUCache<string, true>;

  constructor(options: ReportedWorkOptions) {
    this.reported = new LRUCache({ max: options.max ?? 100_000, ttl: options.ttlMs });
  }

  /** What one answer reported: the enrolments of an ENROL, the earnings of an EARN. */
  record(action: BulkAction, outcomes: readonly CustomerOutcome[]): void {
    if (action !== 'ENROL' && action !== 'EARN') return;
    for (const outcome of outcomes) {
      if (outcome.kind !== 'ISSUED') continue;
      const id = action === 'ENROL' ? outcome.issualId : outcome.earnedId;
      if (id !== null)
        this.reported.set(keyOf(action, outcome.programId, outcome.entityId, id), true);
    }
  }

  /** Whether `id` (an issualId for ENROL, an earnedId for EARN) of this customer was reported. */
  has(action: ReconcilableAction, programId: number, entityId: string, id: string): boolean {
    return this.reported.has(keyOf(action, programId, entityId, id));
  }
}

/** Program and customer as the platform numbers them: an id is never confused across tenants. */
function keyOf(action: string, programId: number, entityId: string, id: string): string {
  return JSON.stringify([action, programId, entityId, id]);
}
