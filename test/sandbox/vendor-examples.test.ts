/**
 * The vendor's page (reference/enrol-and-issue-promotion.md): every request example sent
 * as written, and every error example reproduced by the situation that causes it.
 */
import { ACME_CREDENTIALS, resetSandbox, startSandbox, type RunningSandbox } from './sandbox-api';
import { enrolAndEarn, requestBody, requestLevelError, type EnvelopeShape } from './helpers';

const ENROL_57099_BY_ID = `{
    "type" : "CUSTOMER",
    "bulkAction" : "ENROL",
    "promotionDetails" : {
       "programId": 469, 
       "promotionId":57099
    },
    "identifierName":"id",
    "customers":
    [   
        {
            "identifierValue":"555567088",
            "source":"INSTORE"
        }
    ]
}`;

const ENROL_69218_BY_MOBILE = `{
    "type" : "CUSTOMER",
    "bulkAction" : "ENROL",
    "promotionDetails" : {
       "programId": 469, 
       "promotionId":69218
    },
    "identifierName":"mobile",
    "customers":
    [   
        {
            "identifierValue":"11223569865",
            "source":"INSTORE"
        },
        {
            "identifierValue":"919986000586",
            "source":"INSTORE"
        }
    ]
}`;

const EARN_57099_BY_ID = ENROL_57099_BY_ID.replace('"ENROL"', '"EARN"');
const EARN_69218_BY_MOBILE = ENROL_69218_BY_MOBILE.replace('"ENROL"', '"EARN"');

let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());
beforeEach(() => resetSandbox(sandbox.url));

function expectSuccessItem(
  envelope: EnvelopeShape,
  index: number,
  expected: { promotionId: number; withEarnedId: boolean },
): void {
  const item = envelope.response[index];
  expect(item).toEqual({
    result: expect.objectContaining({
      entityType: 'CUSTOMER',
      entityId: expect.any(Number),
      promotionId: expected.promotionId,
      programId: 469,
      issualId: expect.stringMatching(/^\d+$/),
    }),
    errors: [],
    warnings: [],
  });
  if (expected.withEarnedId) expect(item?.result?.earnedId).toMatch(/^\d+$/);
  else expect(item?.result).not.toHaveProperty('earnedId');
}

describe("the vendor page's request examples", () => {
  it('enrols customer 555567088 into 57099 by id: one item with a string issualId', async () => {
    const { status, envelope } = await enrolAndEarn(sandbox.url, ENROL_57099_BY_ID);

    expect(status).toBe(200);
    expect(envelope).toMatchObject({ totalCount: 1, failureCount: 0 });
    expect(envelope.response).toHaveLength(1);
    expectSuccessItem(envelope, 0, { promotionId: 57099, withEarnedId: false });
    expect(envelope.response[0]?.result?.entityId).toBe(555567088);
  });

  it('enrols two customers into 69218 by mobile: one item each, in request order', async () => {
    const { status, envelope } = await enrolAndEarn(sandbox.url, ENROL_69218_BY_MOBILE);

    expect(status).toBe(200);
    expect(envelope).toMatchObject({ totalCount: 2, failureCount: 0 });
    expectSuccessItem(envelope, 0, { promotionId: 69218, withEarnedId: false });
    expectSuccessItem(envelope, 1, { promotionId: 69218, withEarnedId: false });
    // 11223569865 is 555567089, 919986000586 is 555567088 in the demo data.
    expect(envelope.response.map((item) => item.result?.entityId)).toEqual([555567089, 555567088]);
    expect(envelope.response[0]?.result?.issualId).not.toBe(envelope.response[1]?.result?.issualId);
  });

  it('earns 57099 for an enrolled customer by id: issualId of the enrolment and a new earnedId', async () => {
    const enrol = await enrolAndEarn(sandbox.url, ENROL_57099_BY_ID);
    const { status, envelope } = await enrolAndEarn(sandbox.url, EARN_57099_BY_ID);

    expect(status).toBe(200);
    expect(envelope).toMatchObject({ totalCount: 1, failureCount: 0 });
    expectSuccessItem(envelope, 0, { promotionId: 57099, withEarnedId: true });
    expect(envelope.response[0]?.result?.issualId).toBe(
      enrol.envelope.response[0]?.result?.issualId,
    );
  });

  it('earns 69218 for two enrolled customers by mobile: issualId and earnedId for each', async () => {
    await enrolAndEarn(sandbox.url, ENROL_69218_BY_MOBILE);
    const { status, envelope } = await enrolAndEarn(sandbox.url, EARN_69218_BY_MOBILE);

    expect(status).toBe(200);
    expect(envelope).toMatchObject({ totalCount: 2, failureCount: 0 });
    expectSuccessItem(envelope, 0, { promotionId: 69218, withEarnedId: true });
    expectSuccessItem(envelope, 1, { promotionId: 69218, withEarnedId: true });
  });

  it('earns the Direct Issue promotion 202090 without enrolment: placeholder issualId plus earnedId', async () => {
    const { status, envelope } = await enrolAndEarn(
      sandbox.url,
      requestBody({ action: 'EARN', promotionId: 202090, values: ['555567088', '555567089'] }),
    );

    expect(status).toBe(200);
    expectSuccessItem(envelope, 0, { promotionId: 202090, withEarnedId: true });
    expectSuccessItem(envelope, 1, { promotionId: 202090, withEarnedId: true });
    expect(envelope.response[0]?.result?.issualId).not.toBe(envelope.response[1]?.result?.issualId);
  });
});

describe("the vendor page's error examples", () => {
  it('ENROL on a Direct Issue promotion → one element 8902', async () => {
    const { status, envelope } = await enrolAndEarn(
      sandbox.url,
      requestBody({ promotionId: 202090, values: ['555567088', '555567089'] }),
    );

    expect(status).toBe(500);
    expect(envelope).toEqual(
      requestLevelError(
        8902,
        'bulk action passed not supported for loyalty/generic promotion type',
      ),
    );
  });

  it('one known and three unknown customers (acme, 74116) → a result then 8015 at positions 2–4', async () => {
    const acme = { Authorization: ACME_CREDENTIALS.authorizationHeader };
    const values = ['170940055', '170940056', '170940057', '170940058'];
    await enrolAndEarn(
      sandbox.url,
      requestBody({ programId: 699, promotionId: 74116, values: ['170940055'] }),
      acme,
    );

    const { status, envelope } = await enrolAndEarn(
      sandbox.url,
      requestBody({ action: 'EARN', programId: 699, promotionId: 74116, values }),
      acme,
    );

    expect(status).toBe(201);
    expect(envelope.totalCount).toBe(4);
    expect(envelope.failureCount).toBe(3);
    expect(envelope.response[0]?.result).toMatchObject({
      entityType: 'CUSTOMER',
      entityId: 170940055,
      promotionId: 74116,
      programId: 699,
      issualId: expect.stringMatching(/^\d+$/),
      earnedId: expect.stringMatching(/^\d+$/),
    });
    const notFound = {
      errors: [
        { status: false, code: 8015, message: 'Customer not found for the given identifiers' },
      ],
      warnings: [],
    };
    expect(envelope.response.slice(1)).toEqual([notFound, notFound, notFound]);
  });

  it("another org's program → one element 1101", async () => {
    const { envelope } = await enrolAndEarn(
      sandbox.url,
      requestBody({ programId: 699, promotionId: 74116, values: ['555567088', '555567089'] }),
    );
    expect(envelope).toEqual(requestLevelError(1101, 'invalid programId passed'));
  });

  it('an inactive promotion → one element 8892', async () => {
    const { envelope } = await enrolAndEarn(sandbox.url, requestBody({ promotionId: 70000 }));
    expect(envelope).toEqual(requestLevelError(8892, 'promotion is inactive'));
  });

  it('an unknown promotion → one element 8874', async () => {
    const { envelope } = await enrolAndEarn(sandbox.url, requestBody({ promotionId: 99999 }));
    expect(envelope).toEqual(requestLevelError(8874, 'promotion id passed is invalid'));
  });

  it('EARN on an Enrol-and-Issue promotion without enrolment → 8896 for that customer', async () => {
    const { envelope } = await enrolAndEarn(sandbox.url, requestBody({ action: 'EARN' }));
    expect(envelope).toEqual({
      response: [
        {
          errors: [
            {
              status: false,
              code: 8896,
              message: 'Error occurred while issuing promotion to the customer',
            },
          ],
          warnings: [],
        },
      ],
      totalCount: 1,
      failureCount: 1,
    });
  });

  it('a bad entity type → one element 8901', async () => {
    const { envelope } = await enrolAndEarn(sandbox.url, {
      ...requestBody({ values: ['555567088', '555567089'] }),
      type: 'STORE',
    });
    expect(envelope).toEqual(requestLevelError(8901, 'invalid entity type passed'));
  });
});
