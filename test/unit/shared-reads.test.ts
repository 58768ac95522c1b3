import { ANSWERS_PER_TURN, SharedReads } from '../../src/datasources/shared-reads';

/** One turn of the event loop: immediates queued before this one have run. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const CALLER = { id: 'caller', account: 'caller-account' };
const OTHER = { id: 'other', account: 'other-account' };

/** A call nobody observes. */
function unobserved<T>(answer: Promise<T>) {
  return { answer, joined: () => undefined };
}

describe('SharedReads hands a shared answer out a slice per turn', () => {
  const joiners = ANSWERS_PER_TURN * 3 + 5;

  it('answers the starter and the first slice at once, the rest in later turns, all alike', async () => {
    const reads = new SharedReads();
    const call = deferred<string>();
    let calls = 0;
    const start = () => {
      calls++;
      return unobserved(call.promise);
    };
    const settled: string[] = [];
    const all = [reads.run(CALLER, 'k', null, undefined, start)];
    for (let i = 0; i < joiners; i++) all.push(reads.run(CALLER, 'k', null, undefined, start));
    all.forEach((p) => void p?.then((v) => settled.push(v)));
    expect(calls).toBe(1);
    expect(reads.stats).toEqual({ started: 1, joined: joiners });

    call.resolve('page');
    // Microtasks only (no turn of the loop): the starter and one slice, nothing more.
    for (let i = 0; i < 10; i++) await Promise.resolve();
    expect(settled.length).toBe(1 + ANSWERS_PER_TURN);

    await nextTurn();
    expect(settled.length).toBeGreaterThan(1 + ANSWERS_PER_TURN);
    expect(settled.length).toBeLessThan(1 + joiners);

    await Promise.all(all);
    expect(settled).toEqual(Array<string>(1 + joiners).fill('page'));
  });

  it('starts a fresh call for a read that comes while the answer is still being handed out', async () => {
    const reads = new SharedReads();
    const first = deferred<string>();
    const all = [reads.run(CALLER, 'k', null, undefined, () => unobserved(first.promise))];
    for (let i = 0; i < joiners; i++)
      all.push(reads.run(CALLER, 'k', null, undefined, () => unobserved(first.promise)));
    first.resolve('old');
    await all[0];
    // The first slice is out, the others are still waiting for their turn.
    const later = reads.run(CALLER, 'k', null, undefined, () => unobserved(Promise.resolve('new')));
    expect(reads.stats.started).toBe(2);
    await expect(later).resolves.toBe('new');
    await expect(Promise.all(all)).resolves.toEqual(Array<string>(1 + joiners).fill('old'));
  });

  it('hands a failure out the same way: every joiner rejects with it', async () => {
    const reads = new SharedReads();
    const call = deferred<string>();
    const all = [reads.run(CALLER, 'k', null, undefined, () => unobserved(call.promise))];
    for (let i = 0; i < joiners; i++)
      all.push(reads.run(CALLER, 'k', null, undefined, () => unobserved(call.promise)));
    const failure = new Error('bug');
    call.reject(failure);
    const outcomes = await Promise.allSettled(all);
    expect(outcomes.every((o) => o.status === 'rejected' && o.reason === failure)).toBe(true);
  });
});

describe('SharedReads tells the starter who joined', () => {
  it("calls the starter's joined once per joiner, with that joiner's operation", async () => {
    const reads = new SharedReads();
    const call = deferred<string>();
    const joined: (string | undefined)[] = [];
    const start = () => ({
      answer: call.promise,
      joined: (operation: { spanId: string } | undefined) => joined.push(operation?.spanId),
    });
    const trace = (spanId: string) => ({ traceId: 'a'.repeat(32), spanId, traceFlags: 1 });
    const all = [
      reads.run(CALLER, 'k', null, trace('first'), start),
      reads.run(CALLER, 'k', null, trace('second'), start),
      reads.run(CALLER, 'k', null, undefined, start),
      // Another caller never joins: a call of its own, its own starter.
      reads.run(OTHER, 'k', null, trace('other'), () => unobserved(Promise.resolve('x'))),
    ];
    expect(joined).toEqual(['second', undefined]);
    call.resolve('page');
    await expect(Promise.all(all)).resolves.toEqual(['page', 'page', 'page', 'x']);
  });
});

describe('SharedReads bounds a caller by its account, and shares by its exact id', () => {
  it('counts two spellings of one credential against one bound, and never lets them share', async () => {
    const reads = new SharedReads({ maxInFlightPerCaller: 2 });
    const spelled = { id: 'spelled', account: 'caller-account' };
    const call = deferred<string>();
    let calls = 0;
    const start = () => {
      calls++;
      return unobserved(call.promise);
    };
    const first = reads.run(CALLER, 'k', null, undefined, start);
    const second = reads.run(spelled, 'k', null, undefined, start);
    expect(calls).toBe(2);
    expect(reads.run(spelled, 'k2', null, undefined, start)).toBeNull();
    expect(reads.run(CALLER, 'k3', null, undefined, start)).toBeNull();
    // The same key of the same exact caller still joins: no call more.
    const joined = reads.run(CALLER, 'k', null, undefined, start);
    expect(joined).not.toBeNull();
    const other = reads.run(OTHER, 'k', null, undefined, () => unobserved(Promise.resolve('o')));
    call.resolve('done');
    expect(await Promise.all([first, second, joined, other])).toEqual([
      'done',
      'done',
      'done',
      'o',
    ]);
    // Answered: the account is free again.
    const again = reads.run(spelled, 'k2', null, undefined, () => unobserved(Promise.resolve('b')));
    expect(await again).toBe('b');
  });

  it('leaves no count behind when a call could not be started', async () => {
    const reads = new SharedReads({ maxInFlightPerCaller: 1 });
    expect(() =>
      reads.run(CALLER, 'k', null, undefined, () => {
        throw new Error('a bug of ours');
      }),
    ).toThrow('a bug of ours');
    const next = reads.run(CALLER, 'k2', null, undefined, () => unobserved(Promise.resolve('ok')));
    expect(await next).toBe('ok');
  });
});
