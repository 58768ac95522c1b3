import type { IssuedOutcome, CustomerOutcome } from '../domain/outcome';
import type { CustomerRef } from '../domain/promotion';
import type { MutationPayload } from '../promotion/payload';
import { UpstreamWarning } from '../schema/upstream-warning.type';
import { build } from './build';

export type ResultPayload = Extract<MutationPayload, { kind: 'RESULT' }>;

/** The outcomes, one per input customer, in input order; anything else is a bug upstream. */
export function outcomesOf(
  payload: ResultPayload,
  given: readonly CustomerRef[],
): readonly CustomerOutcome[] {
  if (given.length !== payload.outcomes.length) {
    throw new Error(`${payload.outcomes.length} outcomes for ${given.length} customers`);
  }
  return payload.outcomes;
}

/** The fields an Enrolment and an Earning share. */
export function issuedFields(outcome: IssuedOutcome) {
  return {
    entityId: outcome.entityId,
    programId: outcome.programId,
    promotionId: outcome.promotionId,
    promoIdentifier: outcome.promoIdentifier,
    issualId: outcome.issualId,
    warnings: outcome.warnings.map((w) =>
      build(UpstreamWarning, { upstreamCode: w.code, message: w.message }),
    ),
  };
}

/** Counted from what is presented, so the totals cannot disagree with the outcomes. */
export function totalsOf(totalCount: number, successCount: number, replayed: boolean) {
  return { totalCount, successCount, failureCount: totalCount - successCount, replayed };
}
