/**
 * Reconcile before re-sending (DESIGN §8, issue 15) end to end: the sandbox does the work
 * and cuts the answer (reset or hang after commit); the retry with the same key looks the
 * customers up and reports that work, with the ledger's ids, instead of doing it again.
 * When the lookup cannot tell (it fails, or finds two candidates), the customer is sent
 * again.
 */
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { loadConfig } from '../../src/config';
import type { IdempotencyStore } from '../../src/idempotency/idempotency.store';
import { MemoryIdempotencyStore } from '../../src/idempotency/memory.store';
import {
  basicAuthorization,
  startSandbox,
  type LedgerEntry,
  type RunningSandbox,
} from '../../src/sandbox';
import { startGateway, type Gateway } from '../../src/server';
import { lookups, startReadStack, type ReadStack } from '../read-side/support';
import { eventually } from '../support/eventually';
import { startStack, type Stack } from '../support/stack';
import {
  REDIS_ENV,
  asMutationResult,
  customersOf,
  demo,
  doAtSandbox,
  earn,
  enrol,
  type MutationOptions,
  type MutationOutcome,
  type MutationPayload,
} from './support';

const LOOKUP_PATH = '/v2/customers/lookup/promotionData';

interface Action {
  name: 'enrolCustomers' | 'earnPromotion';
  bulkAction: 'ENROL' | 'EARN';
  success: 'Enrolment' | 'Earning';
  /** What the customers need before the mutation can do its work. */
  prepare(sandbox: RunningSandbox, ids: readonly string[]): Promise<void>;
  run(url: string, ids: readonly string[], options: MutationOptions): Promise<MutationPayload>;
}

const ACTIONS: Action[] = [
  {
    name: 'enrolCustomers',
    bulkAction: 'ENROL',
    success: 'Enrolment',
    prepare: async () => undefined,
    run: enrol,
  },
  {
    name: 'earnPromotion',
    bulkAction: 'EARN',
    success: 'Earning',
    prepare: (sandbox, ids) => doAtSandbox(sandbox, 'ENROL', ids),
    run: earn,
  },
];

const FAULTS = ['resetAfterCommitRate', 'hangAfterCommitRate'] as const;

const callsOf = (sandbox: RunningSandbox, action: Action) =>
  sandbox
    .calls()
    .filter((c) => (c.body as { bulkAction?: unknown }).bulkAction === action.bulkAction);
const ledgerOf = (sandbox: RunningSandbox, action: Action) =>
  sandbox.ledger().filter((e) => e.action === action.bulkAction);
/** Lookups the sandbox answered (GET /__sandbox/reads), faults included. */
const lookupsAt = (sandbox: RunningSandbox) =>
  sandbox.readCalls().filter((r) => r.path === LOOKUP_PATH).length;
const entriesOf = (entries: readonly LedgerEntry[], id: string) =>
  entries.filter((e) => String(e.entityId) === id);

/** The ids an outcome reports, to hold against the ledger's entry. */
function idsOf(outcome: MutationOutcome): { issualId?: string; earnedId?: string | null } {
  if (outcome.__typename === 'Enrolment') return { issualId: outcome.issualId };
  if (outcome.__typename === 'Earning') {
    return { issualId: outcome.issualId, earnedId: outcome.earnedId };
  }
  return {};
}

function idsOfEntry(action: Action, entry: LedgerEntry | undefined) {
  if (entry === undefined) return {};
  return action.bulkAction === 'ENROL'
    ? { issualId: entry.issualId }
    : { issualId: entry.issualId, earnedId: entry.earnedId };
}

describe.each([
  ['the in-memory store', {}],
  ['Redis', REDIS_ENV],
])('reconcile before re-sending, idempotency records in %s', (_store, storeEnv) => {
  let stack: Stack;

  beforeAll(async () => {
    // A hung call is cut at the deadline; 3 s leaves the retry's lookups room on a busy machine.
    // Every test cuts one bulk call and may send none after it: across tests those are
    // consecutive failures of the bulk calls' circuit, which must not open here.
    stack = await startStack({
      ...storeEnv,
      BATCH_WINDOW_MS: '0',
      PROMOTION_API_TIMEOUT_MS: '3000',
      CIRCUIT_BREAKER_THRESHOLD: '1000',
    });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.sandbox.reset());

  describe.each(ACTIONS)('$name', (action) => {
    it.each(FAULTS)(
      'after %s 1 then 0, the retry reports the first call’s work with the ledger’s ids and sends nothing again',
      async (fault) => {
        const { sandbox } = stack;
        const url = stack.gateway.graphqlUrl;
        const customers = demo.slice(0, 2).map((c) => c.id);
        await action.prepare(sandbox, customers);
        const idempotencyKey = randomUUID();

        sandbox.setFaults({ [fault]: 1 });
        const first = await action.run(url, customers, { idempotencyKey });
        sandbox.setFaults({ [fault]: 0 });
        const readsBefore = lookupsAt(sandbox);
        const retried = asMutationResult(await action.run(url, customers, { idempotencyKey }));

        expect(first).toMatchObject({ __typename: 'OutcomeUnknownError', retryable: true });
        const calls = callsOf(sandbox, action);
        expect(calls).toHaveLength(1);
        expect(calls[0]?.fault).toBe(fault.replace(/Rate$/, ''));
        const ledger = ledgerOf(sandbox, action);
        expect(retried).toMatchObject({ replayed: false, successCount: 2, failureCount: 0 });
        for (const result of retried.results) {
          const entries = entriesOf(ledger, result.identifierValue);
          expect(entries).toHaveLength(1);
          expect(entries[0]?.callId).toBe(calls[0]?.id);
          expect(result.outcome.__typename).toBe(action.success);
          expect(idsOf(result.outcome)).toEqual(idsOfEntry(action, entries[0]));
        }
        // One lookup per unknown customer.
        expect(lookupsAt(sandbox) - readsBefore).toBe(customers.length);

        // Final now: replayed, and still no second call.
        const replay = asMutationResult(await action.run(url, customers, { idempotencyKey }));
        expect(replay).toMatchObject({ replayed: true, results: retried.results });
        expect(callsOf(sandbox, action)).toHaveLength(1);
      },
    );
  });

  it('reports what the lookup accounts for and sends only the rest, in one mutation', async () => {
    const { sandbox } = stack;
    const url = stack.gateway.graphqlUrl;
    const action = ACTIONS[0]!;
    const [done, earlier] = demo.slice(0, 2).map((c) => c.id) as [string, string];
    // `earlier` already has an enrolment within the skew: two candidates after the cut call.
    await doAtSandbox(sandbox, 'ENROL', [earlier]);
    const prepared = callsOf(sandbox, action).length;
    const idempotencyKey = randomUUID();

    sandbox.setFaults({ resetAfterCommitRate: 1 });
    await action.run(url, [done, earlier], { idempotencyKey });
    sandbox.setFaults({ resetAfterCommitRate: 0 });
    const retried = asMutationResult(await action.run(url, [done, earlier], { idempotencyKey }));

    const calls = callsOf(sandbox, action).slice(prepared);
    expect(calls).toHaveLength(2);
    expect(customersOf(calls[1]!)).toEqual([earlier]);
    const ledger = ledgerOf(sandbox, action);
    const [doneOutcome, earlierOutcome] = retried.results.map((r) => r.outcome);
    expect(entriesOf(ledger, done)).toHaveLength(1);
    expect(idsOf(doneOutcome!)).toEqual({ issualId: entriesOf(ledger, done)[0]?.issualId });
    // Unsure: sent again, and answered with the new call's enrolment.
    const again = entriesOf(ledger, earlier);
    expect(again.map((e) => e.callId)).toEqual([expect.any(String), calls[0]?.id, calls[1]?.id]);
    expect(idsOf(earlierOutcome!)).toEqual({ issualId: again[2]?.issualId });
  });
});

describe('reconcile falls back to sending again', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ BATCH_WINDOW_MS: '0' });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.sandbox.reset());

  it('enrolCustomers: when the lookup finds two enrolments since the call, the customer is enrolled again', async () => {
    const { sandbox } = stack;
    const action = ACTIONS[0]!;
    const customers = [demo[0]!.id];
    // An enrolment within the skew, made at the API by someone else.
    await doAtSandbox(sandbox, 'ENROL', customers);
    const prepared = callsOf(sandbox, action).length;
    const idempotencyKey = randomUUID();

    sandbox.setFaults({ resetAfterCommitRate: 1 });
    const first = await action.run(stack.gateway.graphqlUrl, customers, { idempotencyKey });
    sandbox.setFaults({ resetAfterCommitRate: 0 });
    const retried = asMutationResult(
      await action.run(stack.gateway.graphqlUrl, customers, { idempotencyKey }),
    );

    expect(first).toMatchObject({ __typename: 'OutcomeUnknownError' });
    const calls = callsOf(sandbox, action).slice(prepared);
    expect(calls.map((c) => c.fault)).toEqual(['resetAfterCommit', null]);
    const entries = entriesOf(ledgerOf(sandbox, action), customers[0]!);
    expect(entries.map((e) => e.callId)).toEqual([expect.any(String), calls[0]?.id, calls[1]?.id]);
    expect(retried.results[0]?.outcome).toMatchObject({
      __typename: 'Enrolment',
      issualId: entries[2]?.issualId,
    });
  });

  it('earnPromotion: when the lookup finds two earnings since the call, the customer is sent again and the API answers', async () => {
    const { sandbox } = stack;
    const action = ACTIONS[1]!;
    const customers = [demo[0]!.id];
    // An earn on an enrolment, then a new enrolment (the earn limit of 1 counts per enrolment).
    await doAtSandbox(sandbox, 'ENROL', customers);
    await doAtSandbox(sandbox, 'EARN', customers);
    await doAtSandbox(sandbox, 'ENROL', customers);
    const prepared = callsOf(sandbox, action).length;
    const idempotencyKey = randomUUID();

    sandbox.setFaults({ resetAfterCommitRate: 1 });
    const first = await action.run(stack.gateway.graphqlUrl, customers, { idempotencyKey });
    sandbox.setFaults({ resetAfterCommitRate: 0 });
    const retried = asMutationResult(
      await action.run(stack.gateway.graphqlUrl, customers, { idempotencyKey }),
    );

    expect(first).toMatchObject({ __typename: 'OutcomeUnknownError' });
    const calls = callsOf(sandbox, action).slice(prepared);
    expect(calls.map((c) => c.fault)).toEqual(['resetAfterCommit', null]);
    expect(customersOf(calls[1]!)).toEqual(customers);
    // The second enrolment's one earn was the cut call's; sent again, the API says the limit is used.
    const entries = entriesOf(ledgerOf(sandbox, action), customers[0]!);
    expect(entries).toHaveLength(2);
    expect(entries[1]?.callId).toBe(calls[0]?.id);
    expect(retried.results[0]?.outcome).toMatchObject({
      __typename: 'LimitExhaustedError',
      upstreamCode: 8890,
    });
  });
});

describe('reconcile when the lookup fails', () => {
  let stack: ReadStack;

  beforeAll(async () => {
    stack = await startReadStack({ BATCH_WINDOW_MS: '0', CIRCUIT_BREAKER_HALF_OPEN_MS: '500' });
  });
  afterAll(() => stack.close());

  it('sends the customer again when its lookup fails', async () => {
    const { sandbox, upstream } = stack;
    const customers = [demo[1]!.id];
    const idempotencyKey = randomUUID();

    sandbox.setFaults({ resetAfterCommitRate: 1 });
    const first = await enrol(stack.url, customers, { idempotencyKey });
    sandbox.setFaults({ resetAfterCommitRate: 0 });
    // The lookup's one answer: a status no lookup answers with (a final failure of the read).
    upstream.script.push({ kind: 'status', status: 404, path: LOOKUP_PATH });
    const retried = asMutationResult(await enrol(stack.url, customers, { idempotencyKey }));

    expect(first).toMatchObject({ __typename: 'OutcomeUnknownError' });
    expect(upstream.script).toEqual([]);
    expect(lookups(upstream.calls)).toHaveLength(1);
    const calls = sandbox.calls();
    expect(calls.map((c) => c.fault)).toEqual(['resetAfterCommit', null]);
    const entries = entriesOf(sandbox.ledger(), customers[0]!);
    expect(entries.map((e) => e.callId)).toEqual([calls[0]?.id, calls[1]?.id]);
    expect(retried.results[0]?.outcome).toMatchObject({
      __typename: 'Enrolment',
      issualId: entries[1]?.issualId,
    });
  });

  it('keeps the customer unknown, and sends nothing, when the lookup is rate limited past the deadline', async () => {
    const { sandbox, upstream } = stack;
    const customers = [demo[6]!.id];
    const idempotencyKey = randomUUID();
    sandbox.setFaults({ resetAfterCommitRate: 1 });
    const first = await enrol(stack.url, customers, { idempotencyKey });
    sandbox.setFaults({ resetAfterCommitRate: 0 });
    expect(first).toMatchObject({ __typename: 'OutcomeUnknownError' });

    // The API asks the lookup to wait 30 s: nothing can tell before the deadline, and the
    // first call may have enrolled the customer.
    upstream.script.push({
      kind: 'status',
      status: 429,
      body: '',
      headers: { 'retry-after': '30' },
      path: LOOKUP_PATH,
    });
    const retried = await enrol(stack.url, customers, { idempotencyKey });
    expect(retried).toMatchObject({ __typename: 'OutcomeUnknownError', retryable: true });
    expect(upstream.script).toEqual([]);
    // The stack is shared with the other tests here: this customer's calls only.
    expect(sandbox.calls().filter((c) => customersOf(c).includes(customers[0]!))).toHaveLength(1);
    expect(entriesOf(sandbox.ledger(), customers[0]!)).toHaveLength(1);
  });

  it("keeps the customer unknown, and sends nothing, while the reads' circuit is open", async () => {
    const { sandbox, upstream } = stack;
    const id = demo[5]!.id;
    await doAtSandbox(sandbox, 'ENROL', [id]);
    const idempotencyKey = randomUUID();
    sandbox.setFaults({ resetAfterCommitRate: 1 });
    const first = await earn(stack.url, [id], { idempotencyKey });
    sandbox.setFaults({ resetAfterCommitRate: 0 });
    expect(first).toMatchObject({ __typename: 'OutcomeUnknownError' });
    const earnCalls = () =>
      sandbox.calls().filter((c) => (c.body as { bulkAction?: string }).bulkAction === 'EARN');
    expect(earnCalls()).toHaveLength(1);

    // The lookup endpoint is down: the retry's lookup fails every attempt and opens the
    // reads' circuit; the earn may have been done, so it is not sent again.
    upstream.script.push(
      ...Array.from({ length: 50 }, () => ({
        kind: 'status' as const,
        status: 500,
        body: 'down',
        path: LOOKUP_PATH,
      })),
    );
    const retried = await earn(stack.url, [id], { idempotencyKey });
    expect(retried).toMatchObject({ __typename: 'OutcomeUnknownError', retryable: true });
    expect(lookups(upstream.calls).length).toBeGreaterThanOrEqual(5);
    expect(earnCalls()).toHaveLength(1);

    // The lookup endpoint is back and the circuit closed: the next retry finds the earn.
    upstream.script.length = 0;
    const payload = await eventually(() => earn(stack.url, [id], { idempotencyKey }), {
      describe: "a retry that reconciles once the reads' circuit lets a probe through",
      until: (answer) => answer.__typename !== 'OutcomeUnknownError',
      intervalMs: 100,
    });
    const found = asMutationResult(payload);
    expect(found.results[0]?.outcome.__typename).toBe('Earning');
    const entries = entriesOf(sandbox.ledger(), id).filter((e) => e.action === 'EARN');
    expect(entries).toHaveLength(1);
    expect(found.results[0]?.outcome).toMatchObject({ earnedId: entries[0]?.earnedId });
    expect(earnCalls()).toHaveLength(1);
  });
});

describe('reconcile while the cut call is still at work', () => {
  let stack: Stack;

  beforeAll(async () => {
    // The gateway gives up on a call after 1 s; the sandbox works on it for 5.
    stack = await startStack({
      BATCH_WINDOW_MS: '0',
      PROMOTION_API_TIMEOUT_MS: '1000',
      CIRCUIT_BREAKER_THRESHOLD: '1000',
    });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.sandbox.reset());

  it('enrolCustomers: a retry before the timed-out call is done keeps the customer unknown; the next one reports that call’s enrolment', async () => {
    const { sandbox } = stack;
    const url = stack.gateway.graphqlUrl;
    const action = ACTIONS[0]!;
    const customers = [demo[7]!.id];
    const idempotencyKey = randomUUID();

    sandbox.setFaults({ latencyMs: 5000 });
    const first = await action.run(url, customers, { idempotencyKey });
    sandbox.setFaults({ latencyMs: 0 });
    expect(first).toMatchObject({ __typename: 'OutcomeUnknownError', retryable: true });

    // The lookup finds nothing yet, and the customer is still in the first call: the API
    // refuses the second (521), which says nothing about the first.
    const early = await action.run(url, customers, { idempotencyKey });
    expect(early).toMatchObject({ __typename: 'OutcomeUnknownError', retryable: true });
    expect(ledgerOf(sandbox, action)).toHaveLength(0);

    await eventually(() => ledgerOf(sandbox, action).length, {
      describe: 'the first call’s enrolment',
      until: (n) => n > 0,
      timeoutMs: 20_000,
    });
    const retried = asMutationResult(await action.run(url, customers, { idempotencyKey }));
    const calls = callsOf(sandbox, action);
    const entries = ledgerOf(sandbox, action);
    expect(entries).toHaveLength(1);
    expect(entries[0]?.callId).toBe(calls[0]?.id);
    expect(calls).toHaveLength(2);
    expect(retried.results[0]?.outcome).toMatchObject({
      __typename: 'Enrolment',
      issualId: entries[0]?.issualId,
    });
  });
});

describe('reconcile never takes work another answer of this gateway reported', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ BATCH_WINDOW_MS: '0', CIRCUIT_BREAKER_THRESHOLD: '1000' });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.sandbox.reset());

  it.each(ACTIONS)(
    '$name: an unkeyed mutation’s work is not the keyed one’s, whose call did nothing (a 500)',
    async (action) => {
      const { sandbox } = stack;
      const url = stack.gateway.graphqlUrl;
      const customers = [demo[9]!.id];
      await action.prepare(sandbox, customers);
      const other = asMutationResult(await action.run(url, customers, {}));
      expect(other.results[0]?.outcome.__typename).toBe(action.success);
      const reported = idsOf(other.results[0]!.outcome);

      const idempotencyKey = randomUUID();
      sandbox.setFaults({ status500Rate: 1 });
      const first = await action.run(url, customers, { idempotencyKey });
      sandbox.setFaults({ status500Rate: 0 });
      expect(first).toMatchObject({ __typename: 'OutcomeUnknownError' });
      expect(ledgerOf(sandbox, action)).toHaveLength(1);

      // The lookup shows the other mutation's work, dated since the cut call left: it was
      // reported already, so it is not this call's. Sent again, the API answers for itself.
      const retried = asMutationResult(await action.run(url, customers, { idempotencyKey }));
      const outcome = retried.results[0]!.outcome;
      expect(idsOf(outcome)).not.toEqual(reported);
      const calls = callsOf(sandbox, action);
      expect(calls.map((c) => c.fault)).toEqual([null, 'status500', null]);
      if (action.bulkAction === 'ENROL') {
        // A new enrolment, this mutation's own.
        const entries = ledgerOf(sandbox, action);
        expect(entries.map((e) => e.callId)).toEqual([calls[0]?.id, calls[2]?.id]);
        expect(outcome).toMatchObject({ __typename: 'Enrolment', issualId: entries[1]?.issualId });
      } else {
        // One earn per enrolment: the other mutation's was the one.
        expect(outcome).toMatchObject({ __typename: 'LimitExhaustedError', upstreamCode: 8890 });
        expect(ledgerOf(sandbox, action)).toHaveLength(1);
      }
    },
  );
});

describe('reconcile while the reads of callers the API has not accepted are all out', () => {
  let stack: Stack;

  // A fresh gateway each: the retry's caller must not be accepted yet (its only call ended
  // unknown), so that its lookup needs one of the unverified callers' read slots. A hung
  // call is cut at 3 s.
  beforeEach(async () => {
    stack = await startStack({
      BATCH_WINDOW_MS: '0',
      PROMOTION_API_TIMEOUT_MS: '3000',
      CIRCUIT_BREAKER_THRESHOLD: '1000',
    });
  });
  afterEach(() => stack.close());

  const lookup = (id: string) =>
    `query { customerPromotions(input: { customer: { identifierName: ID, identifierValue: "${id}", source: INSTORE } }) { __typename } }`;

  it.each(ACTIONS)(
    '$name: a lookup the gateway could not make keeps the customer unknown and sends nothing',
    async (action) => {
      const { sandbox } = stack;
      const url = stack.gateway.graphqlUrl;
      const customers = [demo[11]!.id];
      await action.prepare(sandbox, customers);
      const idempotencyKey = randomUUID();
      sandbox.setFaults({ hangAfterCommitRate: 1 });
      const first = await action.run(url, customers, { idempotencyKey });
      expect(first).toMatchObject({ __typename: 'OutcomeUnknownError' });

      // Eight made-up credentials' first reads (UPSTREAM_MAX_CONNECTIONS 32 / 4) hold every
      // slot past the retry's 3 s deadline: its lookup waits for one in vain.
      sandbox.setFaults({ hangAfterCommitRate: 0, latencyMs: 4500 });
      const flood = Array.from({ length: 8 }, (_, i) =>
        fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: basicAuthorization(`nobody-${i}`, 'x'),
          },
          body: JSON.stringify({ query: lookup(demo[100 + i]!.id) }),
        }).then((r) => r.text()),
      );
      await eventually(() => sandbox.readCalls().length, {
        describe: 'the eight made-up lookups at the API',
        until: (n) => n >= 8,
      });
      const retried = await action.run(url, customers, { idempotencyKey });
      await Promise.all(flood);
      sandbox.setFaults({ latencyMs: 0 });

      expect(retried).toMatchObject({ __typename: 'OutcomeUnknownError', retryable: true });
      expect(callsOf(sandbox, action)).toHaveLength(1);
      expect(ledgerOf(sandbox, action)).toHaveLength(1);
      // Once the slots are free, the next retry finds the first call's work.
      const found = asMutationResult(await action.run(url, customers, { idempotencyKey }));
      expect(found.results[0]?.outcome).toMatchObject({
        __typename: action.success,
        ...idsOfEntry(action, ledgerOf(sandbox, action)[0]),
      });
      expect(callsOf(sandbox, action)).toHaveLength(1);
    },
  );
});

/** A memory store whose `complete` fails while `failing` is set (a Redis blip). */
class BlippingStore implements IdempotencyStore {
  failing = false;
  constructor(private readonly inner: MemoryIdempotencyStore) {}
  get operationTimeoutMs(): number {
    return this.inner.operationTimeoutMs;
  }
  claim(...args: Parameters<IdempotencyStore['claim']>): ReturnType<IdempotencyStore['claim']> {
    return this.inner.claim(...args);
  }
  complete(
    ...args: Parameters<IdempotencyStore['complete']>
  ): ReturnType<IdempotencyStore['complete']> {
    if (this.failing) return Promise.reject(new Error('store blip'));
    return this.inner.complete(...args);
  }
  release(
    ...args: Parameters<IdempotencyStore['release']>
  ): ReturnType<IdempotencyStore['release']> {
    return this.inner.release(...args);
  }
  ping(): Promise<void> {
    return this.inner.ping();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

describe('reconcile when the retry that found the work could not keep its answer', () => {
  let sandbox: RunningSandbox;
  let gateway: Gateway;
  let store: BlippingStore;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
    const config = loadConfig({
      PORT: '0',
      METRICS_PORT: '0',
      LOG_LEVEL: 'silent',
      PROMOTION_API_URL: sandbox.url,
      BATCH_WINDOW_MS: '0',
      PROMOTION_API_TIMEOUT_MS: '3000',
      CIRCUIT_BREAKER_THRESHOLD: '1000',
    });
    store = new BlippingStore(new MemoryIdempotencyStore({ ttlSeconds: 600 }));
    gateway = await startGateway(config, {
      apiUrl: sandbox.url,
      logger: pino({ level: 'silent' }),
      store,
    });
  });
  afterAll(async () => {
    await gateway.close();
    await sandbox.close();
  });

  it('enrolCustomers: the next retry of that key finds the same enrolment again, and sends nothing', async () => {
    const url = gateway.graphqlUrl;
    const action = ACTIONS[0]!;
    const customers = [demo[30]!.id];
    const idempotencyKey = randomUUID();
    sandbox.setFaults({ resetAfterCommitRate: 1 });
    expect(await action.run(url, customers, { idempotencyKey })).toMatchObject({
      __typename: 'OutcomeUnknownError',
    });
    sandbox.setFaults({ resetAfterCommitRate: 0 });
    const [entry] = ledgerOf(sandbox, action);

    // The retry finds the cut call's enrolment and says so; its record is not kept.
    store.failing = true;
    const told = asMutationResult(await action.run(url, customers, { idempotencyKey }));
    store.failing = false;
    expect(idsOf(told.results[0]!.outcome)).toEqual(idsOfEntry(action, entry));

    // Once that retry's lease has lapsed (3 s + the store's attempts), the next one gets the
    // first call's partial record again: what this key itself was told is still its own.
    const again = await eventually(() => action.run(url, customers, { idempotencyKey }), {
      describe: 'a retry past the lapsed lease',
      until: (payload) => payload.__typename !== 'IdempotencyConflictError',
      timeoutMs: 20_000,
      intervalMs: 250,
    });
    expect(idsOf(asMutationResult(again).results[0]!.outcome)).toEqual(idsOfEntry(action, entry));
    expect(callsOf(sandbox, action)).toHaveLength(1);
    expect(ledgerOf(sandbox, action)).toHaveLength(1);
  });
});
