/** The admin endpoints: ledger, call log, reset. */
import {
  ACME_CREDENTIALS,
  credentialHashOf,
  getCalls,
  getCallsSnapshot,
  getLedger,
  getLedgerSnapshot,
  resetSandbox,
  startSandbox,
  type RunningSandbox,
} from './sandbox-api';
import { demoAuth, enrolAndEarn, post, requestBody } from './helpers';

let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());
beforeEach(() => resetSandbox(sandbox.url));

describe('GET /__sandbox/ledger', () => {
  it('lists every enrolment and earn with the ids the envelope carried', async () => {
    const enrol = await enrolAndEarn(sandbox.url, requestBody());
    const earn = await enrolAndEarn(sandbox.url, requestBody({ action: 'EARN' }));
    const direct = await enrolAndEarn(
      sandbox.url,
      requestBody({ action: 'EARN', promotionId: 202090 }),
    );

    const ledger = await getLedger(sandbox.url);
    const enrolResult = enrol.envelope.response[0]?.result;
    const earnResult = earn.envelope.response[0]?.result;
    const directResult = direct.envelope.response[0]?.result;
    expect(ledger).toEqual([
      {
        org: 'demo',
        programId: 469,
        promotionId: 57099,
        action: 'ENROL',
        entityId: 555567088,
        issualId: enrolResult?.issualId,
        earnedId: null,
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        callId: enrol.headers.get('x-cap-requestid'),
      },
      expect.objectContaining({
        action: 'EARN',
        issualId: enrolResult?.issualId,
        earnedId: earnResult?.earnedId,
        callId: earn.headers.get('x-cap-requestid'),
      }),
      expect.objectContaining({
        promotionId: 202090,
        action: 'EARN',
        issualId: directResult?.issualId,
        earnedId: directResult?.earnedId,
      }),
    ]);
  });

  it('has no entry for failed items or 8890 warnings', async () => {
    await enrolAndEarn(sandbox.url, requestBody({ action: 'EARN' })); // 8896
    await enrolAndEarn(sandbox.url, requestBody({ values: ['1'] })); // 8015
    await enrolAndEarn(sandbox.url, requestBody({ action: 'EARN', promotionId: 202090 }));
    await enrolAndEarn(sandbox.url, requestBody({ action: 'EARN', promotionId: 202090 })); // 8890

    expect((await getLedger(sandbox.url)).map((entry) => entry.promotionId)).toEqual([202090]);
  });
});

describe('GET /__sandbox/calls', () => {
  it('records each call: its path, a sha256 of its credentials (never the values), org, body, status, customers', async () => {
    const body = requestBody({ values: ['555567088', '1'] });
    const answer = await enrolAndEarn(sandbox.url, body);
    await enrolAndEarn(sandbox.url, requestBody(), {});

    const calls = await getCalls(sandbox.url);
    expect(calls).toEqual([
      {
        id: answer.headers.get('x-cap-requestid'),
        path: '/v2/promotion/bulk/enrolAndEarn',
        credentialHash: credentialHashOf({ authorization: demoAuth.Authorization }),
        org: 'demo',
        body,
        status: 201,
        fault: null,
        customers: 2,
        traceparent: null,
        time: expect.any(String),
        endTime: expect.any(String),
      },
      expect.objectContaining({ org: null, status: 401, credentialHash: credentialHashOf({}) }),
    ]);
    expect(calls[0]?.credentialHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(calls)).not.toContain(demoAuth.Authorization.slice('Basic '.length));
  });

  it('gives different callers different credential hashes', async () => {
    await enrolAndEarn(sandbox.url, requestBody());
    await enrolAndEarn(
      sandbox.url,
      requestBody({ programId: 699, promotionId: 74116, values: ['170940055'] }),
      {
        Authorization: ACME_CREDENTIALS.authorizationHeader,
      },
    );
    const [demo, acme] = await getCalls(sandbox.url);
    expect(demo?.credentialHash).not.toBe(acme?.credentialHash);
    expect(acme?.org).toBe('acme');
  });

  it('keeps the raw text of a body that is not JSON', async () => {
    await post(sandbox.url, '/v2/promotion/bulk/enrolAndEarn', 'not json');
    expect((await getCalls(sandbox.url))[0]).toMatchObject({
      body: 'not json',
      status: 400,
      customers: 0,
    });
  });

  it('keeps at most maxCallLog calls, dropping the oldest', async () => {
    const own = await startSandbox({ maxCallLog: 2 });
    try {
      for (const value of ['100000001', '100000002', '100000003']) {
        await enrolAndEarn(own.url, requestBody({ values: [value] }));
      }
      const calls = await getCalls(own.url);
      expect(
        calls.map(
          (call) =>
            (call.body as { customers: { identifierValue: string }[] }).customers[0]
              ?.identifierValue,
        ),
      ).toEqual(['100000002', '100000003']);
      expect((await getCallsSnapshot(own.url)).dropped).toBe(1);
      // The ledger is not the call log: all three enrolments are there.
      expect(await getLedger(own.url)).toHaveLength(3);
    } finally {
      await own.close();
    }
  });
});

describe('bounded ledger', () => {
  it('keeps at most maxLedgerEntries, dropping the oldest and counting them', async () => {
    const own = await startSandbox({ maxLedgerEntries: 2 });
    try {
      await enrolAndEarn(own.url, requestBody({ values: ['100000001', '100000002', '100000003'] }));
      const snapshot = await getLedgerSnapshot(own.url);
      expect(snapshot.entries.map((entry) => entry.entityId)).toEqual([100000002, 100000003]);
      expect(snapshot.dropped).toBe(1);
    } finally {
      await own.close();
    }
  });
});

describe('POST /__sandbox/reset', () => {
  it('clears ledger, calls and enrolments; ids go on, as the platform never reuses one', async () => {
    const before = await enrolAndEarn(sandbox.url, requestBody());

    await resetSandbox(sandbox.url);

    expect(await getLedger(sandbox.url)).toEqual([]);
    expect(await getCalls(sandbox.url)).toEqual([]);
    const earn = await enrolAndEarn(sandbox.url, requestBody({ action: 'EARN' }));
    expect(earn.envelope.response[0]?.errors[0]?.code).toBe(8896); // the enrolment is gone
    const after = await enrolAndEarn(sandbox.url, requestBody());
    expect(Number(after.envelope.response[0]?.result?.issualId)).toBe(
      Number(before.envelope.response[0]?.result?.issualId) + 1,
    );
  });

  it('answers 404 for an unknown admin route and 405 for a wrong method', async () => {
    const unknown = await fetch(`${sandbox.url}/__sandbox/nothing`);
    const wrongMethod = await fetch(`${sandbox.url}/__sandbox/ledger`, { method: 'DELETE' });
    expect([unknown.status, wrongMethod.status]).toEqual([404, 405]);
  });
});

describe('startSandbox', () => {
  it('answers a url without trailing slash on the port it listens on', () => {
    expect(sandbox.url).toBe(`http://127.0.0.1:${sandbox.port}`);
    expect(sandbox.port).toBeGreaterThan(0);
  });

  it('close() resolves and the port stops answering', async () => {
    const own = await startSandbox();
    await own.close();
    await expect(fetch(`${own.url}/__sandbox/faults`)).rejects.toThrow();
  });
});
