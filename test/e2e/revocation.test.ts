/**
 * Undo (issue 14, DESIGN §8) against the sandbox on real sockets: revokeEarnings and
 * revokeEnrolments take back what enrolCustomers and earnPromotion did, with the same
 * coalescing rules, and the API receives the body its page documents.
 */
import {
  EarnPromotionDocument,
  EnrolCustomersDocument,
  GatewayLimitsDocument,
  RevokeEarningsDocument,
  RevokeEnrolmentsDocument,
  type RevokeEarningsMutation,
  type RevokeEarningsMutationVariables,
  type RevokeEnrolmentsMutation,
} from '../generated/graphql';
import {
  ACME_CREDENTIALS,
  DEMO_CREDENTIALS,
  REVOKE_ENROL_AND_EARN_PATH,
  demoCustomers,
  type CallRecord,
} from '../../src/sandbox';
import { getCalls, getLedger } from '../../src/sandbox/admin-client';
import { loadConfig } from '../../src/config';
import { startSandbox } from '../../src/sandbox';
import { startGateway } from '../../src/server';
import { capturedLogger } from '../idempotency/support';
import { eventually } from '../support/eventually';
import { execute, executeBatch, startStack, type Stack } from '../support/stack';

const demoAuth = { authorization: DEMO_CREDENTIALS.authorizationHeader };
const acmeAuth = { authorization: ACME_CREDENTIALS.authorizationHeader };
const demo = demoCustomers('demo');
const acme = demoCustomers('acme');
const ids = (from: number, count: number) => demo.slice(from, from + count).map((c) => c.id);

const E_AND_I = { programId: 469, promotionId: 57099 };
const DIRECT = { programId: 469, promotionId: 202090 };
type Promotion = { programId: number; promotionId?: number; promoIdentifier?: string };
type Headers = Record<string, string>;
type EarningsCustomer = RevokeEarningsMutationVariables['input']['customers'][number];
type EnrolmentsPayload = RevokeEnrolmentsMutation['revokeEnrolments'];
type EarningsPayload = RevokeEarningsMutation['revokeEarnings'];

function customers(values: readonly string[]) {
  return values.map((identifierValue) => ({ identifierValue, source: 'INSTORE' as const }));
}

async function enrol(url: string, values: readonly string[], promotion = E_AND_I) {
  const { body } = await execute(
    url,
    EnrolCustomersDocument,
    { input: { promotion, identifierName: 'ID', customers: customers(values) } },
    demoAuth,
  );
  const payload = body.data?.enrolCustomers;
  if (payload?.__typename !== 'EnrolCustomersResult') throw new Error(JSON.stringify(body));
  return payload.results.map((r) => {
    if (r.outcome.__typename !== 'Enrolment') throw new Error(JSON.stringify(r));
    return r.outcome.issualId;
  });
}

async function earn(url: string, values: readonly string[], promotion = E_AND_I) {
  const { body } = await execute(
    url,
    EarnPromotionDocument,
    { input: { promotion, identifierName: 'ID', customers: customers(values) } },
    demoAuth,
  );
  const payload = body.data?.earnPromotion;
  if (payload?.__typename !== 'EarnPromotionResult') throw new Error(JSON.stringify(body));
  return payload.results.map((r) => {
    if (r.outcome.__typename !== 'Earning') throw new Error(JSON.stringify(r));
    return r.outcome.earnedId;
  });
}

async function revokeEnrolments(
  url: string,
  values: readonly string[],
  promotion: Promotion = E_AND_I,
  headers: Headers = demoAuth,
): Promise<EnrolmentsPayload> {
  const { status, body } = await execute(
    url,
    RevokeEnrolmentsDocument,
    { input: { promotion, identifierName: 'ID', customers: customers(values) } },
    headers,
  );
  const payload = body.data?.revokeEnrolments;
  if (status !== 200 || payload === undefined) throw new Error(JSON.stringify(body));
  return payload;
}

async function revokeEarnings(
  url: string,
  given: EarningsCustomer[],
  promotion: Promotion = E_AND_I,
  headers: Headers = demoAuth,
): Promise<EarningsPayload> {
  const { status, body } = await execute(
    url,
    RevokeEarningsDocument,
    { input: { promotion, identifierName: 'ID', customers: given } },
    headers,
  );
  const payload = body.data?.revokeEarnings;
  if (status !== 200 || payload === undefined) throw new Error(JSON.stringify(body));
  return payload;
}

function resultOf<P extends { __typename: string }>(
  payload: P | undefined,
): Extract<P, { __typename: 'RevokeEnrolmentsResult' | 'RevokeEarningsResult' }> {
  if (
    payload?.__typename !== 'RevokeEnrolmentsResult' &&
    payload?.__typename !== 'RevokeEarningsResult'
  ) {
    throw new Error(`expected a Result, got ${JSON.stringify(payload)}`);
  }
  return payload as Extract<P, { __typename: 'RevokeEnrolmentsResult' | 'RevokeEarningsResult' }>;
}

const revocationCalls = (calls: readonly CallRecord[]) =>
  calls.filter((c) => c.path === REVOKE_ENROL_AND_EARN_PATH);

interface SentBody {
  bulkAction: string;
  customers: { identifierValue: string; earnIds?: unknown[] }[];
}
const bodyOf = (call: CallRecord) => call.body as SentBody;

describe('undo: revokeEarnings and revokeEnrolments against the sandbox', () => {
  let stack: Stack;
  let url: string;

  beforeAll(async () => {
    // A generous window so that concurrent HTTP requests on a busy machine still meet.
    stack = await startStack({ BATCH_WINDOW_MS: '25' });
    url = stack.gateway.graphqlUrl;
  });
  afterAll(() => stack.close());
  beforeEach(() => stack.sandbox.reset());

  describe('taking back what was done, earns first', () => {
    it('enrol → earn → revokeEarnings (with and without earnedIds) → revokeEnrolments returns the ids the earlier mutations returned', async () => {
      const [a, b] = ids(0, 2) as [string, string];
      const issualIds = await enrol(url, [a, b]);
      const earnedIds = await earn(url, [a, b]);

      const earnings = resultOf(
        await revokeEarnings(url, [
          { identifierValue: a, source: 'INSTORE', earnedIds: [earnedIds[0]!] },
          { identifierValue: b, source: 'INSTORE' },
        ]),
      );
      const enrolments = resultOf(await revokeEnrolments(url, [a, b]));

      expect(earnings).toMatchObject({ totalCount: 2, successCount: 2, failureCount: 0 });
      expect(earnings.results.map((r) => r.outcome)).toEqual([
        expect.objectContaining({
          __typename: 'EarningRevocation',
          entityId: a,
          programId: 469,
          promotionId: 57099,
          revokedEarnedIds: [earnedIds[0]],
        }),
        expect.objectContaining({
          __typename: 'EarningRevocation',
          entityId: b,
          revokedEarnedIds: [earnedIds[1]],
        }),
      ]);
      expect(enrolments).toMatchObject({
        totalCount: 2,
        successCount: 2,
        failureCount: 0,
        replayed: false,
      });
      expect(enrolments.results.map((r) => r.outcome)).toEqual([
        expect.objectContaining({
          __typename: 'EnrolmentRevocation',
          entityId: a,
          revokedIssualId: issualIds[0],
        }),
        expect.objectContaining({
          __typename: 'EnrolmentRevocation',
          entityId: b,
          revokedIssualId: issualIds[1],
        }),
      ]);
      // The API's own record agrees: each earn and each enrolment revoked once.
      const revoked = (await getLedger(stack.sandbox.url)).filter((e) =>
        e.action.startsWith('REVOKE'),
      );
      expect(revoked.map((e) => [e.action, String(e.entityId), e.issualId, e.earnedId])).toEqual([
        ['REVOKE_EARN', a, issualIds[0], earnedIds[0]],
        ['REVOKE_EARN', b, issualIds[1], earnedIds[1]],
        ['REVOKE_ENROL', a, issualIds[0], null],
        ['REVOKE_ENROL', b, issualIds[1], null],
      ]);
      // Undone for real: the customers can be enrolled again, under a new issualId.
      const again = await enrol(url, [a]);
      expect(again[0]).not.toBe(issualIds[0]);
    });

    it("revokes a Direct Issue promotion's earn by its earnedId", async () => {
      const [c] = ids(2, 1) as [string];
      const [earnedId] = await earn(url, [c], DIRECT);

      const result = resultOf(
        await revokeEarnings(
          url,
          [{ identifierValue: c, source: 'INSTORE', earnedIds: [earnedId!] }],
          DIRECT,
        ),
      );

      expect(result.results[0]?.outcome).toMatchObject({
        __typename: 'EarningRevocation',
        entityId: c,
        promotionId: 202090,
        revokedEarnedIds: [earnedId],
      });
    });

    it('answers IssueFailedError per customer when the enrolment is revoked before its earns, and revokes nothing', async () => {
      const [a, b] = ids(0, 2) as [string, string];
      const issualIds = await enrol(url, [a, b]);
      await earn(url, [a]);

      const first = resultOf(await revokeEnrolments(url, [a, b]));

      // Per customer, not hoisted: b had no earns, so its enrolment is revoked.
      expect(first).toMatchObject({ totalCount: 2, successCount: 1, failureCount: 1 });
      expect(first.results[0]?.outcome).toMatchObject({
        __typename: 'IssueFailedError',
        upstreamCode: 8896,
        retryable: false,
        message: 'revoke the earns first',
      });
      expect(first.results[1]?.outcome).toMatchObject({
        __typename: 'EnrolmentRevocation',
        revokedIssualId: issualIds[1],
      });
      const ledger = await getLedger(stack.sandbox.url);
      expect(
        ledger.filter((e) => String(e.entityId) === a && e.action.startsWith('REVOKE')),
      ).toEqual([]);
      // a's enrolment and earn are intact: they can still be taken back in the right order.
      expect(resultOf(await revokeEarnings(url, customers([a]))).successCount).toBe(1);
      expect(resultOf(await revokeEnrolments(url, [a])).results[0]?.outcome).toMatchObject({
        __typename: 'EnrolmentRevocation',
        revokedIssualId: issualIds[0],
      });
    });

    it("answers UnsupportedActionError for a Direct promotion's revokeEnrolments, hoisted to the payload", async () => {
      const payload = await revokeEnrolments(url, ids(0, 3), DIRECT);

      expect(payload).toMatchObject({
        __typename: 'UnsupportedActionError',
        upstreamCode: 8902,
        retryable: false,
      });
      expect(revocationCalls(stack.sandbox.calls())).toHaveLength(1);
    });

    it('answers EarningNotRevocableError when the earnings were revoked already, with or without earnedIds', async () => {
      const [a, b] = ids(0, 2) as [string, string];
      await enrol(url, [a, b]);
      const earnedIds = await earn(url, [a, b]);
      const given: EarningsCustomer[] = [
        { identifierValue: a, source: 'INSTORE', earnedIds: [earnedIds[0]!] },
        { identifierValue: b, source: 'INSTORE' },
      ];
      expect(resultOf(await revokeEarnings(url, given)).successCount).toBe(2);

      const twice = resultOf(await revokeEarnings(url, given));

      expect(twice).toMatchObject({ totalCount: 2, successCount: 0, failureCount: 2 });
      for (const r of twice.results) {
        expect(r.outcome).toMatchObject({
          __typename: 'EarningNotRevocableError',
          upstreamCode: 8903,
          retryable: false,
        });
      }
      const revoked = stack.sandbox.ledger().filter((e) => e.action === 'REVOKE_EARN');
      expect(revoked).toHaveLength(2);
    });

    it("answers EarningNotRevocableError for an earnedId that is not the customer's, and revokes none of its earns", async () => {
      const [a, b] = ids(0, 2) as [string, string];
      await enrol(url, [a, b]);
      const earnedIds = await earn(url, [a, b]);

      const result = resultOf(
        await revokeEarnings(url, [
          { identifierValue: a, source: 'INSTORE', earnedIds: [earnedIds[1]!] },
        ]),
      );

      expect(result.results[0]?.outcome).toMatchObject({
        __typename: 'EarningNotRevocableError',
        upstreamCode: 8903,
      });
      expect(stack.sandbox.ledger().filter((e) => e.action === 'REVOKE_EARN')).toEqual([]);
    });

    it('refuses invalid earnedIds with every violation at once, and calls nothing', async () => {
      const payload = await revokeEarnings(url, [
        { identifierValue: ids(0, 1)[0]!, source: 'INSTORE', earnedIds: [] },
        {
          identifierValue: ids(1, 1)[0]!,
          source: 'INSTORE',
          earnedIds: ['5000001', ' ', '05000001', 'x'.repeat(65)],
        },
      ]);

      expect(payload).toMatchObject({ __typename: 'InvalidInputError', retryable: false });
      const violations = payload.__typename === 'InvalidInputError' ? payload.violations : [];
      expect(violations.map((v) => v.field)).toEqual([
        'customers[0].earnedIds',
        'customers[1].earnedIds[1]',
        'customers[1].earnedIds[2]',
        'customers[1].earnedIds[3]',
      ]);
      expect(violations[2]?.message).toBe('is the same earn as customers[1].earnedIds[0]');
      expect(stack.sandbox.calls()).toEqual([]);
    });
  });

  describe('idempotencyKey', () => {
    it('counts earnedIds and the action as input: another list or the other revocation under one key is INPUT_MISMATCH', async () => {
      const [a] = ids(0, 1) as [string];
      await enrol(url, [a]);
      const [earnedId] = await earn(url, [a]);
      const key = 'undo-key-of-this-test';
      const input = (earnedIds?: string[]) => ({
        promotion: E_AND_I,
        identifierName: 'ID' as const,
        customers: [
          { identifierValue: a, source: 'INSTORE' as const, ...(earnedIds ? { earnedIds } : {}) },
        ],
        idempotencyKey: key,
      });
      const send = async (earnedIds?: string[]) =>
        (await execute(url, RevokeEarningsDocument, { input: input(earnedIds) }, demoAuth)).body
          .data?.revokeEarnings;

      const first = resultOf(await send([earnedId!]));
      const replay = resultOf(await send([earnedId!]));
      const otherList = await send();
      const otherAction = (
        await execute(
          url,
          RevokeEnrolmentsDocument,
          { input: { ...input(), customers: customers([a]) } },
          demoAuth,
        )
      ).body.data?.revokeEnrolments;

      expect(first).toMatchObject({ successCount: 1, replayed: false });
      expect(replay).toMatchObject({ replayed: true, results: first.results });
      expect(otherList).toMatchObject({
        __typename: 'IdempotencyConflictError',
        reason: 'INPUT_MISMATCH',
      });
      expect(otherAction).toMatchObject({
        __typename: 'IdempotencyConflictError',
        reason: 'INPUT_MISMATCH',
      });
      expect(revocationCalls(stack.sandbox.calls())).toHaveLength(1);
    });
  });

  describe('the request body the API receives', () => {
    it('matches the page field by field: earnIds as numbers when digits, absent when not given', async () => {
      const [a, b] = ids(0, 2) as [string, string];
      await enrol(url, [a, b]);
      const earnedIds = await earn(url, [a, b]);

      await revokeEarnings(url, [
        { identifierValue: ` ${a} `, source: 'INSTORE', earnedIds: [earnedIds[0]!] },
        { identifierValue: b, source: 'WEBSITE' },
      ]);
      await revokeEarnings(url, [{ identifierValue: a, source: 'INSTORE', earnedIds: ['E-17'] }]);
      await revokeEnrolments(url, [a], {
        programId: 469,
        promoIdentifier: 'REVIEW_REWARD',
      } as never);

      const sent = revocationCalls(await getCalls(stack.sandbox.url)).map((c) => [c.path, c.body]);
      expect(sent).toEqual([
        [
          REVOKE_ENROL_AND_EARN_PATH,
          {
            type: 'CUSTOMER',
            bulkAction: 'REVOKE_EARN',
            promotionDetails: { programId: 469, promotionId: 57099 },
            identifierName: 'id',
            customers: [
              { identifierValue: a, source: 'INSTORE', earnIds: [Number(earnedIds[0])] },
              { identifierValue: b, source: 'WEBSITE' },
            ],
          },
        ],
        [
          REVOKE_ENROL_AND_EARN_PATH,
          {
            type: 'CUSTOMER',
            bulkAction: 'REVOKE_EARN',
            promotionDetails: { programId: 469, promotionId: 57099 },
            identifierName: 'id',
            // Not digits: sent as given, for the API to judge.
            customers: [{ identifierValue: a, source: 'INSTORE', earnIds: ['E-17'] }],
          },
        ],
        [
          REVOKE_ENROL_AND_EARN_PATH,
          {
            type: 'CUSTOMER',
            bulkAction: 'REVOKE_ENROL',
            promotionDetails: { programId: 469, promoIdentifier: 'REVIEW_REWARD' },
            identifierName: 'id',
            customers: [{ identifierValue: a, source: 'INSTORE' }],
          },
        ],
      ]);
    });
  });

  describe('coalescing', () => {
    it('sends 300 concurrent single-customer revocations in at most 4 calls, each caller getting its own revokedIssualId', async () => {
      // Its own gateway with a wide window, as the enrol test of gateway.test.ts does.
      const wide = await startStack({ BATCH_WINDOW_MS: '250' });
      try {
        const wideUrl = wide.gateway.graphqlUrl;
        const all = ids(0, 300);
        const issualIds = await enrol(wideUrl, all);
        await Promise.all(all.map(() => execute(wideUrl, GatewayLimitsDocument, {})));

        const answers = await Promise.all(all.map((id) => revokeEnrolments(wideUrl, [id])));

        const calls = revocationCalls(wide.sandbox.calls());
        expect(calls.length).toBeLessThanOrEqual(4);
        expect(calls.every((c) => c.customers <= 100)).toBe(true);
        answers.forEach((answer, i) => {
          expect(resultOf(answer).results[0]?.outcome).toMatchObject({
            __typename: 'EnrolmentRevocation',
            entityId: all[i],
            revokedIssualId: issualIds[i],
          });
        });
      } finally {
        await wide.close();
      }
    });

    it('never puts two callers in one call, and each caller sees only its own results', async () => {
      const ours = ids(0, 50);
      const theirs = acme.slice(0, 50).map((c) => c.id);
      await enrol(url, ours);
      const acmeEnrol = await execute(
        url,
        EnrolCustomersDocument,
        {
          input: {
            promotion: { programId: 699, promotionId: 74116 },
            identifierName: 'ID',
            customers: customers(theirs),
          },
        },
        acmeAuth,
      );
      expect(acmeEnrol.body.data?.enrolCustomers).toMatchObject({ successCount: 50 });

      const answers = await Promise.all([
        ...ours.map((id) => revokeEnrolments(url, [id])),
        ...theirs.map((id) =>
          revokeEnrolments(url, [id], { programId: 699, promotionId: 74116 }, acmeAuth),
        ),
      ]);

      const calls = revocationCalls(stack.sandbox.calls());
      expect(new Set(calls.map((c) => c.org))).toEqual(new Set(['demo', 'acme']));
      for (const call of calls) {
        const sent = bodyOf(call).customers.map((c) => c.identifierValue);
        const owner = call.org === 'demo' ? ours : theirs;
        expect(sent.every((id) => owner.includes(id))).toBe(true);
      }
      const ledger = stack.sandbox.ledger().filter((e) => e.action === 'REVOKE_ENROL');
      answers.forEach((answer, i) => {
        const [org, id] = i < 50 ? ['demo', ours[i]] : ['acme', theirs[i - 50]];
        const entry = ledger.find((e) => e.org === org && String(e.entityId) === id);
        expect(resultOf(answer).results[0]?.outcome).toMatchObject({
          entityId: id,
          revokedIssualId: entry?.issualId,
        });
      });
    });

    it('never puts REVOKE_ENROL and REVOKE_EARN in one call', async () => {
      const earnOnly = ids(0, 20);
      const enrolOnly = ids(20, 20);
      await enrol(url, [...earnOnly, ...enrolOnly]);
      await earn(url, earnOnly);

      const answers = await Promise.all([
        ...earnOnly.map((id) => revokeEarnings(url, customers([id]))),
        ...enrolOnly.map((id) => revokeEnrolments(url, [id])),
      ]);

      const calls = revocationCalls(stack.sandbox.calls());
      const sentFor = (action: string) =>
        calls
          .filter((c) => bodyOf(c).bulkAction === action)
          .flatMap((c) => bodyOf(c).customers.map((x) => x.identifierValue))
          .sort();
      expect(sentFor('REVOKE_EARN')).toEqual([...earnOnly].sort());
      expect(sentFor('REVOKE_ENROL')).toEqual([...enrolOnly].sort());
      expect(
        calls.every((c) => ['REVOKE_EARN', 'REVOKE_ENROL'].includes(bodyOf(c).bulkAction)),
      ).toBe(true);
      expect(answers.map((a) => resultOf(a).successCount)).toEqual(answers.map(() => 1));
    });

    it('sends customers with different earnedIds in one call, and gives each its own revocation', async () => {
      const [a, b, c] = ids(0, 3) as [string, string, string];
      await enrol(url, [a, b, c]);
      const earnedIds = await earn(url, [a, b, c]);
      const given: EarningsCustomer[][] = [
        [{ identifierValue: a, source: 'INSTORE', earnedIds: [earnedIds[0]!] }],
        [{ identifierValue: b, source: 'INSTORE' }],
        [{ identifierValue: c, source: 'INSTORE', earnedIds: [earnedIds[2]!] }],
      ];

      // One batched HTTP request: its operations arrive together, whatever the machine's load.
      const { bodies } = await executeBatch(
        url,
        RevokeEarningsDocument,
        given.map((customers) => ({
          input: { promotion: E_AND_I, identifierName: 'ID' as const, customers },
        })),
        demoAuth,
      );

      const calls = revocationCalls(stack.sandbox.calls());
      expect(calls).toHaveLength(1);
      expect(bodyOf(calls[0]!).customers).toEqual([
        { identifierValue: a, source: 'INSTORE', earnIds: [Number(earnedIds[0])] },
        { identifierValue: b, source: 'INSTORE' },
        { identifierValue: c, source: 'INSTORE', earnIds: [Number(earnedIds[2])] },
      ]);
      expect(bodies.map((body) => resultOf(body.data?.revokeEarnings).results[0]?.outcome)).toEqual(
        [
          expect.objectContaining({ entityId: a, revokedEarnedIds: [earnedIds[0]] }),
          expect.objectContaining({ entityId: b, revokedEarnedIds: [earnedIds[1]] }),
          expect.objectContaining({ entityId: c, revokedEarnedIds: [earnedIds[2]] }),
        ],
      );
    });
  });

  describe('shutdown', () => {
    it('sends a revocation waiting for its window at once on close, and answers it', async () => {
      // A window longer than the deadline: only the flush on close lets the call out in time.
      const sandbox = await startSandbox({ port: 0 });
      const { logger, lines } = capturedLogger();
      const gateway = await startGateway(
        loadConfig({
          PORT: '0',
          METRICS_PORT: '0',
          PROMOTION_API_URL: sandbox.url,
          BATCH_WINDOW_MS: '1000',
          PROMOTION_API_TIMEOUT_MS: '950',
        }),
        { apiUrl: sandbox.url, logger },
      );
      try {
        const [a] = ids(0, 1) as [string];
        // Enrolled at the sandbox itself: through this gateway it would wait for the window too.
        const enrolled = await fetch(`${sandbox.url}/v2/promotion/bulk/enrolAndEarn`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...demoAuth },
          body: JSON.stringify({
            type: 'CUSTOMER',
            bulkAction: 'ENROL',
            promotionDetails: E_AND_I,
            identifierName: 'id',
            customers: customers([a]),
          }),
        });
        expect(enrolled.status).toBe(200);
        const issualId = sandbox.ledger()[0]?.issualId;
        expect(issualId).toEqual(expect.any(String));
        const requests = () => lines.filter((l) => l.msg === 'incoming request').length;
        const before = requests();

        const answer = revokeEnrolments(gateway.graphqlUrl, [a]);
        await eventually(() => requests() > before, {
          describe: 'the revocation to reach the gateway',
        });
        await gateway.close();

        expect(resultOf(await answer).results[0]?.outcome).toMatchObject({
          __typename: 'EnrolmentRevocation',
          revokedIssualId: issualId,
        });
        expect(revocationCalls(sandbox.calls())).toHaveLength(1);
      } finally {
        await gateway.close();
        await sandbox.close();
      }
    });
  });
});
