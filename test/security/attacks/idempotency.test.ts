/**
 * Issue 11, finding 5 and the Redis part of finding 12 (DESIGN.md §9): the in-memory
 * idempotency store keeps every completed record for its whole TTL; when its budget is
 * full, new keyed mutations get RateLimitedError and it is logged. Every store failure
 * is logged with its cause, and an unreachable Redis is logged without its password.
 */
import { randomUUID } from 'node:crypto';
import { asResult, demo, enrol } from '../../faults/support';
import { eventually } from '../../support/eventually';
import { REFUSING_PORT } from '../../support/refusing-port';
import { startSecureStack, type SecureStack } from '../support';

type LogLine = Record<string, unknown> & { level: number; msg: string };

function parsed(stack: SecureStack): LogLine[] {
  return stack.logLines().map((line) => JSON.parse(line) as LogLine);
}

const tenIds = (batch: number) => demo.slice(batch * 10, batch * 10 + 10).map((c) => c.id);

describe('a full in-memory idempotency store', () => {
  let stack: SecureStack;

  beforeAll(async () => {
    // The smallest budget the config allows: a few dozen records of ten customers.
    stack = await startSecureStack({
      IDEMPOTENCY_MEMORY_MAX_BYTES: String(64 * 1024),
      LOG_LEVEL: 'info',
      BATCH_WINDOW_MS: '0',
    });
  });
  afterAll(() => stack.close());

  it('still replays the first key, and refuses new keys with RateLimitedError, logged without the key', async () => {
    const firstKey = `order-${randomUUID()}`;
    const first = asResult(await enrol(stack.url, tenIds(0), { idempotencyKey: firstKey }));
    expect(first).toMatchObject({ replayed: false, successCount: 10 });

    let refusal: Awaited<ReturnType<typeof enrol>> | undefined;
    const fillKeys: string[] = [];
    // 2,000 demo customers, ten a mutation: far more than 64 KiB of records.
    for (let batch = 1; refusal === undefined && batch < 200; batch++) {
      fillKeys.push(`order-${randomUUID()}`);
      const payload = await enrol(stack.url, tenIds(batch), { idempotencyKey: fillKeys.at(-1) });
      if (payload.__typename !== 'EnrolCustomersResult') refusal = payload;
    }
    const calls = stack.sandbox.calls().length;

    const retry = asResult(await enrol(stack.url, tenIds(0), { idempotencyKey: firstKey }));
    expect(retry).toMatchObject({ replayed: true, results: first.results });
    expect(stack.sandbox.calls()).toHaveLength(calls);
    expect(refusal).toMatchObject({
      __typename: 'RateLimitedError',
      retryable: true,
      retryAfterSeconds: expect.any(Number),
    });
    // The refused key reached no API call.
    expect(calls).toBe(fillKeys.length);
    // A mutation without a key needs no record, and is still served.
    const unkeyed = asResult(await enrol(stack.url, tenIds(199)));
    expect(unkeyed.successCount).toBe(10);

    const lines = parsed(stack);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          level: 40,
          msg: expect.stringMatching(/idempotency store is full/),
        }),
      ]),
    );
    const text = JSON.stringify(lines);
    for (const key of [firstKey, ...fillKeys]) expect(text).not.toContain(key);
  });
});

describe('an unreachable Redis', () => {
  let stack: SecureStack;
  let port: number;

  beforeAll(async () => {
    port = REFUSING_PORT;
    stack = await startSecureStack({
      REDIS_URL: `redis://gateway:s3cret-redis-pw@127.0.0.1:${port}/0`,
      LOG_LEVEL: 'info',
      BATCH_WINDOW_MS: '0',
    });
  });
  afterAll(() => stack.close());

  it('is warned about at start, and a keyed mutation is refused with its cause logged', async () => {
    await eventually(
      () => parsed(stack).filter((line) => /cannot connect to Redis/.test(line.msg)),
      {
        describe: 'a warning that Redis cannot be reached',
        until: (warnings) => warnings.length > 0,
      },
    );

    const payload = await enrol(stack.url, tenIds(0).slice(0, 1), {
      idempotencyKey: `order-${randomUUID()}`,
    });
    expect(payload).toMatchObject({ __typename: 'UpstreamUnavailableError', retryable: true });
    expect(stack.sandbox.calls()).toHaveLength(0);

    const lines = parsed(stack);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          level: 40,
          msg: expect.stringMatching(/cannot connect to Redis/),
          redis: `127.0.0.1:${port}`,
        }),
        expect.objectContaining({
          level: 50,
          msg: expect.stringMatching(/idempotency store failed/),
          err: expect.objectContaining({ message: expect.stringContaining('ECONNREFUSED') }),
        }),
      ]),
    );
    // Reconnect attempts go on every 2 s at most; the warning is not repeated for each.
    expect(lines.filter((line) => /cannot connect to Redis/.test(line.msg))).toHaveLength(1);
    expect(JSON.stringify(lines)).not.toContain('s3cret-redis-pw');
  });
});
