import {
  type ClaimResult,
  IdempotencyStoreFullError,
} from '../../src/idempotency/idempotency.store';
import { MemoryIdempotencyStore } from '../../src/idempotency/memory.store';
import { eventually } from '../support/eventually';
import { capturedLogger } from './support';

function tokenOf(result: ClaimResult): string {
  if (result.status !== 'CLAIMED') throw new Error(`expected CLAIMED, got ${result.status}`);
  return result.token;
}

/** Completes keyed records of ~500 bytes until the store refuses one; returns the refusal. */
async function fillUntilRefused(
  store: MemoryIdempotencyStore,
  keyPrefix = 'fill-',
): Promise<IdempotencyStoreFullError> {
  // Far more than the budgets here can hold: a store that never refuses fails, not hangs.
  for (let i = 0; i < 1_000; i++) {
    let token: string;
    try {
      token = tokenOf(await store.claim('s', `${keyPrefix}${i}`, 'input', 60_000));
    } catch (error) {
      if (!(error instanceof IdempotencyStoreFullError)) throw error;
      return error;
    }
    await store.complete('s', `${keyPrefix}${i}`, token, { filler: 'f'.repeat(500) }, true);
  }
  throw new Error('the store never refused a new key');
}

describe('MemoryIdempotencyStore with an injected clock', () => {
  let now: number;
  const clock = () => now;
  const stores: MemoryIdempotencyStore[] = [];

  function open(options: { ttlSeconds?: number; maxBytes?: number; sweepIntervalMs?: number }) {
    const store = new MemoryIdempotencyStore({ ttlSeconds: 10, now: clock, ...options });
    stores.push(store);
    return store;
  }

  beforeEach(() => {
    now = 1_000_000;
  });

  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
  });

  it('holds a lease up to its last millisecond and frees the key at its end', async () => {
    const store = open({});
    tokenOf(await store.claim('s', 'k', 'input-a', 500));
    now += 499;
    await expect(store.claim('s', 'k', 'input-a', 500)).resolves.toEqual({ status: 'IN_PROGRESS' });
    now += 1;
    await expect(store.claim('s', 'k', 'input-a', 500)).resolves.toMatchObject({
      status: 'CLAIMED',
    });
  });

  it('replays a completed record until the TTL from completion, then starts fresh', async () => {
    const store = open({ ttlSeconds: 10 });
    const token = tokenOf(await store.claim('s', 'k', 'input-a', 500));
    now += 3_000;
    await store.complete('s', 'k', token, { ok: true }, true);
    now += 9_999;
    await expect(store.claim('s', 'k', 'input-a', 500)).resolves.toEqual({
      status: 'COMPLETED',
      payload: { ok: true },
    });
    now += 1;
    await expect(store.claim('s', 'k', 'input-b', 500)).resolves.toMatchObject({
      status: 'CLAIMED',
      previous: null,
    });
  });

  it('sweeps expired records on its timer without anyone asking for them', async () => {
    const store = open({ ttlSeconds: 1, sweepIntervalMs: 10 });
    for (const key of ['a', 'b', 'c']) {
      const token = tokenOf(await store.claim('s', key, 'input', 100));
      await store.complete('s', key, token, { key }, true);
    }
    expect(store.size).toBe(3);
    now += 1_000;
    await eventually(() => store.size, {
      describe: 'the expired records to be swept',
      until: (size) => size === 0,
    });
    expect(store.storedBytes).toBe(0);
  });

  it('keeps completed and partial records for their whole TTL when full, refusing new keys instead', async () => {
    const store = open({ ttlSeconds: 10, maxBytes: 4_000 });
    const done = tokenOf(await store.claim('s', 'done', 'input', 60_000));
    await store.complete('s', 'done', done, { filler: 'd'.repeat(1_000) }, true);
    const partial = tokenOf(await store.claim('s', 'partial', 'input', 60_000));
    await store.complete('s', 'partial', partial, { filler: 'p'.repeat(1_000) }, false);
    const refusal = await fillUntilRefused(store);

    expect(refusal).toBeInstanceOf(IdempotencyStoreFullError);
    // Room comes back when the oldest record ends its TTL, not sooner.
    expect(refusal.retryAfterMs).toBe(10_000);
    now += 9_999;
    await expect(store.claim('s', 'done', 'input', 60_000)).resolves.toEqual({
      status: 'COMPLETED',
      payload: { filler: 'd'.repeat(1_000) },
    });
    await expect(store.claim('s', 'partial', 'input', 60_000)).resolves.toMatchObject({
      status: 'CLAIMED',
      previous: { filler: 'p'.repeat(1_000) },
    });
    await expect(store.claim('s', 'new', 'input', 60_000)).rejects.toMatchObject({
      name: 'IdempotencyStoreFullError',
      retryAfterMs: 1,
    });

    now += 1;
    await expect(store.claim('s', 'new', 'input', 60_000)).resolves.toMatchObject({
      status: 'CLAIMED',
    });
    await expect(store.claim('s', 'done', 'input', 60_000)).resolves.toMatchObject({
      status: 'CLAIMED',
      previous: null,
    });
  });

  it('gives the room of a key whose owner went silent without a payload to a new key', async () => {
    const store = open({ ttlSeconds: 600, maxBytes: 2_000 });
    let claims = 0;
    const refusal = await (async () => {
      for (; claims < 1_000;) {
        try {
          await store.claim('s', `silent-${claims}`, 'input', 5_000);
          claims += 1;
        } catch (error) {
          return error as IdempotencyStoreFullError;
        }
      }
      throw new Error('the store never refused a new key');
    })();
    expect(claims).toBeGreaterThan(0);
    // The first lease ends before any TTL: that is when a key can be taken again.
    expect(refusal.retryAfterMs).toBe(5_000);
    expect(store.storedBytes).toBeLessThanOrEqual(2_000);

    now += 5_000;
    await expect(store.claim('s', 'late', 'input', 5_000)).resolves.toMatchObject({
      status: 'CLAIMED',
    });
  });

  it('lets an owner complete over the budget: the work is done and the retry needs it', async () => {
    const store = open({ maxBytes: 2_000 });
    const token = tokenOf(await store.claim('s', 'big', 'input', 60_000));
    await expect(
      store.complete('s', 'big', token, { filler: 'x'.repeat(3_000) }, true),
    ).resolves.toBe(true);
    await expect(store.claim('s', 'big', 'input', 60_000)).resolves.toMatchObject({
      status: 'COMPLETED',
    });
    await expect(store.claim('s', 'other', 'input', 60_000)).rejects.toThrow(
      IdempotencyStoreFullError,
    );
  });

  it('warns once when it becomes full and once when it has room again, never with a key', async () => {
    const { logger, lines } = capturedLogger();
    const store = new MemoryIdempotencyStore({
      ttlSeconds: 10,
      now: clock,
      maxBytes: 2_000,
      logger,
    });
    stores.push(store);
    await fillUntilRefused(store, 'order-555567088-');
    for (let i = 0; i < 3; i++) {
      await expect(store.claim('s', `more-${i}`, 'input', 60_000)).rejects.toThrow(
        IdempotencyStoreFullError,
      );
    }
    now += 10_000;
    await store.claim('s', 'after', 'input', 60_000);

    expect(lines.map((line) => [line.level, line.msg])).toEqual([
      [40, expect.stringMatching(/idempotency store is full/)],
      [30, expect.stringMatching(/idempotency store has room again/)],
    ]);
    expect(lines[0]).toMatchObject({ maxBytes: 2_000, retryAfterSeconds: 10 });
    expect(JSON.stringify(lines)).not.toContain('order-555567088');
  });

  it('refuses a payload JSON cannot carry instead of storing nothing', async () => {
    const store = open({});
    const token = tokenOf(await store.claim('s', 'k', 'input', 500));
    await expect(store.complete('s', 'k', token, undefined, true)).rejects.toThrow(TypeError);
    await expect(store.complete('s', 'k', token, { n: 1n }, true)).rejects.toThrow(TypeError);
  });
});
