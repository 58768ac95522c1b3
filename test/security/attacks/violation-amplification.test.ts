/**
 * Review finding (undo side): an invalid input's answer must cost about what the input
 * costs, within a small factor. 1,000 customers each revoking the same earnedId 100 times were 99,000
 * violations, a 10 MB answer to a 0.5 MB request (30 such requests at once took the
 * gateway from 97 MB to 1.3 GB). Each earnedIds list now names five problems and counts
 * the rest, so every customer whose list is wrong is still named.
 */
import { print } from 'graphql';
import { RevokeEarningsDocument } from '../../generated/graphql';
import { DEMO_CREDENTIALS, demoCustomers } from '../../sandbox/sandbox-api';
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

it('answers 1,000 lists of 100 repeated earnedIds in under twice the bytes sent, naming every list, calling nothing', async () => {
  const customers = demoCustomers('demo')
    .slice(0, 1000)
    .map((c) => ({
      identifierValue: c.id,
      source: 'INSTORE',
      earnedIds: Array.from({ length: 100 }, () => '1'),
    }));
  const request = JSON.stringify({
    query: print(RevokeEarningsDocument),
    variables: {
      input: { promotion: { programId: 469, promotionId: 57099 }, identifierName: 'ID', customers },
    },
  });

  const response = await fetch(stack.gateway.graphqlUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: DEMO_CREDENTIALS.authorizationHeader,
    },
    body: request,
  });
  const text = await response.text();

  expect(response.status).toBe(200);
  // A violation names its field and says why, so an answer may be larger than its input, not 20 times.
  expect(Buffer.byteLength(text)).toBeLessThan(2 * Buffer.byteLength(request));
  const payload = (
    JSON.parse(text) as {
      data: { revokeEarnings: { __typename: string; violations: Violation[] } };
    }
  ).data.revokeEarnings;
  expect(payload.__typename).toBe('InvalidInputError');
  // Five problems listed per list, then what was left out, counted.
  expect(payload.violations).toHaveLength(1000 * 6);
  expect(payload.violations.slice(0, 6)).toEqual([
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
  const named = new Set(payload.violations.map((v) => /^customers\[(\d+)\]/.exec(v.field)?.[1]));
  expect(named.size).toBe(1000);
  expect(stack.sandbox.calls()).toEqual([]);
});
