/**
 * Apollo's automatic persisted queries without TRUSTED_DOCUMENTS: a client sends a hash,
 * registers the document once on a miss, then sends only the hash. With REDIS_URL the
 * cache is shared, so a document registered on one replica is known to the others.
 */
import { createHash, randomUUID } from 'node:crypto';
import { print } from 'graphql';
import {
  MAX_DOCUMENT_BYTES,
  RedisPersistedQueryCache,
} from '../../src/graphql/persisted-query-cache';
import { GatewayLimitsDocument } from '../generated/graphql';
import { REDIS_ENV } from '../faults/support';
import { startStack, type Stack } from '../support/stack';

const query = print(GatewayLimitsDocument);
const sha256Hash = createHash('sha256').update(query).digest('hex');
const persisted = { extensions: { persistedQuery: { version: 1, sha256Hash } } };

async function post(url: string, body: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return response.json();
}

const limits = { data: { gatewayLimits: expect.objectContaining({ upstreamBatchSize: 100 }) } };
const notFound = {
  errors: [
    expect.objectContaining({
      extensions: expect.objectContaining({ code: 'PERSISTED_QUERY_NOT_FOUND' }),
    }),
  ],
};

describe('automatic persisted queries in memory', () => {
  let stack: Stack;
  beforeAll(async () => (stack = await startStack()));
  afterAll(() => stack.close());

  it('answers a hash it does not know with PERSISTED_QUERY_NOT_FOUND, then runs it once registered', async () => {
    const url = stack.gateway.graphqlUrl;
    expect(await post(url, persisted)).toEqual(notFound);
    expect(await post(url, { query, ...persisted })).toEqual(limits);
    expect(await post(url, persisted)).toEqual(limits);
  });
});

describe('automatic persisted queries in Redis', () => {
  let first: Stack;
  let second: Stack;
  beforeAll(async () => {
    first = await startStack(REDIS_ENV);
    second = await startStack(REDIS_ENV);
  });
  afterAll(() => Promise.all([first.close(), second.close()]));

  it('runs on one gateway a document registered on another', async () => {
    // A document of its own per run, so that a Redis shared with earlier runs cannot know it.
    const own = `query Limits_${randomUUID().replace(/-/g, '')} { gatewayLimits { upstreamBatchSize } }`;
    const hash = createHash('sha256').update(own).digest('hex');
    const byHash = { extensions: { persistedQuery: { version: 1, sha256Hash: hash } } };

    expect(await post(second.gateway.graphqlUrl, byHash)).toEqual(notFound);
    expect(await post(first.gateway.graphqlUrl, { query: own, ...byHash })).toEqual(limits);
    expect(await post(second.gateway.graphqlUrl, byHash)).toEqual(limits);
  });
});

describe('RedisPersistedQueryCache', () => {
  const url = REDIS_ENV.REDIS_URL;

  it('keeps at most maxDocuments, dropping the oldest', async () => {
    const cache = new RedisPersistedQueryCache({
      url,
      keyPrefix: `{apq-test-${randomUUID()}}:`,
      maxDocuments: 3,
    });
    try {
      for (const n of [1, 2, 3, 4, 5]) await cache.set(`doc${n}`, `{ n${n} }`, { ttl: 60 });
      const kept = await Promise.all([1, 2, 3, 4, 5].map((n) => cache.get(`doc${n}`)));
      expect(kept).toEqual([undefined, undefined, '{ n3 }', '{ n4 }', '{ n5 }']);
    } finally {
      await cache.close();
    }
  });

  it('does not keep a document longer than MAX_DOCUMENT_BYTES', async () => {
    const cache = new RedisPersistedQueryCache({ url, keyPrefix: `{apq-test-${randomUUID()}}:` });
    try {
      await cache.set('big', `{ a }${' '.repeat(MAX_DOCUMENT_BYTES)}`, { ttl: 60 });
      await cache.set('small', '{ a }', { ttl: 60 });
      expect(await cache.get('big')).toBeUndefined();
      expect(await cache.get('small')).toBe('{ a }');
    } finally {
      await cache.close();
    }
  });
});
