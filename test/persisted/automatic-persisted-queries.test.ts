/**
 * Apollo's automatic persisted queries without TRUSTED_DOCUMENTS: a client sends a hash,
 * registers the document once on a miss, then sends only the hash. With REDIS_URL the
 * cache is shared, so a document registered on one replica is known to the others. Only
 * callers the API has accepted add documents: the cache is bounded for all of them
 * together, and made-up credentials must not push the tenants' documents out.
 */
import { createHash, randomUUID } from 'node:crypto';
import { print } from 'graphql';
import {
  MAX_DOCUMENT_BYTES,
  REDIS_MAX_DOCUMENTS,
  RedisPersistedQueryCache,
} from '../../src/graphql/persisted-query-cache';
import { CustomerPromotionsDocument, GatewayLimitsDocument } from '../generated/graphql';
import { REDIS_ENV } from '../faults/support';
import { ACME_CREDENTIALS, DEMO_CREDENTIALS, demoCustomers } from '../sandbox/sandbox-api';
import { MAX_REGISTRATIONS_PER_CALLER } from '../../src/graphql/persisted-query-registration';
import { execute, startStack, type Stack } from '../support/stack';

const query = print(GatewayLimitsDocument);
const sha256Hash = createHash('sha256').update(query).digest('hex');
const persisted = { extensions: { persistedQuery: { version: 1, sha256Hash } } };

const demo = { authorization: DEMO_CREDENTIALS.authorizationHeader };
const madeUp = { authorization: 'Basic Zm9vOmJhcg==' };

async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = demo,
): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return response.json();
}

/** One query the API answers for these credentials: from then on the gateway knows them. */
async function acceptCaller(
  stack: Stack,
  headers: Record<string, string> = demo,
  org: 'demo' | 'acme' = 'demo',
): Promise<void> {
  const { body } = await execute(
    stack.gateway.graphqlUrl,
    CustomerPromotionsDocument,
    {
      input: {
        customer: {
          identifierName: 'ID',
          identifierValue: demoCustomers(org)[0]!.id,
          source: 'INSTORE',
        },
      },
    },
    headers,
  );
  expect(body.data?.customerPromotions.__typename).toBe('CustomerPromotions');
}

/** A session of the demo org's own (an OAuth token): accepted, and nothing registered yet. */
async function newSession(stack: Stack): Promise<Record<string, string>> {
  const token = await fetch(`${stack.sandbox.url}/v3/oauth/token/generate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ key: 'demo-key', secret: 'demo-secret' }),
  }).then(async (r) => ((await r.json()) as { data: { accessToken: string } }).data.accessToken);
  const session = { 'x-cap-api-oauth-token': token };
  await acceptCaller(stack, session);
  return session;
}

/** `count` registrations of documents of their own, 50 per batched request; each runs. */
async function register(url: string, count: number, headers: Record<string, string>) {
  const documents = Array.from({ length: count }, () => ownDocument());
  const bodies = documents.map((own) => ({ query: own.text, ...(own.byHash as object) }));
  for (let i = 0; i < bodies.length; i += 50) {
    const answers = (await post(url, bodies.slice(i, i + 50), headers)) as unknown[];
    expect(answers).toEqual(Array.from({ length: answers.length }, () => limits));
  }
  return documents;
}

/** A document of its own per run, so that a Redis shared with earlier runs cannot know it. */
function ownDocument(): { text: string; byHash: unknown } {
  const text = `query Limits_${randomUUID().replace(/-/g, '')} { gatewayLimits { upstreamBatchSize } }`;
  const hash = createHash('sha256').update(text).digest('hex');
  return { text, byHash: { extensions: { persistedQuery: { version: 1, sha256Hash: hash } } } };
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

  it('runs, and keeps no document registered by a caller the API has not accepted, with or without credentials', async () => {
    const url = stack.gateway.graphqlUrl;
    for (const headers of [madeUp, {}]) {
      expect(await post(url, { query, ...persisted }, headers)).toEqual(limits);
      expect(await post(url, persisted, headers)).toEqual(notFound);
    }
    // Nor the demo caller's before the API has accepted it.
    expect(await post(url, { query, ...persisted })).toEqual(limits);
    expect(await post(url, persisted)).toEqual(notFound);
  });

  it('answers a hash it does not know with PERSISTED_QUERY_NOT_FOUND, then runs it for anyone once an accepted caller registered it', async () => {
    const url = stack.gateway.graphqlUrl;
    await acceptCaller(stack);
    const { text, byHash } = ownDocument();
    expect(await post(url, byHash)).toEqual(notFound);
    expect(await post(url, { query: text, ...(byHash as object) })).toEqual(limits);
    expect(await post(url, byHash)).toEqual(limits);
    expect(await post(url, byHash, {})).toEqual(limits);
  });
  it(`counts a document registered again once toward a caller's ${MAX_REGISTRATIONS_PER_CALLER}`, async () => {
    const url = stack.gateway.graphqlUrl;
    const session = await newSession(stack);
    const again = ownDocument();
    const registration = { query: again.text, ...(again.byHash as object) };
    // A fleet of clients of one credential, each registering the same document after a deploy.
    for (let i = 0; i < MAX_REGISTRATIONS_PER_CALLER + 50; i += 50) {
      await post(
        url,
        Array.from({ length: 50 }, () => registration),
        session,
      );
    }
    const [next] = await register(url, 1, session);
    expect(await post(url, next!.byHash, session)).toEqual(limits);
  });
});

describe('automatic persisted queries of one credential spelled many ways', () => {
  let stack: Stack;
  beforeAll(async () => (stack = await startStack()));
  afterAll(() => stack.close());

  it(`keeps ${MAX_REGISTRATIONS_PER_CALLER} of its documents in all (review finding: each spelling had ${MAX_REGISTRATIONS_PER_CALLER})`, async () => {
    const url = stack.gateway.graphqlUrl;
    // The demo org's Basic credential as the API accepts it: three callers, one credential.
    const encoded = DEMO_CREDENTIALS.authorizationHeader.replace(/^Basic /, '');
    const spellings = [`basic ${encoded}`, `Basic   ${encoded}`, `BASIC ${encoded}`].map(
      (authorization) => ({ authorization }),
    );
    const documents: Array<{ byHash: unknown }> = [];
    for (const headers of spellings) {
      await acceptCaller(stack, headers);
      documents.push(...(await register(url, MAX_REGISTRATIONS_PER_CALLER, headers)));
    }
    const kept: boolean[] = [];
    for (let i = 0; i < documents.length; i += 50) {
      const lookups = documents.slice(i, i + 50).map((d) => d.byHash);
      const answers = (await post(url, lookups)) as Array<{ data?: unknown }>;
      kept.push(...answers.map((answer) => answer.data !== undefined));
    }
    expect(kept.filter(Boolean)).toHaveLength(MAX_REGISTRATIONS_PER_CALLER);
    expect(kept.slice(0, MAX_REGISTRATIONS_PER_CALLER).every(Boolean)).toBe(true);
  });
});

describe('automatic persisted queries in Redis', () => {
  let first: Stack;
  let second: Stack;
  beforeAll(async () => {
    first = await startStack(REDIS_ENV);
    second = await startStack(REDIS_ENV);
    await acceptCaller(first);
  });
  afterAll(() => Promise.all([first.close(), second.close()]));

  it('runs on one gateway a document registered on another', async () => {
    const { text, byHash } = ownDocument();
    expect(await post(second.gateway.graphqlUrl, byHash)).toEqual(notFound);
    expect(await post(first.gateway.graphqlUrl, { query: text, ...(byHash as object) })).toEqual(
      limits,
    );
    expect(await post(second.gateway.graphqlUrl, byHash)).toEqual(limits);
  });

  it(`keeps a tenant's document while made-up credentials register more than ${REDIS_MAX_DOCUMENTS} others`, async () => {
    const { text, byHash } = ownDocument();
    expect(await post(first.gateway.graphqlUrl, { query: text, ...(byHash as object) })).toEqual(
      limits,
    );
    await register(first.gateway.graphqlUrl, REDIS_MAX_DOCUMENTS + 100, madeUp);
    expect(await post(second.gateway.graphqlUrl, byHash)).toEqual(limits);
  });

  it(`keeps ${MAX_REGISTRATIONS_PER_CALLER} documents per accepted caller at most, so that another tenant's stay`, async () => {
    const acme = { authorization: ACME_CREDENTIALS.authorizationHeader };
    await acceptCaller(first, acme, 'acme');
    const { text, byHash } = ownDocument();
    expect(
      await post(first.gateway.graphqlUrl, { query: text, ...(byHash as object) }, acme),
    ).toEqual(limits);
    const session = await newSession(first);
    const flood = await register(first.gateway.graphqlUrl, REDIS_MAX_DOCUMENTS + 100, session);

    expect(await post(second.gateway.graphqlUrl, byHash, acme)).toEqual(limits);
    const last = MAX_REGISTRATIONS_PER_CALLER - 1;
    expect(await post(second.gateway.graphqlUrl, flood[last]!.byHash)).toEqual(limits);
    expect(await post(second.gateway.graphqlUrl, flood[last + 1]!.byHash)).toEqual(notFound);
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
