import type { CustomerRef } from '../domain/promotion';
import type { MutationPayload } from '../promotion/payload';
import { Enrolment } from '../schema/issued.type';
import type { EnrolCustomersPayload } from '../schema/payload.union';
import { CustomerEnrolment, EnrolCustomersResult } from '../schema/result.type';
import { build } from './build';
import { ISSUE_ERRORS, presentPayloadError } from './mutation-error.presenter';
import { presentResult, subjectFields, wrongSuccess, type ResultShape } from './result.presenter';

const enrolments: ResultShape<Enrolment, CustomerEnrolment, EnrolCustomersResult> = {
  row: CustomerEnrolment,
  result: EnrolCustomersResult,
  errors: ISSUE_ERRORS,
  success: (outcome) =>
    outcome.kind === 'ISSUED'
      ? build(Enrolment, { ...subjectFields(outcome), issualId: outcome.issualId })
      : wrongSuccess(outcome, 'enrolCustomers'),
};

/** enrolCustomers' payload; `given` is the input's customers as the caller wrote them. */
export function presentEnrolCustomers(
  payload: MutationPayload,
  given: readonly CustomerRef[],
): typeof EnrolCustomersPayload {
  return payload.kind === 'RESULT'
    ? presentResult(enrolments, payload, given)
    : presentPayloadError(payload);
}
