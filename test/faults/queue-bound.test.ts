/**
 * The bounded queue (DESIGN.md §7): past MAX_QUEUED_CUSTOMERS, a mutation is refused at
 * once with RateLimitedError instead of waiting in memory, and refusing many of them
 * leaves the process's memory where it was.
 */
import { collectGarbage } from '../support/collect-garbage';
import { within } from '../support/eventually';
import { startStack, type Stack } from '../support/stack';
import { demo, enrol, nextCall } from './support';

const ids = (from: number, count: number) => demo.slice(from, from + count).map((c) => c.id);

describe('past the queue bound', () => {
  let stack: Stack;

  beforeAll(async () => {
    // The API takes a minute per call, so the first mutation holds the whole queue.
    stack = await startStack(
      {
        MAX_QUEUED_CUSTOMERS: '10',
        MAX_CUSTOMERS_PER_MUTATION: '10',
        BATCH_WINDOW_MS: '0',
        PROMOTION_API_TIMEOUT_MS: '120000',
        REQUEST_TIMEOUT_MS: '140000',
      },
      { faults: { latencyMs: 60_000 } },
    );
  });
  afterAll(async () => {
    // The sandbox first: it cuts the held call, which lets the gateway answer and close.
    await stack.sandbox.close();
    await stack.gateway.close();
  });

  it('answers RateLimitedError at once, without an API call, and memory stays bounded', async () => {
    const url = stack.gateway.graphqlUrl;
    const held = enrol(url, ids(0, 10));
    await within(nextCall(stack.sandbox, 'received'), {
      describe: 'the held call to reach the API',
    });

    const refused = await enrol(url, ids(10, 1));

    expect(refused).toMatchObject({
      __typename: 'RateLimitedError',
      retryable: true,
      retryAfterSeconds: 1,
    });
    // At once: answered while the call that holds the queue is still in flight (a minute).
    expect(stack.sandbox.calls()).toEqual([expect.objectContaining({ endTime: null })]);

    // Many more refusals, 50 at a time; warm up first so that only growth is measured.
    const refuseMany = async (count: number) => {
      for (let sent = 0; sent < count; sent += 50) {
        const answers = await Promise.all(
          Array.from({ length: 50 }, (_, i) => enrol(url, ids(100 + ((sent + i) % 1800), 10))),
        );
        expect(answers.every((a) => a.__typename === 'RateLimitedError')).toBe(true);
      }
    };
    await refuseMany(200);
    collectGarbage();
    const before = process.memoryUsage().heapUsed;
    await refuseMany(1500);
    collectGarbage();
    const growth = process.memoryUsage().heapUsed - before;
    console.log(
      `heap growth after 1,500 refused mutations of 10 customers: ${(growth / 1024 / 1024).toFixed(1)} MiB`,
    );

    // Generous for noise (the test's own HTTP client shares the heap), yet 6 KiB kept
    // per refused mutation — its input, a context, a promise per customer — would pass it.
    expect(growth).toBeLessThan(9 * 1024 * 1024);
    expect(stack.sandbox.calls()).toHaveLength(1);
    await stack.sandbox.close();
    expect((await held).__typename).toBe('OutcomeUnknownError');
  });
});
