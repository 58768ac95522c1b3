/**
 * DESIGN §9 "Fairness" for the read side: credentials are only headers, so a made-up one is a
 * caller of its own. One request of 500 lookups with such credentials, or a crowd of requests
 * each with new ones, must neither reach the API hundreds of times, nor open the reads'
 * circuit for everyone, nor keep a tenant the API has accepted from being served.
 */
import {
  ACME_CREDENTIALS,
  DEMO_CREDENTIALS,
  basicAuthorization,
  credentialHashOf,
  demoCustomers,
} from '../../../src/sandbox';
import {
  enrolInput,
  graphqlBody,
  oauthToken,
  postJson,
  startSecureStack,
  type RawResponse,
  type SecureStack,
} from '../support';
import { eventually } from '../../support/eventually';

const LOOKUP_PATH = '/v2/customers/lookup/promotionData';
const demoIds = demoCustomers('demo').map((c) => c.id);

/** One operation of 10 aliased lookups (the root-field limit), of 10 distinct customers. */
function tenLookups(ids: readonly string[]): string {
  const fields = ids.map(
    (id, i) =>
      `l${i}: customerPromotions(input: { customer: { identifierName: ID, identifierValue: "${id}", source: INSTORE } }) { __typename ... on MutationError { message } }`,
  );
  return `query Flood { ${fields.join(' ')} }`;
}

/** A batched request of `operations` operations, each of 10 lookups, 10 × operations customers. */
function floodBody(operations: number, offset = 0): { query: string }[] {
  return Array.from({ length: operations }, (_, op) => ({
    query: tenLookups(demoIds.slice(offset + op * 10, offset + op * 10 + 10)),
  }));
}

interface OperationResult {
  data?: Record<string, { __typename: string } | null> | null;
  errors?: { extensions?: { code?: string } }[];
}

function operationsOf(response: RawResponse): OperationResult[] {
  expect(Array.isArray(response.json)).toBe(true);
  return response.json as OperationResult[];
}

/**
 * What each operation of a batched answer came to: its lookups' payload types, or, when an
 * error nulled its data (UNAUTHENTICATED is a top-level error), that error's code.
 */
function answersOf(response: RawResponse): string[] {
  return operationsOf(response).map((op) =>
    op.data
      ? Object.values(op.data)
          .map((field) => field?.__typename)
          .join(',')
      : (op.errors ?? []).map((e) => String(e.extensions?.code)).join(','),
  );
}

/** One lookup of customer `id` with these credential headers: its payload type, or the errors. */
async function readOne(url: string, headers: Record<string, string>, id: string): Promise<string> {
  const response = await postJson(url, { query: tenLookups([id]) }, headers);
  const data = graphqlBody(response).data as Record<string, { __typename: string }> | undefined;
  return data?.['l0']?.__typename ?? JSON.stringify(graphqlBody(response).errors);
}

const demoRead = (url: string, id: string) =>
  readOne(url, { authorization: DEMO_CREDENTIALS.authorizationHeader }, id);

function lookupsBy(stack: SecureStack, authorization: string): number {
  const hash = credentialHashOf({ authorization });
  return stack.sandbox
    .readCalls()
    .filter((r) => r.path === LOOKUP_PATH && r.credentialHash === hash).length;
}

describe('lookups with credentials the API refuses', () => {
  let stack: SecureStack;

  beforeAll(async () => {
    // Every call takes 300 ms: 500 lookups on 32 connections would take ~5 s, past one
    // attempt's share of the deadline, and their cut attempts would count as failures.
    stack = await startSecureStack({}, { sandbox: { faults: { latencyMs: 300 } } });
  });
  afterAll(() => stack.close());

  it('one request of 500 makes one API call, answers UNAUTHENTICATED and leaves the circuit closed', async () => {
    const made = basicAuthorization('made-up', 'secret');
    const response = await postJson(stack.url, floodBody(50), { authorization: made });

    expect(answersOf(response)).toEqual(Array.from({ length: 50 }, () => 'UNAUTHENTICATED'));
    // The first lookup asked the API; the API's refusal answered the other 499 unsent.
    expect(lookupsBy(stack, made)).toBe(1);
    expect(stack.gateway.reads.readsPaused()).toBe(false);
    expect(await demoRead(stack.url, demoIds[0]!)).toBe('CustomerPromotions');
  });
});

describe('lookups with ever new made-up credentials', () => {
  let stack: SecureStack;

  beforeAll(async () => {
    stack = await startSecureStack({}, { sandbox: { faults: { latencyMs: 300 } } });
  });
  afterAll(() => stack.close());

  it('reach the API once per caller and eight at a time, while an accepted tenant is served', async () => {
    // The demo org has been served before: the API vouched for its credentials.
    expect(await demoRead(stack.url, demoIds[1500]!)).toBe('CustomerPromotions');

    const made = Array.from({ length: 40 }, (_, i) => basicAuthorization(`attacker-${i}`, 'x'));
    const flood = made.map((authorization, i) =>
      postJson(stack.url, floodBody(5, (i * 50) % 1000), { authorization }),
    );
    const served = await Promise.all(
      demoIds.slice(1600, 1610).map((id) => demoRead(stack.url, id)),
    );
    const answers = (await Promise.all(flood)).flatMap(answersOf);

    expect(served).toEqual(Array.from({ length: 10 }, () => 'CustomerPromotions'));
    expect(answers).toHaveLength(40 * 5);
    // Each waited for a slot, asked once, and was refused by the API.
    expect(new Set(answers)).toEqual(new Set(['UNAUTHENTICATED']));
    for (const authorization of made) expect(lookupsBy(stack, authorization)).toBe(1);
    // Eight slots (32 connections / 4): the ninth lookup left only once the first had
    // its 300 ms answer, and so on.
    const hashes = new Set(made.map((authorization) => credentialHashOf({ authorization })));
    const left = stack.sandbox
      .readCalls()
      .filter((r) => hashes.has(r.credentialHash))
      .map((r) => Date.parse(r.time))
      .sort((a, b) => a - b);
    for (let i = 0; i + 8 < left.length; i++) {
      expect(left[i + 8]! - left[i]!).toBeGreaterThanOrEqual(290);
    }
    expect(stack.gateway.reads.readsPaused()).toBe(false);
  });
});

describe('lookups of credentials the API accepts, hundreds at once', () => {
  let stack: SecureStack;

  beforeAll(async () => {
    // 500 lookups of 300 ms on 24 read slots take ~6 s: past one attempt's share of the
    // 10 s deadline (3.3 s) for the last ones, had they been timed from when they queued.
    // 1,000 take ~12.5 s: the last ones get a slot with little of their 10 s left, and are
    // cut by their own deadline once sent.
    stack = await startSecureStack({}, { sandbox: { faults: { latencyMs: 300 } } });
  });
  afterAll(() => stack.close());

  it('are all answered, and leave the reads of another tenant served', async () => {
    const demo = DEMO_CREDENTIALS.authorizationHeader;
    const acme = ACME_CREDENTIALS.authorizationHeader;
    const acmeIds = demoCustomers('acme').map((c) => c.id);
    const read = (authorization: string, id: string) => readOne(stack.url, { authorization }, id);
    expect(await read(demo, demoIds[0]!)).toBe('CustomerPromotions');
    expect(await read(acme, acmeIds[0]!)).toBe('CustomerPromotions');

    const flood = postJson(stack.url, floodBody(50, 1), { authorization: demo });
    // The flood has filled the connections and queued the rest behind them.
    await eventually(() => stack.sandbox.readCalls().length, {
      describe: 'the flood at the API',
      until: (n) => n >= 2 + 32,
    });
    const served = await Promise.all(acmeIds.slice(1, 6).map((id) => read(acme, id)));

    const pages = Array.from({ length: 10 }, () => 'CustomerPromotions').join(',');
    expect(answersOf(await flood)).toEqual(Array.from({ length: 50 }, () => pages));
    expect(served).toEqual(Array.from({ length: 5 }, () => 'CustomerPromotions'));
    expect(stack.gateway.reads.readsPaused()).toBe(false);
  });

  it("do not hold back another tenant's mutation or read behind them: each is sent while most of the flood still waits", async () => {
    const demo = DEMO_CREDENTIALS.authorizationHeader;
    const acme = ACME_CREDENTIALS.authorizationHeader;
    const acmeIds = demoCustomers('acme').map((c) => c.id);
    expect(await readOne(stack.url, { authorization: acme }, acmeIds[10]!)).toBe(
      'CustomerPromotions',
    );
    const floodStart = lookupsBy(stack, demo);
    const flood = postJson(stack.url, floodBody(50, 500), { authorization: demo });
    await eventually(() => lookupsBy(stack, demo) - floodStart, {
      describe: 'the flood at the API',
      until: (n) => n >= 16,
    });

    // Lookups of the flood the API had received when each of acme's answers came back.
    const floodSeen = async (answer: Promise<unknown>) => {
      await answer;
      return lookupsBy(stack, demo) - floodStart;
    };
    const [atEnrolment, atRead] = await Promise.all([
      floodSeen(
        postJson(
          stack.url,
          {
            query:
              'mutation E($input: EnrolCustomersInput!) { enrolCustomers(input: $input) { __typename } }',
            variables: {
              input: enrolInput('ID', [acmeIds[11]!], { programId: 699, promotionId: 74116 }),
            },
          },
          { authorization: acme },
        ).then((r) =>
          expect(graphqlBody(r).data).toEqual({
            enrolCustomers: { __typename: 'EnrolCustomersResult' },
          }),
        ),
      ),
      floodSeen(
        readOne(stack.url, { authorization: acme }, acmeIds[12]!).then((r) =>
          expect(r).toBe('CustomerPromotions'),
        ),
      ),
    ]);
    // First come, first served, each waited for the flood's 500 to be sent before its own.
    expect(atEnrolment).toBeLessThan(250);
    expect(atRead).toBeLessThan(250);
    const pages = Array.from({ length: 10 }, () => 'CustomerPromotions').join(',');
    expect(answersOf(await flood)).toEqual(Array.from({ length: 50 }, () => pages));
  });

  it("never open the reads' circuit for everyone: a read cut by its own deadline is no failure of the API", async () => {
    const demo = { authorization: DEMO_CREDENTIALS.authorizationHeader };
    const acme = { authorization: ACME_CREDENTIALS.authorizationHeader };
    const acmeIds = demoCustomers('acme').map((c) => c.id);
    expect(await readOne(stack.url, demo, demoIds[0]!)).toBe('CustomerPromotions');
    let paused = false;
    let flooding = true;
    const watch = (async () => {
      while (flooding) {
        paused ||= stack.gateway.reads.readsPaused();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const floods = await Promise.all([
      postJson(stack.url, floodBody(50, 0), demo),
      postJson(stack.url, floodBody(50, 500), demo),
    ]);
    flooding = false;
    await watch;

    const answers = floods.flatMap((f) => answersOf(f).flatMap((op) => op.split(',')));
    expect(answers).toHaveLength(1000);
    // Those the deadline let through were served; the others say so, retryable.
    expect(new Set(answers)).toEqual(new Set(['CustomerPromotions', 'UpstreamUnavailableError']));
    expect(paused).toBe(false);
    expect(await readOne(stack.url, acme, acmeIds[20]!)).toBe('CustomerPromotions');
  });
});

describe('new sessions of a real tenant, more at once than the read slots of new callers', () => {
  let stack: SecureStack;

  beforeAll(async () => {
    stack = await startSecureStack({}, { sandbox: { faults: { latencyMs: 300 } } });
  });
  afterAll(() => stack.close());

  it('are all served: past the slots, a new caller’s first read waits for one', async () => {
    // Each OAuth token is a caller of its own, unknown until the API has answered it.
    const tokens = await Promise.all(Array.from({ length: 20 }, () => oauthToken(stack.sandbox)));
    const answers = await Promise.all(
      tokens.map((token, i) => readOne(stack.url, { 'x-cap-api-oauth-token': token }, demoIds[i]!)),
    );
    expect(answers).toEqual(Array.from({ length: 20 }, () => 'CustomerPromotions'));
  });
});
