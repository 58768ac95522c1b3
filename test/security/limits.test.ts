import { Lexer, Source, TokenKind, parse, print, validate, type GraphQLSchema } from 'graphql';
import { buildGatewaySchema } from '../../src/resolvers';
import { documentNestingLimitFor, nestingOf } from '../../src/http/document-nesting';
import { operationLimitRules } from '../../src/graphql/operation-limits';
import { DEMO_CREDENTIALS, demoCustomers } from '../../src/sandbox';
import {
  EarnPromotionDocument,
  EnrolCustomersDocument,
  GatewayLimitsDocument,
} from '../generated/graphql';
import {
  enrolInput,
  graphqlBody,
  postJson,
  startSecureStack,
  type RawResponse,
  type SecureStack,
} from './support';

const auth = { authorization: DEMO_CREDENTIALS.authorizationHeader };
const ids = demoCustomers('demo').map((c) => c.id);

/** Tokens as graphql-js' parser counts them for `maxTokens`: every token but <EOF>. */
function tokenCount(document: string): number {
  const lexer = new Lexer(new Source(document));
  let count = 0;
  while (lexer.advance().kind !== TokenKind.EOF) count++;
  return count;
}

function errorMessages(response: RawResponse): string[] {
  return (graphqlBody(response).errors ?? []).map((e) => e.message);
}

/** An enrolment of one customer that selects `selection` on the result. */
function enrolOne(selection: string): string {
  return `mutation Enrol($input: EnrolCustomersInput!) {
    enrolCustomers(input: $input) { __typename ... on EnrolCustomersResult { ${selection} } }
  }`;
}

function expectRefusedBeforeExecution(response: RawResponse, stack: SecureStack, message: string) {
  expect(response.status).toBe(400);
  expect(graphqlBody(response).data).toBeUndefined();
  expect(errorMessages(response)).toContain(message);
  expect(stack.sandbox.calls()).toHaveLength(0);
}

describe('limits at their defaults', () => {
  let stack: SecureStack;
  let schema: GraphQLSchema;

  beforeAll(async () => {
    stack = await startSecureStack();
    schema = await buildGatewaySchema();
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.sandbox.reset());

  it('admits every operation of the contract with at least half of each limit to spare', () => {
    const halved = {
      maxQueryDepth: stack.config.maxQueryDepth / 2,
      maxAliases: Math.floor(stack.config.maxAliases / 2),
      maxRootFields: stack.config.maxRootFields / 2,
      maxTokens: stack.config.maxTokens / 2,
    };
    for (const document of [EnrolCustomersDocument, EarnPromotionDocument, GatewayLimitsDocument]) {
      const source = print(document);
      expect(tokenCount(source)).toBeLessThanOrEqual(halved.maxTokens);
      expect(nestingOf(source, 1000)).toBeLessThanOrEqual(
        documentNestingLimitFor(stack.config.maxQueryDepth) / 2,
      );
      expect(validate(schema, parse(source), operationLimitRules(halved))).toEqual([]);
    }
  });

  describe(`aliases (MAX_ALIASES, default 15)`, () => {
    const aliases = (n: number) =>
      Array.from({ length: n }, (_, i) => `total${i}: totalCount`).join(' ');

    it('runs a mutation that uses 15 aliases', async () => {
      const response = await postJson(
        stack.url,
        { query: enrolOne(aliases(15)), variables: { input: enrolInput('ID', [ids[0]!]) } },
        auth,
      );
      expect(response.status).toBe(200);
      expect(graphqlBody(response).data?.enrolCustomers).toMatchObject({ total0: 1, total14: 1 });
      expect(stack.sandbox.calls()).toHaveLength(1);
    });

    it('refuses a mutation that uses 16 aliases before any API call', async () => {
      const response = await postJson(
        stack.url,
        { query: enrolOne(aliases(16)), variables: { input: enrolInput('ID', [ids[0]!]) } },
        auth,
      );
      expectRefusedBeforeExecution(response, stack, 'Aliases limit of 15 exceeded, found 16.');
    });

    it('counts aliases of __typename too: 3,000 of them on each of 1,000 violations were a 74 MB answer to 92 KB', async () => {
      const typenames = Array.from({ length: 16 }, (_, i) => `t${i}: __typename`).join(' ');
      const response = await postJson(
        stack.url,
        {
          query: `mutation Amplified($input: EnrolCustomersInput!) { enrolCustomers(input: $input) { ... on InvalidInputError { violations { ${typenames} } } } }`,
          variables: { input: enrolInput('ID', ['', '']) },
        },
        auth,
      );
      expectRefusedBeforeExecution(response, stack, 'Aliases limit of 15 exceeded, found 16.');
    });
  });

  describe('root fields (MAX_ROOT_FIELDS, default 10)', () => {
    function rootFields(n: number) {
      const variables = Object.fromEntries(
        Array.from({ length: n }, (_, i) => [`input${i}`, enrolInput('ID', [ids[i]!])]),
      );
      const definitions = Object.keys(variables)
        .map((name) => `$${name}: EnrolCustomersInput!`)
        .join(', ');
      const fields = Object.keys(variables)
        .map((name) => `${name}: enrolCustomers(input: $${name}) { __typename }`)
        .join('\n');
      return { query: `mutation Many(${definitions}) { ${fields} }`, variables };
    }

    it('runs 10 mutations in one operation', async () => {
      const response = await postJson(stack.url, rootFields(10), auth);
      expect(response.status).toBe(200);
      expect(Object.values(graphqlBody(response).data ?? {})).toEqual(
        Array.from({ length: 10 }, () => ({ __typename: 'EnrolCustomersResult' })),
      );
      expect(stack.sandbox.ledger()).toHaveLength(10);
    });

    it('counts root fields through fragments, every spread of a fragment counted', () => {
      const document = parse(
        '{ ...A ... on Query { ...A } } ' +
          'fragment A on Query { __typename ...B } fragment B on Query { __typename gatewayLimits { batchWindowMs } }',
      );
      const limits = { maxQueryDepth: 10, maxAliases: 15, maxRootFields: 5, maxTokens: 10_000 };
      expect(validate(schema, document, operationLimitRules(limits)).map((e) => e.message)).toEqual(
        ['Root fields limit of 5 exceeded, found 6.'],
      );
    });

    it('refuses an operation of 11 mutations before any API call', async () => {
      const response = await postJson(stack.url, rootFields(11), auth);
      expectRefusedBeforeExecution(response, stack, 'Root fields limit of 10 exceeded, found 11.');
    });
  });

  describe('tokens (MAX_TOKENS, default 10000)', () => {
    const CUSTOMERS_PER_MUTATION = 500;

    /**
     * Enrolments of customers written inline (8 tokens each), 500 per mutation field,
     * as many as fit in exactly `tokens` tokens; the last 0..7 tokens are fields and
     * aliases of the selection.
     */
    function inlineEnrolments(tokens: number): { query: string; customers: number } {
      const document = (customers: number, extraTokens: number) => {
        const extras: string[] = [];
        let left = extraTokens;
        for (let alias = 0; left >= 3 && alias < 2; alias++, left -= 3) {
          extras.push(`t${alias}: totalCount`);
        }
        extras.push(...['totalCount', 'failureCount', 'replayed'].slice(0, left));
        const fields = [];
        for (let start = 0; start < customers; start += CUSTOMERS_PER_MUTATION) {
          const end = Math.min(customers, start + CUSTOMERS_PER_MUTATION);
          const list = ids
            .slice(start, end)
            .map((id) => `{ identifierValue: "${id}", source: INSTORE }`)
            .join(' ');
          const selection = end === customers ? extras.join(' ') : '';
          fields.push(
            `m${start}: enrolCustomers(input: { promotion: { programId: 469, promotionId: 57099 }, ` +
              `identifierName: ID, customers: [${list}] }) ` +
              `{ ... on EnrolCustomersResult { successCount ${selection} } }`,
          );
        }
        return `mutation { ${fields.join(' ')} }`;
      };
      let customers = Math.ceil(tokens / 8);
      while (tokenCount(document(customers, 0)) > tokens) customers--;
      const query = document(customers, tokens - tokenCount(document(customers, 0)));
      expect(tokenCount(query)).toBe(tokens);
      return { query, customers };
    }

    it('runs an operation of exactly 10000 tokens (over 1200 customers written inline)', async () => {
      const { query, customers } = inlineEnrolments(10_000);
      expect(customers).toBeGreaterThan(1200);
      const response = await postJson(stack.url, { query }, auth);
      expect(response.status).toBe(200);
      const data = graphqlBody(response).data as Record<string, { successCount?: number }>;
      const enrolled = Object.values(data).reduce(
        (sum, field) => sum + (field.successCount ?? 0),
        0,
      );
      expect(enrolled).toBe(customers);
      expect(stack.sandbox.ledger()).toHaveLength(customers);
    });

    it('refuses an operation of 10001 tokens before any API call', async () => {
      const response = await postJson(stack.url, { query: inlineEnrolments(10_001).query }, auth);
      expectRefusedBeforeExecution(response, stack, 'Syntax Error: Token limit of 10000 exceeded.');
    });
  });

  describe('operations per batched request (MAX_BATCH_OPERATIONS, default 50)', () => {
    const batch = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        query: enrolOne('successCount'),
        variables: { input: enrolInput('ID', [ids[i]!]) },
      }));

    it('runs a batch of 50 operations', async () => {
      const response = await postJson(stack.url, batch(50), auth);
      expect(response.status).toBe(200);
      expect(response.json).toEqual(
        Array.from({ length: 50 }, () => ({
          data: { enrolCustomers: { __typename: 'EnrolCustomersResult', successCount: 1 } },
        })),
      );
    });

    it('refuses a batch of 51 operations before any API call', async () => {
      const response = await postJson(stack.url, batch(51), auth);
      expectRefusedBeforeExecution(
        response,
        stack,
        'Batch limit of 50 operations exceeded, found 51.',
      );
    });
  });

  describe('request body size (MAX_BODY_BYTES, default 1 MiB)', () => {
    /** A valid enrolment padded with JSON whitespace to exactly `bytes` bytes. */
    function paddedBody(bytes: number): string {
      const body = JSON.stringify({
        query: enrolOne('successCount'),
        variables: { input: enrolInput('ID', [ids[0]!]) },
      });
      return body + ' '.repeat(bytes - Buffer.byteLength(body));
    }

    it('runs a mutation whose body is exactly 1048576 bytes', async () => {
      const response = await postJson(stack.url, paddedBody(1_048_576), auth);
      expect(response.status).toBe(200);
      expect(stack.sandbox.calls()).toHaveLength(1);
    });

    it('refuses a body of 1048577 bytes with 413 before any API call', async () => {
      const response = await postJson(stack.url, paddedBody(1_048_577), auth);
      expect(response.status).toBe(413);
      expect(graphqlBody(response).errors).toEqual([
        {
          message: 'Request body is larger than the limit of 1048576 bytes.',
          extensions: { code: 'PAYLOAD_TOO_LARGE' },
        },
      ]);
      expect(response.headers.get('x-request-id')).toEqual(expect.any(String));
      expect(stack.sandbox.calls()).toHaveLength(0);
    });
  });

  describe('query depth (MAX_QUERY_DEPTH, default 10)', () => {
    // The schema's mutations are 5 fields deep at most, so the default is shown with
    // introspection's recursive __Type; a lowered limit shows it on mutations below.
    const typeQuery = (depth: number) =>
      `{ __type(name: "String") { ${'ofType { '.repeat(depth - 2)}name${' }'.repeat(depth - 2)} } }`;

    it('answers a query 10 fields deep', async () => {
      const response = await postJson(stack.url, { query: typeQuery(10) });
      expect(response.status).toBe(200);
      expect(graphqlBody(response).data?.__type).toMatchObject({ ofType: null });
    });

    it('refuses a query 11 fields deep', async () => {
      const response = await postJson(stack.url, { query: typeQuery(11) });
      expectRefusedBeforeExecution(response, stack, 'Query depth limit of 10 exceeded, found 11.');
    });
  });

  describe('bracket nesting before parsing (4 × MAX_QUERY_DEPTH, at least 64)', () => {
    const nestedFragments = (brackets: number) =>
      `{ ${'... on Query { '.repeat(brackets - 1)}__typename${' }'.repeat(brackets - 1)} }`;

    it('answers a document nested 64 brackets deep', async () => {
      const response = await postJson(stack.url, { query: nestedFragments(64) });
      expect(response.status).toBe(200);
      expect(graphqlBody(response).data).toEqual({ __typename: 'Query' });
    });

    it('refuses a document nested 65 brackets deep without parsing it', async () => {
      const response = await postJson(stack.url, { query: nestedFragments(65) });
      expectRefusedBeforeExecution(
        response,
        stack,
        'Syntax Error: Nesting limit of 64 brackets exceeded.',
      );
    });
  });
});

describe('query depth on mutations, with MAX_QUERY_DEPTH=4', () => {
  let stack: SecureStack;

  beforeAll(async () => {
    stack = await startSecureStack({ MAX_QUERY_DEPTH: '4' });
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.sandbox.reset());

  it('runs a mutation that selects 4 fields deep', async () => {
    const query = enrolOne('results { outcome { ... on Enrolment { issualId } } }');
    const response = await postJson(
      stack.url,
      { query, variables: { input: enrolInput('ID', [ids[0]!]) } },
      auth,
    );
    expect(response.status).toBe(200);
    expect(stack.sandbox.ledger()).toHaveLength(1);
  });

  it("refuses the contract's EnrolCustomers operation (5 fields deep) before any API call", async () => {
    const response = await postJson(
      stack.url,
      { query: print(EnrolCustomersDocument), variables: { input: enrolInput('ID', [ids[0]!]) } },
      auth,
    );
    expectRefusedBeforeExecution(response, stack, 'Query depth limit of 4 exceeded, found 5.');
  });
});
