import type { CustomerOutcome } from '../domain/outcome';
import type { CustomerRef } from '../domain/promotion';
import type { MutationPayload } from '../promotion/payload';
import { Enrolment } from '../schema/issued.type';
import type { EnrolmentOutcome } from '../schema/outcome.union';
import type { EnrolCustomersPayload } from '../schema/payload.union';
import { CustomerEnrolment, EnrolCustomersResult } from '../schema/result.type';
import { build } from './build';
import { presentCustomerError, presentPayloadError } from './mutation-error.presenter';
import { issuedFields, outcomesOf, totalsOf, type ResultPayload } from './result.presenter';

/**
 * enrolCustomers' payload. `given` is the input's customers as the caller wrote them:
 * results echo those (DESIGN §9), while the API was sent the validated (trimmed) ones.
 */
export function presentEnrolCustomers(
  payload: MutationPayload,
  given: readonly CustomerRef[],
): typeof EnrolCustomersPayload {
  return payload.kind === 'RESULT'
    ? presentEnrolments(payload, given)
    : presentPayloadError(payload);
}

function presentEnrolments(
  payload: ResultPayload,
  given: readonly CustomerRef[],
): EnrolCustomersResult {
  const outcomes = outcomesOf(payload, given);
  let successCount = 0;
  const results = given.map((customer, index) => {
    const outcome = enrolmentOutcome(outcomes[index]!);
    if (outcome instanceof Enrolment) successCount++;
    return build(CustomerEnrolment, {
      identifierValue: customer.identifierValue,
      source: customer.source,
      outcome,
    });
  });
  return build(EnrolCustomersResult, {
    ...totalsOf(results.length, successCount, payload.replayed),
    results,
  });
}

function enrolmentOutcome(outcome: CustomerOutcome): typeof EnrolmentOutcome {
  if (outcome.kind !== 'ISSUED') return presentCustomerError(outcome);
  return build(Enrolment, issuedFields(outcome));
}
