import type { CustomerRef } from '../domain/promotion';
import type { MutationPayload } from '../promotion/payload';
import { Earning } from '../schema/issued.type';
import type { EarnPromotionPayload } from '../schema/payload.union';
import { CustomerEarning, EarnPromotionResult } from '../schema/result.type';
import { build } from './build';
import { ISSUE_ERRORS, presentPayloadError } from './mutation-error.presenter';
import { presentResult, subjectFields, wrongSuccess, type ResultShape } from './result.presenter';

const earnings: ResultShape<Earning, CustomerEarning, EarnPromotionResult> = {
  row: CustomerEarning,
  result: EarnPromotionResult,
  errors: ISSUE_ERRORS,
  success: (outcome) => {
    if (outcome.kind !== 'ISSUED') return wrongSuccess(outcome, 'earnPromotion');
    const { earnedId } = outcome;
    if (earnedId === null) {
      // The mapper (toOutcomes) answers an earn without an earnedId as OUTCOME_UNKNOWN,
      // before anything counts; deciding it again here would let counts and outcomes disagree.
      throw new Error('an EARN success without an earnedId reached the presenter');
    }
    return build(Earning, { ...subjectFields(outcome), issualId: outcome.issualId, earnedId });
  },
};

/** earnPromotion's payload; `given` is the input's customers as the caller wrote them. */
export function presentEarnPromotion(
  payload: MutationPayload,
  given: readonly CustomerRef[],
): typeof EarnPromotionPayload {
  return payload.kind === 'RESULT'
    ? presentResult(earnings, payload, given)
    : presentPayloadError(payload);
}
