import { isSuccess, type CustomerOutcome, type SuccessOutcome } from '../domain/outcome';
import type { CustomerRef, CustomerSource } from '../domain/promotion';
import type { MutationPayload } from '../promotion/payload';
import { UpstreamWarning } from '../schema/upstream-warning.type';
import { build } from './build';
import {
  presentCustomerError,
  type CustomerErrorTypes,
  type OutcomeError,
} from './mutation-error.presenter';

export type ResultPayload = Extract<MutationPayload, { kind: 'RESULT' }>;

/** One row of a mutation's results: the customer as given, and its outcome. */
interface ResultRow<TOutcome> {
  identifierValue: string;
  source: CustomerSource;
  outcome: TOutcome;
}

interface MutationResultFields<TRow> {
  results: TRow[];
  totalCount: number;
  successCount: number;
  failureCount: number;
  replayed: boolean;
}

/**
 * What sets one mutation's result apart from another's: its GraphQL classes, the member
 * a success becomes, and the error types its outcome union has.
 */
export interface ResultShape<TSuccess extends object, TRow, TResult> {
  row: new () => TRow;
  result: new () => TResult;
  /** Its success member; throws for a success of another action (a bug upstream). */
  success(outcome: SuccessOutcome): TSuccess;
  errors: CustomerErrorTypes;
}

/**
 * The per-customer result of any promotion mutation. `given` is the input's customers as
 * the caller wrote them: results echo those (DESIGN §9), while the API was sent the
 * validated (trimmed) ones.
 */
export function presentResult<
  TSuccess extends object,
  TRow extends ResultRow<TSuccess | OutcomeError>,
  TResult extends MutationResultFields<TRow>,
>(
  shape: ResultShape<TSuccess, TRow, TResult>,
  payload: ResultPayload,
  given: readonly CustomerRef[],
): TResult {
  const outcomes = outcomesOf(payload, given);
  let successCount = 0;
  const results = given.map((customer, index) => {
    const outcome = outcomes[index]!;
    let presented: TSuccess | OutcomeError;
    if (isSuccess(outcome)) {
      presented = shape.success(outcome);
      successCount++;
    } else {
      presented = presentCustomerError(outcome, shape.errors);
    }
    const row: ResultRow<TSuccess | OutcomeError> = {
      identifierValue: customer.identifierValue,
      source: customer.source,
      outcome: presented,
    };
    return Object.assign(new shape.row(), row);
  });
  const fields: MutationResultFields<TRow> = {
    ...totalsOf(results.length, successCount, payload.replayed),
    results,
  };
  return Object.assign(new shape.result(), fields);
}

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

/** The fields every success shares: who, which promotion, and the API's warnings. */
export function subjectFields(outcome: SuccessOutcome) {
  return {
    entityId: outcome.entityId,
    programId: outcome.programId,
    promotionId: outcome.promotionId,
    promoIdentifier: outcome.promoIdentifier,
    warnings: outcome.warnings.map((w) =>
      build(UpstreamWarning, { upstreamCode: w.code, message: w.message }),
    ),
  };
}

/** A success of another action than the mutation's: the pipeline mixed two mutations up. */
export function wrongSuccess(outcome: SuccessOutcome, expected: string): never {
  throw new Error(`a ${outcome.kind} outcome reached the presenter of ${expected}`);
}

/** Counted from what is presented, so the totals cannot disagree with the outcomes. */
export function totalsOf(totalCount: number, successCount: number, replayed: boolean) {
  return { totalCount, successCount, failureCount: totalCount - successCount, replayed };
}
