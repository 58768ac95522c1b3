/**
 * Faults on the path of a read (DESIGN §8): a real upstream that answers 5xx, resets the
 * socket, asks to slow down or sends the wrong shape, in front of the sandbox.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CircuitState } from 'cockatiel';
import { errors } from 'undici';
import { EnrolCustomersDocument, PromotionDefinitionDocument } from '../generated/graphql';
import pino from 'pino';
import { loadConfig } from '../../src/config';
import { circuitOf } from '../../src/datasources/circuit';
import { PromotionReadClient } from '../../src/datasources/promotion-read.client';
import {
  DeadlineExceededError,
  UpstreamDispatcher,
  type Attempt,
} from '../../src/datasources/upstream-dispatch';
import { startGateway, type Gateway } from '../../src/server';
import { eventually, within } from '../support/eventually';
import { gatewayOn, startBlackHole, type BlackHole } from '../support/black-hole';
import { REFUSING_PORT } from '../support/refusing-port';
import { execute } from '../support/stack';
import {
  asPage,
  byId,
  customerPromotions,
  demoAuth,
  lookups,
  startReadStack,
  type ReadStack,
  type Scripted,
} from './support';

const ASHA = '555567088';
const status500: Scripted = { kind: 'status', status: 500, body: 'internal error' };

describe('reads through a misbehaving upstream, within the deadline', () => {
  let stack: ReadStack;
  beforeAll(async () => {
    stack = await startReadStack();
  });
  afterAll(() => stack.close());
  beforeEach(() => {
    stack.upstream.calls.length = 0;
    stack.upstream.script.length = 0;
  });

  it.each<[string, Scripted[]]>([
    ['a 500 without a body of the documented shape', [status500]],
    [
      'a 503 twice',
      [
        { kind: 'status', status: 503, body: '' },
        { kind: 'status', status: 503, body: '' },
      ],
    ],
    ['a reset socket', [{ kind: 'reset' }]],
    [
      'a 429 with Retry-After: 1',
      [{ kind: 'status', status: 429, body: '', headers: { 'retry-after': '1' } }],
    ],
  ])('retries %s and answers the page', async (_name, script) => {
    stack.upstream.script.push(...script);
    const page = asPage(await customerPromotions(stack.url, byId(ASHA)));
    expect(page.entityId).toBe(ASHA);
    expect(lookups(stack.upstream.calls)).toHaveLength(script.length + 1);
  });

  it.each<[string, unknown]>([
    ['a 200 that is not JSON', 'not json'],
    ['a 200 whose pageDetails is no object', { pageDetails: 'x', customerId: 1, promotions: [] }],
    [
      'a 200 whose promotion has no kind',
      {
        pageDetails: { totalEntries: 1 },
        customerId: 1,
        promotions: [{ promotionId: 1, programId: 469, promotionName: 'x', active: true }],
      },
    ],
    [
      // new Date(1e20) is an Invalid Date, which the DateTime scalar cannot answer.
      'a 200 with an epoch time past what a date can hold',
      {
        pageDetails: { totalEntries: 1 },
        customerId: 1,
        promotions: [
          {
            promotionId: 1,
            programId: 469,
            promotionName: 'x',
            active: true,
            pointsOfferType: 'LOYALTY',
            startDate: 1e20,
          },
        ],
      },
    ],
    [
      'a 200 with an id of 65 characters',
      {
        pageDetails: { totalEntries: 0 },
        customerId: 'x'.repeat(65),
        promotions: [],
      },
    ],
  ])('answers %s as UpstreamError, without retrying', async (_name, body) => {
    stack.upstream.script.push({ kind: 'status', status: 200, body });
    expect(await customerPromotions(stack.url, byId(ASHA))).toMatchObject({
      __typename: 'UpstreamError',
      upstreamCode: 0,
      retryable: false,
    });
    expect(lookups(stack.upstream.calls)).toHaveLength(1);
  });

  it('reads ids given as strings and times given with an offset or as epoch ms', async () => {
    stack.upstream.script.push({
      kind: 'status',
      status: 200,
      body: {
        pageDetails: { totalEntries: 1 },
        customerId: '555567088',
        promotions: [
          {
            promotionId: '57099',
            programId: 469,
            promotionName: 'x',
            active: true,
            pointsOfferType: 'LOYALTY_EARNING',
            startDate: '2026-01-01T05:30:00+05:30',
            endDate: 1_900_000_000_000,
            customerPromotionTimelines: [
              {
                enrollmentId: '1001',
                enrollmentDate: '2026-12-01 10:00:00',
                issuedDetails: [{ issualId: 5000001, issualDate: '2026-12-01T10:05:00' }],
              },
            ],
          },
        ],
      },
    });
    const [promotion] = asPage(await customerPromotions(stack.url, byId(ASHA))).promotions;
    expect(promotion).toMatchObject({
      promotionId: 57099,
      startsAt: '2026-01-01T00:00:00.000Z',
      endsAt: new Date(1_900_000_000_000).toISOString(),
      enrolments: [
        {
          issualId: '1001',
          enrolledAt: '2026-12-01T10:00:00.000Z',
          expiresAt: null,
          earnings: [
            { earnedId: '5000001', earnedAt: '2026-12-01T10:05:00.000Z', redeemedCount: 0 },
          ],
        },
      ],
    });
  });

  it('answers a definition of the wrong shape as UpstreamError, and as a null definition with a GraphQL error beside an intact page', async () => {
    const wrongShape: Scripted = {
      kind: 'status',
      status: 200,
      body: { status: { code: 200 }, data: [] },
      path: '/api_gateway/',
    };
    stack.upstream.script.push(wrongShape);
    const { body } = await execute(
      stack.url,
      PromotionDefinitionDocument,
      { programId: 469, promotionId: 57099 },
      demoAuth,
    );
    expect(body.data?.promotion).toMatchObject({ __typename: 'UpstreamError', upstreamCode: 0 });

    stack.upstream.script.push(wrongShape);
    const query = `query { customerPromotions(input: { customer: { identifierName: ID, identifierValue: "${ASHA}", source: INSTORE }, programIds: [469], kind: DIRECT_ISSUE }) { ... on CustomerPromotions { promotions { promotionId definition { name } } } } }`;
    const response = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...demoAuth },
      body: JSON.stringify({ query }),
    });
    const answer = (await response.json()) as {
      data: { customerPromotions: { promotions: { promotionId: number; definition: unknown }[] } };
      errors: { path: (string | number)[]; extensions: { code: string; retryable: boolean } }[];
    };
    expect(answer.data.customerPromotions.promotions).toEqual([
      { promotionId: 202090, definition: null },
    ]);
    expect(answer.errors).toEqual([
      expect.objectContaining({
        path: ['customerPromotions', 'promotions', 0, 'definition'],
        extensions: expect.objectContaining({
          code: 'PROMOTION_DEFINITION_UNAVAILABLE',
          retryable: false,
        }),
      }),
    ]);
  });
});

describe('reads past the deadline', () => {
  let stack: ReadStack;
  beforeAll(async () => {
    // A breaker that does not open: each test here fails every attempt of its own.
    stack = await startReadStack({
      PROMOTION_API_TIMEOUT_MS: '1500',
      CIRCUIT_BREAKER_THRESHOLD: '1000',
    });
  });
  afterAll(() => stack.close());
  beforeEach(() => {
    stack.upstream.calls.length = 0;
    stack.upstream.script.length = 0;
  });

  it('answers UpstreamUnavailableError when every attempt gets a 500, never OutcomeUnknownError', async () => {
    stack.upstream.script.push(...Array.from({ length: 50 }, () => status500));
    expect(await customerPromotions(stack.url, byId(ASHA))).toMatchObject({
      __typename: 'UpstreamUnavailableError',
      retryable: true,
    });
    expect(lookups(stack.upstream.calls).length).toBeGreaterThan(1);
  });

  it('answers UpstreamUnavailableError when every attempt is reset', async () => {
    stack.upstream.script.push(...Array.from({ length: 50 }, (): Scripted => ({ kind: 'reset' })));
    expect(await customerPromotions(stack.url, byId(ASHA))).toMatchObject({
      __typename: 'UpstreamUnavailableError',
    });
    expect(lookups(stack.upstream.calls).length).toBeGreaterThan(1);
  });

  it('answers RateLimitedError with the API’s Retry-After when it reaches past the deadline', async () => {
    stack.upstream.script.push({
      kind: 'status',
      status: 429,
      body: '',
      headers: { 'retry-after': '5' },
    });
    expect(await customerPromotions(stack.url, byId(ASHA))).toMatchObject({
      __typename: 'RateLimitedError',
      retryable: true,
      retryAfterSeconds: 5,
    });
    // Retry-After past the deadline: not asked again.
    expect(lookups(stack.upstream.calls)).toHaveLength(1);
  });
});

describe('reads when the API is down', () => {
  it('answers UpstreamUnavailableError when nothing listens at the API URL', async () => {
    const apiUrl = `http://127.0.0.1:${REFUSING_PORT}`;
    const config = loadConfig({
      PORT: '0',
      METRICS_PORT: '0',
      LOG_LEVEL: 'silent',
      PROMOTION_API_URL: apiUrl,
      PROMOTION_API_TIMEOUT_MS: '1000',
    });
    const gateway = await startGateway(config, { apiUrl, logger: pino({ level: 'silent' }) });
    try {
      expect(await customerPromotions(gateway.graphqlUrl, byId(ASHA))).toMatchObject({
        __typename: 'UpstreamUnavailableError',
      });
    } finally {
      await gateway.close();
    }
  });
});

describe('a failing read path beside a healthy write path', () => {
  let stack: ReadStack;
  beforeAll(async () => {
    // The default threshold (5) and deadline (10 s): one read's retries alone reach it, well
    // within the deadline however busy the machine.
    stack = await startReadStack({}, {}, { metricsPort: 0 });
  });
  afterAll(() => stack.close());

  it('opens the circuit of the reads only: enrolments still go through', async () => {
    stack.upstream.script.push(...Array.from({ length: 50 }, () => status500));
    expect(await customerPromotions(stack.url, byId(ASHA))).toMatchObject({
      __typename: 'UpstreamUnavailableError',
    });
    const failedReads = lookups(stack.upstream.calls).length;
    expect(failedReads).toBeGreaterThanOrEqual(5);

    // The reads' circuit is open: the next read answers without a call.
    expect(await customerPromotions(stack.url, byId(ASHA))).toMatchObject({
      __typename: 'UpstreamUnavailableError',
      retryable: true,
    });
    expect(lookups(stack.upstream.calls)).toHaveLength(failedReads);
    const gauges = (await (await fetch(stack.gateway.metricsUrl as string)).text())
      .split('\n')
      .filter((line) => line.startsWith('gateway_circuit_open{'));
    expect(gauges).toEqual([
      'gateway_circuit_open{path="bulk"} 0',
      'gateway_circuit_open{path="read"} 1',
    ]);

    // The bulk endpoint is healthy, and its calls are not held back by the reads' failures.
    const { body } = await execute(
      stack.url,
      EnrolCustomersDocument,
      {
        input: {
          promotion: { programId: 469, promotionId: 57099 },
          identifierName: 'ID',
          customers: [{ identifierValue: '555567089', source: 'INSTORE' }],
        },
      },
      demoAuth,
    );
    const enrolled = body.data?.enrolCustomers;
    expect(enrolled?.__typename).toBe('EnrolCustomersResult');
    if (enrolled?.__typename !== 'EnrolCustomersResult') return;
    expect(enrolled.results.map((r) => r.outcome.__typename)).toEqual(['Enrolment']);
    expect(stack.upstream.calls.filter((c) => c.method === 'POST')).toHaveLength(1);
  });
});

describe('a read path that hangs', () => {
  let stack: ReadStack;
  beforeAll(async () => {
    // A 3 s deadline: each read has two attempts cut by their 1 s wire share, then one cut
    // by the deadline itself.
    stack = await startReadStack({ PROMOTION_API_TIMEOUT_MS: '3000' });
  });
  afterAll(() => stack.close());

  it("opens the reads' circuit after a few reads one at a time: an attempt cut by the deadline resets nothing", async () => {
    stack.upstream.holding = true;
    for (let read = 1; read <= 3; read++) {
      expect(await customerPromotions(stack.url, byId(ASHA))).toMatchObject({
        __typename: 'UpstreamUnavailableError',
      });
    }
    // Six attempts timed out on the wire (threshold 5): the circuit is open, nothing is sent.
    expect(stack.gateway.reads.readsPaused()).toBe(true);
    const sent = lookups(stack.upstream.calls).length;
    expect(await customerPromotions(stack.url, byId(ASHA))).toMatchObject({
      __typename: 'UpstreamUnavailableError',
    });
    expect(lookups(stack.upstream.calls)).toHaveLength(sent);
    stack.upstream.release();
  });
});

describe('a read path that hangs, with the shortest deadlines', () => {
  let stack: ReadStack;
  beforeAll(async () => {
    // 400 ms: an attempt's share is 200 ms, so a hung attempt is cut by it, not by the deadline.
    stack = await startReadStack({
      PROMOTION_API_TIMEOUT_MS: '400',
      CIRCUIT_BREAKER_HALF_OPEN_MS: '200',
    });
  });
  afterAll(() => stack.close());

  it("opens the reads' circuit, and closes it again once the API answers", async () => {
    stack.upstream.holding = true;
    for (let read = 0; read < 10 && !stack.gateway.reads.readsPaused(); read++) {
      expect(await customerPromotions(stack.url, byId(ASHA))).toMatchObject({
        __typename: 'UpstreamUnavailableError',
      });
    }
    expect(stack.gateway.reads.readsPaused()).toBe(true);

    stack.upstream.release();
    // After the half-open wait, one probe with time enough to tell closes it.
    const page = await eventually(() => customerPromotions(stack.url, byId(ASHA)), {
      describe: 'a read served once the API answers again',
      until: (answer) => answer.__typename === 'CustomerPromotions',
      timeoutMs: 30_000,
      intervalMs: 100,
    });
    expect(page.__typename).toBe('CustomerPromotions');
    expect(stack.gateway.reads.readsPaused()).toBe(false);
  });
});

const LOOKUP_CALLS = 'gateway_upstream_calls_total{endpoint="/v2/customers/lookup/promotionData"';
const CIRCUIT_OPEN_MESSAGE = 'the promotion API is failing; calls are paused for a moment';

/** The gateway's metrics: the circuit gauges, and lookups tried (any status). */
async function readMetricsOf(gateway: Gateway): Promise<{ circuits: string[]; lookups: number }> {
  const lines = (await (await fetch(gateway.metricsUrl as string)).text()).split('\n');
  return {
    circuits: lines.filter((line) => line.startsWith('gateway_circuit_open{')),
    lookups: lines
      .filter((line) => line.startsWith(LOOKUP_CALLS))
      .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0),
  };
}

describe("reads when the API's host never completes a connect", () => {
  let blackHole: BlackHole;
  beforeAll(async () => {
    blackHole = await startBlackHole();
  });
  afterAll(() => blackHole.close());

  it("opens the reads' circuit with a 1500 ms deadline, then answers reads without trying the API", async () => {
    const gateway = await gatewayOn(blackHole, '1500');
    try {
      for (let read = 0; read < 10 && !gateway.reads.readsPaused(); read++) {
        expect(await customerPromotions(gateway.graphqlUrl, byId(ASHA))).toMatchObject({
          __typename: 'UpstreamUnavailableError',
          retryable: true,
        });
      }
      expect(gateway.reads.readsPaused()).toBe(true);
      const opened = await readMetricsOf(gateway);
      expect(opened.circuits).toEqual([
        'gateway_circuit_open{path="bulk"} 0',
        'gateway_circuit_open{path="read"} 1',
      ]);

      // Answered by the open circuit: no attempt, so no connect to wait for.
      expect(await customerPromotions(gateway.graphqlUrl, byId('555567089'))).toEqual({
        __typename: 'UpstreamUnavailableError',
        message: CIRCUIT_OPEN_MESSAGE,
        retryable: true,
      });
      expect((await readMetricsOf(gateway)).lookups).toBe(opened.lookups);
    } finally {
      await gateway.close();
    }
  });

  it("opens the reads' circuit when every read has less time left than a connect takes, as a new caller's reads queued behind its first one have", async () => {
    // A deadline of 3 s (its attempts' share 1 s): each read below is given 300 ms of it.
    const dispatcher = new UpstreamDispatcher(blackHole.url, {
      maxConnections: 32,
      requestTimeoutMs: 3000,
    });
    const breaker = circuitOf('read', {
      threshold: 5,
      halfOpenAfterMs: 600_000,
      origin: blackHole.url,
    });
    const opened = new Promise<void>((resolve) => breaker.onBreak(() => resolve()));
    const reads = new PromotionReadClient({ dispatcher, breaker, basePath: '', timeoutMs: 3000 });
    const query = {
      identifierName: 'id',
      identifierValue: ASHA,
      source: 'INSTORE',
      programIds: null,
      status: null,
      kind: null,
      limit: 10,
      offset: 0,
    } as const;
    try {
      for (let read = 0; read < 30 && breaker.state === CircuitState.Closed; read++) {
        expect(await reads.lookupPromotionData(demoAuth, query, Date.now() + 300)).toMatchObject({
          kind: 'UNAVAILABLE',
        });
      }
      await within(opened, { describe: "the reads' circuit to open" });
      expect(await reads.lookupPromotionData(demoAuth, query, Date.now() + 3000)).toEqual({
        kind: 'UNAVAILABLE',
        message: CIRCUIT_OPEN_MESSAGE,
      });
    } finally {
      await dispatcher.close();
    }
  });

  it('tells, after a GET its deadline cut unwritten, whether its connection failed or it only waited for one of ours', async () => {
    const unreachable = new UpstreamDispatcher(blackHole.url, {
      maxConnections: 1,
      requestTimeoutMs: 3000,
    });
    const received: string[] = [];
    const held: ServerResponse[] = [];
    let arrived!: () => void;
    const firstArrived = new Promise<void>((resolve) => (arrived = resolve));
    const server = createServer((req, res) => {
      received.push(req.url ?? '');
      held.push(res);
      arrived();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const busy = new UpstreamDispatcher(
      `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      { maxConnections: 1, requestTimeoutMs: 10_000 },
    );
    const notSent = (attempt: Attempt) => {
      if (attempt.kind !== 'not-sent') throw new Error(`expected not-sent, got ${attempt.kind}`);
      expect(attempt.error).toBeInstanceOf(DeadlineExceededError);
      return attempt;
    };
    try {
      const connecting = notSent(await unreachable.get('/lookup', {}, Date.now() + 300));
      expect(await connecting.later).toBeInstanceOf(errors.ConnectTimeoutError);

      const first = busy.get('/first', {}, Date.now() + 10_000);
      await within(firstArrived, { describe: 'the first GET to hold the only connection' });
      const queued = notSent(await busy.get('/queued', {}, Date.now() + 300));
      held[0]?.end('{}');
      expect(await first).toMatchObject({ kind: 'response', status: 200 });
      expect(await queued.later).toBeNull();
      expect(received).toEqual(['/first']);
    } finally {
      await unreachable.close();
      await busy.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
