/** The sandbox's customer lookup and get-by-id (neighbour-endpoints.md §2, §3; DESIGN §8). */
import {
  ACME_CREDENTIALS,
  DEMO_READONLY_CREDENTIALS,
  startSandbox,
  type RunningSandbox,
} from './sandbox-api';
import { demoAuth, enrolAndEarn, requestBody } from './helpers';

const LOOKUP = '/v2/customers/lookup/promotionData';

interface Timeline {
  enrollmentId: number;
  enrollmentDate: string;
  enrollmentExpiryDate: string;
  issuedDetails: { issualId: number; issualDate: string; redeemedCount: number }[];
}
interface LookupPromotion {
  promotionId: number;
  pointsOfferType: string;
  customerPromotionTimelines: Timeline[];
}
interface LookupBody {
  pageDetails: { pageNumber: number; pageSize: number; totalEntries: number; pageCount: number };
  customerId: number;
  promotions: LookupPromotion[];
  errors?: { code: number }[];
}

async function get(
  url: string,
  path: string,
  headers: Record<string, string> = demoAuth,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${url}${path}`, { headers });
  return { status: response.status, body: await response.json() };
}

async function lookup(
  url: string,
  query: Record<string, string>,
  headers: Record<string, string> = demoAuth,
): Promise<{ status: number; body: LookupBody }> {
  const params = new URLSearchParams({ identifierName: 'id', source: 'INSTORE', ...query });
  const { status, body } = await get(url, `${LOOKUP}?${params}`, headers);
  return { status, body: body as LookupBody };
}

describe('the sandbox read endpoints', () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ now: () => Date.parse('2026-12-01T10:00:00.000Z') });
  });
  afterAll(() => sandbox.close());
  beforeEach(() => sandbox.reset());

  it('shows the enrolment and the earn made through enrolAndEarn, with their ids, dates and redeemedCount 0', async () => {
    const enrol = await enrolAndEarn(sandbox.url, requestBody({ values: ['555567088'] }));
    const earn = await enrolAndEarn(
      sandbox.url,
      requestBody({ action: 'EARN', values: ['555567088'] }),
    );
    const { status, body } = await lookup(sandbox.url, {
      identifierValue: '555567088',
      limit: '10',
    });
    expect(status).toBe(200);
    expect(body.customerId).toBe(555567088);
    const promotion = body.promotions.find((p) => p.promotionId === 57099);
    expect(promotion?.customerPromotionTimelines).toEqual([
      {
        enrollmentId: Number(enrol.envelope.response[0]?.result?.issualId),
        enrollmentDate: '2026-12-01T10:00:00',
        // The promotion's end date: 57099 ends 2030-12-31T23:59:59Z.
        enrollmentExpiryDate: '2030-12-31T23:59:59',
        enrollEventLogId: expect.any(Number),
        issuedDetails: [
          {
            issualId: Number(earn.envelope.response[0]?.result?.earnedId),
            issualDate: '2026-12-01T10:00:00',
            issualExpiryDate: '2030-12-31T23:59:59',
            issualEventLogId: expect.any(Number),
            redeemedCount: 0,
          },
        ],
      },
    ]);
    // Never enrolled in the others: an empty timeline.
    expect(
      body.promotions.find((p) => p.promotionId === 69218)?.customerPromotionTimelines,
    ).toEqual([]);
  });

  it('expires an enrolment of a promotion without an end date 30 days after it was made', async () => {
    await enrolAndEarn(sandbox.url, requestBody({ promotionId: 69218, values: ['555567088'] }));
    const { body } = await lookup(sandbox.url, { identifierValue: '555567088' });
    const [enrolment] =
      body.promotions.find((p) => p.promotionId === 69218)?.customerPromotionTimelines ?? [];
    expect(enrolment?.enrollmentExpiryDate).toBe('2026-12-31T10:00:00');
  });

  it('filters by promotionStatusForCustomer and promotionType', async () => {
    await enrolAndEarn(sandbox.url, requestBody({ values: ['555567088'] }));
    const ids = async (query: Record<string, string>) =>
      (await lookup(sandbox.url, { identifierValue: '555567088', ...query })).body.promotions.map(
        (p) => p.promotionId,
      );
    expect(await ids({})).toEqual([57099, 69218, 202090, 70000]);
    expect(await ids({ promotionStatusForCustomer: 'AVAILABLE_TO_ENROL' })).toEqual([69218]);
    expect(await ids({ promotionStatusForCustomer: 'AVAILABLE_TO_EARN' })).toEqual([57099, 202090]);
    expect(await ids({ promotionStatusForCustomer: 'AVAILABLE_TO_REDEEM' })).toEqual([
      57099, 69218, 202090,
    ]);
    expect(await ids({ promotionStatusForCustomer: 'EXPIRED' })).toEqual([70000]);
    expect(await ids({ promotionType: 'DIRECT_ISSUE' })).toEqual([202090]);
    expect(await ids({ promotionType: 'ENROL_AND_ISSUE' })).toEqual([57099, 69218, 70000]);
    expect(await ids({ promotionType: 'GENERIC' })).toEqual([]);
  });

  it('pages with limit and offset, and says so in pageDetails', async () => {
    const first = await lookup(sandbox.url, { identifierValue: '555567088', limit: '3' });
    const second = await lookup(sandbox.url, {
      identifierValue: '555567088',
      limit: '3',
      offset: '3',
    });
    expect(first.body.pageDetails).toEqual({
      pageNumber: 0,
      pageSize: 3,
      totalEntries: 4,
      pageCount: 2,
    });
    expect(first.body.promotions.map((p) => p.promotionId)).toEqual([57099, 69218, 202090]);
    expect(second.body.pageDetails.pageNumber).toBe(1);
    expect(second.body.promotions.map((p) => p.promotionId)).toEqual([70000]);
  });

  it('finds the customer by mobile and by email, case-insensitively for email', async () => {
    for (const query of [
      { identifierName: 'mobile', identifierValue: '919986000586' },
      { identifierName: 'email', identifierValue: 'Asha.Rao@Example.com' },
    ]) {
      expect((await lookup(sandbox.url, query)).body.customerId).toBe(555567088);
    }
  });

  it.each([
    [
      'an unknown identifierName',
      { identifierName: 'nickname', identifierValue: '555567088' },
      8013,
    ],
    ['an unknown customer', { identifierValue: '999' }, 8015],
    ['an unknown source', { identifierValue: '555567088', source: 'FAX' }, 8003],
    ['another org’s program', { identifierValue: '555567088', programs: '469,699' }, 1101],
    ['a limit over 100', { identifierValue: '555567088', limit: '101' }, 4055],
  ])('answers %s with HTTP 400 and the code in errors[]', async (_name, query, code) => {
    const { status, body } = await lookup(sandbox.url, query);
    expect(status).toBe(400);
    expect(body.errors?.[0]?.code).toBe(code);
    expect(body).not.toHaveProperty('pageDetails');
  });

  it('serves reads to read-only credentials and refuses unknown ones with 401', async () => {
    const readonly = { Authorization: DEMO_READONLY_CREDENTIALS.authorizationHeader };
    expect((await lookup(sandbox.url, { identifierValue: '555567088' }, readonly)).status).toBe(
      200,
    );
    expect((await lookup(sandbox.url, { identifierValue: '555567088' }, {})).status).toBe(401);
  });

  it('keeps orgs apart: acme does not see demo customers', async () => {
    const acme = { Authorization: ACME_CREDENTIALS.authorizationHeader };
    expect(
      (await lookup(sandbox.url, { identifierValue: '555567088' }, acme)).body.errors?.[0]?.code,
    ).toBe(8015);
  });

  it("get-by-id answers the promotion's definition in the documented envelope", async () => {
    const { status, body } = await get(
      sandbox.url,
      '/api_gateway/loyalty/v1/programs/469/promotions/69218/get',
    );
    expect(status).toBe(200);
    expect(body).toMatchObject({
      status: { code: 200, message: 'success' },
      validationErrors: null,
      data: [
        {
          id: 69218,
          name: 'Weekend double points',
          programId: 469,
          isActive: true,
          endDate: null,
          pointsOfferType: 'LOYALTY_EARNING',
          promotionRestrictions: {
            restrictions: {
              redemptionRestrictions: [
                {
                  name: 'MAX_ALLOWED_TIMES_PER_CUSTOMER',
                  value: 2,
                  type: 'PERIOD_BASED',
                  periodType: 'MOVING_WINDOW',
                  periodUnit: 'WEEKLY',
                },
              ],
            },
          },
        },
      ],
    });
  });

  it.each([
    ['/api_gateway/loyalty/v1/programs/469/promotions/1/get', 4029],
    ['/api_gateway/loyalty/v1/programs/699/promotions/74116/get', 2010],
    ['/api_gateway/loyalty/v1/programs/abc/promotions/1/get', 2010],
  ])('get-by-id %s answers HTTP 400 with status.code %d', async (path, code) => {
    const { status, body } = await get(sandbox.url, path);
    expect(status).toBe(400);
    expect(body).toMatchObject({ status: { code } });
  });

  it('logs each read with its path and query string, apart from the enrolAndEarn calls', async () => {
    await lookup(sandbox.url, { identifierValue: '555567088', limit: '5' });
    expect(sandbox.readCalls()).toEqual([
      expect.objectContaining({
        method: 'GET',
        path: LOOKUP,
        query: 'identifierName=id&source=INSTORE&identifierValue=555567088&limit=5',
        status: 200,
        org: 'demo',
        traceparent: null,
      }),
    ]);
    expect(sandbox.calls()).toEqual([]);
  });

  it('applies the latency and error faults to reads too', async () => {
    sandbox.setFaults({ status500Rate: 1 });
    expect((await lookup(sandbox.url, { identifierValue: '555567088' })).status).toBe(500);
    sandbox.setFaults({ status500Rate: 0, rateLimitRate: 1, retryAfterSeconds: 3 });
    const response = await fetch(
      `${sandbox.url}${LOOKUP}?identifierName=id&identifierValue=555567088&source=INSTORE`,
      { headers: demoAuth },
    );
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('3');
  });
});
