import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { ClaimResult, IdempotencyStore } from '../../src/idempotency/idempotency.store';
import { MemoryIdempotencyStore } from '../../src/idempotency/memory.store';
import { RedisIdempotencyStore } from '../../src/idempotency/redis.store';
import { eventually } from '../support/eventually';
import { deleteKeysUnder, REDIS_URL, uniqueTestPrefix } from './support';

/** One implementation under test: how to make a store with a given TTL. */
interface StoreKind {
  name: string;
  create(ttlSeconds: number): IdempotencyStore;
  cleanUp(): Promise<void>;
}

const redisPrefix = uniqueTestPrefix();
const redisAdmin = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });

const kinds: StoreKind[] = [
  {
    name: 'MemoryIdempotencyStore',
    create: (ttlSeconds) => new MemoryIdempotencyStore({ ttlSeconds }),
    cleanUp: async () => {},
  },
  {
    name: 'RedisIdempotencyStore',
    create: (ttlSeconds) =>
      new RedisIdempotencyStore({ url: REDIS_URL, ttlSeconds, keyPrefix: redisPrefix }),
    cleanUp: async () => {
      await deleteKeysUnder(redisAdmin, redisPrefix);
      await redisAdmin.quit();
    },
  },
];

const LONG_LEASE_MS = 60_000;
const SHORT_LEASE_MS = 200;

const payload = {
  results: [
    { identifierValue: '555567088', outcome: { kind: 'ISSUED', issualId: '91', warnings: [] } },
    { identifierValue: 'anna@example.com', outcome: { kind: 'OUTCOME_UNKNOWN', message: 'ü ✓' } },
  ],
  totalCount: 2,
  successCount: 1,
  failureCount: 1,
  ratio: 0.5,
  nothing: null,
};

describe.each(kinds)('$name', (kind) => {
  const opened: IdempotencyStore[] = [];
  let store: IdempotencyStore;
  /** Fresh per test, so tests never share a record. */
  let scope: string;
  let key: string;

  function open(ttlSeconds = 60): IdempotencyStore {
    const created = kind.create(ttlSeconds);
    opened.push(created);
    return created;
  }

  function claimed(result: ClaimResult): Extract<ClaimResult, { status: 'CLAIMED' }> {
    if (result.status !== 'CLAIMED') throw new Error(`expected CLAIMED, got ${result.status}`);
    return result;
  }

  beforeAll(() => {
    store = open();
  });

  beforeEach(() => {
    scope = `scope-${randomUUID()}`;
    key = `key-${randomUUID()}`;
  });

  afterAll(async () => {
    await Promise.all(opened.map((each) => each.close()));
    await kind.cleanUp();
  });

  it('answers the first claim of a key with CLAIMED, no previous payload and a token', async () => {
    const result = claimed(await store.claim(scope, key, 'input-a', LONG_LEASE_MS));
    expect(result.previous).toBeNull();
    expect(result.token).toEqual(expect.any(String));
  });

  it('answers IN_PROGRESS to the same key and input while the first claim holds it', async () => {
    await store.claim(scope, key, 'input-a', LONG_LEASE_MS);
    await expect(store.claim(scope, key, 'input-a', LONG_LEASE_MS)).resolves.toEqual({
      status: 'IN_PROGRESS',
    });
  });

  it('answers INPUT_MISMATCH to another input while the key is held', async () => {
    await store.claim(scope, key, 'input-a', LONG_LEASE_MS);
    await expect(store.claim(scope, key, 'input-b', LONG_LEASE_MS)).resolves.toEqual({
      status: 'INPUT_MISMATCH',
    });
  });

  it('replays the exact final payload to the same input, and refuses another input', async () => {
    const { token } = claimed(await store.claim(scope, key, 'input-a', LONG_LEASE_MS));
    await expect(store.complete(scope, key, token, payload, true)).resolves.toBe(true);

    await expect(store.claim(scope, key, 'input-a', LONG_LEASE_MS)).resolves.toEqual({
      status: 'COMPLETED',
      payload,
    });
    await expect(store.claim(scope, key, 'input-b', LONG_LEASE_MS)).resolves.toEqual({
      status: 'INPUT_MISMATCH',
    });
    // Replaying does not consume the record.
    await expect(store.claim(scope, key, 'input-a', LONG_LEASE_MS)).resolves.toEqual({
      status: 'COMPLETED',
      payload,
    });
  });

  it('hands a partial payload to the next claimer of the same input, who then holds the key', async () => {
    const first = claimed(await store.claim(scope, key, 'input-a', LONG_LEASE_MS));
    await expect(store.complete(scope, key, first.token, payload, false)).resolves.toBe(true);

    const second = claimed(await store.claim(scope, key, 'input-a', LONG_LEASE_MS));
    expect(second.previous).toEqual(payload);
    expect(second.token).not.toBe(first.token);
    await expect(store.claim(scope, key, 'input-a', LONG_LEASE_MS)).resolves.toEqual({
      status: 'IN_PROGRESS',
    });
  });

  it("hands the next claimer, to the millisecond, when each unknown customer's call was sent", async () => {
    // The service's record (DESIGN §8): a retry looks for the work from sentAt on; a record
    // kept before sentAt existed has none, and must come back without one.
    const record = {
      outcomes: [
        { kind: 'ISSUED', entityId: '1', issualId: '1001', earnedId: null, warnings: [] },
        { kind: 'OUTCOME_UNKNOWN', message: 'reset', sentAt: 1_767_225_600_123 },
        { kind: 'OUTCOME_UNKNOWN', message: 'reset before sentAt was kept' },
      ],
    };
    const first = claimed(await store.claim(scope, key, 'input-a', LONG_LEASE_MS));
    await expect(store.complete(scope, key, first.token, record, false)).resolves.toBe(true);

    const second = claimed(await store.claim(scope, key, 'input-a', LONG_LEASE_MS));
    expect(second.previous).toEqual(record);
    const [, unknown, old] = (second.previous as typeof record).outcomes;
    expect(unknown).toHaveProperty('sentAt', 1_767_225_600_123);
    expect(old).not.toHaveProperty('sentAt');
  });

  it('refuses another input under a key that holds a partial payload', async () => {
    const { token } = claimed(await store.claim(scope, key, 'input-a', LONG_LEASE_MS));
    await store.complete(scope, key, token, payload, false);
    await expect(store.claim(scope, key, 'input-b', LONG_LEASE_MS)).resolves.toEqual({
      status: 'INPUT_MISMATCH',
    });
  });

  it('replays the merged final payload after a partial run was retried', async () => {
    const first = claimed(await store.claim(scope, key, 'input-a', LONG_LEASE_MS));
    await store.complete(scope, key, first.token, { attempt: 1 }, false);
    const second = claimed(await store.claim(scope, key, 'input-a', LONG_LEASE_MS));
    await store.complete(scope, key, second.token, { attempt: 2 }, true);

    await expect(store.claim(scope, key, 'input-a', LONG_LEASE_MS)).resolves.toEqual({
      status: 'COMPLETED',
      payload: { attempt: 2 },
    });
  });

  it('frees a released key for a fresh claim, with any input', async () => {
    const { token } = claimed(await store.claim(scope, key, 'input-a', LONG_LEASE_MS));
    await expect(store.release(scope, key, token)).resolves.toBe(true);

    const again = claimed(await store.claim(scope, key, 'input-b', LONG_LEASE_MS));
    expect(again.previous).toBeNull();
  });

  it('keeps an earlier partial payload when a later run is released', async () => {
    const first = claimed(await store.claim(scope, key, 'input-a', LONG_LEASE_MS));
    await store.complete(scope, key, first.token, payload, false);
    const second = claimed(await store.claim(scope, key, 'input-a', LONG_LEASE_MS));
    await expect(store.release(scope, key, second.token)).resolves.toBe(true);

    const third = claimed(await store.claim(scope, key, 'input-a', LONG_LEASE_MS));
    expect(third.previous).toEqual(payload);
  });

  it('lets a new owner in once the lease of a silent owner runs out', async () => {
    claimed(await store.claim(scope, key, 'input-a', SHORT_LEASE_MS));

    const takeover = await eventually(() => store.claim(scope, key, 'input-a', LONG_LEASE_MS), {
      describe: 'the silent owner to lose its lease',
      until: (result) => result.status !== 'IN_PROGRESS',
    });
    expect(takeover).toEqual({ status: 'CLAIMED', previous: null, token: expect.any(String) });
  });

  it('hands the partial payload on when the owner that retried it went silent', async () => {
    const first = claimed(await store.claim(scope, key, 'input-a', LONG_LEASE_MS));
    await store.complete(scope, key, first.token, payload, false);
    claimed(await store.claim(scope, key, 'input-a', SHORT_LEASE_MS));

    const takeover = await eventually(() => store.claim(scope, key, 'input-a', LONG_LEASE_MS), {
      describe: 'the silent owner to lose its lease',
      until: (result) => result.status !== 'IN_PROGRESS',
    });
    expect(takeover).toEqual({ status: 'CLAIMED', previous: payload, token: expect.any(String) });
  });

  it('still refuses another input after the lease of a silent owner ran out', async () => {
    claimed(await store.claim(scope, key, 'input-a', SHORT_LEASE_MS));
    // The silent owner may have reached the API, so the key stays bound to its input.
    await eventually(() => store.claim(scope, key, 'input-a', SHORT_LEASE_MS), {
      describe: 'the silent owner to lose its lease',
      until: (result) => result.status === 'CLAIMED',
    });
    await expect(store.claim(scope, key, 'input-b', LONG_LEASE_MS)).resolves.toEqual({
      status: 'INPUT_MISMATCH',
    });
  });

  it('forgets a completed record once its TTL has passed', async () => {
    const shortLived = open(1);
    const { token } = claimed(await shortLived.claim(scope, key, 'input-a', LONG_LEASE_MS));
    await shortLived.complete(scope, key, token, payload, true);
    await expect(shortLived.claim(scope, key, 'input-a', LONG_LEASE_MS)).resolves.toEqual({
      status: 'COMPLETED',
      payload,
    });

    const after = await eventually(() => shortLived.claim(scope, key, 'input-b', LONG_LEASE_MS), {
      describe: 'the record to expire',
      until: (result) => result.status !== 'INPUT_MISMATCH',
    });
    expect(after).toEqual({ status: 'CLAIMED', previous: null, token: expect.any(String) });
  });

  it('does not let an owner whose lease ran out complete or release over the new owner', async () => {
    const stale = claimed(await store.claim(scope, key, 'input-a', SHORT_LEASE_MS));
    const current = claimed(
      await eventually(() => store.claim(scope, key, 'input-a', LONG_LEASE_MS), {
        describe: 'the stale owner to lose its lease',
        until: (result) => result.status === 'CLAIMED',
      }),
    );

    await expect(store.complete(scope, key, stale.token, { from: 'stale' }, true)).resolves.toBe(
      false,
    );
    await expect(store.release(scope, key, stale.token)).resolves.toBe(false);
    await expect(store.claim(scope, key, 'input-a', LONG_LEASE_MS)).resolves.toEqual({
      status: 'IN_PROGRESS',
    });

    await expect(
      store.complete(scope, key, current.token, { from: 'current' }, true),
    ).resolves.toBe(true);
    await expect(store.claim(scope, key, 'input-a', LONG_LEASE_MS)).resolves.toEqual({
      status: 'COMPLETED',
      payload: { from: 'current' },
    });
  });

  it('lets an owner whose lease ran out still complete when nobody took over', async () => {
    const slow = claimed(await store.claim(scope, key, 'input-a', 1));
    await sleep(20); // a lease is a clock: let its 1 ms run out
    await expect(store.complete(scope, key, slow.token, payload, true)).resolves.toBe(true);
    await expect(store.claim(scope, key, 'input-a', LONG_LEASE_MS)).resolves.toEqual({
      status: 'COMPLETED',
      payload,
    });
  });

  it('ignores complete and release with a token that never owned the key, or once the run ended', async () => {
    const { token } = claimed(await store.claim(scope, key, 'input-a', LONG_LEASE_MS));
    await expect(store.complete(scope, key, 'not-a-token', { forged: true }, true)).resolves.toBe(
      false,
    );
    await expect(store.release(scope, key, 'not-a-token')).resolves.toBe(false);
    await expect(store.complete(scope, key, token, payload, true)).resolves.toBe(true);

    await expect(store.complete(scope, key, token, { again: true }, true)).resolves.toBe(false);
    await expect(store.release(scope, key, token)).resolves.toBe(false);
    await expect(store.complete(scope, 'never-claimed', token, payload, true)).resolves.toBe(false);
    await expect(store.claim(scope, key, 'input-a', LONG_LEASE_MS)).resolves.toEqual({
      status: 'COMPLETED',
      payload,
    });
  });

  it('gives exactly one of 50 concurrent claims of one key the key', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, () => store.claim(scope, key, 'input-a', LONG_LEASE_MS)),
    );
    const statuses = results.map((result) => result.status);
    expect(statuses.filter((status) => status === 'CLAIMED')).toHaveLength(1);
    expect(statuses.filter((status) => status === 'IN_PROGRESS')).toHaveLength(49);
  });

  it('keeps scopes apart: the same key under two credentials is two records', async () => {
    const other = `scope-${randomUUID()}`;
    const mine = claimed(await store.claim(scope, key, 'input-a', LONG_LEASE_MS));
    claimed(await store.claim(other, key, 'input-b', LONG_LEASE_MS));

    await store.complete(scope, key, mine.token, payload, true);
    await expect(store.claim(other, key, 'input-b', LONG_LEASE_MS)).resolves.toEqual({
      status: 'IN_PROGRESS',
    });
  });

  it('stores a copy: changing the payload after complete does not change the replay', async () => {
    const { token } = claimed(await store.claim(scope, key, 'input-a', LONG_LEASE_MS));
    const mutable = { results: [1, 2] };
    await store.complete(scope, key, token, mutable, true);
    mutable.results.push(3);
    await expect(store.claim(scope, key, 'input-a', LONG_LEASE_MS)).resolves.toEqual({
      status: 'COMPLETED',
      payload: { results: [1, 2] },
    });
  });

  it('refuses a lease that is not a positive whole number of milliseconds', async () => {
    await expect(store.claim(scope, key, 'input-a', 0)).rejects.toThrow(RangeError);
    await expect(store.claim(scope, key, 'input-a', 1.5)).rejects.toThrow(RangeError);
  });

  it('says how long one operation may take before it rejects, so that leases can cover it', () => {
    expect(Number.isFinite(store.operationTimeoutMs)).toBe(true);
    expect(store.operationTimeoutMs).toBeGreaterThanOrEqual(0);
  });

  it('answers ping when it can serve', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });
});
