/**
 * Automatic persisted queries attacked over HTTP (DESIGN §11, §9): a hash that does not
 * match the document sent with it, and an unknown protocol version, are the caller's
 * mistakes. They must be answered as such (BAD_REQUEST, the reason kept, also in
 * production) and logged at debug, never as an unexpected error with a stack: otherwise
 * any client floods the error log and pages whoever watches it.
 */
import { createHash } from 'node:crypto';
import { DEMO_CREDENTIALS, demoCustomers } from '../../sandbox/sandbox-api';
import {
  enrolInput,
  postJson,
  startSecureStack,
  type RawResponse,
  type SecureStack,
} from '../support';

const DOCUMENT = '{ gatewayLimits { maxCustomersPerMutation } }';
const HASH = createHash('sha256').update(DOCUMENT).digest('hex');
const OTHER_HASH = createHash('sha256').update('{ __typename }').digest('hex');

interface ErrorBody {
  errors?: { message: string; extensions?: Record<string, unknown> }[];
  data?: unknown;
}

function errorsOf(response: RawResponse) {
  return (response.json as ErrorBody).errors ?? [];
}

function levelsOf(stack: SecureStack): number[] {
  return stack.logLines().map((line) => (JSON.parse(line) as { level: number }).level);
}

describe.each([
  ['outside production', {}],
  ['in production', { NODE_ENV: 'production' }],
])('automatic persisted queries %s', (_name, env: Record<string, string>) => {
  let stack: SecureStack;

  beforeAll(async () => {
    stack = await startSecureStack({ LOG_LEVEL: 'trace', ...env });
  });
  afterAll(() => stack.close());

  it('answers a hash that does not match its document as BAD_REQUEST, keeps nothing, logs no error', async () => {
    const response = await postJson(stack.url, {
      query: DOCUMENT,
      extensions: { persistedQuery: { version: 1, sha256Hash: OTHER_HASH } },
    });
    expect(response.status).toBe(400);
    expect(errorsOf(response)).toEqual([
      { message: 'provided sha does not match query', extensions: { code: 'BAD_REQUEST' } },
    ]);
    expect(response.text).not.toMatch(/stack|requestPipeline/);
    // The document was not stored under the hash it was sent with.
    const byHash = await postJson(stack.url, {
      extensions: { persistedQuery: { version: 1, sha256Hash: OTHER_HASH } },
    });
    expect(errorsOf(byHash)[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(levelsOf(stack).filter((level) => level >= 50)).toEqual([]);
  });

  it('answers an unknown persisted query version as BAD_REQUEST and logs no error', async () => {
    const response = await postJson(stack.url, {
      query: DOCUMENT,
      extensions: { persistedQuery: { version: 2, sha256Hash: HASH } },
    });
    expect(response.status).toBe(400);
    expect(errorsOf(response)).toEqual([
      { message: 'Unsupported persisted query version', extensions: { code: 'BAD_REQUEST' } },
    ]);
    expect(levelsOf(stack).filter((level) => level >= 50)).toEqual([]);
  });

  it('still runs a document registered under its own hash by a caller the API accepted', async () => {
    const auth = { authorization: DEMO_CREDENTIALS.authorizationHeader };
    // An enrolment the API answered: from then on the gateway knows these credentials.
    const enrolled = await postJson(
      stack.url,
      {
        query:
          'mutation E($input: EnrolCustomersInput!) { enrolCustomers(input: $input) { __typename } }',
        variables: { input: enrolInput('ID', [demoCustomers('demo')[0]!.id]) },
      },
      auth,
    );
    expect(enrolled.json).toEqual({
      data: { enrolCustomers: { __typename: 'EnrolCustomersResult' } },
    });
    const registered = await postJson(
      stack.url,
      {
        query: DOCUMENT,
        extensions: { persistedQuery: { version: 1, sha256Hash: HASH } },
      },
      auth,
    );
    expect(registered.json).toEqual({ data: { gatewayLimits: { maxCustomersPerMutation: 1000 } } });
    const byHash = await postJson(stack.url, {
      extensions: { persistedQuery: { version: 1, sha256Hash: HASH } },
    });
    expect(byHash.json).toEqual(registered.json);
  });
});
