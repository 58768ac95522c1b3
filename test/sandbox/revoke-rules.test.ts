/**
 * `POST /v2/promotion/bulk/revokeEnrolAndEarn`: neighbour-endpoints.md §1's rules and
 * DESIGN §8's decisions, next to enrol-and-earn-rules.test.ts.
 */
import {
  getCalls,
  getLedger,
  resetSandbox,
  startSandbox,
  type RunningSandbox,
} from './sandbox-api';
import {
  REVOKE_ENROL_AND_EARN,
  enrolAndEarn,
  next,
  requestBody,
  requestLevelError,
  revokeEnrolAndEarn,
  type EnvelopeShape,
} from './helpers';

let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());
beforeEach(() => resetSandbox(sandbox.url));

const [A, B] = ['555567088', '555567089'];

/** ENROL (and EARN) `values` into 57099 (or `promotionId`), returning the ids the API gave. */
async function enrolled(values: string[], { earn = false, promotionId = 57099 } = {}) {
  const ids = new Map<string, { issualId?: unknown; earnedId?: unknown }>();
  if (promotionId === 57099) {
    const enrol = await enrolAndEarn(sandbox.url, requestBody({ promotionId, values }));
    enrol.envelope.response.forEach((item, i) =>
      ids.set(values[i]!, { issualId: item.result?.issualId }),
    );
  }
  if (earn) {
    const earned = await enrolAndEarn(
      sandbox.url,
      requestBody({ action: 'EARN', promotionId, values }),
    );
    earned.envelope.response.forEach((item, i) =>
      ids.set(values[i]!, { issualId: item.result?.issualId, earnedId: item.result?.earnedId }),
    );
  }
  return ids;
}

const error = (code: number, message: string) => ({
  errors: [{ status: false, code, message }],
  warnings: [],
});
const NOT_REVOCABLE = error(8903, 'Earn IDs passed are either invalid or already revoked');

async function revocations() {
  return (await getLedger(sandbox.url)).filter((e) => e.action.startsWith('REVOKE'));
}

describe('request-level errors: one element, totalCount 1, as for enrolAndEarn', () => {
  it.each([
    ['1101 for a program that does not exist', { programId: 1 }, 1101, 'invalid programId passed'],
    [
      '8874 for a promotion the program does not have',
      { promotionId: 1 },
      8874,
      'promotion id passed is invalid',
    ],
    [
      '8892 for the inactive promotion 70000',
      { promotionId: 70000 },
      8892,
      'promotion is inactive',
    ],
  ] as const)('%s', async (_name, options, code, message) => {
    const { status, envelope } = await revokeEnrolAndEarn(
      sandbox.url,
      requestBody({ action: 'REVOKE_EARN', values: [A, B], ...options }),
    );
    expect(status).toBe(500);
    expect(envelope).toEqual(requestLevelError(code, message));
  });

  it('8902 in its own words for REVOKE_ENROL on the Direct Issue promotion', async () => {
    const { envelope } = await revokeEnrolAndEarn(
      sandbox.url,
      requestBody({ action: 'REVOKE_ENROL', promotionId: 202090, values: [A] }),
    );
    expect(envelope).toEqual(
      requestLevelError(
        8902,
        'revoke bulk action passed not supported for loyalty/generic promotion type',
      ),
    );
  });

  it('8902 for ENROL or EARN sent to the revoke endpoint, and for REVOKE_EARN sent to enrolAndEarn', async () => {
    for (const action of ['ENROL', 'EARN'] as const) {
      const { envelope } = await revokeEnrolAndEarn(sandbox.url, requestBody({ action }));
      expect(envelope.response[0]?.errors[0]?.code).toBe(8902);
    }
    const { envelope } = await enrolAndEarn(sandbox.url, requestBody({ action: 'REVOKE_EARN' }));
    expect(envelope.response[0]?.errors[0]?.code).toBe(8902);
    expect(await revocations()).toEqual([]);
  });

  it('1060 with HTTP 400 for more than 100 customers', async () => {
    const values = Array.from({ length: 101 }, (_, i) => String(100000001 + i));
    const { status, envelope } = await revokeEnrolAndEarn(
      sandbox.url,
      requestBody({ action: 'REVOKE_ENROL', values }),
    );
    expect(status).toBe(400);
    expect(envelope.response[0]?.errors[0]?.code).toBe(1060);
  });
});

describe('REVOKE_ENROL', () => {
  it("revokes the active enrolment, answering its issualId as a string of digits (the page's example form)", async () => {
    const ids = await enrolled([A, B]);

    const { status, envelope } = await revokeEnrolAndEarn(
      sandbox.url,
      requestBody({ action: 'REVOKE_ENROL', values: [A, B] }),
    );

    expect(status).toBe(200);
    expect(envelope).toEqual({
      response: [A, B].map((value) => ({
        result: {
          entityType: 'CUSTOMER',
          entityId: Number(value),
          promotionId: 57099,
          promoIdentifier: 'REVIEW_REWARD',
          programId: 469,
          issualId: ids.get(value)?.issualId,
        },
        errors: [],
        warnings: [],
      })),
      totalCount: 2,
      failureCount: 0,
    });
    expect(typeof envelope.response[0]?.result?.issualId).toBe('string');
    expect(
      (await revocations()).map((e) => [e.action, String(e.entityId), e.issualId, e.earnedId]),
    ).toEqual([
      ['REVOKE_ENROL', A, ids.get(A)?.issualId, null],
      ['REVOKE_ENROL', B, ids.get(B)?.issualId, null],
    ]);
  });

  it('gives 8896 "revoke the earns first" while the enrolment has an active earn, and revokes nothing', async () => {
    await enrolled([A], { earn: true });
    await enrolled([B]);

    const { status, envelope } = await revokeEnrolAndEarn(
      sandbox.url,
      requestBody({ action: 'REVOKE_ENROL', values: [A, B] }),
    );

    expect(status).toBe(201);
    expect(envelope.response[0]).toEqual(error(8896, 'revoke the earns first'));
    expect(envelope.response[1]?.errors).toEqual([]);
    expect((await revocations()).map((e) => String(e.entityId))).toEqual([B]);
    // With its earn revoked, the enrolment goes too.
    await revokeEnrolAndEarn(sandbox.url, requestBody({ action: 'REVOKE_EARN', values: [A] }));
    const after = await revokeEnrolAndEarn(
      sandbox.url,
      requestBody({ action: 'REVOKE_ENROL', values: [A] }),
    );
    expect(after.envelope.response[0]?.errors).toEqual([]);
  });

  it('gives 8896 when there is no active enrolment: never enrolled, or revoked already', async () => {
    await enrolled([A]);
    await revokeEnrolAndEarn(sandbox.url, requestBody({ action: 'REVOKE_ENROL', values: [A] }));

    const { status, envelope } = await revokeEnrolAndEarn(
      sandbox.url,
      requestBody({ action: 'REVOKE_ENROL', values: [A, B] }),
    );

    expect(status).toBe(500);
    const failed = error(8896, 'Error occurred while issuing promotion to the customer');
    expect(envelope.response).toEqual([failed, failed]);
    expect(await revocations()).toHaveLength(1);
  });

  it('gives 8015 per customer for one the org does not have, and 11013 for an item without a source', async () => {
    await enrolled([A]);
    const body = requestBody({ action: 'REVOKE_ENROL', values: [A, '999999999', B] });
    delete (body.customers as Record<string, unknown>[])[2]!.source;

    const { envelope } = await revokeEnrolAndEarn(sandbox.url, body);

    expect(envelope.response[0]?.errors).toEqual([]);
    expect(envelope.response[1]).toEqual(
      error(8015, 'Customer not found for the given identifiers'),
    );
    expect(envelope.response[2]).toEqual(
      error(11013, 'identifierName, identifierValue, source can not be empty'),
    );
  });
});

describe('REVOKE_EARN', () => {
  it('revokes every active earn when no earnIds are given, answering revokedEarnIds as numbers', async () => {
    const ids = await enrolled([A], { earn: true });

    const { envelope } = await revokeEnrolAndEarn(
      sandbox.url,
      requestBody({ action: 'REVOKE_EARN', values: [A] }),
    );

    expect(envelope.response[0]).toEqual({
      result: {
        entityType: 'CUSTOMER',
        entityId: Number(A),
        promotionId: 57099,
        promoIdentifier: 'REVIEW_REWARD',
        programId: 469,
        revokedEarnIds: [Number(ids.get(A)?.earnedId)],
      },
      errors: [],
      warnings: [],
    });
    expect((await revocations()).map((e) => [e.action, e.issualId, e.earnedId])).toEqual([
      ['REVOKE_EARN', ids.get(A)?.issualId, ids.get(A)?.earnedId],
    ]);
  });

  it('revokes the earnIds given, as numbers or digit strings, on Direct Issue too', async () => {
    const ids = await enrolled([A, B], { earn: true, promotionId: 202090 });
    const [earnA, earnB] = [ids.get(A)?.earnedId, ids.get(B)?.earnedId] as [string, string];

    const { status, envelope } = await revokeEnrolAndEarn(
      sandbox.url,
      requestBody({
        action: 'REVOKE_EARN',
        promotionId: 202090,
        values: [A, B],
        earnIds: [[Number(earnA)], [earnB]],
      }),
    );

    expect(status).toBe(200);
    expect(envelope.response.map((item) => item.result?.revokedEarnIds)).toEqual([
      [Number(earnA)],
      [Number(earnB)],
    ]);
  });

  it.each([
    ['an earnId the customer does not have', () => [[5_999_999]]],
    ['an earnId of another customer', (other: number) => [[other]]],
    ['one unknown earnId next to a good one', (_other: number, own: number) => [[own, 5_999_999]]],
    ['the same earnId twice', (_other: number, own: number) => [[own, own]]],
    ['an empty list', () => [[]]],
    ['earnIds that are not ids', () => [['five']]],
  ])('gives 8903 for %s, and revokes none of its earns', async (_name, earnIdsOf) => {
    const ids = await enrolled([A, B], { earn: true });
    const own = Number(ids.get(A)?.earnedId);
    const other = Number(ids.get(B)?.earnedId);

    const { status, envelope } = await revokeEnrolAndEarn(
      sandbox.url,
      requestBody({ action: 'REVOKE_EARN', values: [A], earnIds: earnIdsOf(other, own) }),
    );

    expect(status).toBe(500);
    expect(envelope.response).toEqual([NOT_REVOCABLE]);
    expect(await revocations()).toEqual([]);
  });

  it('gives 8903 for earns revoked already, and when there is no active earn to revoke', async () => {
    const ids = await enrolled([A], { earn: true });
    await enrolled([B]);
    const earnA = Number(ids.get(A)?.earnedId);
    await revokeEnrolAndEarn(sandbox.url, requestBody({ action: 'REVOKE_EARN', values: [A] }));

    const again = await revokeEnrolAndEarn(
      sandbox.url,
      requestBody({
        action: 'REVOKE_EARN',
        values: [A, A, B],
        earnIds: [[earnA], undefined, undefined],
      }),
    );

    expect(again.envelope.response).toEqual([NOT_REVOCABLE, NOT_REVOCABLE, NOT_REVOCABLE]);
    expect(await revocations()).toHaveLength(1);
  });
});

describe("the vendor's example spellings (neighbour-endpoints.md §1, Inconsistencies)", () => {
  it('takes programId and promotionId as strings of digits and source in lower case', async () => {
    const ids = await enrolled([A], { earn: true });
    const body = {
      type: 'CUSTOMER',
      bulkAction: 'REVOKE_EARN',
      promotionDetails: { programId: '469', promotionId: '57099' },
      identifierName: 'id',
      customers: [{ identifierValue: A, source: 'instore' }],
    };

    const { status, envelope } = await revokeEnrolAndEarn(sandbox.url, body);

    expect(status).toBe(200);
    expect(envelope.failureCount).toBe(0);
    expect(envelope.response[0]?.result).toMatchObject({
      entityId: Number(A),
      promotionId: 57099,
      programId: 469,
      revokedEarnIds: [Number(ids.get(A)?.earnedId)],
    });
  });

  it('still refuses a promotionId that is not a whole number, and a source it does not know', async () => {
    await enrolled([A]);
    const bad = (promotionDetails: Record<string, unknown>, source = 'INSTORE') =>
      revokeEnrolAndEarn(sandbox.url, {
        ...requestBody({ action: 'REVOKE_ENROL', values: [A] }),
        promotionDetails,
        customers: [{ identifierValue: A, source }],
      });
    expect((await bad({ programId: 469, promotionId: '57099x' })).envelope).toEqual(
      requestLevelError(8874, 'promotion id passed is invalid'),
    );
    expect(
      (await bad({ programId: 469, promotionId: 57099 }, 'in store')).envelope.response,
    ).toEqual([error(11013, 'identifierName, identifierValue, source can not be empty')]);
    expect(await revocations()).toEqual([]);
  });
});

describe('the rest of the pipeline, shared with enrolAndEarn', () => {
  it('logs each call with its path and body', async () => {
    const body = requestBody({ action: 'REVOKE_EARN', values: [A], earnIds: [[5000001]] });
    await revokeEnrolAndEarn(sandbox.url, body);

    expect(await getCalls(sandbox.url)).toEqual([
      expect.objectContaining({ path: REVOKE_ENROL_AND_EARN, body, status: 500, customers: 1 }),
    ]);
  });

  it('answers 521 for a customer that a call in flight holds, whatever the endpoint, and does nothing for it', async () => {
    await enrolled([A]);
    sandbox.setFaults({ latencyMs: 300 });
    const received = next(sandbox.onCallReceived);
    const enrol = enrolAndEarn(sandbox.url, requestBody({ values: [A] }));
    await received;

    const revoke = await revokeEnrolAndEarn(
      sandbox.url,
      requestBody({ action: 'REVOKE_ENROL', values: [A] }),
    );

    await enrol;
    expect(revoke.envelope.response).toEqual([
      error(521, 'concurrent actions on the same customer'),
    ]);
    expect(await revocations()).toEqual([]);
  });

  it('applies the faults: a 500 without an envelope does nothing, a reset after commit has done the work', async () => {
    await enrolled([A, B]);
    sandbox.setFaults({ status500Rate: 1 });
    const failed = await revokeEnrolAndEarn(
      sandbox.url,
      requestBody({ action: 'REVOKE_ENROL', values: [A] }),
    );
    expect(failed.status).toBe(500);
    expect((failed.body as Partial<EnvelopeShape>).response).toBeUndefined();
    expect(await revocations()).toEqual([]);

    sandbox.setFaults({ status500Rate: 0, resetAfterCommitRate: 1 });
    await expect(
      revokeEnrolAndEarn(sandbox.url, requestBody({ action: 'REVOKE_ENROL', values: [B] })),
    ).rejects.toThrow();
    expect((await revocations()).map((e) => String(e.entityId))).toEqual([B]);
    expect((await getCalls(sandbox.url)).map((c) => c.fault).slice(-2)).toEqual([
      'status500',
      'resetAfterCommit',
    ]);
  });
});
