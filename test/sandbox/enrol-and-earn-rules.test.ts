/** One test per error code of upstream-facts.md, the status codes and DESIGN §5's decisions. */
import {
  ACME_CREDENTIALS,
  demoCustomers,
  getLedger,
  resetSandbox,
  startSandbox,
  type RunningSandbox,
} from './sandbox-api';
import {
  ENROL_AND_EARN,
  demoAuth,
  enrolAndEarn,
  post,
  requestBody,
  requestLevelError,
} from './helpers';

let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());
beforeEach(() => resetSandbox(sandbox.url));

const TWO = ['555567088', '555567089'];

describe('request-level error codes: one element, totalCount 1, however many customers', () => {
  it('1101 for a program that does not exist', async () => {
    const { status, envelope } = await enrolAndEarn(
      sandbox.url,
      requestBody({ programId: 1, values: TWO }),
    );
    expect(status).toBe(500);
    expect(envelope).toEqual(requestLevelError(1101, 'invalid programId passed'));
  });

  it('8874 for a promoIdentifier the program does not have', async () => {
    const { envelope } = await enrolAndEarn(
      sandbox.url,
      requestBody({ promoIdentifier: 'NO_SUCH_PROMO', values: TWO }),
    );
    expect(envelope).toEqual(requestLevelError(8874, 'promotion id passed is invalid'));
  });

  it('8874 when promotionId and promoIdentifier name different promotions', async () => {
    const body = requestBody({ values: TWO });
    (body.promotionDetails as Record<string, unknown>).promoIdentifier = 'FIVE_PURCHASES';
    const { envelope } = await enrolAndEarn(sandbox.url, body);
    expect(envelope).toEqual(requestLevelError(8874, 'promotion id passed is invalid'));
  });

  it('8892 for the inactive promotion 70000, for EARN too', async () => {
    const { envelope } = await enrolAndEarn(
      sandbox.url,
      requestBody({ action: 'EARN', promotionId: 70000, values: TWO }),
    );
    expect(envelope).toEqual(requestLevelError(8892, 'promotion is inactive'));
  });

  it('8902 for ENROL on the Direct Issue promotion named by promoIdentifier', async () => {
    const { envelope } = await enrolAndEarn(
      sandbox.url,
      requestBody({ promoIdentifier: 'FIVE_PURCHASES', values: TWO }),
    );
    expect(envelope).toEqual(
      requestLevelError(
        8902,
        'bulk action passed not supported for loyalty/generic promotion type',
      ),
    );
  });

  it('8902 for a bulkAction that is neither ENROL nor EARN', async () => {
    const { envelope } = await enrolAndEarn(sandbox.url, {
      ...requestBody(),
      bulkAction: 'REDEEM',
    });
    expect(envelope.response[0]?.errors[0]?.code).toBe(8902);
  });

  it('8881 when neither promotionId nor promoIdentifier is given', async () => {
    const body = { ...requestBody({ values: TWO }), promotionDetails: { programId: 469 } };
    const { envelope } = await enrolAndEarn(sandbox.url, body);
    expect(envelope).toEqual(
      requestLevelError(
        8881,
        'insufficient parameters passed, program id and one of promotion id/identifier are required',
      ),
    );
  });

  it('8881 when programId is missing', async () => {
    const body = { ...requestBody(), promotionDetails: { promotionId: 57099 } };
    const { envelope } = await enrolAndEarn(sandbox.url, body);
    expect(envelope.response[0]?.errors[0]?.code).toBe(8881);
  });

  it('8899 for type USER_GROUP', async () => {
    const { envelope } = await enrolAndEarn(sandbox.url, {
      ...requestBody({ values: TWO }),
      type: 'USER_GROUP',
    });
    expect(envelope).toEqual(requestLevelError(8899, 'Cannot enrol/issue to the user group'));
  });

  it('8901 for a missing type', async () => {
    const body = requestBody({ values: TWO });
    delete body.type;
    const { envelope } = await enrolAndEarn(sandbox.url, body);
    expect(envelope).toEqual(requestLevelError(8901, 'invalid entity type passed'));
  });

  it('1060 with HTTP 400 for 101 customers, and nothing is enrolled', async () => {
    const values = demoCustomers('demo')
      .slice(0, 101)
      .map((customer) => customer.id);
    const { status, envelope } = await enrolAndEarn(sandbox.url, requestBody({ values }));

    expect(status).toBe(400);
    expect(envelope).toEqual(requestLevelError(1060, 'batch limit exceeded'));
    expect(await getLedger(sandbox.url)).toEqual([]);
  });

  it('accepts exactly 100 customers', async () => {
    const values = demoCustomers('demo')
      .slice(0, 100)
      .map((customer) => customer.id);
    const { status, envelope } = await enrolAndEarn(sandbox.url, requestBody({ values }));
    expect(status).toBe(200);
    expect(envelope).toMatchObject({ totalCount: 100, failureCount: 0 });
  });
});

describe('customer-level codes: one item per customer, by position', () => {
  it('8015 for customers not found under identifierName, between found ones', async () => {
    const { status, envelope } = await enrolAndEarn(
      sandbox.url,
      requestBody({
        identifierName: 'email',
        values: ['customer1@example.com', 'nobody@example.com', 'customer2@example.com'],
      }),
    );

    expect(status).toBe(201);
    expect(envelope).toMatchObject({ totalCount: 3, failureCount: 1 });
    expect(envelope.response.map((item) => item.result?.entityId ?? item.errors[0]?.code)).toEqual([
      100000001, 8015, 100000002,
    ]);
    expect(envelope.response[1]).toEqual({
      errors: [
        { status: false, code: 8015, message: 'Customer not found for the given identifiers' },
      ],
      warnings: [],
    });
  });

  it('8015 for a customer id looked up as a mobile', async () => {
    const { envelope } = await enrolAndEarn(
      sandbox.url,
      requestBody({ identifierName: 'mobile', values: ['555567088'] }),
    );
    expect(envelope.response[0]?.errors[0]?.code).toBe(8015);
  });

  it('8896 for EARN without an active enrolment, while the enrolled customer earns', async () => {
    await enrolAndEarn(sandbox.url, requestBody({ values: ['555567089'] }));
    const { status, envelope } = await enrolAndEarn(
      sandbox.url,
      requestBody({ action: 'EARN', values: ['555567088', '555567089'] }),
    );

    expect(status).toBe(201);
    expect(envelope.response[0]).toEqual({
      errors: [
        {
          status: false,
          code: 8896,
          message: 'Error occurred while issuing promotion to the customer',
        },
      ],
      warnings: [],
    });
    expect(envelope.response[1]?.result).toMatchObject({
      entityId: 555567089,
      earnedId: expect.any(String),
    });
  });

  it('11013 for an empty identifierValue or source, for that item only', async () => {
    const body = requestBody({ values: ['555567088', '', '555567089', '555567088'] });
    const customers = body.customers as Record<string, unknown>[];
    (customers[2] as Record<string, unknown>).source = '';
    delete (customers[3] as Record<string, unknown>).source;
    const { status, envelope } = await enrolAndEarn(sandbox.url, body);

    const emptyFields = {
      errors: [
        {
          status: false,
          code: 11013,
          message: 'identifierName, identifierValue, source can not be empty',
        },
      ],
      warnings: [],
    };
    expect(status).toBe(201);
    expect(envelope.totalCount).toBe(4);
    expect(envelope.failureCount).toBe(3);
    expect(envelope.response[0]?.result?.entityId).toBe(555567088);
    expect(envelope.response.slice(1)).toEqual([emptyFields, emptyFields, emptyFields]);
  });

  it('11013 for every item when identifierName is empty', async () => {
    const { status, envelope } = await enrolAndEarn(
      sandbox.url,
      requestBody({ identifierName: '', values: TWO }),
    );
    expect(status).toBe(500);
    expect(envelope.response.map((item) => item.errors[0]?.code)).toEqual([11013, 11013]);
  });

  it('warning 8890 for an earn beyond the limit: a result without ids, not a failure', async () => {
    await enrolAndEarn(sandbox.url, requestBody({ values: ['555567088'] }));
    await enrolAndEarn(sandbox.url, requestBody({ action: 'EARN', values: ['555567088'] }));
    const { status, envelope } = await enrolAndEarn(
      sandbox.url,
      requestBody({ action: 'EARN', values: ['555567088'] }),
    );

    expect(status).toBe(200);
    expect(envelope).toEqual({
      response: [
        {
          result: {
            entityType: 'CUSTOMER',
            entityId: 555567088,
            promotionId: 57099,
            promoIdentifier: 'REVIEW_REWARD',
            programId: 469,
          },
          errors: [],
          warnings: [
            {
              status: false,
              code: 8890,
              message: 'promotion not issued due to config issues or customer exhausted limits',
            },
          ],
        },
      ],
      totalCount: 1,
      failureCount: 0,
    });
    expect((await getLedger(sandbox.url)).filter((entry) => entry.action === 'EARN')).toHaveLength(
      1,
    );
  });

  it('warning 8890 for a second Direct Issue earn of the same customer (limit per customer)', async () => {
    const body = requestBody({ action: 'EARN', promotionId: 202090, values: ['555567088'] });
    const first = await enrolAndEarn(sandbox.url, body);
    const second = await enrolAndEarn(sandbox.url, body);

    expect(first.envelope.response[0]?.warnings).toEqual([]);
    expect(second.envelope.response[0]?.warnings[0]?.code).toBe(8890);
    expect(second.envelope.response[0]?.result).not.toHaveProperty('earnedId');
  });
});

describe('status codes and decisions where the vendor is silent', () => {
  it('200 when none failed, 201 when some failed, 500 when all failed', async () => {
    const all = await enrolAndEarn(sandbox.url, requestBody({ values: TWO }));
    const some = await enrolAndEarn(sandbox.url, requestBody({ values: ['555567088', '1'] }));
    const none = await enrolAndEarn(sandbox.url, requestBody({ values: ['1', '2'] }));

    expect([all.status, some.status, none.status]).toEqual([200, 201, 500]);
    expect(none.envelope).toMatchObject({ totalCount: 2, failureCount: 2 });
  });

  it('re-enrolling replaces the enrolment with a new issualId, and earns use the new one', async () => {
    const first = await enrolAndEarn(sandbox.url, requestBody());
    await enrolAndEarn(sandbox.url, requestBody({ action: 'EARN' }));
    const second = await enrolAndEarn(sandbox.url, requestBody());
    const earn = await enrolAndEarn(sandbox.url, requestBody({ action: 'EARN' }));

    const firstIssual = first.envelope.response[0]?.result?.issualId;
    const secondIssual = second.envelope.response[0]?.result?.issualId;
    expect(secondIssual).not.toBe(firstIssual);
    // The earn limit is per enrolment: the new enrolment can earn again.
    expect(earn.envelope.response[0]?.warnings).toEqual([]);
    expect(earn.envelope.response[0]?.result?.issualId).toBe(secondIssual);
  });

  it('a customer listed twice gets two items', async () => {
    const { envelope } = await enrolAndEarn(
      sandbox.url,
      requestBody({ values: ['555567088', '555567088'] }),
    );
    expect(envelope.totalCount).toBe(2);
    const [a, b] = envelope.response.map((item) => item.result?.issualId);
    expect(a).toMatch(/^\d+$/);
    expect(b).toMatch(/^\d+$/);
    expect(a).not.toBe(b);
  });

  it('finds a promotion by promoIdentifier and echoes promotionId and promoIdentifier', async () => {
    const { envelope } = await enrolAndEarn(
      sandbox.url,
      requestBody({ promoIdentifier: 'REVIEW_REWARD' }),
    );
    expect(envelope.response[0]?.result).toMatchObject({
      promotionId: 57099,
      promoIdentifier: 'REVIEW_REWARD',
    });
  });

  it('leaves promoIdentifier out of results of a promotion without one', async () => {
    const { envelope } = await enrolAndEarn(sandbox.url, requestBody({ promotionId: 69218 }));
    expect(envelope.response[0]?.result).not.toHaveProperty('promoIdentifier');
  });

  it('ids are decimal strings from per-org counters', async () => {
    const acmeEnrol = () =>
      enrolAndEarn(
        sandbox.url,
        requestBody({ programId: 699, promotionId: 74116, values: ['170940055'] }),
        { Authorization: ACME_CREDENTIALS.authorizationHeader },
      );
    const acmeBefore = await acmeEnrol();
    const demo = await enrolAndEarn(sandbox.url, requestBody({ values: TWO }));
    const acmeAfter = await acmeEnrol();

    const demoIds = demo.envelope.response.map((item) => item.result?.issualId);
    expect(demoIds[0]).toMatch(/^\d+$/);
    expect(Number(demoIds[1])).toBe(Number(demoIds[0]) + 1);
    // acme's counter has not moved because demo enrolled two customers.
    expect(Number(acmeAfter.envelope.response[0]?.result?.issualId)).toBe(
      Number(acmeBefore.envelope.response[0]?.result?.issualId) + 1,
    );
  });

  it('an empty customers list answers an empty envelope with 200', async () => {
    const { status, envelope } = await enrolAndEarn(sandbox.url, requestBody({ values: [] }));
    expect(status).toBe(200);
    expect(envelope).toEqual({ response: [], totalCount: 0, failureCount: 0 });
  });

  it('415 for a wrong Content-Type and 400 for a body that is not JSON; nothing done', async () => {
    const wrongType = await fetch(`${sandbox.url}${ENROL_AND_EARN}`, {
      method: 'POST',
      headers: {
        'Content-Type': 'text/plain',
        Authorization: demoAuth.Authorization,
      },
      body: JSON.stringify(requestBody()),
    });
    const notJson = await post(sandbox.url, ENROL_AND_EARN, '{"type": "CUSTOMER",');

    expect(wrongType.status).toBe(415);
    expect(notJson.status).toBe(400);
    expect(await getLedger(sandbox.url)).toEqual([]);
  });

  it('every response carries X-Cap-Requestid', async () => {
    const ok = await enrolAndEarn(sandbox.url, requestBody());
    const unauthenticated = await enrolAndEarn(sandbox.url, requestBody(), {});
    const unknownRoute = await fetch(`${sandbox.url}/nowhere`);
    const admin = await fetch(`${sandbox.url}/__sandbox/faults`);

    for (const headers of [
      ok.headers,
      unauthenticated.headers,
      unknownRoute.headers,
      admin.headers,
    ]) {
      expect(headers.get('x-cap-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(ok.headers.get('x-cap-requestid')).not.toBe(
      unauthenticated.headers.get('x-cap-requestid'),
    );
  });
});
