import type { CustomerOutcome } from '../domain/outcome';
import type { CustomerRef } from '../domain/promotion';
import type { MutationPayload } from '../promotion/payload';
import { Earning } from '../schema/issued.type';
import type { EarningOutcome } from '../schema/outcome.union';
import type { EarnPromotionPayload } from '../schema/payload.union';
import { CustomerEarning, EarnPromotionResult } from '../schema/result.type';
import { build } from './build';
import { presentCustomerError, presentPayloadError } from './mutation-error.presenter';
import { issuedFields, outcomesOf, totalsOf, type ResultPayload } from './result.presenter';

/**
 * earnPromotion's payload. `given` is the input's customers as the caller wrote them:
 * results echo those (DESIGN §9), while the API was sent the validated (trimmed) ones.
 */
export function presentEarnPromotion(
  payload: MutationPayload,
  given: readonly CustomerRef[],
): typeof EarnPromotionPayload {
  return payload.kind === 'RESULT' ? presentEarnings(payload, given) : presentPayloadError(payload);
}

function presentEarnings(
  payload: ResultPayload,
  given: readonly CustomerRef[],
): EarnPromotionResult {
  const outcomes = outcomesOf(payload, given);
  let successCount = 0;
  const results = given.map((customer, index) => {
    const outcome = earningOutcome(outcomes[index]!);
    if (outcome instanceof Earning) successCount++;
    return build(CustomerEarning, {
      identifierValue: customer.identifierValue,
      source: customer.source,
      outcome,
    });
  });
  return build(EarnPromotionResult, {
    ...totalsOf(results.length, successCount, payload.replayed),
    results,
  });
}

function earningOutcome(outcome: CustomerOutcome): typeof EarningOutcome {
  if (outcome.kind !== 'ISSUED') return presentCustomerError(outcome);
  const { earnedId } = outcome;
  if (earnedId === null) {
    // The mapper (toOutcomes) answers an earn without an earnedId as OUTCOME_UNKNOWN,
    // before anything counts; deciding it again here would let counts and outcomes disagree.
    throw new Error('an EARN success without an earnedId reached the presenter');
  }
  return build(Earning, { ...issuedFields(outcome), earnedId });
}
