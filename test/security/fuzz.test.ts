/**
 * Property: whatever arrives at /graphql — random JSON, broken documents, the real
 * mutations with hostile variables, odd content types, GETs, batches — the gateway
 * answers with a GraphQL response or a clear 4xx, never a 5xx, never dies, and never
 * calls the API for input that validation refuses. Every fuzzed mutation input is
 * invalid by construction, so the sandbox must see no call at all.
 */
import fc from 'fast-check';
import { print } from 'graphql';
import { CUSTOMER_SOURCES } from '../../src/domain/promotion';
import { DEMO_CREDENTIALS, demoCustomers } from '../../src/sandbox';
import {
  EarnPromotionDocument,
  EnrolCustomersDocument,
  GatewayLimitsDocument,
} from '../generated/graphql';
import { enrolInput, send, startSecureStack, type RawResponse, type SecureStack } from './support';

const RUNS = 300;
const REQUESTS_PER_RUN = 8;
const MAX_CUSTOMERS = 1000;

const auth = { authorization: DEMO_CREDENTIALS.authorizationHeader };
const mutations = [print(EnrolCustomersDocument), print(EarnPromotionDocument)];
const documents = [...mutations, print(GatewayLimitsDocument)];
const knownIds = demoCustomers('demo')
  .slice(0, 50)
  .map((c) => c.id);

interface FuzzRequest {
  kind: string;
  method: 'GET' | 'POST';
  /** Appended to the URL for GETs. */
  search?: string;
  headers: Record<string, string>;
  body?: string;
}

const text = (maxLength: number) =>
  fc.oneof(
    fc.string({ maxLength }),
    fc.string({ unit: 'binary', maxLength }),
    fc.string({ unit: 'grapheme', maxLength }),
  );

/** Numbers as JSON text, beyond what JSON.stringify makes: huge, tiny, long fractions. */
const numberText = fc.oneof(
  fc.stringMatching(/^-?[1-9]\d{0,400}$/),
  fc.stringMatching(/^-?\d{1,3}\.\d{1,40}(e[+-]?\d{1,4})?$/),
  fc.constantFrom('1e400', '-1e400', '2147483648', '-2147483649', '9007199254740993', '0', '-0'),
);

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.constantFrom(2 ** 31, 2 ** 53 + 2, -(2 ** 31) - 1, Number.MAX_VALUE, 1e-300),
  text(40),
  fc.jsonValue({ maxDepth: 3 }),
  fc.array(fc.constant(null), { maxLength: 5 }),
);

/** Mostly `fine`, now and then a hostile value: most inputs get past GraphQL's types. */
const mostly = <T>(fine: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 12, arbitrary: fine }, { weight: 1, arbitrary: hostileValue });

const source = mostly(fc.constantFrom(...CUSTOMER_SOURCES));

const identifierValue = mostly(
  fc.oneof(
    fc.constantFrom(...knownIds),
    fc.stringMatching(/^\+?\d{8,15}$/),
    fc.emailAddress(),
    text(30),
  ),
);

const customer = fc.record({ identifierValue, source });

/** A plausible input: right shape, values anywhere from fine to hostile. */
const plausibleInput = fc.record({
  promotion: fc.record(
    {
      programId: mostly(fc.oneof(fc.constant(469), fc.integer())),
      promotionId: mostly(fc.oneof(fc.constant(57099), fc.integer())),
      promoIdentifier: mostly(fc.oneof(fc.constant('REVIEW_REWARD'), text(20))),
    },
    { requiredKeys: ['programId'] },
  ),
  identifierName: mostly(fc.constantFrom('ID', 'MOBILE', 'EMAIL')),
  customers: fc.array(customer, { maxLength: 8 }),
  idempotencyKey: fc.option(text(20)),
});

type Input = Record<string, unknown> & {
  promotion: Record<string, unknown>;
  customers: unknown[];
};

/**
 * Each defect alone makes validation refuse the input (or GraphQL refuse its types),
 * so no fuzzed mutation may ever reach the API.
 */
const defects: fc.Arbitrary<(input: Input) => Input>[] = [
  fc.constant((i: Input) => ({
    ...i,
    promotion: { ...i.promotion, promotionId: 57099, promoIdentifier: 'REVIEW_REWARD' },
  })),
  fc.constant((i: Input) => ({
    ...i,
    promotion: { programId: i.promotion.programId ?? 469 },
  })),
  fc.constant((i: Input) => ({ ...i, customers: [] })),
  fc.constantFrom('', ' ', '\t\n').map(
    (blank) => (i: Input) =>
      ({
        ...i,
        customers: [...i.customers, { identifierValue: blank, source: 'INSTORE' }],
      }) as Input,
  ),
  fc.constant((i: Input) => {
    const twice = { identifierValue: knownIds[0], source: 'INSTORE' };
    return { ...i, customers: [twice, ...i.customers, twice] };
  }),
  fc
    .integer({ min: 256, max: 600 })
    .map((length) => (i: Input) => ({ ...i, idempotencyKey: 'k'.repeat(length) })),
  fc
    .integer({ min: -(2 ** 31), max: 0 })
    .map((programId) => (i: Input) => ({ ...i, promotion: { ...i.promotion, programId } })),
  // Oversized: past MAX_CUSTOMERS_PER_MUTATION.
  fc.integer({ min: MAX_CUSTOMERS + 1, max: MAX_CUSTOMERS + 300 }).map((count) => (i: Input) => ({
    ...i,
    customers: Array.from({ length: count }, (_, n) => ({
      identifierValue: String(100_000_000 + n),
      source: 'INSTORE',
    })),
  })),
];

const invalidInput = fc
  .tuple(plausibleInput, fc.oneof(...defects))
  .map(([input, defect]) => defect(input as Input));

const mutationBody = fc.record({
  query: fc.constantFrom(...mutations),
  variables: fc.record({ input: mostly(invalidInput) }),
  // Mostly none; now and then one the document may not have.
  operationName: fc.oneof(
    { weight: 6, arbitrary: fc.constant(undefined) },
    {
      weight: 1,
      arbitrary: fc.oneof(fc.constantFrom('EnrolCustomers', 'EarnPromotion'), text(10)),
    },
  ),
});

/** A real document with random edits: cuts, insertions, repeats. */
const brokenDocument = fc
  .tuple(
    fc.constantFrom(...documents),
    fc.array(fc.tuple(fc.nat(), fc.nat({ max: 40 }), text(6)), { minLength: 1, maxLength: 4 }),
  )
  .map(([document, edits]) =>
    edits.reduce((doc, [at, cut, insert]) => {
      const position = at % (doc.length + 1);
      return doc.slice(0, position) + insert + doc.slice(position + cut);
    }, document),
  );

const deepDocument = fc
  .tuple(
    fc.constantFrom('{a', '[', '{... on Query', '(a:', '{a:'),
    fc.integer({ min: 50, max: 6000 }),
  )
  .map(([open, depth]) => open.repeat(depth));

const operation = fc.oneof(
  { weight: 4, arbitrary: mutationBody },
  {
    weight: 3,
    arbitrary: fc.record(
      {
        query: fc.oneof(brokenDocument, text(200), deepDocument),
        variables: hostileValue,
        operationName: hostileValue,
        extensions: hostileValue,
      },
      { requiredKeys: ['query'] },
    ),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
);

/** Counterexamples print short: the kind and the start of what was sent. */
function described(request: FuzzRequest): FuzzRequest {
  return Object.assign(request, {
    [fc.toStringMethod]: () =>
      `${request.kind} ${request.method} ${JSON.stringify(request.headers['content-type'] ?? '')} ` +
      JSON.stringify((request.search ?? request.body ?? '').slice(0, 400)),
  });
}

const post = (kind: string, body: string, contentType = 'application/json'): FuzzRequest =>
  described({ kind, method: 'POST', headers: { ...auth, 'content-type': contentType }, body });

const fuzzRequest: fc.Arbitrary<FuzzRequest> = fc.oneof(
  { weight: 4, arbitrary: operation.map((body) => post('operation', JSON.stringify(body))) },
  fc.array(operation, { maxLength: 60 }).map((batch) => post('batch', JSON.stringify(batch))),
  fc
    .tuple(numberText, fc.constantFrom('programId', 'promotionId'), invalidInput)
    .map(([number, field, defective]) => {
      // The spliced field can mend a defect in the promotion (a missing promotionId is
      // given one), so an empty customer list keeps every such input invalid.
      const input = { ...defective, customers: [] };
      const json = JSON.stringify({ query: mutations[0], variables: { input } });
      // Splice the raw number text in where JSON.stringify could not have written it.
      const body = json.replace(`"promotion":{`, `"promotion":{"${field}":${number},`);
      return post('huge number', body);
    }),
  fc
    .tuple(fc.integer({ min: 1, max: 20_000 }), fc.constantFrom('[', '{"a":'))
    .map(([depth, open]) =>
      post(
        'deep variables',
        `{"query":${JSON.stringify(mutations[0])},"variables":{"input":${open.repeat(depth)}`,
      ),
    ),
  fc
    .tuple(
      text(300),
      fc.constantFrom(
        'application/json',
        'application/json; charset=utf-16',
        'application/graphql-response+json',
        'application/graphql',
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/octet-stream',
      ),
    )
    .map(([body, contentType]) => post('raw body', body, contentType)),
  fc
    .tuple(
      fc.oneof(brokenDocument, fc.constantFrom(...documents), text(100)),
      fc.option(fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v))),
      fc.boolean(),
    )
    .map(([query, variables, preflight]) =>
      described({
        kind: 'GET',
        method: 'GET',
        search: `?${new URLSearchParams({ query, ...(variables === null ? {} : { variables }) })}`,
        headers: { ...auth, ...(preflight ? { 'apollo-require-preflight': 'true' } : {}) },
      }),
    ),
);

function isGraphQLResult(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return 'data' in value || 'errors' in value;
}

function hasClearErrors(value: unknown): boolean {
  const errors = (value as { errors?: unknown } | null)?.errors;
  return (
    Array.isArray(errors) &&
    errors.length > 0 &&
    errors.every((e) => typeof (e as { message?: unknown }).message === 'string')
  );
}

/** What a client may rely on, whatever it sent. */
function checkAnswer(request: FuzzRequest, response: RawResponse): void {
  const context = `${request.kind} ${request.method} → ${response.status}: ${response.text.slice(0, 300)}`;
  if (response.status >= 500) throw new Error(`server error for ${context}`);
  if (/stacktrace|\n\s+at /.test(response.text)) throw new Error(`stack trace in ${context}`);
  // A batch is answered with one result per operation, also when it is refused.
  const results = Array.isArray(response.json) ? response.json : [response.json];
  if (response.status === 200) {
    if (!results.every(isGraphQLResult)) throw new Error(`not a GraphQL response: ${context}`);
  } else if (response.status >= 400) {
    const clear =
      results.length > 0 && results.every(isGraphQLResult) && results.some(hasClearErrors);
    if (!clear) throw new Error(`unclear 4xx: ${context}`);
  } else {
    throw new Error(`unexpected status: ${context}`);
  }
}

describe('fuzzing the HTTP surface', () => {
  let stack: SecureStack;
  let sent = 0;
  /** Answers where the input got past GraphQL's types to the gateway's own validation. */
  let refusedByValidation = 0;

  beforeAll(async () => {
    stack = await startSecureStack({ MAX_CUSTOMERS_PER_MUTATION: String(MAX_CUSTOMERS) });
  });
  afterAll(() => stack.close());

  it('answers every generated request with a GraphQL response or a clear 4xx, and calls the API for none', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fuzzRequest, { minLength: REQUESTS_PER_RUN, maxLength: REQUESTS_PER_RUN }),
        async (requests) => {
          // A run's requests go out together: bounded concurrency, real interleaving.
          const responses = await Promise.all(
            requests.map((request) =>
              send(`${stack.url}${request.search ?? ''}`, {
                method: request.method,
                headers: request.headers,
                ...(request.body === undefined ? {} : { body: request.body }),
              }),
            ),
          );
          sent += requests.length;
          refusedByValidation += responses.filter((r) =>
            r.text.includes('"__typename":"InvalidInputError"'),
          ).length;
          requests.forEach((request, i) => checkAnswer(request, responses[i]!));
          if (stack.sandbox.calls().length > 0) {
            throw new Error(`API called: ${JSON.stringify(stack.sandbox.calls()[0]?.body)}`);
          }
        },
      ),
      { numRuns: RUNS },
    );
    expect(sent).toBeGreaterThanOrEqual(2000);
    expect(refusedByValidation).toBeGreaterThan(200);
    expect(stack.sandbox.calls()).toHaveLength(0);

    // Still alive and still serving real work.
    expect((await send(stack.url.replace(/graphql$/, 'readyz'), {})).status).toBe(200);
    const valid = await send(stack.url, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        query: mutations[0],
        variables: { input: enrolInput('ID', [knownIds[0]!]) },
      }),
    });
    expect(valid.status).toBe(200);
    expect(stack.sandbox.calls()).toHaveLength(1);
  }, 180_000);
});
