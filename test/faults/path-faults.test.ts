/**
 * Every fault of the path to the API, on real sockets: the sandbox's fault knobs make
 * the API misbehave, the gateway answers what DESIGN.md §2 prescribes, and the
 * sandbox's ledger (what was really done) and call log (what was really sent) agree —
 * for enrolCustomers and for the revocations, which share its pipeline (DESIGN §8).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { loadConfig } from '../../src/config';
import type { StartSandboxOptions } from '../../src/sandbox';
import { startGateway, type Gateway } from '../../src/server';
import { within } from '../support/eventually';
import { REFUSING_PORT } from '../support/refusing-port';
import { startStack, type Stack } from '../support/stack';
import {
  MUTATION_KINDS,
  asMutationResult,
  callsOf,
  customersOf,
  demo,
  demoAuth,
  ledgerEntityIds,
  ledgerOf,
  mutationOutcomeTypes,
  nextCall,
} from './support';

const ids = (from: number, count: number) => demo.slice(from, from + count).map((c) => c.id);

describe.each(MUTATION_KINDS)('faults of the path to the API, for $name', (kind) => {
  const opened: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    for (const stack of opened.splice(0).reverse()) await stack.close();
  });

  /** A stack whose sandbox already holds what `kind` needs for `prepared` (faults off for it). */
  async function stackWith(
    env: Record<string, string>,
    sandboxOptions: StartSandboxOptions = {},
    prepared: readonly string[] = [],
  ): Promise<Stack> {
    const stack = await startStack(env, sandboxOptions);
    opened.push(stack);
    await kind.prepare(stack.sandbox, prepared);
    return stack;
  }
  const run = (stack: Stack | Gateway, customers: readonly string[]) =>
    kind.run('gateway' in stack ? stack.gateway.graphqlUrl : stack.graphqlUrl, customers);
  const calls = (stack: Stack) => callsOf(kind, stack.sandbox);
  const ledger = (stack: Stack) => ledgerOf(kind, stack.sandbox);

  describe('a call that may have been done answers OutcomeUnknownError and is never resent', () => {
    it.each([
      ['resetAfterCommitRate', 'resetAfterCommit', { resetAfterCommitRate: 1 }],
      ['hangAfterCommitRate', 'hangAfterCommit', { hangAfterCommitRate: 1 }],
      ['malformedRate', 'malformed', { malformedRate: 1 }],
    ] as const)(
      '%s 1: OutcomeUnknownError, one ledger entry per customer, one call',
      async (_knob, fault, faults) => {
        const customers = ids(0, 3);
        const stack = await stackWith({ PROMOTION_API_TIMEOUT_MS: '1500' }, { faults }, customers);

        const payload = await run(stack, customers);

        expect(payload).toMatchObject({ __typename: 'OutcomeUnknownError', retryable: true });
        // The API did the work: exactly once per customer, all in the one call we sent.
        const sent = calls(stack);
        expect(sent).toHaveLength(1);
        expect(sent[0]).toMatchObject({ fault, customers: 3 });
        const done = ledger(stack);
        expect(ledgerEntityIds(done).sort()).toEqual([...customers].sort());
        expect(done.every((e) => e.callId === sent[0]?.id)).toBe(true);
        // Nothing is sent later behind the caller's back either (an absence: a quiet spell).
        await sleep(300);
        expect(calls(stack)).toHaveLength(1);
      },
    );

    it('latencyMs beyond PROMOTION_API_TIMEOUT_MS: OutcomeUnknownError at the deadline, and the API did it after all', async () => {
      const customers = ids(0, 2);
      const stack = await stackWith(
        { PROMOTION_API_TIMEOUT_MS: '500' },
        { faults: { latencyMs: 1500 } },
        customers,
      );
      const settled = nextCall(stack.sandbox, 'settled');
      const started = Date.now();

      const payload = await run(stack, customers);

      expect(payload).toMatchObject({ __typename: 'OutcomeUnknownError', retryable: true });
      expect(Date.now() - started).toBeGreaterThanOrEqual(450);
      // Answered before the API had done anything.
      expect(ledger(stack)).toHaveLength(0);
      // "Unknown" was the honest answer: the API finished the work after we stopped waiting.
      await within(settled, { describe: 'the API to finish the call' });
      expect(ledgerEntityIds(ledger(stack)).sort()).toEqual([...customers].sort());
      expect(calls(stack)).toHaveLength(1);
    });

    it('status500Rate 1 (500 without envelope): OutcomeUnknownError, nothing in the ledger, one call', async () => {
      const stack = await stackWith({}, { faults: { status500Rate: 1 } }, ids(0, 3));

      const payload = await run(stack, ids(0, 3));

      expect(payload).toMatchObject({ __typename: 'OutcomeUnknownError', retryable: true });
      expect(calls(stack)).toEqual([
        expect.objectContaining({ status: 500, fault: 'status500', customers: 3 }),
      ]);
      expect(ledger(stack)).toHaveLength(0);
    });
  });

  describe('a call the API refused to do is retried within the deadline', () => {
    it('rateLimitRate 1 (429 forever): RateLimitedError with retryAfterSeconds by the deadline, nothing in the ledger', async () => {
      const stack = await stackWith(
        { PROMOTION_API_TIMEOUT_MS: '2500' },
        { faults: { rateLimitRate: 1, retryAfterSeconds: 1 } },
        ids(0, 2),
      );
      const receivedAt: number[] = [];
      stack.sandbox.onCallReceived(() => receivedAt.push(Date.now()));
      const started = Date.now();

      const payload = await run(stack, ids(0, 2));

      expect(payload).toMatchObject({
        __typename: 'RateLimitedError',
        retryable: true,
        retryAfterSeconds: 1,
      });
      // Attempts 1 s apart, as Retry-After asks, until the next wait would end past the
      // deadline (at 0, 1 and 2 s on an idle machine).
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
      expect(Date.now() - started).toBeLessThan(2500 + 1000);
      expect(receivedAt.length).toBeGreaterThanOrEqual(2);
      receivedAt.slice(1).forEach((at, i) => {
        expect(at - receivedAt[i]!).toBeGreaterThanOrEqual(1000);
      });
      expect(calls(stack).every((c) => c.fault === 'rateLimit')).toBe(true);
      expect(ledger(stack)).toHaveLength(0);
    });

    it('honours Retry-After, and succeeds once the 429s stop within the deadline', async () => {
      const customers = ids(0, 2);
      const stack = await stackWith(
        { PROMOTION_API_TIMEOUT_MS: '5000' },
        { faults: { rateLimitRate: 1, retryAfterSeconds: 1 } },
        customers,
      );
      const receivedAt: number[] = [];
      stack.sandbox.onCallReceived(() => receivedAt.push(Date.now()));
      stack.sandbox.onCallSettled((call) => {
        if (call.fault === 'rateLimit') stack.sandbox.setFaults({ rateLimitRate: 0 });
      });

      const result = asMutationResult(await run(stack, customers));

      expect(result.results.map((r) => r.outcome.__typename)).toEqual([kind.success, kind.success]);
      expect(calls(stack).map((c) => c.status)).toEqual([429, 200]);
      expect(receivedAt).toHaveLength(2);
      expect(receivedAt[1]! - receivedAt[0]!).toBeGreaterThanOrEqual(1000);
      const done = ledger(stack);
      expect(result.results.map((r) => [r.identifierValue, kind.idOf(r.outcome)])).toEqual(
        done.map((e) => [String(e.entityId), kind.ledgerIdOf(e)]),
      );
    });

    it('maxConcurrent with latency (503 without envelope): retried until each call gets in', async () => {
      // One customer per call, so that the three calls compete for the API's one slot.
      // 503s count towards the breaker; its threshold is raised so that this test shows the retries.
      const customers = ids(0, 3);
      const stack = await stackWith(
        { UPSTREAM_BATCH_SIZE: '1', CIRCUIT_BREAKER_THRESHOLD: '1000' },
        { faults: { maxConcurrent: 1, latencyMs: 150 } },
        customers,
      );

      const result = asMutationResult(await run(stack, customers));

      expect(result.results.map((r) => r.outcome.__typename)).toEqual(
        customers.map(() => kind.success),
      );
      const sent = calls(stack);
      const served = sent.filter((c) => c.fault === null);
      expect(sent.filter((c) => c.fault === 'overloaded').length).toBeGreaterThan(0);
      expect(served.flatMap(customersOf).sort()).toEqual([...customers].sort());
      const done = ledger(stack);
      expect(ledgerEntityIds(done).sort()).toEqual([...customers].sort());
      for (const r of result.results) {
        const entry = done.find((e) => String(e.entityId) === r.identifierValue);
        expect(kind.idOf(r.outcome)).toBe(entry && kind.ledgerIdOf(entry));
      }
    });

    it('maxConcurrent with latency: UpstreamUnavailableError when no slot frees up before the deadline, nothing done', async () => {
      const stack = await stackWith(
        { PROMOTION_API_TIMEOUT_MS: '1000' },
        { faults: { maxConcurrent: 1, latencyMs: 4000 } },
        ids(0, 2),
      );
      // Someone else holds the API's only slot for longer than our deadline.
      const holder = fetch(`${stack.sandbox.url}/v2/promotion/bulk/enrolAndEarn`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...demoAuth },
        body: JSON.stringify({
          type: 'CUSTOMER',
          bulkAction: 'ENROL',
          promotionDetails: { programId: 469, promotionId: 69218 },
          identifierName: 'id',
          customers: [{ identifierValue: demo[1999]!.id, source: 'INSTORE' }],
        }),
      }).catch(() => undefined);
      await within(nextCall(stack.sandbox, 'received'), {
        describe: 'the holder to take the only slot',
      });

      const payload = await run(stack, ids(0, 2));

      expect(payload).toMatchObject({ __typename: 'UpstreamUnavailableError', retryable: true });
      const ours = calls(stack).filter((c) => !customersOf(c).includes(demo[1999]!.id));
      expect(ours.length).toBeGreaterThanOrEqual(2);
      expect(ours.every((c) => c.fault === 'overloaded' && c.status === 503)).toBe(true);
      expect(ledger(stack).filter((e) => e.promotionId === 57099)).toHaveLength(0);
      await stack.sandbox.close();
      await holder;
    });
  });

  describe('an API that cannot be reached', () => {
    it('answers UpstreamUnavailableError when the sandbox has closed', async () => {
      const stack = await stackWith({ PROMOTION_API_TIMEOUT_MS: '1000' }, {}, ids(0, 3));
      // A kept-alive connection first, so that the pool has a socket the close destroys.
      expect(mutationOutcomeTypes(await run(stack, ids(0, 1)))).toEqual([kind.success]);
      await stack.sandbox.close();

      const payload = await run(stack, ids(1, 2));

      expect(payload).toMatchObject({ __typename: 'UpstreamUnavailableError', retryable: true });
      expect(calls(stack)).toHaveLength(1);
    });

    it('answers UpstreamUnavailableError for a port nobody listens on', async () => {
      const port = REFUSING_PORT;
      const config = loadConfig({
        PORT: '0',
        METRICS_PORT: '0',
        LOG_LEVEL: 'silent',
        PROMOTION_API_TIMEOUT_MS: '1000',
      });
      const gateway: Gateway = await startGateway(config, {
        apiUrl: `http://127.0.0.1:${port}`,
        logger: pino({ level: 'silent' }),
      });
      opened.push(gateway);
      const started = Date.now();

      const payload = await run(gateway, ids(0, 2));

      expect(payload).toMatchObject({ __typename: 'UpstreamUnavailableError', retryable: true });
      expect(Date.now() - started).toBeLessThan(1000 + 1500);
    });
  });

  describe('the circuit breaker', () => {
    it('opens after consecutive failures, then answers at once without a call, and closes after a good probe', async () => {
      const stack = await stackWith(
        { CIRCUIT_BREAKER_THRESHOLD: '2', CIRCUIT_BREAKER_HALF_OPEN_MS: '400' },
        { faults: { status500Rate: 1 } },
        ids(0, 5),
      );
      for (const customers of [ids(0, 1), ids(1, 1)]) {
        expect((await run(stack, customers)).__typename).toBe('OutcomeUnknownError');
      }
      expect(calls(stack)).toHaveLength(2);

      const started = Date.now();
      const open = await run(stack, ids(2, 1));

      expect(open).toMatchObject({ __typename: 'UpstreamUnavailableError', retryable: true });
      // At once: nowhere near the 10 s deadline, and without a call.
      expect(Date.now() - started).toBeLessThan(1000);
      expect(calls(stack)).toHaveLength(2);

      // The API recovers; after halfOpenAfter one probe goes through and closes the circuit.
      stack.sandbox.setFaults({ status500Rate: 0 });
      await sleep(450); // halfOpenAfter is a clock, not an event
      expect(mutationOutcomeTypes(await run(stack, ids(3, 1)))).toEqual([kind.success]);
      expect(mutationOutcomeTypes(await run(stack, ids(4, 1)))).toEqual([kind.success]);
      expect(ledgerEntityIds(ledger(stack))).toEqual(ids(3, 2));
    });

    it('stays closed when calls time out in our own connection pool while the API is healthy', async () => {
      // One connection, 300 ms per call, one customer per call: of eight calls three fit
      // in the 1 s deadline, the fourth is sent and cut by it, the rest never leave the
      // pool. Only the fourth says anything about the API.
      const stack = await stackWith(
        {
          UPSTREAM_MAX_CONNECTIONS: '1',
          UPSTREAM_BATCH_SIZE: '1',
          PROMOTION_API_TIMEOUT_MS: '1000',
          CIRCUIT_BREAKER_THRESHOLD: '3',
        },
        { faults: { latencyMs: 300 } },
        [...ids(0, 8), ...ids(100, 1)],
      );
      const customers = ids(0, 8);

      const result = asMutationResult(await run(stack, customers));

      const types: string[] = result.results.map((r) => r.outcome.__typename);
      const sent = calls(stack).flatMap(customersOf);
      const notSent = customers.filter((id) => !sent.includes(id));
      expect(types.filter((t) => t === kind.success).length).toBeGreaterThanOrEqual(1);
      expect(types.filter((t) => t === 'UpstreamUnavailableError').length).toBeGreaterThanOrEqual(
        3,
      );
      // Whatever never left the pool is UpstreamUnavailableError, and was never done.
      result.results.forEach((r) => {
        if (notSent.includes(r.identifierValue)) {
          expect(r.outcome.__typename).toBe('UpstreamUnavailableError');
        }
      });
      // The next mutation gets through: the circuit did not open.
      const next = await run(stack, ids(100, 1));
      expect(mutationOutcomeTypes(next)).toEqual([kind.success]);
      await sleep(400); // nothing is done later either (an absence: a quiet spell)
      const done = new Set(ledgerEntityIds(ledger(stack)));
      expect(notSent.some((id) => done.has(id))).toBe(false);
    });
  });
});
