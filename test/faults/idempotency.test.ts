/**
 * idempotencyKey end to end (DESIGN.md §2 "Idempotency"), with the in-memory store and
 * with the real Redis, the sandbox's call log showing what reached the API; for
 * enrolCustomers and the revocations alike. Keys are fresh UUIDs, so runs sharing one
 * Redis never meet.
 */
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { loadConfig } from '../../src/config';
import { startSandbox, type RunningSandbox } from '../../src/sandbox';
import { startGateway, type Gateway } from '../../src/server';
import { startStack, type Stack } from '../support/stack';
import {
  MUTATION_KINDS,
  asMutationResult,
  asResult,
  callsOf,
  customersOf,
  demo,
  enrol,
  ledgerEntityIds,
  ledgerOf,
  REDIS_ENV,
} from './support';
import { spawnGateway, type GatewayProcess } from '../support/gateway-process';

const ids = (from: number, count: number) => demo.slice(from, from + count).map((c) => c.id);

const STORES: Array<[string, Record<string, string>]> = [
  ['the in-memory store', {}],
  ['Redis', REDIS_ENV],
];

describe.each(
  MUTATION_KINDS.flatMap((kind) => STORES.map(([store, env]) => ({ kind, store, env }))),
)('idempotencyKey of $kind.name with $store', ({ kind, env: storeEnv }) => {
  let stack: Stack;
  let url: string;

  beforeAll(async () => {
    stack = await startStack({ ...storeEnv, BATCH_WINDOW_MS: '0' });
    url = stack.gateway.graphqlUrl;
  });
  afterAll(() => stack.close());
  beforeEach(async () => {
    stack.sandbox.reset();
    await kind.prepare(stack.sandbox, ids(0, 4));
  });
  const run = (target: string, customers: readonly string[], idempotencyKey: string) =>
    kind.run(target, customers, { idempotencyKey });

  it('replays the same key and input with replayed: true and no second API call', async () => {
    const idempotencyKey = randomUUID();
    const customers = ids(0, 3);

    const first = asMutationResult(await run(url, customers, idempotencyKey));
    const again = asMutationResult(await run(url, customers, idempotencyKey));

    expect(first.replayed).toBe(false);
    expect(first.successCount).toBe(3);
    expect(again.replayed).toBe(true);
    expect(again.results).toEqual(first.results);
    expect(callsOf(kind, stack.sandbox)).toHaveLength(1);
    expect(ledgerEntityIds(ledgerOf(kind, stack.sandbox))).toEqual(customers);
  });

  it('refuses the same key with another input as INPUT_MISMATCH, without an API call', async () => {
    const idempotencyKey = randomUUID();
    await run(url, ids(0, 2), idempotencyKey);

    const other = await run(url, ids(0, 3), idempotencyKey);

    expect(other).toMatchObject({
      __typename: 'IdempotencyConflictError',
      reason: 'INPUT_MISMATCH',
      retryable: false,
    });
    expect(callsOf(kind, stack.sandbox)).toHaveLength(1);
  });

  it('lets only one of two concurrent calls with one key reach the API', async () => {
    stack.sandbox.setFaults({ latencyMs: 300 });
    const idempotencyKey = randomUUID();
    const customers = ids(0, 2);

    const answers = await Promise.all([
      run(url, customers, idempotencyKey),
      run(url, customers, idempotencyKey),
    ]);

    const done = answers.filter((a) => a.__typename.endsWith('Result'));
    const other = answers.find((a) => a !== done[0]);
    expect(done[0]).toMatchObject({ replayed: false, successCount: 2 });
    if (other?.__typename.endsWith('Result')) {
      expect(other).toMatchObject({ replayed: true, results: asMutationResult(done[0]!).results });
    } else {
      expect(other).toMatchObject({
        __typename: 'IdempotencyConflictError',
        reason: 'IN_PROGRESS',
        retryable: true,
      });
    }
    expect(callsOf(kind, stack.sandbox)).toHaveLength(1);
    expect(ledgerEntityIds(ledgerOf(kind, stack.sandbox))).toEqual(customers);
  });

  it('after OutcomeUnknownError, asks the API again only for the unknown customers and merges', async () => {
    // Two calls of two customers; the first call the sandbox receives is cut after its
    // work, the other is answered.
    const faulty = await startStack(
      { ...storeEnv, UPSTREAM_BATCH_SIZE: '2', BATCH_WINDOW_MS: '0' },
      { faults: { resetAfterCommitRate: 1 } },
    );
    try {
      const customers = ids(0, 4);
      await kind.prepare(faulty.sandbox, customers);
      const stop = faulty.sandbox.onCallReceived(() => {
        faulty.sandbox.setFaults({ resetAfterCommitRate: 0 });
        stop();
      });
      const idempotencyKey = randomUUID();
      const url2 = faulty.gateway.graphqlUrl;

      const first = asMutationResult(await run(url2, customers, idempotencyKey));

      const [cut, answered] = callsOf(kind, faulty.sandbox);
      expect(cut?.fault).toBe('resetAfterCommit');
      expect(answered?.fault).toBeNull();
      const unknown = customersOf(cut!);
      const byCustomer = new Map(first.results.map((r) => [r.identifierValue, r.outcome]));
      for (const id of unknown) {
        expect(byCustomer.get(id)).toMatchObject({ __typename: 'OutcomeUnknownError' });
      }
      for (const id of customersOf(answered!)) {
        expect(byCustomer.get(id)).toMatchObject({ __typename: kind.success });
      }

      const retried = asMutationResult(await run(url2, customers, idempotencyKey));

      const calls = callsOf(kind, faulty.sandbox);
      // An enrolment the cut call made is found by the lookup and reported, not made again
      // (DESIGN §8); a revocation is sent again and finds nothing left to revoke.
      const reconciled = kind.action === 'ENROL';
      expect(calls).toHaveLength(reconciled ? 2 : 3);
      if (!reconciled) expect(customersOf(calls[2]!).sort()).toEqual([...unknown].sort());
      const redone = kind.doneAlready === kind.success ? unknown.length : 0;
      expect(retried).toMatchObject({ replayed: false, successCount: 2 + redone });
      const ledger = ledgerOf(kind, faulty.sandbox);
      retried.results.forEach((r) => {
        const known = byCustomer.get(r.identifierValue);
        const entries = ledger.filter((e) => String(e.entityId) === r.identifierValue);
        // Nothing is done twice.
        expect(entries).toHaveLength(1);
        if (known?.__typename === kind.success) {
          // Known answers are kept as they were.
          expect(r.outcome).toEqual(known);
        } else if (reconciled) {
          // The cut call's work, with the ledger's id.
          expect(entries[0]?.callId).toBe(cut?.id);
          expect(r.outcome.__typename).toBe(kind.success);
          expect(kind.idOf(r.outcome)).toBe(kind.ledgerIdOf(entries[0]!));
        } else {
          // Asked again: the API's answer for work already done.
          expect(r.outcome).toMatchObject({ __typename: kind.doneAlready, retryable: false });
        }
      });

      // Now final: replayed, with no further call.
      const replay = asMutationResult(await run(url2, customers, idempotencyKey));
      expect(replay).toMatchObject({ replayed: true, results: retried.results });
      expect(callsOf(kind, faulty.sandbox)).toHaveLength(calls.length);
    } finally {
      await faulty.close();
    }
  });
});

describe('two gateway processes sharing Redis', () => {
  // One gateway is a child process (`node src/main.ts`), the other runs in this one:
  // two OS processes that share nothing but Redis and the API.
  let sandbox: RunningSandbox;
  let child: GatewayProcess;
  let local: Gateway;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
    const env = { ...REDIS_ENV, PROMOTION_API_URL: sandbox.url, BATCH_WINDOW_MS: '0' };
    child = await spawnGateway(env);
    local = await startGateway(
      loadConfig({ ...env, PORT: '0', METRICS_PORT: '0', LOG_LEVEL: 'silent' }),
      {
        apiUrl: sandbox.url,
        logger: pino({ level: 'silent' }),
      },
    );
  });
  afterAll(async () => {
    await Promise.all([child?.stop(), local?.close()]);
    await sandbox?.close();
  });
  beforeEach(() => sandbox.reset());

  it('replays on either process a key completed on the other, without an API call', async () => {
    const [fromChild, fromLocal] = [randomUUID(), randomUUID()];

    const first = asResult(await enrol(child.url, ids(10, 2), { idempotencyKey: fromChild }));
    const replayed = asResult(
      await enrol(local.graphqlUrl, ids(10, 2), { idempotencyKey: fromChild }),
    );
    const second = asResult(
      await enrol(local.graphqlUrl, ids(12, 2), { idempotencyKey: fromLocal }),
    );
    const replayedToo = asResult(await enrol(child.url, ids(12, 2), { idempotencyKey: fromLocal }));
    const mismatch = await enrol(child.url, ids(10, 1), { idempotencyKey: fromChild });

    expect([first.replayed, second.replayed]).toEqual([false, false]);
    expect(replayed).toMatchObject({ replayed: true, results: first.results });
    expect(replayedToo).toMatchObject({ replayed: true, results: second.results });
    expect(mismatch).toMatchObject({
      __typename: 'IdempotencyConflictError',
      reason: 'INPUT_MISMATCH',
    });
    expect(sandbox.calls()).toHaveLength(2);
    expect(ledgerEntityIds(sandbox.ledger())).toEqual(ids(10, 4));
  });

  it('finishes on one process what the other left unknown', async () => {
    const idempotencyKey = randomUUID();
    const customers = ids(20, 2);
    sandbox.setFaults({ resetAfterCommitRate: 1 });

    const unknown = await enrol(child.url, customers, { idempotencyKey });
    sandbox.setFaults({ resetAfterCommitRate: 0 });
    const finished = asResult(await enrol(local.graphqlUrl, customers, { idempotencyKey }));
    const replayed = asResult(await enrol(child.url, customers, { idempotencyKey }));

    expect(unknown.__typename).toBe('OutcomeUnknownError');
    expect(finished).toMatchObject({ replayed: false, successCount: 2 });
    expect(replayed).toMatchObject({ replayed: true, results: finished.results });
    // The other process read when the first call left from the shared record, found its
    // work and reported it: no second call, each customer enrolled once.
    const calls = sandbox.calls();
    expect(calls.map((c) => c.fault)).toEqual(['resetAfterCommit']);
    const ledger = sandbox.ledger();
    expect(ledger).toHaveLength(2);
    for (const r of finished.results) {
      const entry = ledger.find((e) => String(e.entityId) === r.identifierValue);
      expect(entry?.callId).toBe(calls[0]?.id);
      expect(r.outcome).toMatchObject({ __typename: 'Enrolment', issualId: entry?.issualId });
    }
  });
});
