/**
 * Issue 11, finding 12 (HTTP edge): a subscription, and methods /graphql does not serve.
 * DESIGN §9: a subscription → 400; other methods on /graphql → 405 with `Allow`.
 */
import { graphqlBody, postJson, send, startSecureStack, type SecureStack } from '../support';

const SUBSCRIPTION_REFUSAL =
  'Subscriptions are not supported: this gateway serves queries and mutations over HTTP.';
const APP = 'https://app.example.com';

describe('what /graphql does not serve', () => {
  let stack: SecureStack;

  beforeAll(async () => {
    stack = await startSecureStack({ LOG_LEVEL: 'info', CORS_ORIGINS: APP });
  });
  afterAll(() => stack.close());

  /** Lines the gateway logged at `error` or above for one request. */
  function errorsLoggedFor(requestId: string | null): string[] {
    return stack
      .logLines()
      .filter((line) => (JSON.parse(line) as { level: number; reqId?: string }).level >= 50)
      .filter((line) => requestId === null || line.includes(requestId));
  }

  it.each([
    ['an anonymous subscription', 'subscription { __typename }'],
    ['a named subscription', 'subscription Watch { gatewayLimits { batchWindowMs } }'],
  ])('refuses %s with 400 and a GraphQL error, logging no error', async (_name, query) => {
    const response = await postJson(stack.url, { query });
    expect(response.status).toBe(400);
    expect(graphqlBody(response)).toEqual({
      errors: [
        expect.objectContaining({
          message: SUBSCRIPTION_REFUSAL,
          extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
        }),
      ],
    });
    expect(errorsLoggedFor(response.headers.get('x-request-id'))).toEqual([]);
  });

  it('refuses a subscription in a batched request, and runs the query beside it', async () => {
    const response = await postJson(stack.url, [
      { query: 'subscription { __typename }' },
      { query: '{ gatewayLimits { batchWindowMs } }' },
    ]);
    expect(response.json).toEqual([
      { errors: [expect.objectContaining({ message: SUBSCRIPTION_REFUSAL })] },
      { data: { gatewayLimits: { batchWindowMs: 5 } } },
    ]);
    expect(errorsLoggedFor(null)).toEqual([]);
  });

  it.each(['PUT', 'DELETE', 'PATCH'])(
    'answers %s on /graphql with 405 and Allow: GET, POST, whatever its body',
    async (method) => {
      for (const body of ['{"query":"{ __typename }"}', '{not json', undefined]) {
        const response = await send(stack.url, {
          method,
          headers: { 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body }),
        });
        expect(response.status).toBe(405);
        expect(response.headers.get('allow')).toBe('GET, POST');
        expect(graphqlBody(response).errors).toEqual([
          {
            message: `${method} is not served on /graphql: use GET or POST.`,
            extensions: { code: 'METHOD_NOT_ALLOWED' },
          },
        ]);
      }
    },
  );

  it('still answers a CORS preflight (OPTIONS) from a listed origin', async () => {
    const response = await send(stack.url, {
      method: 'OPTIONS',
      headers: {
        origin: APP,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(APP);
    expect(response.headers.get('access-control-allow-methods')).toBe('GET, POST');
  });
});
