/**
 * A failure that no Apollo hook sees (review finding): Apollo answers an error thrown while
 * it serialises a response, or joins a batch's answers, with a bare 500, and nothing was
 * logged, so the request id the client quotes led nowhere. A schema of this test's own
 * makes one: a scalar whose value JSON cannot write.
 */
import type { AddressInfo } from 'node:net';
import { GraphQLObjectType, GraphQLScalarType, GraphQLSchema } from 'graphql';
import { loadConfig } from '../../src/config';
import { startGateway, type Gateway } from '../../src/server';
import { UNEXPECTED_ERROR_MESSAGE } from '../../src/graphql/error-policy';
import { gatewayErrorHandler, registerServerErrorLog } from '../../src/http/guards';
import { createHttpApp } from '../../src/http/routes';
import { createLogger } from '../../src/observability/logger';

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

it('logs an error that reaches the error handler once, with its cause (review finding: it was twice)', async () => {
  const config = loadConfig({ PORT: '0', METRICS_PORT: '0', LOG_LEVEL: 'warn' });
  const own: Array<Record<string, unknown>> = [];
  const app = createHttpApp(
    config,
    createLogger(config, { write: (line: string) => own.push(JSON.parse(line) as never) }),
  );
  registerServerErrorLog(app);
  app.setErrorHandler(gatewayErrorHandler(config));
  app.get('/broken', async () => {
    throw new Error('a bug of ours');
  });
  // Apollo's bare 500 has no cause to log, so the onResponse line is the only one.
  app.get('/bare', async (_request, reply) => reply.code(500).send('no'));
  await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    const { port } = app.server.address() as AddressInfo;
    const broken = await fetch(`http://127.0.0.1:${port}/broken`);
    const bare = await fetch(`http://127.0.0.1:${port}/bare`);
    expect([broken.status, bare.status]).toEqual([500, 500]);
    await Promise.all([broken.text(), bare.text()]);
  } finally {
    await app.close();
  }
  expect(own.filter((l) => l.level === 50).map((l) => [l.msg, l.statusCode])).toEqual([
    ['unexpected error', undefined],
    ['answered with a server error', 500],
  ]);
});
