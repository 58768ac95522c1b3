import { spawn } from 'node:child_process';
import path from 'node:path';
import { print } from 'graphql';
import type { PromotionSubmitter } from '../../src/promotion/promotion.service';
import { UNEXPECTED_ERROR_MESSAGE } from '../../src/graphql/error-policy';
import { DEMO_CREDENTIALS } from '../../src/sandbox';
import { EnrolCustomersDocument } from '../generated/graphql';
import {
  enrolInput,
  graphqlBody,
  postJson,
  send,
  startSecureStack,
  type SecureStack,
} from './support';

const auth = { authorization: DEMO_CREDENTIALS.authorizationHeader };
const INTERNAL_DETAIL = 'ledger shard 7 refused: password=hunter2 on db-internal.local:5432';

/** A stack whose batcher is replaced by one that throws what no client should read. */
const failingSubmitter: PromotionSubmitter = {
  submit: async () => {
    throw new Error(INTERNAL_DETAIL);
  },
};

const introspection = { query: '{ __schema { queryType { name } } }' };
const misspelledField = { query: '{ gatewayLimit { batchWindowMs } }' };
const misspelledEnum = {
  query: print(EnrolCustomersDocument),
  variables: { input: { ...enrolInput('ID', ['555567088']), identifierName: 'IDD' } },
};

function enrolment() {
  return {
    query: print(EnrolCustomersDocument),
    variables: { input: enrolInput('ID', ['555567088']) },
  };
}

describe('production mode (NODE_ENV=production)', () => {
  let stack: SecureStack;

  beforeAll(async () => {
    stack = await startSecureStack(
      { NODE_ENV: 'production', LOG_LEVEL: 'info' },
      { submitter: failingSubmitter },
    );
  });
  afterAll(() => stack.close());

  it('refuses introspection', async () => {
    const response = await postJson(stack.url, introspection);
    expect(response.status).toBe(400);
    expect(graphqlBody(response)).toEqual({
      errors: [
        expect.objectContaining({
          message: 'Introspection is disabled on this gateway.',
          extensions: expect.objectContaining({ code: 'GRAPHQL_VALIDATION_FAILED' }),
        }),
      ],
    });
  });

  it('names no schema member the caller did not write: no "Did you mean" suggestions', async () => {
    const field = await postJson(stack.url, misspelledField);
    const enumValue = await postJson(stack.url, misspelledEnum, auth);
    expect(graphqlBody(field).errors?.map((e) => e.message)).toEqual([
      'Cannot query field "gatewayLimit" on type "Query".',
    ]);
    expect(graphqlBody(enumValue).errors?.map((e) => e.message)).toEqual([
      'Variable "$input" got invalid value "IDD" at "input.identifierName"; Value "IDD" does not exist in "CustomerIdentifierName" enum.',
    ]);
  });

  it('answers an internal error with only a generic message and the request id; the log has the detail', async () => {
    const response = await postJson(stack.url, enrolment(), auth);
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toEqual(expect.any(String));
    expect(graphqlBody(response)).toEqual({
      data: null,
      errors: [
        {
          message: UNEXPECTED_ERROR_MESSAGE,
          path: ['enrolCustomers'],
          extensions: { code: 'INTERNAL_SERVER_ERROR', requestId },
        },
      ],
    });
    expect(response.text).not.toContain('hunter2');

    const logged = stack
      .logLines()
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => line.reqId === requestId && line.msg === 'unexpected error');
    expect(logged).toMatchObject({
      level: 50,
      err: {
        // The detail, less the secret in it (DESIGN §9: no log line holds one).
        message: expect.stringContaining('ledger shard 7 refused'),
        stack: expect.stringContaining('production.test.ts'),
      },
      path: 'enrolCustomers',
    });
    expect(JSON.stringify(logged)).not.toContain('hunter2');
  });

  it('lets known errors through as they are: credentials, input coercion, validation', async () => {
    const noCredentials = await postJson(stack.url, enrolment());
    const coercion = await postJson(
      stack.url,
      { ...enrolment(), variables: { input: { ...enrolInput('ID', []), customers: 5 } } },
      auth,
    );
    const validation = await postJson(stack.url, { query: '{ gatewayLimits }' });
    expect(graphqlBody(noCredentials).errors?.[0]).toMatchObject({
      message: expect.stringContaining('Authorization or X-CAP-API-OAUTH-TOKEN'),
      extensions: { code: 'UNAUTHENTICATED' },
    });
    expect(graphqlBody(coercion).errors?.[0]).toMatchObject({
      message: expect.stringContaining('Variable "$input" got invalid value 5'),
      extensions: { code: 'BAD_USER_INPUT' },
    });
    expect(graphqlBody(validation).errors?.[0]).toMatchObject({
      // graphql-js adds 'Did you mean "gatewayLimits { ... }"?': a hint, stripped all the same.
      message: 'Field "gatewayLimits" of type "GatewayLimits!" must have a selection of subfields.',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
  });

  it('serves no landing page to a browser', async () => {
    const response = await send(stack.url, { headers: { accept: 'text/html' } });
    expect(response.headers.get('content-type')).not.toContain('text/html');
    expect(response.status).toBe(400);
  });
});

describe('production mode with GRAPHQL_INTROSPECTION=true', () => {
  let stack: SecureStack;

  beforeAll(async () => {
    stack = await startSecureStack({ NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'true' });
  });
  afterAll(() => stack.close());

  it('answers introspection', async () => {
    const response = await postJson(stack.url, introspection);
    expect(response.status).toBe(200);
    expect(graphqlBody(response).data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });
});

describe('development mode (NODE_ENV unset)', () => {
  let stack: SecureStack;

  beforeAll(async () => {
    stack = await startSecureStack({}, { submitter: failingSubmitter });
  });
  afterAll(() => stack.close());

  it('answers introspection and suggests what the caller may have meant', async () => {
    expect((await postJson(stack.url, introspection)).status).toBe(200);
    expect(graphqlBody(await postJson(stack.url, misspelledField)).errors?.[0]?.message).toBe(
      'Cannot query field "gatewayLimit" on type "Query". Did you mean "gatewayLimits"?',
    );
  });

  it('shows an internal error with its request id but never a stack trace', async () => {
    const response = await postJson(stack.url, enrolment(), auth);
    expect(graphqlBody(response).errors).toEqual([
      {
        message: INTERNAL_DETAIL,
        locations: [expect.any(Object)],
        path: ['enrolCustomers'],
        extensions: {
          code: 'INTERNAL_SERVER_ERROR',
          requestId: response.headers.get('x-request-id'),
        },
      },
    ]);
    expect(response.text).not.toMatch(/stacktrace|\bat .*\.ts:\d+/);
  });
});

describe('the gateway process in production without PROMOTION_API_URL', () => {
  it('exits 1 naming PROMOTION_API_URL, before starting the sandbox or printing demo credentials', async () => {
    // `node src/main.ts` as test/faults runs it, with only PATH and what production sets.
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', 'src/main.ts'],
      {
        cwd: path.resolve(__dirname, '../..'),
        env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', PORT: '0', METRICS_PORT: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      // Started instead of refusing: stop it rather than wait for the test's timeout.
      if (stdout.includes('serving GraphQL')) child.kill('SIGKILL');
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));

    expect(code).toBe(1);
    expect(stderr).toContain('PROMOTION_API_URL');
    const output = stdout + stderr;
    expect(output).not.toContain(DEMO_CREDENTIALS.authorizationHeader);
    expect(output).not.toMatch(/demo credentials|sandbox at http|serving GraphQL/i);
  });
});
