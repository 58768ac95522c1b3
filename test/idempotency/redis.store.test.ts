import { randomUUID } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import {
  createIdempotencyStore,
  DEFAULT_IDEMPOTENCY_KEY_PREFIX,
  IdempotencyStoreUnavailableError,
  MemoryIdempotencyStore,
  RedisIdempotencyStore,
} from '../../src/idempotency';
import type { ClaimResult } from '../../src/idempotency/idempotency.store';
import { eventually } from '../support/eventually';
import { capturedLogger, deleteKeysUnder, keysUnder, REDIS_URL, uniqueTestPrefix } from './support';

const LEASE_MS = 60_000;

function tokenOf(result: ClaimResult): string {
  if (result.status !== 'CLAIMED') throw new Error(`expected CLAIMED, got ${result.status}`);
  return result.token;
}

describe('RedisIdempotencyStore on a real Redis', () => {
  const prefix = uniqueTestPrefix();
  const admin = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  // Two stores, two connections: like two gateway replicas.
  const replicaA = new RedisIdempotencyStore({ url: REDIS_URL, ttlSeconds: 60, keyPrefix: prefix });
  const replicaB = new RedisIdempotencyStore({ url: REDIS_URL, ttlSeconds: 60, keyPrefix: prefix });

  afterAll(async () => {
    await Promise.all([replicaA.close(), replicaB.close()]);
    await deleteKeysUnder(admin, prefix);
    await admin.quit();
  });

  it("lets two replicas see each other's running, partial and completed records", async () => {
    const scope = `scope-${randomUUID()}`;
    const key = `key-${randomUUID()}`;

    const first = tokenOf(await replicaA.claim(scope, key, 'input-a', LEASE_MS));
    await expect(replicaB.claim(scope, key, 'input-a', LEASE_MS)).resolves.toEqual({
      status: 'IN_PROGRESS',
    });
    await replicaA.complete(scope, key, first, { attempt: 1 }, false);

    const second = await replicaB.claim(scope, key, 'input-a', LEASE_MS);
    expect(second).toMatchObject({ status: 'CLAIMED', previous: { attempt: 1 } });
    await expect(replicaA.claim(scope, key, 'input-a', LEASE_MS)).resolves.toEqual({
      status: 'IN_PROGRESS',
    });
    await replicaB.complete(scope, key, tokenOf(second), { attempt: 2 }, true);

    await expect(replicaA.claim(scope, key, 'input-a', LEASE_MS)).resolves.toEqual({
      status: 'COMPLETED',
      payload: { attempt: 2 },
    });
  });

  it('names Redis keys by a hash: neither the credentials scope nor the key appear in clear', async () => {
    const scope = `Basic ZGVtby50aWxs-${randomUUID()}`;
    const key = `order-555567088-${randomUUID()}`;
    const token = tokenOf(await replicaA.claim(scope, key, 'input-a', LEASE_MS));
    await replicaA.complete(scope, key, token, { results: ['ok'] }, true);

    const keys = await keysUnder(admin, prefix);
    const recordKey = replicaA.recordKeyOf(scope, key);
    expect(keys).toContain(recordKey);
    for (const name of keys) {
      expect(name).toMatch(new RegExp(`^${prefix}[0-9a-f]{64}$`));
      expect(name).not.toContain(scope);
      expect(name).not.toContain(key);
    }
    const stored = JSON.stringify(await admin.hgetall(recordKey));
    expect(stored).not.toContain(scope);
    expect(stored).not.toContain(key);
  });

  it('expires a completed record by the TTL and a running one no sooner than its lease', async () => {
    const scope = `scope-${randomUUID()}`;
    const key = `key-${randomUUID()}`;
    const longLease = 120_000;
    const token = tokenOf(await replicaA.claim(scope, key, 'input-a', longLease));
    const runningTtl = await admin.pttl(replicaA.recordKeyOf(scope, key));
    expect(runningTtl).toBeGreaterThan(60_000);
    expect(runningTtl).toBeLessThanOrEqual(longLease);

    await replicaA.complete(scope, key, token, { done: true }, true);
    const completedTtl = await admin.pttl(replicaA.recordKeyOf(scope, key));
    expect(completedTtl).toBeGreaterThan(50_000);
    expect(completedTtl).toBeLessThanOrEqual(60_000);
  });

  it('is what the factory builds when a Redis URL is configured, with the default key prefix', async () => {
    const store = createIdempotencyStore({ redisUrl: REDIS_URL, ttlSeconds: 60 });
    try {
      expect(store).toBeInstanceOf(RedisIdempotencyStore);
      expect((store as RedisIdempotencyStore).recordKeyOf('scope', 'key')).toMatch(
        new RegExp(`^${DEFAULT_IDEMPOTENCY_KEY_PREFIX}[0-9a-f]{64}$`),
      );
      await expect(store.ping()).resolves.toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it('is replaced by the memory store when no Redis URL is configured', async () => {
    const store = createIdempotencyStore({ redisUrl: null, ttlSeconds: 60 });
    expect(store).toBeInstanceOf(MemoryIdempotencyStore);
    await store.close();
  });
});

// The scripts without allow-oom, which Redis before 7 gets: the same records, on any Redis.
describe('RedisIdempotencyStore with the scripts for Redis before 7', () => {
  const prefix = uniqueTestPrefix();
  const admin = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const store = new RedisIdempotencyStore({
    url: REDIS_URL,
    ttlSeconds: 60,
    keyPrefix: prefix,
    redisVersion: '6.2.14',
  });

  afterAll(async () => {
    await store.close();
    await deleteKeysUnder(admin, prefix);
    await admin.quit();
  });

  it('keeps a partial answer, lets claims go and completes as with allow-oom', async () => {
    const scope = `scope-${randomUUID()}`;
    const key = `key-${randomUUID()}`;
    const first = tokenOf(await store.claim(scope, key, 'input-a', LEASE_MS));
    await expect(store.complete(scope, key, 'not-the-owner', { attempt: 0 }, true)).resolves.toBe(
      false,
    );
    await expect(store.complete(scope, key, first, { attempt: 1 }, false)).resolves.toBe(true);

    const retry = await store.claim(scope, key, 'input-a', LEASE_MS);
    expect(retry).toMatchObject({ status: 'CLAIMED', previous: { attempt: 1 } });
    await expect(store.release(scope, key, tokenOf(retry))).resolves.toBe(true);
    expect(await admin.hgetall(store.recordKeyOf(scope, key))).toMatchObject({ state: 'partial' });

    const last = tokenOf(await store.claim(scope, key, 'input-a', LEASE_MS));
    await expect(store.complete(scope, key, last, { attempt: 2 }, true)).resolves.toBe(true);
    await expect(store.release(scope, key, last)).resolves.toBe(false);
    await expect(store.claim(scope, key, 'input-a', LEASE_MS)).resolves.toEqual({
      status: 'COMPLETED',
      payload: { attempt: 2 },
    });

    // A claim let go with no answer leaves no record.
    const other = `key-${randomUUID()}`;
    const token = tokenOf(await store.claim(scope, other, 'input-a', LEASE_MS));
    await expect(store.release(scope, other, token)).resolves.toBe(true);
    await expect(admin.exists(store.recordKeyOf(scope, other))).resolves.toBe(0);
  });
});

describe('RedisIdempotencyStore when Redis cannot answer', () => {
  const servers: Server[] = [];
  const sockets: Socket[] = [];

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await Promise.all(
      servers.map((server) => new Promise((resolve) => server.close(() => resolve(undefined)))),
    );
  });

  async function listening(server: Server, port = 0): Promise<number> {
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return address.port;
  }

  async function closedPort(): Promise<number> {
    const server = createServer();
    const port = await listening(server);
    await new Promise((resolve) => server.close(resolve));
    servers.pop();
    return port;
  }

  async function expectPromptRejection(url: string): Promise<IdempotencyStoreUnavailableError> {
    const store = new RedisIdempotencyStore({ url, ttlSeconds: 60 });
    const started = Date.now();
    try {
      const error = await store.claim('scope', 'key', 'input-a', LEASE_MS).then(
        () => {
          throw new Error('claim resolved against a Redis that cannot answer');
        },
        (rejection: unknown) => rejection,
      );
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(error).toBeInstanceOf(IdempotencyStoreUnavailableError);
      return error as IdempotencyStoreUnavailableError;
    } finally {
      await store.close();
    }
  }

  it('rejects a claim within seconds, saying why, when nothing listens on the port', async () => {
    const port = await closedPort();
    const error = await expectPromptRejection(`redis://127.0.0.1:${port}`);
    expect(error.message).toMatch(/^Redis idempotency store failed: /);
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('rejects a claim within seconds when the server accepts but never answers', async () => {
    const port = await listening(
      createServer((socket) => {
        sockets.push(socket);
      }),
    );
    const error = await expectPromptRejection(`redis://127.0.0.1:${port}`);
    expect(error.message).toMatch(/timed out/i);
  });

  it('does not put the password of the Redis URL into the error', async () => {
    const port = await closedPort();
    const error = await expectPromptRejection(`redis://user:s3cret-pw@127.0.0.1:${port}`);
    expect(error.message).not.toContain('s3cret-pw');
  });

  /** A TCP proxy to the test Redis: "Redis comes up" on a port of the test's choosing. */
  function proxyToRedis(): Server {
    const { hostname, port } = new URL(REDIS_URL);
    return createServer((client) => {
      sockets.push(client);
      const upstream = connect(Number(port || 6379), hostname);
      sockets.push(upstream);
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
  }

  it('warns once that it cannot connect, naming the address and the cause but not the password', async () => {
    const port = await closedPort();
    const { logger, lines } = capturedLogger();
    const store = createIdempotencyStore({
      redisUrl: `redis://gateway:s3cret-pw@127.0.0.1:${port}/0`,
      ttlSeconds: 60,
      logger,
    });
    try {
      await eventually(() => lines.length, {
        describe: 'the warning that it cannot connect',
        until: (count) => count > 0,
      });
      // A claim gives up after the first reconnect fails too: two failures, still one line.
      await expect(store.claim('scope', 'key', 'input-a', LEASE_MS)).rejects.toThrow(
        IdempotencyStoreUnavailableError,
      );
      expect(lines).toEqual([
        expect.objectContaining({
          level: 40,
          msg: expect.stringMatching(/cannot connect to Redis/),
          redis: `127.0.0.1:${port}`,
          err: expect.objectContaining({ message: expect.stringContaining('ECONNREFUSED') }),
        }),
      ]);
      expect(JSON.stringify(lines)).not.toContain('s3cret-pw');
    } finally {
      await store.close();
    }
  });

  it('says when it reaches Redis again after failing to', async () => {
    const port = await closedPort();
    const { logger, lines } = capturedLogger();
    const store = new RedisIdempotencyStore({
      url: `redis://127.0.0.1:${port}`,
      ttlSeconds: 60,
      keyPrefix: uniqueTestPrefix(),
      logger,
    });
    try {
      await eventually(() => lines.length, {
        describe: 'the warning that it cannot connect',
        until: (count) => count > 0,
      });
      await listening(proxyToRedis(), port);
      await eventually(() => lines.length, {
        describe: 'the line saying it connected again',
        until: (count) => count > 1,
      });
      expect(lines[1]).toMatchObject({
        level: 30,
        msg: expect.stringMatching(/connected to Redis again/),
        redis: `127.0.0.1:${port}`,
      });
      await expect(store.ping()).resolves.toBeUndefined();
      expect(lines).toHaveLength(2);
    } finally {
      await store.close();
    }
  });
});
