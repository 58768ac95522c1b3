/**
 * The gateway runs operations as graphql-jit compiled queries (src/graphql/compiled-executor.ts).
 * Callers must not be able to tell: the same requests, sent over HTTP to a gateway that
 * compiles and to one where graphql-js interprets everything, get the same answers byte
 * for byte (but the request id), and send the same customers to the API, whether an
 * operation ran compiled or not.
 */
import { print } from 'graphql';
import type { CustomerOutcome } from '../../src/domain/outcome';
import type { PromotionRequest } from '../../src/domain/promotion';
import type { PromotionSubmitter } from '../../src/promotion/promotion.service';
import { DEMO_CREDENTIALS } from '../../src/sandbox';
import {
  EarnPromotionDocument,
  EnrolCustomersDocument,
  GatewayLimitsDocument,
} from '../generated/graphql';
import {
  postJson,
  startSecureStack,
  type RawResponse,
  type SecureStack,
} from '../security/support';

const auth = { authorization: DEMO_CREDENTIALS.authorizationHeader };

/** The first digit of a customer id picks what the "API" did with it: every outcome kind. */
function outcomeFor(request: PromotionRequest, identifierValue: string): CustomerOutcome {
  const issued = {
    kind: 'ISSUED' as const,
    entityId: `entity-${identifierValue}`,
    programId: request.promotion.programId,
    promotionId: request.promotion.promotionId ?? null,
    promoIdentifier: request.promotion.promoIdentifier ?? null,
    issualId: `issual-${identifierValue}`,
    warnings: [{ code: 8013, message: 'already enrolled' }],
  };
  switch (identifierValue[0]) {
    case '1':
      return {
        ...issued,
        earnedId: request.action === 'EARN' ? `earned-${identifierValue}` : null,
      };
    case '2':
      return { ...issued, earnedId: null, warnings: [] };
    case '3':
      return {
        kind: 'UPSTREAM_ERROR',
        code: 8015,
        message: 'customer not found',
        scope: 'customer',
      };
    case '4':
      return { kind: 'UPSTREAM_ERROR', code: 1101, message: 'invalid program', scope: 'batch' };
    case '5':
      return { kind: 'RATE_LIMITED', message: 'slow down', retryAfterSeconds: 2 };
    case '6':
      return { kind: 'UNAVAILABLE', message: 'connection refused' };
    case '7':
      return { kind: 'OUTCOME_UNKNOWN', message: 'timed out after sending' };
    case '8':
      return { kind: 'AUTH_REJECTED', status: 401, message: 'bad credentials' };
    default:
      throw new Error(`no outcome scripted for ${identifierValue}`);
  }
}

/** Answers by `outcomeFor`, and remembers what it was asked to send. */
function scriptedSubmitter(): PromotionSubmitter & { sent: string[] } {
  const sent: string[] = [];
  return {
    sent,
    submit: async (request) => {
      sent.push(`${request.action}:${request.customers.map((c) => c.identifierValue).join(',')}`);
      if (request.customers.some((customer) => customer.identifierValue.startsWith('9'))) {
        throw new Error('the ledger refused');
      }
      return request.customers.map((customer) => outcomeFor(request, customer.identifierValue));
    },
  };
}

const promotion = { programId: 469, promotionId: 57099 };

function input(ids: string[], extra: Record<string, unknown> = {}) {
  return {
    promotion,
    identifierName: 'ID',
    customers: ids.map((identifierValue) => ({ identifierValue, source: 'INSTORE' })),
    ...extra,
  };
}

const enrol = print(EnrolCustomersDocument);
const earn = print(EarnPromotionDocument);

interface Case {
  name: string;
  body: unknown;
  headers?: Record<string, string>;
}

const cases: Case[] = [
  {
    name: 'enrolment: every outcome kind a payload can hold',
    body: { query: enrol, variables: { input: input(['11', '22', '33', '44', '55', '66', '77']) } },
  },
  {
    name: 'earn: earnedId present and missing',
    body: { query: earn, variables: { input: input(['12', '23', '34']) } },
  },
  {
    name: 'invalid input: typed violations, no call',
    body: { query: enrol, variables: { input: input(['1x', '', '11', '11']) } },
  },
  {
    name: 'idempotency key: stored, then replayed',
    body: { query: enrol, variables: { input: input(['13'], { idempotencyKey: 'same-key' }) } },
  },
  {
    name: 'credentials refused by the API: a top-level UNAUTHENTICATED error',
    body: { query: enrol, variables: { input: input(['88']) } },
  },
  {
    name: 'no credentials: refused before any call',
    body: { query: enrol, variables: { input: input(['14']) } },
    headers: {},
  },
  {
    name: 'an unexpected error: located, with a path',
    body: { query: enrol, variables: { input: input(['99']) } },
  },
  {
    name: 'variables refused: an unknown enum value',
    body: { query: enrol, variables: { input: { ...input(['15']), identifierName: 'IDD' } } },
  },
  {
    name: 'variables refused: a required variable missing',
    body: { query: enrol, variables: {} },
  },
  {
    name: 'variables refused: a list item of the wrong type',
    body: { query: enrol, variables: { input: { ...input([]), customers: [42] } } },
  },
  {
    name: 'variables refused: a number out of Int range',
    body: {
      query: enrol,
      variables: { input: input(['16'], { promotion: { programId: 2 ** 40, promotionId: 1 } }) },
    },
  },
  {
    name: 'two root mutations, the first refused: the second is never sent',
    body: {
      query: `mutation Two($a: EnrolCustomersInput!, $b: EarnPromotionInput!) {
        a: enrolCustomers(input: $a) { __typename }
        b: earnPromotion(input: $b) { __typename }
      }`,
      variables: { a: input(['89']), b: input(['24']) },
    },
  },
  {
    name: 'two root mutations, the first failing unexpectedly: the second is never sent',
    body: {
      query: `mutation Two($a: EnrolCustomersInput!, $b: EnrolCustomersInput!) {
        a: enrolCustomers(input: $a) { __typename }
        ...More
      }
      fragment More on Mutation { b: enrolCustomers(input: $b) { __typename } }`,
      variables: { a: input(['98']), b: input(['25']) },
    },
  },
  {
    name: 'a null variable inside an input literal, where the field is non-null',
    body: {
      query: `mutation Nested($source: CustomerSource = INSTORE) {
        enrolCustomers(input: {
          promotion: { programId: 469, promotionId: 57099 }, identifierName: ID,
          customers: [{ identifierValue: "26", source: $source }]
        }) { __typename ... on EnrolCustomersResult { results { source } } }
      }`,
      variables: { source: null },
    },
  },
  {
    name: 'a variable with a default, left out',
    body: {
      query: `mutation Defaulted(
        $input: EnrolCustomersInput = {
          promotion: { programId: 469, promotionId: 57099 }, identifierName: ID,
          customers: [{ identifierValue: "27", source: LINE }]
        }
      ) { enrolCustomers(input: $input) { __typename ... on EnrolCustomersResult { totalCount } } }`,
      variables: {},
    },
  },
  {
    name: 'inline literals only',
    body: {
      query: `mutation {
        enrolCustomers(input: {
          promotion: { programId: 469, promotionId: 57099 }, identifierName: ID,
          customers: [{ identifierValue: "28", source: LINE }]
        }) { __typename ... on EnrolCustomersResult { totalCount results { source } } }
      }`,
    },
  },
  {
    name: 'no operation of that name',
    body: { query: enrol, operationName: 'Nope', variables: { input: input(['17']) } },
  },
  {
    name: 'two operations and no operation name',
    body: { query: `${print(GatewayLimitsDocument)}\nquery Other { __typename }` },
  },
  {
    name: 'the query: aliases, inline literals, @skip and @include',
    body: {
      query: `query Limits($skip: Boolean!) {
        a: gatewayLimits { batchWindowMs upstreamBatchSize @skip(if: $skip) }
        b: gatewayLimits @include(if: $skip) { maxCustomersPerMutation }
        __typename
      }`,
      variables: { skip: true },
    },
  },
  {
    name: 'introspection of one type',
    body: { query: '{ __type(name: "Enrolment") { name kind fields { name } } }' },
  },
  {
    name: 'a batched HTTP request',
    body: [
      { query: enrol, variables: { input: input(['18']) } },
      { query: earn, variables: { input: input(['19', '35']) } },
      { query: enrol, variables: { input: { ...input(['20']), identifierName: 'NOPE' } } },
    ],
  },
];

/** What a caller reads: status, content type and body, the (random) request ids taken out. */
function observed(response: RawResponse): unknown {
  const requestId = response.headers.get('x-request-id') ?? '';
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: response.text.split(requestId).join('<request id>'),
  };
}

describe.each([
  ['development', {}, 6],
  ['production', { NODE_ENV: 'production' }, 5],
])('the compiled executor answers as graphql-js does (%s)', (_mode, env, executable) => {
  const compiledApi = scriptedSubmitter();
  const interpretedApi = scriptedSubmitter();
  let compiled: SecureStack;
  let interpreted: SecureStack;

  beforeAll(async () => {
    [compiled, interpreted] = await Promise.all([
      startSecureStack(env, { submitter: compiledApi, compile: { fromUse: 2 } }),
      startSecureStack(env, { submitter: interpretedApi, compile: false }),
    ]);
  });
  afterAll(() => Promise.all([compiled.close(), interpreted.close()]));

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const headers = c.headers ?? auth;
    // The first use runs on graphql-js; the second and third on the compiled query.
    for (let use = 1; use <= 3; use++) {
      const fromInterpreted = await postJson(interpreted.url, c.body, headers);
      const fromCompiled = await postJson(compiled.url, c.body, headers);
      expect(observed(fromCompiled)).toEqual(observed(fromInterpreted));
      expect(fromCompiled.status).toBeLessThan(500);
      expect(compiledApi.sent).toEqual(interpretedApi.sent);
    }
  });

  it('did run the repeated operations compiled, and graphql-js only where it should', () => {
    const stats = compiled.gateway.executorStats;
    expect(interpreted.gateway.executorStats).toBeNull();
    // Compiled: enrol, earn, the defaulted variable, inline literals, the query with
    // directives, and introspection but in production (refused there). Declined: the two
    // mutations of two root fields, and the variable inside a literal. The two without a
    // resolvable operation never reach compilation.
    expect(stats).toMatchObject({ compiled: executable, declined: 3 });
    expect(stats?.compiledRuns).toBeGreaterThanOrEqual(20);
  });
});
