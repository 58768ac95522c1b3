/**
 * DESIGN §8: a customer held by another call in flight (per org, promotion and entity,
 * from admission until answered, or until its work is done when its client gave up first)
 * gets per-customer 521, and nothing is done for it.
 */
import {
  demoCustomers,
  getLedger,
  resetSandbox,
  startSandbox,
  type RunningSandbox,
} from './sandbox-api';
import { ENROL_AND_EARN, demoAuth, enrolAndEarn, next, requestBody } from './helpers';

let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());
beforeEach(async () => {
  await resetSandbox(sandbox.url);
  sandbox.setFaults({ latencyMs: 300 });
});

const [ann, bo] = demoCustomers('demo');
const BUSY = { status: false, code: 521, message: 'concurrent actions on the same customer' };

/** Sends `body` and resolves once the sandbox has admitted it, with the pending answer. */
async function admitted(body: Record<string, unknown>) {
  const received = next(sandbox.onCallReceived);
  const answer = enrolAndEarn(sandbox.url, body);
  await received;
  // Wrapped: an async function returning the promise itself would wait for the answer.
  return { answer };
}

describe('a customer in another call in flight', () => {
  it('gets 521 in the second call, while the other customers of that call are served', async () => {
    const { answer: first } = await admitted(requestBody({ values: [ann!.id] }));
    const second = await enrolAndEarn(sandbox.url, requestBody({ values: [bo!.id, ann!.id] }));

    expect((await first).envelope.response[0]?.errors).toEqual([]);
    expect(second.status).toBe(201);
    expect(second.envelope.failureCount).toBe(1);
    expect(second.envelope.response[0]?.result).toMatchObject({ entityId: Number(bo!.id) });
    expect(second.envelope.response[1]).toEqual({ errors: [BUSY], warnings: [] });
    // Nothing was done for the busy customer: one enrolment of ann, from the first call.
    const ledger = await getLedger(sandbox.url);
    expect(ledger.filter((e) => String(e.entityId) === ann!.id)).toHaveLength(1);
  });

  it('is the same customer whatever the action and however it is identified', async () => {
    const { answer: enrol } = await admitted(requestBody({ values: [ann!.id] }));
    const earn = await enrolAndEarn(
      sandbox.url,
      requestBody({ action: 'EARN', identifierName: 'email', values: [ann!.email.toUpperCase()] }),
    );
    await enrol;
    expect(earn.envelope.response).toEqual([{ errors: [BUSY], warnings: [] }]);
  });

  it('is not busy for another promotion', async () => {
    const { answer: first } = await admitted(requestBody({ values: [ann!.id] }));
    const other = await enrolAndEarn(
      sandbox.url,
      requestBody({ promotionId: 69218, values: [ann!.id] }),
    );
    await first;
    expect(other.envelope.failureCount).toBe(0);
  });

  it('is free again once the call that held it was answered', async () => {
    await enrolAndEarn(sandbox.url, requestBody({ values: [ann!.id] }));
    const again = await enrolAndEarn(sandbox.url, requestBody({ values: [ann!.id] }));
    expect(again.envelope.failureCount).toBe(0);
  });

  it('is held by a call that never answers until its socket closes', async () => {
    sandbox.setFaults({ latencyMs: 0, hangAfterCommitRate: 1 });
    const aborted = new AbortController();
    const settled = next(sandbox.onCallSettled);
    const hung = fetch(`${sandbox.url}${ENROL_AND_EARN}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...demoAuth },
      body: JSON.stringify(requestBody({ values: [ann!.id] })),
      signal: aborted.signal,
    }).catch(() => null);
    await settled;
    sandbox.setFaults({ hangAfterCommitRate: 0 });

    const meanwhile = await enrolAndEarn(sandbox.url, requestBody({ values: [ann!.id] }));
    expect(meanwhile.envelope.response).toEqual([{ errors: [BUSY], warnings: [] }]);

    aborted.abort();
    await hung;
    await new Promise<void>((resolve) => {
      const check = () => (sandbox.calls()[0]?.endTime ? resolve() : setImmediate(check));
      check();
    });
    const after = await enrolAndEarn(sandbox.url, requestBody({ values: [ann!.id] }));
    expect(after.envelope.failureCount).toBe(0);
  });

  it('stays held after its client gave up, until the call’s work is done', async () => {
    // The platform goes on with a call whose client timed out: its customer is not free yet.
    sandbox.setFaults({ latencyMs: 1500 });
    const aborted = new AbortController();
    const received = next(sandbox.onCallReceived);
    const cut = fetch(`${sandbox.url}${ENROL_AND_EARN}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...demoAuth },
      body: JSON.stringify(requestBody({ values: [ann!.id] })),
      signal: aborted.signal,
    }).catch(() => null);
    await received;
    aborted.abort();
    await cut;
    sandbox.setFaults({ latencyMs: 0 });

    const meanwhile = await enrolAndEarn(sandbox.url, requestBody({ values: [ann!.id] }));
    expect(meanwhile.envelope.response).toEqual([{ errors: [BUSY], warnings: [] }]);
    expect(await getLedger(sandbox.url)).toEqual([]);

    await new Promise<void>((resolve) => {
      const check = () => (sandbox.calls()[0]?.endTime ? resolve() : setTimeout(check, 10));
      check();
    });
    const ledger = await getLedger(sandbox.url);
    expect(ledger.map((e) => e.callId)).toEqual([sandbox.calls()[0]?.id]);
    const after = await enrolAndEarn(sandbox.url, requestBody({ values: [bo!.id, ann!.id] }));
    expect(after.envelope.failureCount).toBe(0);
  });

  it('is not a conflict within one call: a customer listed twice gets two items', async () => {
    const { envelope } = await enrolAndEarn(
      sandbox.url,
      requestBody({ values: [ann!.id, ann!.id] }),
    );
    expect(envelope.failureCount).toBe(0);
    expect(envelope.response).toHaveLength(2);
  });
});

describe('the call log', () => {
  it('gives each call an endTime: null while in flight, then when it was answered', async () => {
    const { answer: pending } = await admitted(requestBody());
    expect(sandbox.calls()[0]?.endTime).toBeNull();
    await pending;
    const [call] = sandbox.calls();
    expect(call?.endTime).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT/));
    expect(Date.parse(call!.endTime!) - Date.parse(call!.time)).toBeGreaterThanOrEqual(250);
  });
});
