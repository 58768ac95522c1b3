import { IdempotencyStoreUnavailableError } from '../../src/idempotency/idempotency.store';
import type { ClaimResult } from '../../src/idempotency/idempotency.store';
import { MemoryIdempotencyStore } from '../../src/idempotency/memory.store';
import { pollUntil } from './support';

function tokenOf(result: ClaimResult): string {
  if (result.status !== 'CLAIMED') throw new Error(`expected CLAIMED, got ${result.status}`);
  return result.token;
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
    await pollUntil(
      async () => store.size,
      (size) => size === 0,
    );
    expect(store.storedBytes).toBe(0);
  });

  it('evicts the least recently written settled records past its byte budget, never a leased one', async () => {
    const store = open({ maxBytes: 2_000 });
    const running = tokenOf(await store.claim('s', 'running', 'input', 60_000));
    for (const key of ['old', 'newer', 'newest']) {
      const token = tokenOf(await store.claim('s', key, 'input', 60_000));
      await store.complete('s', key, token, { filler: 'x'.repeat(400) }, true);
    }
    expect(store.storedBytes).toBeLessThanOrEqual(2_000);

    await expect(store.claim('s', 'old', 'other-input', 60_000)).resolves.toMatchObject({
      status: 'CLAIMED',
    });
    await expect(store.claim('s', 'newest', 'input', 60_000)).resolves.toMatchObject({
      status: 'COMPLETED',
    });
    await expect(store.complete('s', 'running', running, { done: true }, true)).resolves.toBe(true);
  });

  it('refuses a new claim rather than grow when only leased records are left', async () => {
    const store = open({ maxBytes: 1_000 });
    let claims = 0;
    const claimUntilFull = async (): Promise<unknown> => {
      for (;;) {
        await store.claim('s', `key-${claims}`, 'input', 60_000);
        claims += 1;
      }
    };
    await expect(claimUntilFull()).rejects.toThrow(IdempotencyStoreUnavailableError);
    expect(claims).toBeGreaterThan(0);
    expect(store.storedBytes).toBeLessThanOrEqual(1_000);

    // Once the leases lapse, those records may go and claims are served again.
    now += 60_000;
    await expect(store.claim('s', 'late', 'input', 60_000)).resolves.toMatchObject({
      status: 'CLAIMED',
    });
  });

  it('refuses a payload JSON cannot carry instead of storing nothing', async () => {
    const store = open({});
    const token = tokenOf(await store.claim('s', 'k', 'input', 500));
    await expect(store.complete('s', 'k', token, undefined, true)).rejects.toThrow(TypeError);
    await expect(store.complete('s', 'k', token, { n: 1n }, true)).rejects.toThrow(TypeError);
  });
});
