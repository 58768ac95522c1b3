import {
  EarnPromotionDocument,
  EnrolCustomersDocument,
  GatewayLimitsDocument,
} from '../generated/graphql';
import type { EnrolCustomersMutation, EnrolCustomersMutationVariables } from '../generated/graphql';
import {
  ACME_CREDENTIALS,
  DEMO_CREDENTIALS,
  DEMO_READONLY_CREDENTIALS,
  demoCustomers,
} from '../../src/sandbox';
import { execute, executeBatch, startStack, type Stack } from '../support/stack';

const demoAuth = { authorization: DEMO_CREDENTIALS.authorizationHeader };
const acmeAuth = { authorization: ACME_CREDENTIALS.authorizationHeader };
const demo = demoCustomers('demo');
const acme = demoCustomers('acme');

type EnrolInput = EnrolCustomersMutationVariables['input'];

function enrolInput(ids: string[], promotionId = 57099, programId = 469): EnrolInput {
  return {
    promotion: { programId, promotionId },
    identifierName: 'ID',
    customers: ids.map((identifierValue) => ({ identifierValue, source: 'INSTORE' })),
  };
}

type EnrolPayload = EnrolCustomersMutation['enrolCustomers'];
type EnrolResult = Extract<EnrolPayload, { __typename: 'EnrolCustomersResult' }>;

function asResult(payload: EnrolPayload | undefined): EnrolResult {
  if (payload?.__typename !== 'EnrolCustomersResult') {
    throw new Error(`expected EnrolCustomersResult, got ${JSON.stringify(payload)}`);
  }
  return payload;
}

describe('the gateway against the sandbox', () => {
  let stack: Stack;
  let url: string;

  beforeAll(async () => {
    // A generous window so that concurrent HTTP requests on a busy machine still meet.
    stack = await startStack({ BATCH_WINDOW_MS: '25' });
    url = stack.gateway.graphqlUrl;
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.sandbox.reset());

  describe("the vendor page's examples, as GraphQL mutations", () => {
    it('enrols customer 555567088 into promotion 57099 and returns its issualId', async () => {
      const { body } = await execute(
        url,
        EnrolCustomersDocument,
        { input: enrolInput(['555567088']) },
        demoAuth,
      );
      const result = asResult(body.data?.enrolCustomers);
      expect(result).toMatchObject({
        totalCount: 1,
        successCount: 1,
        failureCount: 0,
        replayed: false,
      });
      const [ledger] = stack.sandbox.ledger();
      expect(result.results[0]).toEqual({
        identifierValue: '555567088',
        source: 'INSTORE',
        outcome: {
          __typename: 'Enrolment',
          entityId: '555567088',
          programId: 469,
          promotionId: 57099,
          promoIdentifier: 'REVIEW_REWARD',
          issualId: ledger?.issualId,
          warnings: [],
        },
      });
    });

    it('enrols two customers by mobile into promotion 69218, then they earn it', async () => {
      const input = {
        promotion: { programId: 469, promotionId: 69218 },
        identifierName: 'MOBILE' as const,
        customers: [
          { identifierValue: '11223569865', source: 'INSTORE' as const },
          { identifierValue: '919986000586', source: 'INSTORE' as const },
        ],
      };
      const enrolled = asResult(
        (await execute(url, EnrolCustomersDocument, { input }, demoAuth)).body.data?.enrolCustomers,
      );
      expect(enrolled.results.map((r) => r.outcome.__typename)).toEqual(['Enrolment', 'Enrolment']);

      const earned = (await execute(url, EarnPromotionDocument, { input }, demoAuth)).body.data
        ?.earnPromotion;
      expect(earned?.__typename).toBe('EarnPromotionResult');
      if (earned?.__typename !== 'EarnPromotionResult') return;
      const earnings = stack.sandbox.ledger().filter((e) => e.action === 'EARN');
      expect(earned.results.map((r) => r.outcome)).toEqual(
        earnings.map((e) =>
          expect.objectContaining({
            __typename: 'Earning',
            issualId: e.issualId,
            earnedId: e.earnedId,
          }),
        ),
      );
    });

    it('earns the Direct Issue promotion 202090 with a placeholder issualId and a real earnedId', async () => {
      const input = { ...enrolInput(['555567088'], 202090) };
      const { body } = await execute(url, EarnPromotionDocument, { input }, demoAuth);
      const payload = body.data?.earnPromotion;
      expect(payload?.__typename).toBe('EarnPromotionResult');
      if (payload?.__typename !== 'EarnPromotionResult') return;
      const [entry] = stack.sandbox.ledger();
      expect(payload.results[0]?.outcome).toMatchObject({
        __typename: 'Earning',
        promotionId: 202090,
        earnedId: entry?.earnedId,
      });
    });

    it('answers UnsupportedActionError for ENROL on a Direct promotion, hoisted to the payload', async () => {
      const { body } = await execute(
        url,
        EnrolCustomersDocument,
        { input: enrolInput(['555567088', '100000001'], 202090) },
        demoAuth,
      );
      expect(body.data?.enrolCustomers).toMatchObject({
        __typename: 'UnsupportedActionError',
        upstreamCode: 8902,
        retryable: false,
      });
    });

    it('reports CustomerNotFoundError per customer among successes, in input order', async () => {
      const { body } = await execute(
        url,
        EnrolCustomersDocument,
        { input: enrolInput(['999999991', '555567088', '999999992']) },
        demoAuth,
      );
      const result = asResult(body.data?.enrolCustomers);
      expect(result).toMatchObject({ totalCount: 3, successCount: 1, failureCount: 2 });
      expect(result.results.map((r) => [r.identifierValue, r.outcome.__typename])).toEqual([
        ['999999991', 'CustomerNotFoundError'],
        ['555567088', 'Enrolment'],
        ['999999992', 'CustomerNotFoundError'],
      ]);
    });

    it.each([
      ['InvalidProgramError', 1101, { programId: 699, promotionId: 74116 }],
      ['InvalidPromotionError', 8874, { programId: 469, promotionId: 12345 }],
      ['PromotionInactiveError', 8892, { programId: 469, promotionId: 70000 }],
    ])('hoists %s (code %i) to the payload', async (typename, code, promotion) => {
      const input = { ...enrolInput(['555567088', '100000001']), promotion };
      const { body } = await execute(url, EnrolCustomersDocument, { input }, demoAuth);
      expect(body.data?.enrolCustomers).toMatchObject({ __typename: typename, upstreamCode: code });
    });

    it('answers IssueFailedError for an EARN without an active enrolment', async () => {
      const { body } = await execute(
        url,
        EarnPromotionDocument,
        { input: enrolInput(['100000001']) },
        demoAuth,
      );
      const payload = body.data?.earnPromotion;
      expect(payload).toMatchObject({
        __typename: 'EarnPromotionResult',
        failureCount: 1,
        results: [
          { outcome: { __typename: 'IssueFailedError', upstreamCode: 8896, retryable: false } },
        ],
      });
    });

    it('answers LimitExhaustedError (warning 8890) once the earn limit is used up', async () => {
      const input = enrolInput(['100000002'], 202090);
      await execute(url, EarnPromotionDocument, { input }, demoAuth);
      const { body } = await execute(url, EarnPromotionDocument, { input }, demoAuth);
      expect(body.data?.earnPromotion).toMatchObject({
        __typename: 'EarnPromotionResult',
        successCount: 0,
        results: [{ outcome: { __typename: 'LimitExhaustedError', upstreamCode: 8890 } }],
      });
      expect(stack.sandbox.ledger()).toHaveLength(1);
    });

    it('finds a promotion by promoIdentifier', async () => {
      const input = {
        ...enrolInput(['555567088']),
        promotion: { programId: 469, promoIdentifier: 'REVIEW_REWARD' },
      };
      const result = asResult(
        (await execute(url, EnrolCustomersDocument, { input }, demoAuth)).body.data?.enrolCustomers,
      );
      expect(result.results[0]?.outcome).toMatchObject({
        __typename: 'Enrolment',
        promoIdentifier: 'REVIEW_REWARD',
      });
    });
  });

  describe('coalescing', () => {
    it('sends 300 concurrent single-customer mutations in at most 4 calls, each caller getting its own issualId', async () => {
      // Its own gateway with a wide window: on a busy CI machine (another jest worker
      // running the chaos or fuzz suite) 300 HTTP requests can take longer than 25 ms to
      // arrive. A full batch still goes out the moment it holds 100 customers.
      const wide = await startStack({ BATCH_WINDOW_MS: '250' });
      try {
        const wideUrl = wide.gateway.graphqlUrl;
        const ids = demo.slice(0, 300).map((c) => c.id);
        // Warm up first: 300 fresh TCP connections and a cold JIT would spread the
        // arrivals over far more than one window; a real client keeps its connections.
        await Promise.all(ids.map(() => execute(wideUrl, GatewayLimitsDocument, {})));
        const answers = await Promise.all(
          ids.map((id) =>
            execute(wideUrl, EnrolCustomersDocument, { input: enrolInput([id]) }, demoAuth),
          ),
        );
        const calls = wide.sandbox.calls();
        expect(calls.length).toBeLessThanOrEqual(4);
        expect(calls.every((c) => c.customers <= 100)).toBe(true);
        const issualIdOf = new Map(
          wide.sandbox.ledger().map((e) => [String(e.entityId), e.issualId]),
        );
        expect(issualIdOf.size).toBe(300);
        answers.forEach((answer, i) => {
          const outcome = asResult(answer.body.data?.enrolCustomers).results[0]?.outcome;
          expect(outcome).toMatchObject({
            __typename: 'Enrolment',
            entityId: ids[i],
            issualId: issualIdOf.get(ids[i]!),
          });
        });
      } finally {
        await wide.close();
      }
    });

    it('never mixes two orgs in one call, and each caller sees only its own results', async () => {
      const jobs = Array.from({ length: 200 }, (_, i) =>
        i % 2 === 0
          ? { org: 'demo', id: demo[i]!.id, headers: demoAuth, programId: 469, promotionId: 57099 }
          : {
              org: 'acme',
              id: acme[i % acme.length]!.id,
              headers: acmeAuth,
              programId: 699,
              promotionId: 74116,
            },
      );
      const answers = await Promise.all(
        jobs.map((job) =>
          execute(
            url,
            EnrolCustomersDocument,
            { input: enrolInput([job.id], job.promotionId, job.programId) },
            job.headers,
          ),
        ),
      );
      const calls = stack.sandbox.calls();
      for (const call of calls) {
        const body = call.body as { customers: { identifierValue: string }[] };
        const orgs = new Set(
          body.customers.map((c) => jobs.find((j) => j.id === c.identifierValue)?.org),
        );
        expect([...orgs]).toEqual([call.org]);
      }
      expect(new Set(calls.map((c) => c.org))).toEqual(new Set(['demo', 'acme']));
      const ledger = stack.sandbox.ledger();
      answers.forEach((answer, i) => {
        const job = jobs[i]!;
        const entry = ledger.find((e) => e.org === job.org && String(e.entityId) === job.id);
        expect(asResult(answer.body.data?.enrolCustomers).results[0]?.outcome).toMatchObject({
          entityId: job.id,
          programId: job.programId,
          issualId: entry?.issualId,
        });
      });
    });

    it('never mixes promotions or identifierNames in one call', async () => {
      const byId57099 = demo.slice(0, 20).map((c) => c.id);
      const byId69218 = demo.slice(20, 40).map((c) => c.id);
      const byMobile = demo.slice(40, 60).map((c) => c.mobile);
      await Promise.all([
        ...byId57099.map((id) =>
          execute(url, EnrolCustomersDocument, { input: enrolInput([id]) }, demoAuth),
        ),
        ...byId69218.map((id) =>
          execute(url, EnrolCustomersDocument, { input: enrolInput([id], 69218) }, demoAuth),
        ),
        ...byMobile.map((mobile) =>
          execute(
            url,
            EnrolCustomersDocument,
            { input: { ...enrolInput([mobile]), identifierName: 'MOBILE' } },
            demoAuth,
          ),
        ),
      ]);
      const groups = stack.sandbox.calls().map((call) => {
        const body = call.body as {
          promotionDetails: { promotionId: number };
          identifierName: string;
          customers: { identifierValue: string }[];
        };
        return {
          key: `${body.promotionDetails.promotionId}/${body.identifierName}`,
          values: body.customers.map((c) => c.identifierValue),
        };
      });
      const sent = (key: string) =>
        groups
          .filter((g) => g.key === key)
          .flatMap((g) => g.values)
          .sort();
      expect(sent('57099/id')).toEqual([...byId57099].sort());
      expect(sent('69218/id')).toEqual([...byId69218].sort());
      expect(sent('57099/mobile')).toEqual([...byMobile].sort());
    });

    it('splits one mutation of 250 customers into 3 calls and keeps failures in their positions', async () => {
      const ids = demo.slice(0, 250).map((c) => c.id);
      const missing = new Map([
        [7, '999000007'],
        [120, '999000120'],
        [249, '999000249'],
      ]);
      for (const [position, id] of missing) ids[position] = id;
      const { body } = await execute(
        url,
        EnrolCustomersDocument,
        { input: enrolInput(ids) },
        demoAuth,
      );
      const result = asResult(body.data?.enrolCustomers);
      expect(
        stack.sandbox
          .calls()
          .map((c) => c.customers)
          .sort((a, b) => b - a),
      ).toEqual([100, 100, 50]);
      expect(result).toMatchObject({ totalCount: 250, successCount: 247, failureCount: 3 });
      expect(result.results.map((r) => r.identifierValue)).toEqual(ids);
      result.results.forEach((r, i) => {
        expect(r.outcome.__typename).toBe(missing.has(i) ? 'CustomerNotFoundError' : 'Enrolment');
      });
    });

    it('sends one batched HTTP request of 20 operations as one API call', async () => {
      const ids = demo.slice(0, 20).map((c) => c.id);
      const { status, bodies } = await executeBatch(
        url,
        EnrolCustomersDocument,
        ids.map((id) => ({ input: enrolInput([id]) })),
        demoAuth,
      );
      expect(status).toBe(200);
      expect(
        bodies.map((b) => asResult(b.data?.enrolCustomers).results[0]?.outcome.__typename),
      ).toEqual(ids.map(() => 'Enrolment'));
      expect(stack.sandbox.calls()).toHaveLength(1);
    });
  });

  describe('refusals', () => {
    it('lists every violation of an invalid input and calls nothing', async () => {
      const input = {
        promotion: { programId: 469, promotionId: 57099, promoIdentifier: 'REVIEW_REWARD' },
        identifierName: 'ID' as const,
        customers: [
          { identifierValue: 'abc', source: 'INSTORE' as const },
          { identifierValue: '', source: 'INSTORE' as const },
          { identifierValue: '555567088', source: 'INSTORE' as const },
          { identifierValue: '555567088', source: 'WEBSITE' as const },
        ],
      };
      const { body } = await execute(url, EnrolCustomersDocument, { input }, demoAuth);
      expect(body.data?.enrolCustomers).toMatchObject({
        __typename: 'InvalidInputError',
        retryable: false,
        violations: [
          { field: 'promotion' },
          { field: 'customers[0].identifierValue' },
          { field: 'customers[1].identifierValue' },
          { field: 'customers[3].identifierValue' },
        ],
      });
      expect(stack.sandbox.calls()).toHaveLength(0);
    });

    it('refuses a mutation without credentials as UNAUTHENTICATED, with no API call', async () => {
      const { body } = await execute(url, EnrolCustomersDocument, {
        input: enrolInput(['555567088']),
      });
      expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(stack.sandbox.calls()).toHaveLength(0);
    });

    it('maps the API 401 to UNAUTHENTICATED and 403 to FORBIDDEN', async () => {
      const wrong = await execute(
        url,
        EnrolCustomersDocument,
        { input: enrolInput(['555567088']) },
        { authorization: 'Basic d3Jvbmc6d3Jvbmc=' },
      );
      const readonly = await execute(
        url,
        EnrolCustomersDocument,
        { input: enrolInput(['555567088']) },
        { authorization: DEMO_READONLY_CREDENTIALS.authorizationHeader },
      );
      expect(wrong.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(readonly.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(stack.sandbox.ledger()).toHaveLength(0);
    });

    it('forwards an OAuth token as it came', async () => {
      const tokenResponse = await fetch(`${stack.sandbox.url}/v3/oauth/token/generate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ key: 'demo-key', secret: 'demo-secret' }),
      });
      const { data } = (await tokenResponse.json()) as { data: { accessToken: string } };
      const { body } = await execute(
        url,
        EnrolCustomersDocument,
        { input: enrolInput(['555567088']) },
        { 'x-cap-api-oauth-token': data.accessToken },
      );
      expect(asResult(body.data?.enrolCustomers).successCount).toBe(1);
    });
  });

  describe('the HTTP surface', () => {
    it('answers gatewayLimits without credentials', async () => {
      const { body } = await execute(url, GatewayLimitsDocument, {});
      expect(body.data?.gatewayLimits).toEqual({
        maxCustomersPerMutation: 1000,
        upstreamBatchSize: 100,
        batchWindowMs: 25,
      });
    });

    it('refuses a mutation over GET with 405', async () => {
      const query = encodeURIComponent(
        'mutation { enrolCustomers(input: {promotion: {programId: 469, promotionId: 57099}, identifierName: ID, customers: [{identifierValue: "555567088", source: INSTORE}]}) { __typename } }',
      );
      const response = await fetch(`${url}?query=${query}`, {
        headers: { ...demoAuth, 'apollo-require-preflight': 'true' },
      });
      expect(response.status).toBe(405);
      expect(stack.sandbox.calls()).toHaveLength(0);
    });

    it('serves /healthz and /readyz', async () => {
      const base = url.replace(/\/graphql$/, '');
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
    });
  });
});
