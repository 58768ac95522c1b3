/** Each fault knob: what the client sees, and what the ledger says was done. */
import {
  DEFAULT_FAULTS,
  getCalls,
  getFaults,
  getLedger,
  resetSandbox,
  setFaults,
  startSandbox,
  type CallRecord,
  type RunningSandbox,
} from './sandbox-api';
import { ENROL_AND_EARN, demoAuth, enrolAndEarn, next, post, requestBody } from './helpers';

let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());
beforeEach(() => resetSandbox(sandbox.url));

function send(body: unknown, init: RequestInit = {}): Promise<Response> {
  return fetch(`${sandbox.url}${ENROL_AND_EARN}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...demoAuth },
    body: JSON.stringify(body),
    ...init,
  });
}

describe('faults that do the work and then fail the answer', () => {
  it('resetAfterCommitRate 1: the client sees a socket error, the ledger has the enrolment', async () => {
    await setFaults(sandbox.url, { resetAfterCommitRate: 1 });

    await expect(send(requestBody())).rejects.toThrow();

    const ledger = await getLedger(sandbox.url);
    expect(ledger).toMatchObject([{ action: 'ENROL', entityId: 555567088, promotionId: 57099 }]);
    const [call] = await getCalls(sandbox.url);
    expect(call).toMatchObject({ status: null, fault: 'resetAfterCommit' });
    expect(ledger[0]?.callId).toBe(call?.id);
  });

  it('hangAfterCommitRate 1: no answer until the client aborts, the ledger has the enrolment', async () => {
    await setFaults(sandbox.url, { hangAfterCommitRate: 1 });
    const settled = next<CallRecord>(sandbox.onCallSettled);
    const controller = new AbortController();
    let answered = false;
    const request = send(requestBody(), { signal: controller.signal }).then((response) => {
      answered = true;
      return response;
    });

    const call = await settled;
    // The work is done and the call sealed as hanging; give the client 500 ms to see any answer.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(answered).toBe(false);
    controller.abort();

    await expect(request).rejects.toThrow(/abort/i);
    expect(call).toMatchObject({ status: null, fault: 'hangAfterCommit' });
    expect(await getLedger(sandbox.url)).toMatchObject([{ action: 'ENROL', entityId: 555567088 }]);
  });

  it('close() ends calls left hanging: the client sees a socket error', async () => {
    const own = await startSandbox({ faults: { hangAfterCommitRate: 1 } });
    const settled = next<CallRecord>(own.onCallSettled);
    const request = fetch(`${own.url}${ENROL_AND_EARN}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...demoAuth },
      body: JSON.stringify(requestBody()),
    });
    await settled;

    await own.close();

    await expect(request).rejects.toThrow();
  });

  it('malformedRate 1: a 200 whose body is not the envelope, the ledger has the enrolment', async () => {
    await setFaults(sandbox.url, { malformedRate: 1 });

    const response = await send(requestBody());
    const text = await response.text();

    expect(response.status).toBe(200);
    expect(() => JSON.parse(text)).toThrow();
    expect(await getLedger(sandbox.url)).toMatchObject([{ action: 'ENROL', entityId: 555567088 }]);
    expect((await getCalls(sandbox.url))[0]).toMatchObject({ status: 200, fault: 'malformed' });
  });
});

describe('faults that refuse the call and do nothing', () => {
  it('status500Rate 1: 500 without envelope, nothing in the ledger', async () => {
    await setFaults(sandbox.url, { status500Rate: 1 });

    const answer = await enrolAndEarn(sandbox.url, requestBody());

    expect(answer.status).toBe(500);
    expect(answer.body).not.toHaveProperty('response');
    expect(await getLedger(sandbox.url)).toEqual([]);
    expect((await getCalls(sandbox.url))[0]).toMatchObject({ status: 500, fault: 'status500' });
  });

  it('rateLimitRate 1: 429 with Retry-After from retryAfterSeconds, nothing in the ledger', async () => {
    await setFaults(sandbox.url, { rateLimitRate: 1, retryAfterSeconds: 7 });

    const answer = await enrolAndEarn(sandbox.url, requestBody());

    expect(answer.status).toBe(429);
    expect(answer.headers.get('retry-after')).toBe('7');
    expect(await getLedger(sandbox.url)).toEqual([]);
    expect((await getCalls(sandbox.url))[0]).toMatchObject({ status: 429, fault: 'rateLimit' });
  });

  it('rateLimitRate 1 sends Retry-After: 1 by default', async () => {
    await setFaults(sandbox.url, { rateLimitRate: 1 });
    const answer = await enrolAndEarn(sandbox.url, requestBody());
    expect(answer.headers.get('retry-after')).toBe('1');
  });

  it('maxConcurrent 1 with latency: 503 without envelope beyond it, nothing done for the 503s', async () => {
    await setFaults(sandbox.url, { maxConcurrent: 1, latencyMs: 2000 });
    const admitted = next<CallRecord>(sandbox.onCallReceived);
    const first = enrolAndEarn(sandbox.url, requestBody({ values: ['100000001'] }));
    await admitted;

    // The first call is in flight for 2 s: these arrive while it is.
    const [second, third] = await Promise.all([
      enrolAndEarn(sandbox.url, requestBody({ values: ['100000002'] })),
      enrolAndEarn(sandbox.url, requestBody({ values: ['100000003'] })),
    ]);
    const firstAnswer = await first;

    expect(firstAnswer.status).toBe(200);
    expect([second.status, third.status]).toEqual([503, 503]);
    expect(second.body).not.toHaveProperty('response');
    const ledger = await getLedger(sandbox.url);
    expect(ledger.map((entry) => entry.entityId)).toEqual([100000001]);
    const faults = (await getCalls(sandbox.url)).map((call) => call.fault).sort();
    expect(faults).toEqual([null, 'overloaded', 'overloaded']);
  });

  it('maxConcurrent frees its slot when a call is answered', async () => {
    await setFaults(sandbox.url, { maxConcurrent: 1 });
    const statuses: number[] = [];
    for (const value of ['100000001', '100000002', '100000003']) {
      statuses.push((await enrolAndEarn(sandbox.url, requestBody({ values: [value] }))).status);
    }
    expect(statuses).toEqual([200, 200, 200]);
  });
});

describe('latency and the faults endpoint', () => {
  it('latencyMs delays every answer by at least that much', async () => {
    await setFaults(sandbox.url, { latencyMs: 250 });
    const started = performance.now();
    const answer = await enrolAndEarn(sandbox.url, requestBody());
    const elapsed = performance.now() - started;

    expect(answer.status).toBe(200);
    expect(elapsed).toBeGreaterThanOrEqual(250);
  });

  it('jitterMs adds a random share of itself (drawn from the random option)', async () => {
    const own = await startSandbox({
      faults: { latencyMs: 100, jitterMs: 200 },
      random: () => 0.999,
    });
    try {
      const started = performance.now();
      await enrolAndEarn(own.url, requestBody());
      expect(performance.now() - started).toBeGreaterThanOrEqual(299);
    } finally {
      await own.close();
    }
  });

  it('draws each rate against the random option: 0.5 fails a 0.4 draw and passes a 0.6 one', async () => {
    const draws = [0.4, 0.6];
    const own = await startSandbox({
      faults: { status500Rate: 0.5 },
      random: () => draws.shift() ?? 0.99,
    });
    try {
      const first = await enrolAndEarn(own.url, requestBody());
      const second = await enrolAndEarn(own.url, requestBody());
      expect([first.status, second.status]).toEqual([500, 200]);
    } finally {
      await own.close();
    }
  });

  it('PUT merges the knobs given and answers the resulting set; GET returns it', async () => {
    const answered = await setFaults(sandbox.url, { latencyMs: 5, maxConcurrent: 3 });
    const again = await setFaults(sandbox.url, { status500Rate: 0.25 });

    expect(answered).toEqual({ ...DEFAULT_FAULTS, latencyMs: 5, maxConcurrent: 3 });
    expect(again).toEqual({
      ...DEFAULT_FAULTS,
      latencyMs: 5,
      maxConcurrent: 3,
      status500Rate: 0.25,
    });
    expect(await getFaults(sandbox.url)).toEqual(again);
  });

  it.each([
    ['an unknown key', { latency: 5 }],
    ['a rate above 1', { status500Rate: 1.5 }],
    ['a negative latency', { latencyMs: -1 }],
    ['a string', { rateLimitRate: '0.5' }],
    ['a fractional maxConcurrent', { maxConcurrent: 1.5 }],
    ['an array', [1]],
  ])('PUT with %s → 400 and the faults stay as they were', async (_label, body) => {
    await setFaults(sandbox.url, { latencyMs: 3 });
    const answer = await fetch(`${sandbox.url}/__sandbox/faults`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({ error: expect.any(String) });
    expect(await getFaults(sandbox.url)).toEqual({ ...DEFAULT_FAULTS, latencyMs: 3 });
  });

  it('PUT with a body that is not JSON → 400', async () => {
    const answer = await post(sandbox.url, '/__sandbox/faults', '{', {}, { method: 'PUT' });
    expect(answer.status).toBe(400);
  });

  it('reset puts the faults back to the start values', async () => {
    const own = await startSandbox({ faults: { latencyMs: 1, retryAfterSeconds: 9 } });
    try {
      await setFaults(own.url, { latencyMs: 50, status500Rate: 1 });
      await resetSandbox(own.url);
      expect(await getFaults(own.url)).toEqual({
        ...DEFAULT_FAULTS,
        latencyMs: 1,
        retryAfterSeconds: 9,
      });
    } finally {
      await own.close();
    }
  });

  it('startSandbox refuses invalid faults', async () => {
    await expect(startSandbox({ faults: { status500Rate: 2 } })).rejects.toThrow(/status500Rate/);
  });
});
