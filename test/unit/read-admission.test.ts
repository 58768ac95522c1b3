/**
 * ReadAdmission's rules, as pure logic (the attack it answers is shown end to end in
 * test/security/attacks/read-flood.test.ts): a caller the API has not accepted reads one at
 * a time, a refusal answers the rest unsent, and unverified probes are bounded in all (the
 * next new caller waits for a slot by its deadline).
 */
import { AcceptedCallers } from '../../src/domain/accepted-callers';
import type { ReadResult } from '../../src/domain/promotion-read';
import { ReadAdmission } from '../../src/promotion/read-admission';

type Result = ReadResult<string>;
const OK: Result = { kind: 'OK', value: 'page' };
const REFUSED: Result = { kind: 'AUTH_REJECTED', status: 401, message: 'refused' };
const DOWN: Result = { kind: 'UNAVAILABLE', message: 'down' };

/** A read whose answer the test gives, counting how many were made. */
function reads() {
  const pending: Array<(result: Result) => void> = [];
  return {
    made: () => pending.length,
    read: () => new Promise<Result>((resolve) => pending.push(resolve)),
    answer: (index: number, result: Result) => pending[index]!(result),
  };
}

const soon = () => Date.now();
const deadline = () => soon() + 10_000;
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('ReadAdmission', () => {
  it('lets a caller the API accepted read at once, as often as it likes', async () => {
    const accepted = new AcceptedCallers();
    accepted.vouch('known');
    const admission = new ReadAdmission(accepted, 1);
    const api = reads();
    const answers = [1, 2, 3].map(() => admission.admit('known', deadline(), api.read));
    await turn();
    expect(api.made()).toBe(3);
    [0, 1, 2].forEach((i) => api.answer(i, OK));
    expect(await Promise.all(answers)).toEqual([OK, OK, OK]);
  });

  it('sends one read of a new caller; the others wait, and go once the API accepted it', async () => {
    const accepted = new AcceptedCallers();
    const admission = new ReadAdmission(accepted, 4);
    const api = reads();
    const answers = [1, 2, 3].map(() => admission.admit('new', deadline(), api.read));
    await turn();
    expect(api.made()).toBe(1);
    api.answer(0, OK);
    await turn();
    expect(accepted.has('new')).toBe(true);
    expect(api.made()).toBe(3);
    api.answer(1, OK);
    api.answer(2, OK);
    expect(await Promise.all(answers)).toEqual([OK, OK, OK]);
  });

  it('answers the waiting reads with the probe’s refusal, and the next ones too, unsent', async () => {
    const admission = new ReadAdmission(new AcceptedCallers(), 4);
    const api = reads();
    const answers = [1, 2, 3].map(() => admission.admit('made-up', deadline(), api.read));
    await turn();
    api.answer(0, REFUSED);
    expect(await Promise.all(answers)).toEqual([REFUSED, REFUSED, REFUSED]);
    expect(await admission.admit('made-up', deadline(), api.read)).toEqual(REFUSED);
    expect(api.made()).toBe(1);
  });

  it('lets the next read ask when the probe got no word from the API either way', async () => {
    const admission = new ReadAdmission(new AcceptedCallers(), 4);
    const api = reads();
    const first = admission.admit('new', deadline(), api.read);
    const second = admission.admit('new', deadline(), api.read);
    await turn();
    api.answer(0, DOWN);
    expect(await first).toEqual(DOWN);
    await turn();
    expect(api.made()).toBe(2);
    api.answer(1, OK);
    expect(await second).toEqual(OK);
  });

  it('lets a new caller wait for a slot while the unverified callers’ probes are all out', async () => {
    const admission = new ReadAdmission(new AcceptedCallers(), 2);
    const api = reads();
    void admission.admit('a', deadline(), api.read);
    void admission.admit('b', deadline(), api.read);
    const waiting = admission.admit('c', deadline(), api.read);
    await turn();
    expect(api.made()).toBe(2);
    api.answer(0, OK);
    await turn();
    expect(api.made()).toBe(3);
    api.answer(2, OK);
    expect(await waiting).toEqual(OK);
  });

  it('refuses a new caller that waited for a slot until its deadline, unsent', async () => {
    const admission = new ReadAdmission(new AcceptedCallers(), 1);
    const api = reads();
    void admission.admit('a', deadline(), api.read);
    expect(await admission.admit('c', soon() + 20, api.read)).toMatchObject({
      kind: 'RATE_LIMITED',
      retryAfterSeconds: 1,
    });
    expect(api.made()).toBe(1);
  });

  it('stops waiting for a probe at the read’s own deadline', async () => {
    const admission = new ReadAdmission(new AcceptedCallers(), 4);
    const api = reads();
    void admission.admit('new', deadline(), api.read);
    expect(await admission.admit('new', soon() + 20, api.read)).toMatchObject({
      kind: 'UNAVAILABLE',
    });
    expect(api.made()).toBe(1);
  });
});
