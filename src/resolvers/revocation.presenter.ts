import type { CustomerRef } from '../domain/promotion';
import type { MutationPayload } from '../promotion/payload';
import type { RevokeEarningsPayload, RevokeEnrolmentsPayload } from '../schema/payload.union';
import {
  CustomerEarningRevocation,
  CustomerEnrolmentRevocation,
  RevokeEarningsResult,
  RevokeEnrolmentsResult,
} from '../schema/result.type';
import { EarningRevocation, EnrolmentRevocation } from '../schema/revocation.type';
import { build } from './build';
import {
  EARNING_REVOCATION_ERRORS,
  ENROLMENT_REVOCATION_ERRORS,
  presentPayloadError,
} from './mutation-error.presenter';
import { presentResult, subjectFields, wrongSuccess, type ResultShape } from './result.presenter';

const enrolmentRevocations: ResultShape<
  EnrolmentRevocation,
  CustomerEnrolmentRevocation,
  RevokeEnrolmentsResult
> = {
  row: CustomerEnrolmentRevocation,
  result: RevokeEnrolmentsResult,
  errors: ENROLMENT_REVOCATION_ERRORS,
  success: (outcome) => {
    // The mapper answers a REVOKE_ENROL without the revoked issualId as OUTCOME_UNKNOWN.
    if (outcome.kind !== 'REVOKED' || outcome.revokedIssualId === null) {
      return wrongSuccess(outcome, 'revokeEnrolments');
    }
    return build(EnrolmentRevocation, {
      ...subjectFields(outcome),
      revokedIssualId: outcome.revokedIssualId,
    });
  },
};

const earningRevocations: ResultShape<
  EarningRevocation,
  CustomerEarningRevocation,
  RevokeEarningsResult
> = {
  row: CustomerEarningRevocation,
  result: RevokeEarningsResult,
  errors: EARNING_REVOCATION_ERRORS,
  success: (outcome) =>
    outcome.kind === 'REVOKED'
      ? build(EarningRevocation, {
          ...subjectFields(outcome),
          revokedEarnedIds: outcome.revokedEarnedIds,
        })
      : wrongSuccess(outcome, 'revokeEarnings'),
};

/** revokeEnrolments' payload; `given` is the input's customers as the caller wrote them. */
export function presentRevokeEnrolments(
  payload: MutationPayload,
  given: readonly CustomerRef[],
): typeof RevokeEnrolmentsPayload {
  return payload.kind === 'RESULT'
    ? presentResult(enrolmentRevocations, payload, given)
    : presentPayloadError(payload);
}

/** revokeEarnings' payload; `given` is the input's customers as the caller wrote them. */
export function presentRevokeEarnings(
  payload: MutationPayload,
  given: readonly CustomerRef[],
): typeof RevokeEarningsPayload {
  return payload.kind === 'RESULT'
    ? presentResult(earningRevocations, payload, given)
    : presentPayloadError(payload);
}
