/**
 * Review findings: an invalid input's answer must stay small whatever the input, under
 * made-up credentials and without any API call. 1,000 customers each revoking the same
 * earnedId 100 times were 99,000 violations, a 10 MB answer to a 0.5 MB request; and each
 * violation is repeated by every alias of the selection (14 are allowed), so 11,500
 * customers of 7 earnedIds each made a 74 MB answer to 1 MB, and 1,000 of them 6.3 MB. Now a list too long is one
 * violation, an earnedIds list names five problems and counts the rest, and an answer lists
 * 100 problems and counts the rest.
 */
import { print } from 'graphql';
import { MAX_LISTED_VIOLATIONS } from '../../../src/promotion/validate-input';
import { MAX_VIOLATIONS_PER_REQUEST } from '../../../src/resolvers/violation-budget';
import { RevokeEarningsDocument } from '../../generated/graphql';
import { demoCustomers } from '../../sandbox/sandbox-api';
import { startStack, type Stack } from '../../support/stack';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

interface Violation {
  field: string;
  message: string;
}

const madeUp = { authorization: 'Basic Zm9vOmJhcg==' };
const ids = demoCustomers('demo').map((c) => c.id);

/** 14 aliases of `message` on every violation: one under MAX_ALIASES. */
const ALIASED = `mutation Amplified($input: RevokeEarningsInput!) { revokeEarnings(input: $input) { __typename ... on InvalidInputError { violations { field message ${Array.from({ length: 14 }, (_, i) => `m${i}: message`).join(' ')} } } } }`;

/** POSTs `body` under made-up credentials: the bytes sent, and the answer's text (HTTP 200). */
async function postMadeUp(body: unknown): Promise<{ requestBytes: number; text: string }> {
  const request = JSON.stringify(body);
  const response = await fetch(stack.gateway.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...madeUp },
    body: request,
  });
  const text = await response.text();
  expect(response.status).toBe(200);
  return { requestBytes: Buffer.byteLength(request), text };
}

async function revokeEarnings(
  query: string,
  customers: Array<{ identifierValue: string; source: string; earnedIds: string[] }>,
): Promise<{ requestBytes: number; answerBytes: number; violations: Violation[] }> {
  const { requestBytes, text } = await postMadeUp({
    query,
    variables: {
      input: { promotion: { programId: 469, promotionId: 57099 }, identifierName: 'ID', customers },
    },
  });
  const payload = (
    JSON.parse(text) as {
      data: { revokeEarnings: { __typename: string; violations: Violation[] } };
    }
  ).data.revokeEarnings;
  expect(payload.__typename).toBe('InvalidInputError');
  return {
    requestBytes,
    answerBytes: Buffer.byteLength(text),
    violations: payload.violations,
  };
}

it('answers 1,000 lists of 100 repeated earnedIds with 100 problems listed and the rest counted, calling nothing', async () => {
  const customers = ids.slice(0, 1000).map((id) => ({
    identifierValue: id,
    source: 'INSTORE',
    earnedIds: Array.from({ length: 100 }, () => '1'),
  }));
  const answer = await revokeEarnings(print(RevokeEarningsDocument), customers);

  expect(answer.answerBytes).toBeLessThan(answer.requestBytes / 10);
  expect(answer.violations).toHaveLength(MAX_LISTED_VIOLATIONS + 1);
  // Each list: five problems listed, then what was left out of it, counted.
  expect(answer.violations.slice(0, 6)).toEqual([
    ...[1, 2, 3, 4, 5].map((i) => ({
      field: `customers[0].earnedIds[${i}]`,
      message: 'is the same earn as customers[0].earnedIds[0]',
    })),
    {
      field: 'customers[0].earnedIds',
      message:
        'has 94 more problem(s) of the same kinds, not listed: each earnedId must be non-empty, at most 64 characters and named once',
    },
  ]);
  expect(answer.violations.at(-1)).toEqual({
    field: 'input',
    message: `has ${1000 * 6 - MAX_LISTED_VIOLATIONS} more problem(s), not listed; the first ${MAX_LISTED_VIOLATIONS} are above`,
  });
  expect(stack.sandbox.calls()).toEqual([]);
});

it('answers a list of 10,000 customers, each with 7 repeated earnedIds and every violation aliased 14 times, with one violation', async () => {
  const customers = Array.from({ length: 10_000 }, (_, i) => ({
    identifierValue: ids[i % ids.length]!,
    source: 'INSTORE',
    earnedIds: Array.from({ length: 7 }, () => '1'),
  }));
  const answer = await revokeEarnings(ALIASED, customers);

  expect(answer.violations).toEqual([
    expect.objectContaining({
      field: 'customers',
      message: 'must hold 1 to 1000 customers, got 10000',
    }),
  ]);
  expect(answer.answerBytes).toBeLessThan(2_000);
  expect(stack.sandbox.calls()).toEqual([]);
});

it('charges each listed violation by the values it answers: 16 selected fields leave room for 12 (the answer was 6.3 MB)', async () => {
  const customers = ids.slice(0, 1000).map((id) => ({
    identifierValue: id,
    source: 'INSTORE',
    earnedIds: Array.from({ length: 7 }, () => '1'),
  }));
  const answer = await revokeEarnings(ALIASED, customers);

  // 200 values per request: 12 entries of `field`, `message` and 14 aliases of it.
  const listed = answer.violations.filter((v) => v.field !== 'input');
  expect(listed).toHaveLength(Math.floor((2 * MAX_VIOLATIONS_PER_REQUEST) / 16));
  expect(answer.violations.at(-1)?.field).toBe('input');
  expect(answer.answerBytes).toBeLessThan(20_000);
  expect(stack.sandbox.calls()).toEqual([]);
});

it('lists 100 violations across all the operations and root fields of one request (50 × 10 repeating one input)', async () => {
  const roots = Array.from(
    { length: 10 },
    (_, i) =>
      `r${i}: revokeEarnings(input: $input) { __typename ... on InvalidInputError { violations { field message } } }`,
  ).join(' ');
  const operation = {
    query: `mutation Repeated($input: RevokeEarningsInput!) { ${roots} }`,
    variables: {
      input: {
        promotion: { programId: 469, promotionId: 57099 },
        identifierName: 'ID',
        customers: Array.from({ length: 15 }, () => ({
          identifierValue: '',
          source: 'INSTORE',
          earnedIds: Array.from({ length: 6 }, () => ''),
        })),
      },
    },
  };
  const { requestBytes, text } = await postMadeUp(Array.from({ length: 50 }, () => operation));

  const answers = JSON.parse(text) as Array<{
    data: Record<string, { __typename: string; violations: Violation[] }>;
  }>;
  const fields = answers.flatMap((a) => Object.values(a.data));
  expect(fields).toHaveLength(500);
  expect(new Set(fields.map((f) => f.__typename))).toEqual(new Set(['InvalidInputError']));
  const listed = fields.flatMap((f) => f.violations).filter((v) => v.field !== 'input');
  expect(listed).toHaveLength(100);
  // Every one of them still says that problems were left out.
  for (const field of fields) expect(field.violations.at(-1)?.field).toBe('input');
  expect(Buffer.byteLength(text)).toBeLessThan(requestBytes);
  expect(stack.sandbox.calls()).toEqual([]);
});

it('charges the budget for each alias of violations: 15 of them list 100 together', async () => {
  const aliases = Array.from({ length: 15 }, (_, i) => `v${i}: violations { field message }`).join(
    ' ',
  );
  const { requestBytes, text } = await postMadeUp({
    query: `mutation Aliased($input: RevokeEarningsInput!) { revokeEarnings(input: $input) { ... on InvalidInputError { ${aliases} } } }`,
    variables: {
      input: {
        promotion: { programId: 469, promotionId: 57099 },
        identifierName: 'ID',
        customers: Array.from({ length: 100 }, () => ({
          identifierValue: '',
          source: 'INSTORE',
          earnedIds: ['1'],
        })),
      },
    },
  });
  const payload = (JSON.parse(text) as { data: { revokeEarnings: Record<string, Violation[]> } })
    .data.revokeEarnings;

  const lists = Object.values(payload);
  expect(lists).toHaveLength(15);
  expect(lists.flat().filter((v) => v.field !== 'input')).toHaveLength(100);
  expect(Buffer.byteLength(text)).toBeLessThan(4 * requestBytes);
  expect(stack.sandbox.calls()).toEqual([]);
});

it('bounds a read refused for its input the same way: 100 bad programIds under 14 aliases of message', async () => {
  const messages = Array.from({ length: 14 }, (_, i) => `m${i}: message`).join(' ');
  const { requestBytes, text } = await postMadeUp({
    query: `query Bad($input: CustomerPromotionsInput!) { customerPromotions(input: $input) { ... on InvalidInputError { violations { __typename field message ${messages} } } } }`,
    variables: {
      input: {
        customer: { identifierName: 'ID', identifierValue: ids[0], source: 'INSTORE' },
        programIds: Array.from({ length: 100 }, () => 0),
      },
    },
  });
  const violations = (
    JSON.parse(text) as { data: { customerPromotions: { violations: Violation[] } } }
  ).data.customerPromotions.violations;

  expect(violations.filter((v) => v.field !== 'input')).toHaveLength(
    Math.floor((2 * MAX_VIOLATIONS_PER_REQUEST) / 17),
  );
  expect(Buffer.byteLength(text)).toBeLessThan(15_000);
  expect(requestBytes).toBeLessThan(1_000);
  expect(stack.sandbox.readCalls()).toEqual([]);
});
