/**
 * A failure that no Apollo hook sees (review finding): Apollo answers an error thrown while
 * it serialises a response, or joins a batch's answers, with a bare 500, and nothing was
 * logged, so the request id the client quotes led nowhere. A schema of this test's own
 * makes one: a scalar whose value JSON cannot write.
 */
import { GraphQLObjectType, GraphQLScalarType, GraphQLSchema } from 'graphql';
import { loadConfig } from '../../src/config';
import { startGateway, type Gateway } from '../../src/server';
import { UNEXPECTED_ERROR_MESSAGE } from '../../src/graphql/error-policy';

const unwritable = new GraphQLScalarType({ name: 'Unwritable', serialize: (value) => value });
const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: { broken: { type: unwritable, resolve: () => 1n } },
  }),
});

let gateway: Gateway;
const lines: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  const apiUrl = 'http://127.0.0.1:9';
  const config = loadConfig({
    NODE_ENV: 'production',
    PORT: '0',
    METRICS_PORT: '0',
    LOG_LEVEL: 'warn',
    PROMOTION_API_URL: apiUrl,
  });
  gateway = await startGateway(config, {
    apiUrl,
    schema,
    logDestination: { write: (line: string) => lines.push(JSON.parse(line) as never) },
  });
});
afterAll(() => gateway?.close());

it('logs an answered 500 at error level under the request id the client got, and tells the client nothing more', async () => {
  const response = await fetch(gateway.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ broken }' }),
  });
  const body = (await response.json()) as { errors: Array<{ message: string }> };
  const requestId = response.headers.get('x-request-id');

  expect(response.status).toBe(500);
  expect(body.errors.map((e) => e.message)).toEqual([UNEXPECTED_ERROR_MESSAGE]);
  expect(requestId).toMatch(/^[\w-]{8,}$/);
  expect(lines.filter((l) => l.level === 50)).toEqual([
    expect.objectContaining({
      reqId: requestId,
      statusCode: 500,
      msg: 'answered with a server error',
    }),
  ]);
});
