/**
 * The partner client against a real gateway on the sandbox, over real sockets: every
 * operation, and its retry discipline across the sandbox's faults.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEMO_CREDENTIALS, demoCustomers } from '../../../src/sandbox';
import { startStack, type Stack } from '../../../test/support/stack';
import {
  GatewayClient,
  GatewayRequestError,
  GatewayUnreachableError,
  possibleTypes,
  type EnrolCustomersInput,
  type EnrolCustomersPayload,
  type RetryEvent,
} from '../src';

const demoAuth = { authorization: DEMO_CREDENTIALS.authorizationHeader };
const ids = demoCustomers('demo').map((customer) => customer.id);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function enrolInput(customers: string[], promotionId = 57099): EnrolCustomersInput {
  return {
    promotion: { programId: 469, promotionId },
    identifierName: 'ID',
    customers: customers.map((identifierValue) => ({ identifierValue, source: 'INSTORE' })),
  };
}

type EnrolResult = Extract<EnrolCustomersPayload, { __typename: 'EnrolCustomersResult' }>;

function asResult(payload: EnrolCustomersPayload): EnrolResult {
  if (payload.__typename !== 'EnrolCustomersResult') {
    throw new Error(`expected EnrolCustomersResult, got ${JSON.stringify(payload)}`);
  }
  return payload;
}

describe('GatewayClient against the gateway on the sandbox', () => {
  let stack: Stack;
  let client: GatewayClient;

  beforeAll(async () => {
    stack = await startStack({ BATCH_WINDOW_MS: '0' });
    client = new GatewayClient({ url: stack.gateway.graphqlUrl, headers: demoAuth });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.sandbox.reset());

  it('enrols customers, making an idempotencyKey that replays the answer without an API call', async () => {
    const first = await client.enrolCustomers(enrolInput([ids[0]!, ids[1]!]));

    expect(first.idempotencyKey).toMatch(UUID);
    expect(first).toMatchObject({ attempts: 1, settled: true });
    const ledger = stack.sandbox.ledger();
    expect(asResult(first.payload).results.map((r) => r.outcome)).toEqual(
      ledger.map((entry) =>
        expect.objectContaining({ __typename: 'Enrolment', issualId: entry.issualId }),
      ),
    );

    const again = await client.enrolCustomers({
      ...enrolInput([ids[0]!, ids[1]!]),
      idempotencyKey: first.idempotencyKey,
    });
    expect(asResult(again.payload)).toMatchObject({
      replayed: true,
      results: asResult(first.payload).results,
    });
    expect(stack.sandbox.calls()).toHaveLength(1);
  });

  it('keeps the caller’s idempotencyKey', async () => {
    const result = await client.enrolCustomers({
      ...enrolInput([ids[2]!]),
      idempotencyKey: 'partner-batch-7',
    });
    expect(result.idempotencyKey).toBe('partner-batch-7');
  });

  it('earns a promotion, answering the Earning the ledger holds', async () => {
    await client.enrolCustomers(enrolInput([ids[3]!]));
    const { payload } = await client.earnPromotion(enrolInput([ids[3]!]));

    const earning = stack.sandbox.ledger().find((entry) => entry.action === 'EARN');
    expect(payload).toMatchObject({
      __typename: 'EarnPromotionResult',
      successCount: 1,
      results: [{ outcome: { __typename: 'Earning', earnedId: earning?.earnedId } }],
    });
  });

  it("reads a customer's promotions, then takes the earn and the enrolment back, earns first", async () => {
    const customer = ids[4]!;
    const enrolled = asResult((await client.enrolCustomers(enrolInput([customer]))).payload);
    const earned = (await client.earnPromotion(enrolInput([customer]))).payload;
    if (earned.__typename !== 'EarnPromotionResult') throw new Error(earned.__typename);
    const earning = earned.results[0]!.outcome;
    const enrolment = enrolled.results[0]!.outcome;
    if (earning.__typename !== 'Earning' || enrolment.__typename !== 'Enrolment') {
      throw new Error(`${earning.__typename} ${enrolment.__typename}`);
    }

    const lookup = {
      customer: {
        identifierName: 'ID' as const,
        identifierValue: customer,
        source: 'INSTORE' as const,
      },
      programIds: [469],
    };
    const read = await client.customerPromotions(lookup);
    expect(read.settled).toBe(true);
    if (read.payload.__typename !== 'CustomerPromotions') throw new Error(read.payload.__typename);
    const listed = read.payload.promotions.find((p) => p.promotionId === 57099);
    expect(listed?.enrolments).toEqual([
      expect.objectContaining({
        issualId: enrolment.issualId,
        earnings: [expect.objectContaining({ earnedId: earning.earnedId })],
      }),
    ]);

    const revokedEarn = await client.revokeEarnings({
      promotion: { programId: 469, promotionId: 57099 },
      identifierName: 'ID',
      customers: [{ identifierValue: customer, source: 'INSTORE', earnedIds: [earning.earnedId] }],
    });
    expect(revokedEarn.idempotencyKey).toMatch(UUID);
    expect(revokedEarn.payload).toMatchObject({
      __typename: 'RevokeEarningsResult',
      results: [
        { outcome: { __typename: 'EarningRevocation', revokedEarnedIds: [earning.earnedId] } },
      ],
    });
    const revokedEnrolment = await client.revokeEnrolments({
      promotion: { programId: 469, promotionId: 57099 },
      identifierName: 'ID',
      customers: [{ identifierValue: customer, source: 'INSTORE' }],
    });
    expect(revokedEnrolment.payload).toMatchObject({
      __typename: 'RevokeEnrolmentsResult',
      results: [
        { outcome: { __typename: 'EnrolmentRevocation', revokedIssualId: enrolment.issualId } },
      ],
    });

    const after = await client.customerPromotions(lookup);
    if (after.payload.__typename !== 'CustomerPromotions')
      throw new Error(after.payload.__typename);
    expect(after.payload.promotions.find((p) => p.promotionId === 57099)?.enrolments).toEqual([]);
  });

  it('reads the gateway limits', async () => {
    await expect(client.gatewayLimits()).resolves.toEqual({
      maxCustomersPerMutation: stack.config.maxCustomersPerMutation,
      upstreamBatchSize: stack.config.upstreamBatchSize,
      batchWindowMs: stack.config.batchWindowMs,
    });
  });

  it('does not retry a payload without retryable errors', async () => {
    const result = await client.enrolCustomers(enrolInput([ids[4]!], 70000));
    expect(result).toMatchObject({
      attempts: 1,
      settled: true,
      payload: { __typename: 'PromotionInactiveError', retryable: false },
    });
  });

  it('throws GatewayRequestError for a refused request, without retrying', async () => {
    const anonymous = new GatewayClient({ url: stack.gateway.graphqlUrl });
    const refused = anonymous.enrolCustomers(enrolInput([ids[5]!]));
    await expect(refused).rejects.toBeInstanceOf(GatewayRequestError);
    await expect(refused).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(stack.sandbox.calls()).toHaveLength(0);
  });
});

describe('GatewayClient retries', () => {
  it('retries an OutcomeUnknownError with the same key, ending in exactly one enrolment per customer', async () => {
    // One API call per customer; the first call the sandbox receives is cut after its work.
    const stack = await startStack(
      { UPSTREAM_BATCH_SIZE: '1', BATCH_WINDOW_MS: '0' },
      { faults: { resetAfterCommitRate: 1 } },
    );
    try {
      const stop = stack.sandbox.onCallReceived(() => {
        stack.sandbox.setFaults({ resetAfterCommitRate: 0 });
        stop();
      });
      const retries: RetryEvent[] = [];
      const client = new GatewayClient({
        url: stack.gateway.graphqlUrl,
        headers: demoAuth,
        onRetry: (event) => retries.push(event),
      });
      const customers = [ids[10]!, ids[11]!];

      const result = await client.enrolCustomers(enrolInput(customers));

      expect(retries).toEqual([expect.objectContaining({ attempt: 1, reason: 'payload' })]);
      expect(result).toMatchObject({ attempts: 2, settled: true });
      const answered = asResult(result.payload);
      expect(answered.successCount).toBe(2);
      const [cut, other] = stack.sandbox.calls();
      expect(cut?.fault).toBe('resetAfterCommit');
      expect(other?.fault).toBeNull();
      // The retry looked the unknown customer up and found the cut call's work: nothing is
      // sent again (DESIGN §8, reconcile before re-sending).
      expect(stack.sandbox.calls()).toHaveLength(2);

      const ledger = stack.sandbox.ledger();
      const entriesOf = (id: string) => ledger.filter((e) => String(e.entityId) === id);
      // Every customer is enrolled exactly once, the cut one included.
      for (const id of customers) expect(entriesOf(id)).toHaveLength(1);
      // Each customer's reported enrolment is its newest, the active one.
      for (const r of answered.results) {
        expect(r.outcome).toMatchObject({
          __typename: 'Enrolment',
          issualId: entriesOf(r.identifierValue).at(-1)?.issualId,
        });
      }
    } finally {
      await stack.close();
    }
  });

  it('waits the retryAfterSeconds of a RateLimitedError before retrying', async () => {
    // The gateway's own deadline is shorter than the API's Retry-After, so it answers
    // RateLimitedError at once and leaves the wait to the client.
    const stack = await startStack(
      { PROMOTION_API_TIMEOUT_MS: '300', BATCH_WINDOW_MS: '0' },
      { faults: { rateLimitRate: 1, retryAfterSeconds: 2 } },
    );
    try {
      const stop = stack.sandbox.onCallReceived(() => {
        stack.sandbox.setFaults({ rateLimitRate: 0 });
        stop();
      });
      const retries: RetryEvent[] = [];
      const client = new GatewayClient({
        url: stack.gateway.graphqlUrl,
        headers: demoAuth,
        onRetry: (event) => retries.push(event),
      });

      const result = await client.enrolCustomers(enrolInput([ids[20]!]));

      expect(retries).toHaveLength(1);
      expect(retries[0]!.delayMs).toBeGreaterThanOrEqual(2000);
      expect(result).toMatchObject({ attempts: 2, settled: true });
      expect(asResult(result.payload).successCount).toBe(1);
      expect(stack.sandbox.ledger()).toHaveLength(1);
    } finally {
      await stack.close();
    }
  });

  it('stops retrying at the caller’s deadline and returns the last answer, unsettled', async () => {
    const stack = await startStack(
      { PROMOTION_API_TIMEOUT_MS: '300', BATCH_WINDOW_MS: '0' },
      { faults: { rateLimitRate: 1, retryAfterSeconds: 1 } },
    );
    try {
      const retries: { at: number; delayMs: number }[] = [];
      const client = new GatewayClient({
        url: stack.gateway.graphqlUrl,
        headers: demoAuth,
        retry: { maxAttempts: 1000 },
        onRetry: (event) => retries.push({ at: Date.now(), delayMs: event.delayMs }),
      });
      const deadline = new Date(Date.now() + 3_500);

      const result = await client.enrolCustomers(enrolInput([ids[21]!]), { deadline });

      // The deadline, not the attempt budget, ended it.
      expect(result.settled).toBe(false);
      expect(result.attempts).toBeLessThan(1000);
      expect(result.attempts).toBe(retries.length + 1);
      expect(result.payload).toMatchObject({ retryable: true });
      // No retry was planned to start after the deadline.
      for (const retry of retries) {
        expect(retry.at + retry.delayMs).toBeLessThan(deadline.getTime());
      }
      expect(stack.sandbox.ledger()).toHaveLength(0);
    } finally {
      await stack.close();
    }
  });

  it('throws GatewayUnreachableError with the key when no answer came before the deadline', async () => {
    // A port that accepts and then resets every connection: nothing ever answers.
    const server = createServer((request) => request.socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    let requests = 0;
    server.on('request', () => requests++);
    try {
      const client = new GatewayClient({ url: `http://127.0.0.1:${port}/graphql` });
      const call = client.enrolCustomers(
        { ...enrolInput([ids[30]!]), idempotencyKey: 'kept-for-later' },
        { timeoutMs: 2_000 },
      );
      await expect(call).rejects.toBeInstanceOf(GatewayUnreachableError);
      await expect(call).rejects.toMatchObject({ idempotencyKey: 'kept-for-later' });
      expect(requests).toBeGreaterThan(1);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('possibleTypes', () => {
  it('maps each union to its members, as Apollo Client’s cache takes it', () => {
    expect(possibleTypes['CustomerPromotionsPayload']).toEqual(
      expect.arrayContaining(['CustomerPromotions', 'CustomerNotFoundError', 'RateLimitedError']),
    );
    expect(Object.keys(possibleTypes)).not.toContain('possibleTypes');
  });
});
