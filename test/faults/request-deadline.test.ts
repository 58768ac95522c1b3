/**
 * The root fields of one mutation run one after another (GraphQL's rule for mutations), and
 * each one's API work has its own PROMOTION_API_TIMEOUT_MS (review finding): four of them
 * at 2 s each outlived REQUEST_TIMEOUT_MS, which closed the connection unanswered after
 * the API had done the work of the first ones. Now every operation of a request is bound
 * by the request's own end: the later fields get what time is left, or none.
 */
import { startStack, type Stack } from '../support/stack';
import { demo, demoAuth } from './support';

const FIELDS = 4;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack(
    {
      BODY_TIMEOUT_MS: '1000',
      PROMOTION_API_TIMEOUT_MS: '4000',
      REQUEST_TIMEOUT_MS: '6000',
      BATCH_WINDOW_MS: '0',
    },
    { faults: { latencyMs: 2_000 } },
  );
});
afterAll(() => stack.close());

it('answers every field of a mutation before its request times out, and each customer the API enrolled as such or as unknown', async () => {
  const ids = demo.slice(0, FIELDS).map((c) => c.id);
  const fields = ids
    .map(
      (id, i) =>
        `f${i}: enrolCustomers(input: { promotion: { programId: 469, promotionId: 57099 }, identifierName: ID, customers: [{ identifierValue: "${id}", source: INSTORE }] }) { __typename ... on EnrolCustomersResult { results { outcome { __typename } } } }`,
    )
    .join(' ');
  const response = await fetch(stack.gateway.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...demoAuth },
    body: JSON.stringify({ query: `mutation { ${fields} }` }),
    signal: AbortSignal.timeout(30_000),
  });
  expect(response.status).toBe(200);
  const { data } = (await response.json()) as {
    data: Record<string, { __typename: string; results?: { outcome: { __typename: string } }[] }>;
  };
  const answers = ids.map((_, i) => {
    const payload = data[`f${i}`];
    return payload?.results?.[0]?.outcome.__typename ?? payload?.__typename;
  });
  // What the API did, by customer: each of those is told Enrolment or, cut, unknown.
  const enrolled = new Set(stack.sandbox.ledger().map((entry) => String(entry.entityId)));
  const told = ids.map((id, i) => {
    const answer = answers[i] ?? 'no answer';
    const fits = enrolled.has(id)
      ? ['Enrolment', 'OutcomeUnknownError'].includes(answer)
      : ['OutcomeUnknownError', 'UpstreamUnavailableError'].includes(answer);
    return { id, answer, fits };
  });
  expect(told.filter((t) => !t.fits)).toEqual([]);
  expect(answers[0]).toBe('Enrolment');
});
