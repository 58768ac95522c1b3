/**
 * Issue 11, finding 3 (DESIGN.md §9 "Fairness"): one caller flooding the gateway with
 * large mutations whose credentials the API refuses must not lock out the other tenants,
 * and a large mutation with refused credentials is UNAUTHENTICATED as a whole.
 */
import { print } from 'graphql';
import {
  ACME_CREDENTIALS,
  DEMO_CREDENTIALS,
  basicAuthorization,
  credentialHashOf,
  demoCustomers,
} from '../../../src/sandbox';
import { EnrolCustomersDocument } from '../../generated/graphql';
import { within } from '../../support/eventually';
import {
  enrolInput,
  graphqlBody,
  postJson,
  startSecureStack,
  type RawResponse,
  type SecureStack,
} from '../support';

const demoIds = demoCustomers('demo').map((c) => c.id);
const badAuthorization = basicAuthorization('demo.till', 'not-the-password');
const badCallerHash = credentialHashOf({ authorization: badAuthorization });

function enrol(url: string, ids: string[], authorization: string): Promise<RawResponse> {
  return postJson(
    url,
    { query: print(EnrolCustomersDocument), variables: { input: enrolInput('ID', ids) } },
    { authorization },
  );
}

/** The payload's `__typename`, or the top-level error code when there is no payload. */
function answerOf(response: RawResponse): string {
  const body = graphqlBody(response);
  const payload = body.data?.enrolCustomers as { __typename: string } | undefined | null;
  if (payload) return payload.__typename;
  return String(body.errors?.[0]?.extensions?.['code']);
}

/** Resolves with the first of `responses` that `matches`; never settles when none does. */
function firstWhere(
  responses: Promise<RawResponse>[],
  matches: (response: RawResponse) => boolean,
): Promise<RawResponse> {
  return new Promise((resolve) => {
    for (const pending of responses) {
      void pending.then((response) => matches(response) && resolve(response));
    }
  });
}

describe('a caller flooding the gateway with refused credentials', () => {
  let stack: SecureStack;

  beforeAll(async () => {
    // Each API call takes a second, so the flood is still in flight when the demo org asks.
    // The global bound is below the flood, so that today's single bound fills up.
    stack = await startSecureStack(
      { MAX_QUEUED_CUSTOMERS: '4000' },
      { sandbox: { faults: { latencyMs: 1_000 } } },
    );
  });
  afterAll(() => stack.close());

  it('is refused RateLimitedError past its own bound while another caller is served', async () => {
    const floodReachedTheApi = new Promise<void>((resolve) => {
      const stop = stack.sandbox.onCallReceived((call) => {
        if (call.credentialHash !== badCallerHash) return;
        stop();
        resolve();
      });
    });
    const flood = Array.from({ length: 5 }, (_, i) =>
      enrol(stack.url, demoIds.slice(i * 200, i * 200 + 1000), badAuthorization),
    );
    const refused = await within(
      firstWhere(flood, (r) => answerOf(r) === 'RateLimitedError'),
      { describe: 'a RateLimitedError among the flood', timeoutMs: 30_000 },
    );
    expect(graphqlBody(refused).data?.enrolCustomers).toMatchObject({
      __typename: 'RateLimitedError',
      retryable: true,
      retryAfterSeconds: expect.any(Number),
    });
    // The flood is in flight: its calls reached the API and none has been answered yet.
    await within(floodReachedTheApi, { describe: 'the flood to reach the API' });
    const floodCalls = stack.sandbox.calls().filter((c) => c.credentialHash === badCallerHash);
    expect(floodCalls.every((c) => c.status === null)).toBe(true);

    const served = await enrol(
      stack.url,
      demoIds.slice(1500, 1510),
      DEMO_CREDENTIALS.authorizationHeader,
    );
    const payload = graphqlBody(served).data?.enrolCustomers as {
      __typename: string;
      results: { outcome: { __typename: string } }[];
    };
    expect(payload.__typename).toBe('EnrolCustomersResult');
    expect(payload.results.map((r) => r.outcome.__typename)).toEqual(
      Array.from({ length: 10 }, () => 'Enrolment'),
    );

    // The flood itself: refused by the gateway past its bound, by the API within it.
    const answers = (await Promise.all(flood)).map(answerOf).sort();
    expect(answers).toEqual([
      'RateLimitedError',
      'RateLimitedError',
      'RateLimitedError',
      'UNAUTHENTICATED',
      'UNAUTHENTICATED',
    ]);
  });
});

describe('a 1,000-customer mutation whose credentials the API refuses', () => {
  it('is UNAUTHENTICATED as a whole when its calls wait for connections the API holds', async () => {
    // Four connections, a second per call and a 2.5 s deadline: ten calls go out in three
    // rounds, and the third round would be written with half a second left.
    const stack = await startSecureStack(
      { UPSTREAM_MAX_CONNECTIONS: '4', PROMOTION_API_TIMEOUT_MS: '2500' },
      { sandbox: { faults: { latencyMs: 1_000 } } },
    );
    try {
      const response = await enrol(stack.url, demoIds.slice(0, 1000), badAuthorization);
      expect(graphqlBody(response)).toEqual({
        data: null,
        errors: [expect.objectContaining({ extensions: { code: 'UNAUTHENTICATED' } })],
      });
      // Calls still waiting for a connection when the API refused the credentials were
      // never sent: the API saw the first round only.
      expect(stack.sandbox.calls().length).toBe(4);
    } finally {
      await stack.close();
    }
  });

  it('is UNAUTHENTICATED as a whole when some of its calls were refused and the others timed out', async () => {
    // Every call is written at once; the sandbox answers half of them (401) at once and
    // holds the other half past the deadline: those are "sent, no answer", but the API had
    // refused these very credentials.
    let draw = 0;
    const stack = await startSecureStack(
      { PROMOTION_API_TIMEOUT_MS: '1500' },
      {
        sandbox: {
          faults: { latencyMs: 0, jitterMs: 5_000 },
          random: () => (draw++ % 2 === 0 ? 0 : 0.99),
        },
      },
    );
    try {
      const response = await enrol(stack.url, demoIds.slice(0, 1000), badAuthorization);
      expect(graphqlBody(response)).toEqual({
        data: null,
        errors: [expect.objectContaining({ extensions: { code: 'UNAUTHENTICATED' } })],
      });
    } finally {
      await stack.close();
    }
  });
});

describe('callers flooding the gateway with ever new made-up credentials', () => {
  let stack: SecureStack;

  beforeAll(async () => {
    // Defaults: 10,000 customers queued in all, 2,000 per caller. Calls take a second.
    stack = await startSecureStack({}, { sandbox: { faults: { latencyMs: 1_000 } } });
  });
  afterAll(() => stack.close());

  it('cannot lock out a tenant whose credentials the API has accepted', async () => {
    // The demo org has been served before: the API vouched for its credentials.
    const warmUp = await enrol(
      stack.url,
      demoIds.slice(1900, 1901),
      DEMO_CREDENTIALS.authorizationHeader,
    );
    expect(answerOf(warmUp)).toBe('EnrolCustomersResult');

    const flood = Array.from({ length: 20 }, (_, i) =>
      enrol(
        stack.url,
        demoIds.slice((i * 50) % 1000, ((i * 50) % 1000) + 1000),
        basicAuthorization(`attacker-${i}`, `password-${i}`),
      ),
    );
    // Past the room left for unverified callers, the flood is refused at once.
    await within(
      firstWhere(flood, (r) => answerOf(r) === 'RateLimitedError'),
      { describe: 'a RateLimitedError among the flood', timeoutMs: 30_000 },
    );
    const served = await enrol(
      stack.url,
      demoIds.slice(1500, 1510),
      DEMO_CREDENTIALS.authorizationHeader,
    );
    expect(answerOf(served)).toBe('EnrolCustomersResult');
    const answers = (await Promise.all(flood)).map(answerOf);
    // 8,000 customers of room: eight floods at a time reach the API (and are refused there).
    expect(answers.filter((a) => a === 'UNAUTHENTICATED').length).toBeGreaterThanOrEqual(8);
    expect(answers.filter((a) => a === 'RateLimitedError').length).toBeGreaterThanOrEqual(1);
    expect(answers.every((a) => a === 'UNAUTHENTICATED' || a === 'RateLimitedError')).toBe(true);
  });
});

describe('a tenant spelling its one credential many ways', () => {
  let stack: SecureStack;

  beforeAll(async () => {
    // Each API call takes a second, so the first mutation still holds its share when the
    // spellings ask.
    stack = await startSecureStack(
      { MAX_QUEUED_CUSTOMERS_PER_CALLER: '100', MAX_CUSTOMERS_PER_MUTATION: '100' },
      { sandbox: { faults: { latencyMs: 1_000 } } },
    );
  });
  afterAll(() => stack.close());

  it('has one share among all of them (review finding: each spelling was a caller with a share)', async () => {
    const token = DEMO_CREDENTIALS.authorizationHeader.replace(/^Basic /, '');
    const [user, md5] = Buffer.from(token, 'base64').toString().split(':');
    // Spellings the API accepts alike: scheme case, spaces, the md5's hex case.
    const spellings: Array<Record<string, string>> = [
      { authorization: `basic ${token}` },
      { authorization: `Basic    ${token}` },
      { authorization: `Basic ${Buffer.from(`${user}:${md5?.toUpperCase()}`).toString('base64')}` },
    ];
    const held = new Promise<void>((resolve) => {
      const stop = stack.sandbox.onCallReceived(() => {
        stop();
        resolve();
      });
    });
    const first = enrol(stack.url, demoIds.slice(0, 100), DEMO_CREDENTIALS.authorizationHeader);
    await within(held, { describe: 'the first mutation to reach the API' });

    const spelled = await Promise.all(
      spellings.map((headers, i) =>
        postJson(
          stack.url,
          {
            query: print(EnrolCustomersDocument),
            variables: { input: enrolInput('ID', demoIds.slice(100 + i * 100, 200 + i * 100)) },
          },
          headers,
        ),
      ),
    );
    expect(spelled.map(answerOf)).toEqual(spellings.map(() => 'RateLimitedError'));
    // Another tenant is not held up by any of it.
    const acmeIds = demoCustomers('acme')
      .slice(0, 10)
      .map((c) => c.id);
    const acme = await postJson(
      stack.url,
      {
        query: print(EnrolCustomersDocument),
        variables: { input: enrolInput('ID', acmeIds, { programId: 699, promotionId: 74116 }) },
      },
      { authorization: ACME_CREDENTIALS.authorizationHeader },
    );
    expect(answerOf(acme)).toBe('EnrolCustomersResult');
    expect(answerOf(await first)).toBe('EnrolCustomersResult');
  });
});
