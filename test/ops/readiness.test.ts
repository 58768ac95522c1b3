/**
 * DESIGN §10: /readyz is 503 only while the replica cannot serve at all; a Redis outage is
 * degraded, not unready, so it cannot take every replica out of the balancer at once.
 */
import { EnrolCustomersDocument } from '../generated/graphql';
import { DEMO_CREDENTIALS } from '../sandbox/sandbox-api';
import { REFUSING_PORT } from '../support/refusing-port';
import { execute, startStack, type Stack } from '../support/stack';

let stack: Stack;

beforeAll(async () => {
  // Nothing listens there: the store cannot answer.
  stack = await startStack({ REDIS_URL: `redis://127.0.0.1:${REFUSING_PORT}` });
});

afterAll(async () => {
  await stack?.close();
});

describe('readiness', () => {
  it('stays ready, and says it is degraded, while Redis is unreachable', async () => {
    const response = await fetch(stack.gateway.graphqlUrl.replace(/graphql$/, 'readyz'));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'degraded',
      idempotencyStore: 'unavailable: keyed mutations answer UpstreamUnavailableError',
    });
    // Keyed mutations are refused as the body says; the rest is served.
    const input = (idempotencyKey?: string) => ({
      input: {
        promotion: { programId: 469, promotionId: 57099 },
        identifierName: 'ID' as const,
        customers: [{ identifierValue: '555567088', source: 'INSTORE' as const }],
        ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
      },
    });
    const auth = { authorization: DEMO_CREDENTIALS.authorizationHeader };
    const keyed = await execute(
      stack.gateway.graphqlUrl,
      EnrolCustomersDocument,
      input('k-1'),
      auth,
    );
    const plain = await execute(stack.gateway.graphqlUrl, EnrolCustomersDocument, input(), auth);
    expect(keyed.body.data?.enrolCustomers.__typename).toBe('UpstreamUnavailableError');
    expect(plain.body.data?.enrolCustomers.__typename).toBe('EnrolCustomersResult');
  });
});
