/** The batching contract the batcher relies on, tested on the queue alone. */
import { BatchQueue, EARLY_DEPARTURE_SHARE } from '../../src/datasources/batch-queue';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
/** Keeps the event loop busy, as a gateway reading a crowd of requests does. */
function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

/** A queue whose batches are recorded as `[key, items]`, in the order they left. */
function recordingQueue(maxSize: number, windowMs: number) {
  const batches: Array<[string, number[]]> = [];
  let onDispatch: (items: number[]) => void = () => undefined;
  const queue = new BatchQueue<{ key: string; n: number }>({ maxSize, windowMs }, (items) => {
    batches.push([items[0]?.key ?? '', items.map((i) => i.n)]);
    onDispatch(items.map((i) => i.n));
  });
  const add = (key: string, ...ns: number[]) => ns.forEach((n) => queue.add(key, { key, n }));
  /** Resolves when `count` batches have left. */
  const left = (count: number) =>
    new Promise<void>((resolve) => {
      const check = () => (batches.length >= count ? resolve() : setImmediate(check));
      check();
    });
  return {
    queue,
    batches,
    add,
    left,
    onDispatch: (f: (items: number[]) => void) => (onDispatch = f),
  };
}

describe('BatchQueue', () => {
  it('puts items of one key in one batch and never mixes keys, batches leaving in the order they opened', async () => {
    const q = recordingQueue(100, 0);
    q.add('a', 1, 2);
    q.add('b', 3);
    q.add('a', 4);
    expect(q.queue.openBatches).toBe(2);
    await nextTurn();
    expect(q.batches).toEqual([
      ['a', [1, 2, 4]],
      ['b', [3]],
    ]);
    expect(q.queue.openBatches).toBe(0);
  });

  it('sends a full batch at once, in the same turn, and opens a new one for the next item', () => {
    const q = recordingQueue(2, 60_000);
    q.add('a', 1, 2, 3);
    expect(q.batches).toEqual([['a', [1, 2]]]);
    expect(q.queue.openBatches).toBe(1);
    q.add('a', 4);
    expect(q.batches).toEqual([
      ['a', [1, 2]],
      ['a', [3, 4]],
    ]);
    expect(q.queue.openBatches).toBe(0);
  });

  it('with a window of 0 waits for the end of the turn, not for the microtasks queued so far', async () => {
    const q = recordingQueue(100, 0);
    q.add('a', 1);
    for (let i = 0; i < 20; i++) await Promise.resolve();
    q.add('a', 2);
    expect(q.batches).toEqual([]);
    await nextTurn();
    expect(q.batches).toEqual([['a', [1, 2]]]);
  });

  it('keeps a batch for its window', async () => {
    const q = recordingQueue(100, 30);
    const started = performance.now();
    q.add('a', 1);
    await nextTurn();
    expect(q.batches).toEqual([]);
    await q.left(1);
    // Node may fire a timer up to a millisecond early by this clock.
    expect(performance.now() - started).toBeGreaterThanOrEqual(29);
  });

  it('closes a window at the end of its turn: what joins after the window timer fired, in that turn, goes too', async () => {
    const q = recordingQueue(100, 5);
    q.add('a', 1);
    // Due at the same time and registered later: runs after the window's timer, in its turn.
    setTimeout(() => q.add('a', 2), 5);
    busyFor(20);
    await q.left(1);
    expect(q.batches).toEqual([['a', [1, 2]]]);
  });

  it(`sends a batch whose window has passed on leaveIfLate once it is ${EARLY_DEPARTURE_SHARE * 100} % full, not before`, () => {
    const q = recordingQueue(10, 5);
    q.add('a', 1, 2, 3, 4, 5, 6, 7);
    q.queue.leaveIfLate('a');
    expect(q.batches).toEqual([]); // full enough, but its window has not passed
    busyFor(10);
    q.add('b', 1, 2, 3, 4, 5, 6);
    q.queue.leaveIfLate('b');
    expect(q.batches).toEqual([]); // its window has not passed
    q.queue.leaveIfLate('a');
    expect(q.batches).toEqual([['a', [1, 2, 3, 4, 5, 6, 7]]]);
    q.queue.flush();
  });

  it('leaves a late batch that is not full enough to its window', () => {
    const q = recordingQueue(10, 5);
    q.add('a', 1, 2, 3, 4, 5, 6);
    busyFor(10);
    q.queue.leaveIfLate('a');
    q.queue.leaveIfLate('unknown key');
    expect(q.batches).toEqual([]);
    q.queue.flush();
  });

  it('flush sends every open batch now, and none of them again when its window ends', async () => {
    const q = recordingQueue(100, 20);
    q.add('a', 1);
    q.add('b', 2);
    q.queue.flush();
    expect(q.batches).toEqual([
      ['a', [1]],
      ['b', [2]],
    ]);
    expect(q.queue.openBatches).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 40));
    await nextTurn();
    expect(q.batches).toHaveLength(2);
  });

  it('drain sends the open batches now, and later ones at the end of the turn they opened in', async () => {
    const q = recordingQueue(100, 60_000);
    q.add('a', 1);
    q.queue.drain();
    expect(q.batches).toEqual([['a', [1]]]);
    q.add('a', 2);
    q.add('a', 3);
    expect(q.batches).toHaveLength(1);
    await nextTurn();
    expect(q.batches).toEqual([
      ['a', [1]],
      ['a', [2, 3]],
    ]);
  });

  it('puts what is added while a batch is dispatched in a new batch', async () => {
    const q = recordingQueue(100, 0);
    q.onDispatch((items) => {
      if (items.includes(1)) q.add('a', 9);
    });
    q.add('a', 1, 2);
    await q.left(2);
    expect(q.batches).toEqual([
      ['a', [1, 2]],
      ['a', [9]],
    ]);
  });
});
