/**
 * A Redis that is full (maxmemory with noeviction, as docs/production.md asks) refuses new
 * keys. A record claimed before it filled must still take its answer afterwards (review
 * finding: the answer was refused, the record stayed running, and the retry after its
 * lease asked the API again). That needs allow-oom, which only Redis 7 and later read: the
 * store uses it when Redis says its version, and the scripts without it otherwise. A Redis
 * server of this test's own: the shared one on 6379 must not be filled under the other tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { IdempotencyStoreUnavailableError, RedisIdempotencyStore } from '../../src/idempotency';
import type { StoredPayload } from '../../src/idempotency/idempotency.store';

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

let redisServer: ChildProcess;
let admin: Redis;
let url: string;

beforeAll(async () => {
  const port = await freePort();
  redisServer = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const ready = new Promise<void>((resolve, reject) => {
    let seen = '';
    redisServer.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes('Ready to accept connections')) resolve();
    });
    redisServer.once('exit', (code) => reject(new Error(`redis-server exited with ${code}`)));
  });
  await ready;
  url = `redis://127.0.0.1:${port}`;
  admin = new Redis(url, { maxRetriesPerRequest: 1 });
});

afterAll(async () => {
  await admin?.quit();
  redisServer?.kill('SIGKILL');
});

afterEach(async () => {
  await admin.config('SET', 'maxmemory', '0');
  await admin.flushall();
});

/** Some data, then maxmemory below what is used: with noeviction, Redis refuses new writes. */
async function fillRedis(): Promise<void> {
  const filler = 'x'.repeat(16 * 1024);
  for (let i = 0; i < 32; i++) await admin.set(`filler:${i}`, filler);
  const used = Number(/used_memory:(\d+)/.exec(await admin.info('memory'))?.[1]);
  await admin.config('SET', 'maxmemory-policy', 'noeviction');
  await admin.config('SET', 'maxmemory', String(used - 256 * 1024));
  await expect(admin.set('filler:more', filler)).rejects.toThrow(/OOM/);
}

const payload: StoredPayload = {
  data: {
    enrolCustomers: {
      results: Array.from({ length: 100 }, (_, i) => ({ i, id: `${i}`.repeat(40) })),
    },
  },
} as unknown as StoredPayload;

it('stores the answer of a record claimed before Redis 7 filled up, and refuses new records', async () => {
  const store = new RedisIdempotencyStore({ url, ttlSeconds: 60 });
  try {
    const claimed = await store.claim('caller', 'key-before', 'input', 60_000);
    expect(claimed.status).toBe('CLAIMED');
    const token = claimed.status === 'CLAIMED' ? claimed.token : '';
    const released = await store.claim('caller', 'key-released', 'input', 60_000);
    // A retry of a partly answered record holds it again, with its partial answer.
    const partial = await store.claim('caller', 'key-partial', 'input', 60_000);
    const partialToken = partial.status === 'CLAIMED' ? partial.token : '';
    await store.complete('caller', 'key-partial', partialToken, payload, false);
    const retried = await store.claim('caller', 'key-partial', 'input', 60_000);
    expect(retried).toMatchObject({ status: 'CLAIMED', previous: payload });
    await fillRedis();

    // A new key cannot be claimed: its mutation is answered without being sent.
    await expect(store.claim('caller', 'key-after', 'input', 60_000)).rejects.toThrow(
      IdempotencyStoreUnavailableError,
    );
    // The claimed one takes its answer, and a retry is answered from it.
    await expect(store.complete('caller', 'key-before', token, payload, true)).resolves.toBe(true);
    await expect(store.claim('caller', 'key-before', 'input', 60_000)).resolves.toEqual({
      status: 'COMPLETED',
      payload,
    });
    // Letting a claim go frees its record, full or not.
    const releasedToken = released.status === 'CLAIMED' ? released.token : '';
    await expect(store.release('caller', 'key-released', releasedToken)).resolves.toBe(true);
    // Letting a retry go keeps the partial answer it had.
    const retriedToken = retried.status === 'CLAIMED' ? retried.token : '';
    await expect(store.release('caller', 'key-partial', retriedToken)).resolves.toBe(true);
    const record = await admin.hgetall(store.recordKeyOf('caller', 'key-partial'));
    expect(record).toMatchObject({ state: 'partial', payload: JSON.stringify(payload) });
  } finally {
    await store.close();
  }
});

/** A record claimed, then Redis filled: the answer that store then gives, and the record after. */
async function completeOnceFull(
  store: RedisIdempotencyStore,
  afterClaiming: () => Promise<void> = async () => {},
): Promise<{ completed: unknown; state: string | null }> {
  const claimed = await store.claim('caller', 'key-before', 'input', 60_000);
  const token = claimed.status === 'CLAIMED' ? claimed.token : '';
  await afterClaiming();
  await fillRedis();
  const completed = await store.complete('caller', 'key-before', token, payload, true).then(
    (stored) => stored,
    (error: unknown) => error,
  );
  const state = await admin.hget(store.recordKeyOf('caller', 'key-before'), 'state');
  return { completed, state };
}

it('refuses that answer with the scripts for Redis before 7, as a full Redis 6 does', async () => {
  const store = new RedisIdempotencyStore({ url, ttlSeconds: 60, redisVersion: '6.2.14' });
  try {
    const { completed, state } = await completeOnceFull(store);
    expect(completed).toBeInstanceOf(IdempotencyStoreUnavailableError);
    expect((completed as Error).message).toMatch(/OOM/);
    // Still running: the retry after its lease asks the API again.
    expect(state).toBe('running');
  } finally {
    await store.close();
  }
});

it('uses the scripts for Redis before 7 when Redis does not say its version', async () => {
  await admin.acl('SETUSER', 'no-info', 'on', '>no-info-pw', '~*', '&*', '+@all', '-info');
  // ioredis says it skips its ready check, which needs INFO too.
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
  const store = new RedisIdempotencyStore({
    url: url.replace('redis://', 'redis://no-info:no-info-pw@'),
    ttlSeconds: 60,
  });
  try {
    const { completed, state } = await completeOnceFull(store);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('NOPERM'));
    expect(completed).toBeInstanceOf(IdempotencyStoreUnavailableError);
    expect(state).toBe('running');
  } finally {
    await store.close();
    warn.mockRestore();
  }
});

it('goes back to the scripts for Redis before 7 on a reconnect, until Redis says its version', async () => {
  await admin.acl('SETUSER', 'switching', 'on', '>switching-pw', '~*', '&*', '+@all');
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
  const store = new RedisIdempotencyStore({
    url: url.replace('redis://', 'redis://switching:switching-pw@'),
    ttlSeconds: 60,
  });
  try {
    const { completed, state } = await completeOnceFull(store, async () => {
      // Sent after the store's INFO: once answered, the store knows it is on Redis 7.
      await store.ping();
      // As if a failover reached another server, one that does not say its version.
      await admin.acl('SETUSER', 'switching', '-info');
      await admin.client('KILL', 'USER', 'switching');
    });
    expect(completed).toBeInstanceOf(IdempotencyStoreUnavailableError);
    expect(state).toBe('running');
  } finally {
    await store.close();
    warn.mockRestore();
  }
});
