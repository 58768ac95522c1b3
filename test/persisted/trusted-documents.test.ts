/**
 * TRUSTED_DOCUMENTS end to end: the partner client's manifest (written by the client
 * preset) is the list; the sandbox's call log shows what reached the API.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { print } from 'graphql';
import { GatewayClient } from '../../clients/typescript/src';
import { EnrolCustomersDocument as ClientEnrolDocument } from '../../clients/typescript/src/generated/graphql';
import { ConfigError, loadConfig } from '../../src/config';
import { DEMO_CREDENTIALS } from '../../src/sandbox';
import { EnrolCustomersDocument as TestEnrolDocument } from '../generated/graphql';
import { startStack, type Stack } from '../support/stack';

const MANIFEST = join(__dirname, '../../clients/typescript/src/generated/persisted-documents.json');
const demoAuth = { authorization: DEMO_CREDENTIALS.authorizationHeader };
const clientEnrolHash = (ClientEnrolDocument as unknown as { __meta__: { hash: string } }).__meta__
  .hash;

function enrolVariables(id: string) {
  return {
    input: {
      promotion: { programId: 469, promotionId: 57099 },
      identifierName: 'ID' as const,
      customers: [{ identifierValue: id, source: 'INSTORE' as const }],
    },
  };
}

async function post(url: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...demoAuth },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

const byHash = (hash: string, variables: unknown) => ({
  variables,
  extensions: { persistedQuery: { version: 1, sha256Hash: hash } },
});

describe('a gateway with TRUSTED_DOCUMENTS', () => {
  let stack: Stack;
  let url: string;

  beforeAll(async () => {
    stack = await startStack({ TRUSTED_DOCUMENTS: MANIFEST, BATCH_WINDOW_MS: '0' });
    url = stack.gateway.graphqlUrl;
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.sandbox.reset());

  it('runs a listed document that the client sends by its hash alone', async () => {
    const client = new GatewayClient({ url, headers: demoAuth, documents: 'trusted' });
    const { payload } = await client.enrolCustomers(enrolVariables('555567088').input);
    expect(payload).toMatchObject({
      __typename: 'EnrolCustomersResult',
      results: [{ outcome: { __typename: 'Enrolment' } }],
    });
    expect(stack.sandbox.calls()).toHaveLength(1);
  });

  it('refuses a document that is not listed with a GraphQL error, without an API call', async () => {
    const answer = await post(url, {
      query: print(TestEnrolDocument),
      variables: enrolVariables('555567088'),
    });
    expect(answer).toEqual({
      status: 400,
      body: {
        errors: [
          expect.objectContaining({
            message: expect.stringContaining('only its trusted documents'),
            extensions: { code: 'QUERY_NOT_IN_SAFELIST' },
          }),
        ],
      },
    });
    expect(stack.sandbox.calls()).toHaveLength(0);
  });

  it('refuses a hash that is not listed, and never registers a document sent with one', async () => {
    const text = print(TestEnrolDocument);
    const unlisted = 'a'.repeat(64);
    const registering = await post(url, { query: text, ...byHash(unlisted, enrolVariables('1')) });
    const again = await post(url, byHash(unlisted, enrolVariables('555567088')));
    expect(registering.body).toMatchObject({
      errors: [{ extensions: { code: 'QUERY_NOT_IN_SAFELIST' } }],
    });
    expect(again.body).toMatchObject({
      errors: [{ extensions: { code: 'PERSISTED_QUERY_NOT_IN_LIST' } }],
    });
    expect(stack.sandbox.calls()).toHaveLength(0);
  });

  it('judges each operation of a batched request on its own', async () => {
    const answer = await post(url, [
      byHash(clientEnrolHash, enrolVariables('555567088')),
      { query: print(TestEnrolDocument), variables: enrolVariables('555567089') },
      byHash('b'.repeat(64), enrolVariables('100000001')),
    ]);
    // One HTTP status serves the whole batch (as for UNAUTHENTICATED): a refused operation's.
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual([
      { data: { enrolCustomers: expect.objectContaining({ __typename: 'EnrolCustomersResult' }) } },
      { errors: [expect.objectContaining({ extensions: { code: 'QUERY_NOT_IN_SAFELIST' } })] },
      {
        errors: [expect.objectContaining({ extensions: { code: 'PERSISTED_QUERY_NOT_IN_LIST' } })],
      },
    ]);
    // Only the trusted operation's customer reached the API.
    expect(stack.sandbox.calls().map((call) => call.body)).toEqual([
      expect.objectContaining({
        customers: [expect.objectContaining({ identifierValue: '555567088' })],
      }),
    ]);
  });
});

describe('TRUSTED_DOCUMENTS at start-up', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trusted-documents-'));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it.each([
    ['a missing file', join(dir, 'missing.json'), /cannot be read \(ENOENT\)/],
    ['a file that is not JSON', file('broken.json', '{"abc'), /not JSON/],
    ['a JSON array', file('array.json', '[]'), /JSON object/],
    ['an entry whose key is not a sha256 hash', file('sha1.json', '{"abc": "{ a }"}'), /sha256/],
    [
      'an entry whose document does not hash to its key',
      file(
        'mismatch.json',
        JSON.stringify({ [clientEnrolHash]: 'query Other { gatewayLimits { batchWindowMs } }' }),
      ),
      /does not hash to its key/,
    ],
    ['an empty manifest', file('empty.json', '{}'), /without documents/],
  ])('stops start-up for %s, naming the variable', (_case, path, problem) => {
    let error: unknown;
    try {
      loadConfig({ TRUSTED_DOCUMENTS: path });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe('TRUSTED_DOCUMENTS');
    expect((error as Error).message).toMatch(/^TRUSTED_DOCUMENTS /);
    expect((error as Error).message).toMatch(problem);
  });

  it('loads the client preset’s manifest', () => {
    expect(
      loadConfig({ TRUSTED_DOCUMENTS: MANIFEST }).trustedDocuments?.byHash.has(clientEnrolHash),
    ).toBe(true);
  });
});
