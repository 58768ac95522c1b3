/**
 * The read side end to end (issue 13): the gateway, the sandbox, and a real upstream in
 * front of it that counts calls and can hold answers, all on sockets from listen(0).
 */
import {
  DEMO_CREDENTIALS,
  DEMO_DATA,
  DEMO_READONLY_CREDENTIALS,
  type DemoData,
} from '../../src/sandbox';
import {
  EarnPromotionDocument,
  EnrolCustomersDocument,
  PromotionDefinitionDocument,
  RevokeEarningsDocument,
  RevokeEnrolmentsDocument,
} from '../generated/graphql';
import { eventually } from '../support/eventually';
import { execute } from '../support/stack';
import {
  asPage,
  byId,
  customerPromotions,
  demoAuth,
  demoOAuthToken,
  lookups,
  startReadStack,
  type ReadStack,
} from './support';

/** The demo world plus program 470 of five more promotions: nine for every demo customer. */
function withSecondProgram(): DemoData {
  const data = structuredClone(DEMO_DATA);
  data.orgs[0]!.programs.push({
    programId: 470,
    programName: 'Second program',
    promotions: [1, 2, 3, 4, 5].map((n) => ({
      promotionId: 80_000 + n,
      promoIdentifier: null,
      type: n % 2 === 0 ? ('DIRECT' as const) : ('ENROL_AND_ISSUE' as const),
      active: true,
      earnLimit: 1,
    })),
  });
  return data;
}

const ASHA = '555567088';

async function enrol(url: string, id: string, promotionId = 57099): Promise<string> {
  const { body } = await execute(
    url,
    EnrolCustomersDocument,
    {
      input: {
        promotion: { programId: 469, promotionId },
        identifierName: 'ID',
        customers: [{ identifierValue: id, source: 'INSTORE' }],
      },
    },
    demoAuth,
  );
  const payload = body.data?.enrolCustomers;
  if (payload?.__typename !== 'EnrolCustomersResult') throw new Error(JSON.stringify(body));
  const outcome = payload.results[0]?.outcome;
  if (outcome?.__typename !== 'Enrolment') throw new Error(JSON.stringify(outcome));
  return outcome.issualId;
}

/** Revokes the customer's enrolment of 57099, or these earns of it; throws unless done. */
async function revoke(url: string, id: string, earnedIds?: string[]): Promise<void> {
  const input = {
    promotion: { programId: 469, promotionId: 57099 },
    identifierName: 'ID' as const,
    customers: [{ identifierValue: id, source: 'INSTORE' as const, earnedIds }],
  };
  const { body } =
    earnedIds === undefined
      ? await execute(url, RevokeEnrolmentsDocument, { input }, demoAuth)
      : await execute(url, RevokeEarningsDocument, { input }, demoAuth);
  const payload = body.data && Object.values(body.data)[0];
  const outcome = payload && 'results' in payload ? payload.results[0]?.outcome : undefined;
  if (
    outcome?.__typename !== 'EnrolmentRevocation' &&
    outcome?.__typename !== 'EarningRevocation'
  ) {
    throw new Error(JSON.stringify(body));
  }
}

async function earn(url: string, id: string, promotionId = 57099): Promise<string> {
  const { body } = await execute(
    url,
    EarnPromotionDocument,
    {
      input: {
        promotion: { programId: 469, promotionId },
        identifierName: 'ID',
        customers: [{ identifierValue: id, source: 'INSTORE' }],
      },
    },
    demoAuth,
  );
  const payload = body.data?.earnPromotion;
  if (payload?.__typename !== 'EarnPromotionResult') throw new Error(JSON.stringify(body));
  const outcome = payload.results[0]?.outcome;
  if (outcome?.__typename !== 'Earning') throw new Error(JSON.stringify(outcome));
  return outcome.earnedId;
}

describe('customerPromotions and promotion against the sandbox', () => {
  let stack: ReadStack;
  let url: string;

  beforeAll(async () => {
    // 20 customers in one request need 20 root fields and aliases.
    stack = await startReadStack(
      { MAX_ROOT_FIELDS: '25', MAX_ALIASES: '25', MAX_TOKENS: '20000' },
      { data: withSecondProgram() },
    );
    url = stack.url;
  });
  afterAll(() => stack.close());
  beforeEach(() => {
    stack.sandbox.reset();
    stack.upstream.calls.length = 0;
  });

  it('shows the enrolment and the earning with the issualId and earnedId the mutations returned', async () => {
    const issualId = await enrol(url, ASHA);
    const earnedId = await earn(url, ASHA);
    const page = asPage(await customerPromotions(url, byId(ASHA, { programIds: [469] })));
    expect(page.entityId).toBe(ASHA);
    const promotion = page.promotions.find((p) => p.promotionId === 57099);
    expect(promotion).toMatchObject({
      programId: 469,
      promoIdentifier: 'REVIEW_REWARD',
      name: 'Review reward',
      kind: 'ENROL_AND_ISSUE',
      active: true,
      startsAt: '2026-01-01T00:00:00.000Z',
      endsAt: '2030-12-31T23:59:59.000Z',
      usage: { maxTimesPerCustomer: 1, timesUsedByCustomer: 1, maxPointsPerCustomer: '200' },
    });
    expect(promotion?.enrolments).toEqual([
      {
        issualId,
        enrolledAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/),
        expiresAt: '2030-12-31T23:59:59.000Z',
        earnings: [
          {
            earnedId,
            earnedAt: expect.stringMatching(/Z$/),
            expiresAt: '2030-12-31T23:59:59.000Z',
            redeemedCount: 0,
          },
        ],
      },
    ]);
    // The API's times carry no offset: read as UTC, the enrolment is the ledger's time to the second.
    const [ledger] = stack.sandbox.ledger();
    expect(promotion?.enrolments[0]?.enrolledAt).toBe(`${ledger?.time.slice(0, 19)}.000Z`);
  });

  it('lists re-enrolments newest first', async () => {
    const first = await enrol(url, ASHA);
    const second = await enrol(url, ASHA);
    const page = asPage(await customerPromotions(url, byId(ASHA, { programIds: [469] })));
    const ids = page.promotions
      .find((p) => p.promotionId === 57099)
      ?.enrolments.map((e) => e.issualId);
    expect(ids).toEqual([second, first]);
  });

  it('returns the right subsets for status and kind', async () => {
    await enrol(url, ASHA);
    const ids = async (rest: Parameters<typeof byId>[1]) =>
      asPage(
        await customerPromotions(url, byId(ASHA, { programIds: [469], ...rest })),
      ).promotions.map((p) => p.promotionId);
    expect(await ids({ status: 'AVAILABLE_TO_ENROL' })).toEqual([69218]);
    expect(await ids({ status: 'AVAILABLE_TO_EARN' })).toEqual([57099, 202090]);
    expect(await ids({ status: 'EXPIRED' })).toEqual([70000]);
    expect(await ids({ kind: 'DIRECT_ISSUE' })).toEqual([202090]);
    expect(await ids({ kind: 'ENROL_AND_ISSUE', status: 'AVAILABLE_TO_REDEEM' })).toEqual([
      57099, 69218,
    ]);
  });

  it('pages through 3 pages: each promotion exactly once, hasNextPage false at the end', async () => {
    const seen: number[] = [];
    let after: string | null = null;
    const pages: boolean[] = [];
    for (let page = 0; page < 3; page++) {
      const result = asPage(
        await customerPromotions(
          url,
          byId(ASHA, { first: 3, ...(after === null ? {} : { after }) }),
        ),
      );
      expect(result.totalCount).toBe(9);
      seen.push(...result.promotions.map((p) => p.promotionId));
      pages.push(result.pageInfo.hasNextPage);
      after = result.pageInfo.endCursor ?? null;
    }
    expect(pages).toEqual([true, true, false]);
    expect(seen).toHaveLength(9);
    expect(new Set(seen).size).toBe(9);
    expect(
      lookups(stack.upstream.calls).map((c) => new URL(c.url, url).searchParams.get('offset')),
    ).toEqual(['0', '3', '6']);
  });

  it('sends exactly the documented query parameters: lower-case identifierName, comma-joined programs', async () => {
    await customerPromotions(url, {
      customer: { identifierName: 'MOBILE', identifierValue: '919986000586', source: 'INSTORE' },
      programIds: [470, 469],
      status: 'AVAILABLE_TO_EARN',
      kind: 'ENROL_AND_ISSUE',
      first: 5,
    });
    const [call] = lookups(stack.upstream.calls);
    const params = new URL(call!.url, url).searchParams;
    expect([...params.entries()].sort()).toEqual(
      [
        ['identifierName', 'mobile'],
        ['identifierValue', '919986000586'],
        ['source', 'INSTORE'],
        ['limit', '5'],
        ['offset', '0'],
        ['programs', '469,470'],
        ['promotionStatusForCustomer', 'AVAILABLE_TO_EARN'],
        ['promotionType', 'ENROL_AND_ISSUE'],
      ].sort(),
    );
    expect(call!.method).toBe('GET');
  });

  it.each([
    ['first 0', byId(ASHA, { first: 0 }), 'first'],
    ['first 101', byId(ASHA, { first: 101 }), 'first'],
    ['a cursor the gateway did not issue', byId(ASHA, { after: 'bm90LWEtY3Vyc29y' }), 'after'],
    ['a cursor that is not base64url', byId(ASHA, { after: '{"o":3}' }), 'after'],
    ['an id that is not digits', byId('55-55'), 'customer.identifierValue'],
    [
      'a mobile too short',
      {
        customer: {
          identifierName: 'MOBILE' as const,
          identifierValue: '123',
          source: 'INSTORE' as const,
        },
      },
      'customer.identifierValue',
    ],
    ['a program id not positive', byId(ASHA, { programIds: [0] }), 'programIds[0]'],
  ])('refuses %s with InvalidInputError and calls nothing', async (_name, input, field) => {
    const payload = await customerPromotions(url, input);
    expect(payload).toMatchObject({
      __typename: 'InvalidInputError',
      retryable: false,
      violations: [expect.objectContaining({ field })],
    });
    expect(stack.upstream.calls).toEqual([]);
  });

  it("refuses another query's cursor: a cursor belongs to the customer and filters it was issued for", async () => {
    const page = asPage(await customerPromotions(url, byId(ASHA, { first: 2 })));
    const cursor = page.pageInfo.endCursor!;
    const other = await customerPromotions(url, byId('555567089', { first: 2, after: cursor }));
    expect(other).toMatchObject({ __typename: 'InvalidInputError' });
    const same = asPage(await customerPromotions(url, byId(ASHA, { first: 4, after: cursor })));
    expect(same.promotions).toHaveLength(4);
  });

  it('answers 8015 as CustomerNotFoundError, and a program of another org as InvalidProgramError', async () => {
    expect(await customerPromotions(url, byId('999999'))).toMatchObject({
      __typename: 'CustomerNotFoundError',
      upstreamCode: 8015,
      retryable: false,
    });
    expect(await customerPromotions(url, byId(ASHA, { programIds: [699] }))).toMatchObject({
      __typename: 'InvalidProgramError',
      upstreamCode: 1101,
    });
  });

  it('refuses a query without credentials with UNAUTHENTICATED and calls nothing', async () => {
    const { body } = await execute(
      url,
      PromotionDefinitionDocument,
      { programId: 469, promotionId: 57099 },
      {},
    );
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    await expect(customerPromotions(url, byId(ASHA), {})).rejects.toThrow(/UNAUTHENTICATED/);
    expect(stack.upstream.calls).toEqual([]);
  });

  it('answers UNAUTHENTICATED when the API refuses the credentials (401), and serves read-only ones', async () => {
    await expect(
      customerPromotions(url, byId(ASHA), { authorization: 'Basic bm9ib2R5Om5vdGhpbmc=' }),
    ).rejects.toThrow(/UNAUTHENTICATED/);
    const readonly = { authorization: DEMO_READONLY_CREDENTIALS.authorizationHeader };
    expect(asPage(await customerPromotions(url, byId(ASHA), readonly)).totalCount).toBe(9);
  });

  it('promotion answers the definition, 4029 as InvalidPromotionError and 2010 as InvalidProgramError', async () => {
    const { body } = await execute(
      url,
      PromotionDefinitionDocument,
      { programId: 469, promotionId: 69218 },
      demoAuth,
    );
    expect(body.data?.promotion).toEqual({
      __typename: 'Promotion',
      programId: 469,
      promotionId: 69218,
      promoIdentifier: null,
      name: 'Weekend double points',
      description: null,
      kind: 'ENROL_AND_ISSUE',
      status: 'LIVE',
      active: true,
      startsAt: '2026-06-01T00:00:00.000Z',
      endsAt: null,
      eventName: 'TransactionAdd',
      limits: {
        maxTimesPerCustomer: 1,
        maxPointsPerCustomer: null,
        maxPointsPerEvent: null,
        maxPointsInPromotion: null,
      },
      restrictions: expect.arrayContaining([
        {
          scope: 'REDEMPTION',
          name: 'MAX_ALLOWED_TIMES_PER_CUSTOMER',
          value: 2,
          type: 'PERIOD_BASED',
          periodType: 'MOVING_WINDOW',
          periodUnit: 'WEEKLY',
        },
        {
          scope: 'EXPIRY',
          name: 'EARN_PROMOTION_EXPIRY_BASED_ON',
          value: 30,
          type: 'CUSTOM',
          periodType: null,
          periodUnit: null,
        },
      ]),
    });
    const missing = await execute(
      url,
      PromotionDefinitionDocument,
      { programId: 469, promotionId: 1 },
      demoAuth,
    );
    expect(missing.body.data?.promotion).toMatchObject({
      __typename: 'InvalidPromotionError',
      upstreamCode: 4029,
    });
    const otherOrg = await execute(
      url,
      PromotionDefinitionDocument,
      { programId: 699, promotionId: 74116 },
      demoAuth,
    );
    expect(otherOrg.body.data?.promotion).toMatchObject({
      __typename: 'InvalidProgramError',
      upstreamCode: 2010,
    });
  });

  describe('identical lookups in flight', () => {
    it('100 concurrent identical queries make 1 API call, and all get its answer', async () => {
      const stats = stack.gateway.reads.shared.stats;
      const joinedBefore = stats.joined;
      stack.upstream.holding = true;
      const answers = Array.from({ length: 100 }, () => customerPromotions(url, byId(ASHA)));
      await eventually(() => stats.joined - joinedBefore, {
        describe: '99 queries joining the first one',
        until: (joined) => joined >= 99,
        timeoutMs: 30_000,
      });
      stack.upstream.release();
      const pages = (await Promise.all(answers)).map(asPage);
      expect(new Set(pages.map((p) => JSON.stringify(p))).size).toBe(1);
      expect(lookups(stack.upstream.calls)).toHaveLength(1);
    });

    it('never shares a call between two callers, even of the same org', async () => {
      const token = await demoOAuthToken(stack.sandbox.url);
      stack.upstream.holding = true;
      const basic = customerPromotions(url, byId(ASHA), {
        authorization: DEMO_CREDENTIALS.authorizationHeader,
      });
      const oauth = customerPromotions(url, byId(ASHA), { 'x-cap-api-oauth-token': token });
      await eventually(() => stack.upstream.held(), {
        describe: 'both callers’ lookups held at the upstream',
        until: (held) => held === 2,
      });
      stack.upstream.release();
      expect(asPage(await basic).totalCount).toBe(9);
      expect(asPage(await oauth).totalCount).toBe(9);
      expect(lookups(stack.upstream.calls)).toHaveLength(2);
    });

    it('a query started after an enrol of that customer finished does not join a lookup started before it, and sees the enrolment', async () => {
      stack.upstream.holding = true;
      const before = customerPromotions(url, byId(ASHA, { programIds: [469] }));
      // The first lookup has been answered by the sandbox (kept at the upstream): it predates the enrolment.
      await eventually(() => stack.upstream.held(), {
        describe: 'the first lookup answered',
        until: (n) => n === 1,
      });
      stack.upstream.holding = false;
      const issualId = await enrol(url, ASHA);
      stack.upstream.holding = true;
      const after = customerPromotions(url, byId(ASHA, { programIds: [469] }));
      await eventually(() => stack.upstream.held(), {
        describe: 'a second lookup',
        until: (n) => n === 2,
      });
      stack.upstream.release();
      const enrolmentsOf = async (payload: Promise<unknown>) =>
        asPage((await payload) as Parameters<typeof asPage>[0])
          .promotions.find((p) => p.promotionId === 57099)
          ?.enrolments.map((e) => e.issualId);
      expect(await enrolmentsOf(before)).toEqual([]);
      expect(await enrolmentsOf(after)).toEqual([issualId]);
    });

    it('a query started after a revocation of that customer finished does not join a lookup started before it, and no longer sees what was revoked', async () => {
      const customer = '555567089';
      const issualId = await enrol(url, customer);
      const earnedId = await earn(url, customer);
      const activeOf = async (payload: Promise<unknown>) => {
        const promotion = asPage((await payload) as Parameters<typeof asPage>[0]).promotions.find(
          (p) => p.promotionId === 57099,
        );
        return {
          issualIds: promotion?.enrolments.map((e) => e.issualId),
          earnedIds: promotion?.enrolments.flatMap((e) => e.earnings.map((x) => x.earnedId)),
        };
      };
      const query = byId(customer, { programIds: [469] });

      const steps = [
        {
          revoke: () => revoke(url, customer, [earnedId]),
          before: { issualIds: [issualId], earnedIds: [earnedId] },
          after: { issualIds: [issualId], earnedIds: [] },
        },
        {
          revoke: () => revoke(url, customer),
          before: { issualIds: [issualId], earnedIds: [] },
          after: { issualIds: [], earnedIds: [] },
        },
      ];
      for (const step of steps) {
        stack.upstream.holding = true;
        const heldBefore = stack.upstream.held();
        const before = customerPromotions(url, query);
        await eventually(() => stack.upstream.held(), {
          describe: 'the first lookup answered',
          until: (n) => n === heldBefore + 1,
        });
        stack.upstream.holding = false;
        await step.revoke();
        stack.upstream.holding = true;
        const after = customerPromotions(url, query);
        await eventually(() => stack.upstream.held(), {
          describe: 'a second lookup',
          until: (n) => n === heldBefore + 2,
        });
        stack.upstream.release();
        expect(await activeOf(before)).toEqual(step.before);
        expect(await activeOf(after)).toEqual(step.after);
      }
    });

    it('a lookup by mobile does not join one started before a write by id of the same person', async () => {
      const mobile = byId('', {
        customer: { identifierName: 'MOBILE', identifierValue: '919986000586', source: 'INSTORE' },
        programIds: [469],
      });
      stack.upstream.holding = true;
      const before = customerPromotions(url, mobile);
      await eventually(() => stack.upstream.held(), {
        describe: 'the first lookup answered',
        until: (n) => n === 1,
      });
      stack.upstream.holding = false;
      const issualId = await enrol(url, ASHA);
      const after = asPage(await customerPromotions(url, mobile));
      stack.upstream.release();
      await before;
      expect(
        after.promotions.find((p) => p.promotionId === 57099)?.enrolments.map((e) => e.issualId),
      ).toEqual([issualId]);
    });
  });

  describe('definitions', () => {
    /** One document asking 20 customers' promotions with their definitions. */
    function twentyCustomers(): string {
      const fields = Array.from(
        { length: 20 },
        (_, n) =>
          `c${n}: customerPromotions(input: { customer: { identifierName: ID, identifierValue: "${100_000_001 + n}", source: INSTORE } }) { ... on CustomerPromotions { promotions { promotionId definition { promotionId name } } } }`,
      );
      return `query Twenty { ${fields.join(' ')} }`;
    }

    /** A caller of its own, so that no earlier test's definitions are in its cache. */
    let caller: Record<string, string>;
    beforeAll(async () => {
      caller = { 'x-cap-api-oauth-token': await demoOAuthToken(stack.sandbox.url) };
    });

    async function post(query: string): Promise<{
      data?: Record<
        string,
        {
          promotions: {
            promotionId: number;
            definition: { promotionId: number; name: string } | null;
          }[];
        }
      >;
      errors?: unknown;
    }> {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...caller },
        body: JSON.stringify({ query }),
      });
      return (await response.json()) as never;
    }

    const definitionCalls = () =>
      stack.upstream.calls.filter((c) => c.url.startsWith('/api_gateway/'));

    it("loads 20 customers' definitions with one call per distinct promotion, and none again within the TTL", async () => {
      const first = await post(twentyCustomers());
      expect(first.errors).toBeUndefined();
      const answers = Object.values(first.data ?? {});
      expect(answers).toHaveLength(20);
      for (const answer of answers) {
        for (const p of answer.promotions) expect(p.definition?.promotionId).toBe(p.promotionId);
      }
      const paths = definitionCalls().map((c) => c.url);
      expect(paths).toHaveLength(9);
      expect(new Set(paths).size).toBe(9);
      expect(lookups(stack.upstream.calls)).toHaveLength(20);

      stack.upstream.calls.length = 0;
      const second = await post(twentyCustomers());
      expect(second.data).toEqual(first.data);
      expect(definitionCalls()).toEqual([]);
    });
  });
});

describe('definitions with PROMOTION_CACHE_TTL_SECONDS=0', () => {
  let stack: ReadStack;
  beforeAll(async () => {
    stack = await startReadStack({ PROMOTION_CACHE_TTL_SECONDS: '0' });
  });
  afterAll(() => stack.close());

  it('are loaded again by every request (once per distinct promotion within it)', async () => {
    const query = `query { a: customerPromotions(input: { customer: { identifierName: ID, identifierValue: "${ASHA}", source: INSTORE } }) { ... on CustomerPromotions { promotions { definition { name } } } } b: customerPromotions(input: { customer: { identifierName: ID, identifierValue: "555567089", source: INSTORE } }) { ... on CustomerPromotions { promotions { definition { name } } } } }`;
    const ask = () =>
      fetch(stack.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...demoAuth },
        body: JSON.stringify({ query }),
      }).then((r) => r.json());
    await ask();
    await ask();
    const calls = stack.upstream.calls.filter((c) => c.url.startsWith('/api_gateway/'));
    expect(calls).toHaveLength(8);
    expect(new Set(calls.map((c) => c.url)).size).toBe(4);
  });
});
