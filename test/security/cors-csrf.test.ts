import { DEMO_CREDENTIALS } from '../../src/sandbox';
import { graphqlBody, postJson, send, startSecureStack, type SecureStack } from './support';

const APP = 'https://app.example.com';
const ADMIN = 'http://localhost:5173';
const EVIL = 'https://evil.example.net';
const limitsQuery = '{ gatewayLimits { batchWindowMs } }';

function preflight(url: string, origin: string) {
  return send(url, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,x-cap-api-oauth-token,content-type',
    },
  });
}

describe('CORS with CORS_ORIGINS set', () => {
  let stack: SecureStack;

  beforeAll(async () => {
    stack = await startSecureStack({ CORS_ORIGINS: `${APP}, ${ADMIN}` });
  });
  afterAll(() => stack.close());

  it('answers a preflight from a listed origin, allowing the credential headers', async () => {
    const response = await preflight(stack.url, APP);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(APP);
    expect(response.headers.get('access-control-allow-methods')).toBe('GET, POST');
    expect(response.headers.get('access-control-allow-headers')?.split(', ')).toEqual([
      'authorization',
      'x-cap-api-oauth-token',
      'content-type',
      'apollo-require-preflight',
      'x-request-id',
    ]);
    expect(response.headers.get('access-control-max-age')).toBe('600');
  });

  it("lets a listed origin's page read the answer and its request id", async () => {
    const response = await postJson(
      stack.url,
      { query: limitsQuery },
      { origin: ADMIN, authorization: DEMO_CREDENTIALS.authorizationHeader },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(ADMIN);
    expect(response.headers.get('access-control-expose-headers')).toBe('x-request-id');
    expect(response.headers.get('vary')).toContain('Origin');
  });

  it('gives an origin that is not listed no CORS header, so its page cannot read answers', async () => {
    const answer = await postJson(stack.url, { query: limitsQuery }, { origin: EVIL });
    // Without Access-Control-Allow-Origin the browser fails the preflight and hides answers.
    const refusedPreflight = await preflight(stack.url, EVIL);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    expect(refusedPreflight.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('CORS without CORS_ORIGINS (the default)', () => {
  let stack: SecureStack;

  beforeAll(async () => {
    stack = await startSecureStack();
  });
  afterAll(() => stack.close());

  it('sends no CORS header to any origin', async () => {
    const answer = await postJson(stack.url, { query: limitsQuery }, { origin: APP });
    const refusedPreflight = await preflight(stack.url, APP);
    expect(answer.status).toBe(200);
    for (const response of [answer, refusedPreflight]) {
      expect(
        [...response.headers.keys()].filter((name) => name.startsWith('access-control-')),
      ).toEqual([]);
    }
  });
});

describe('CSRF prevention (Apollo)', () => {
  let stack: SecureStack;
  const enrol =
    'mutation { enrolCustomers(input: { promotion: { programId: 469, promotionId: 57099 }, identifierName: ID, customers: [{ identifierValue: "555567088", source: INSTORE }] }) { __typename } }';

  beforeAll(async () => {
    stack = await startSecureStack({ CORS_ORIGINS: APP });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.sandbox.reset());

  it('refuses a simple text/plain POST, the kind a foreign page can send without preflight', async () => {
    const response = await send(stack.url, {
      method: 'POST',
      headers: {
        'content-type': 'text/plain',
        origin: EVIL,
        authorization: DEMO_CREDENTIALS.authorizationHeader,
      },
      body: JSON.stringify({ query: enrol }),
    });
    expect(response.status).toBe(400);
    expect(graphqlBody(response).errors?.[0]?.message).toContain('Cross-Site Request Forgery');
    expect(stack.sandbox.calls()).toHaveLength(0);
  });

  it('refuses a GET without a preflight header, and answers it with one', async () => {
    const url = `${stack.url}?query=${encodeURIComponent(limitsQuery)}`;
    const bare = await send(url, {});
    const withHeader = await send(url, { headers: { 'apollo-require-preflight': 'true' } });
    expect(bare.status).toBe(400);
    expect(graphqlBody(bare).errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    expect(withHeader.status).toBe(200);
    expect(graphqlBody(withHeader).data).toEqual({ gatewayLimits: { batchWindowMs: 5 } });
  });

  it('refuses form posts outright, before Apollo', async () => {
    for (const contentType of ['application/x-www-form-urlencoded', 'multipart/form-data']) {
      const response = await send(stack.url, {
        method: 'POST',
        headers: { 'content-type': contentType },
        body: `query=${encodeURIComponent(enrol)}`,
      });
      expect(response.status).toBe(415);
      expect(graphqlBody(response).errors?.[0]?.message).toEqual(expect.any(String));
    }
    expect(stack.sandbox.calls()).toHaveLength(0);
  });
});
