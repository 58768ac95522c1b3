import {
  UNEXPECTED_STATUS_CODE,
  parseRetryAfter,
  verdictOf,
} from '../../src/datasources/attempt-verdict';
import type { Verdict } from '../../src/datasources/attempt-verdict';
import {
  CredentialsRefusedError,
  DeadlineExceededError,
} from '../../src/datasources/upstream-dispatch';
import type { Attempt } from '../../src/datasources/upstream-dispatch';

import { envelope, failed, issued } from './envelope-fixtures';

function response(status: number, body: unknown, headers: Record<string, string> = {}): Attempt {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return { kind: 'response', status, headers, body: Buffer.from(text) };
}
const socketError = (code: string) => Object.assign(new Error(code), { code });
const notSent = (error: Error): Attempt => ({ kind: 'not-sent', error });
const sentFailed = (error: Error): Attempt => ({ kind: 'sent-failed', error });

const now = Date.parse('2025-01-01T00:00:00Z');
/** Two customers of an ENROL unless told otherwise. */
const verdict = (attempt: Attempt, count = 2, action: 'ENROL' | 'EARN' = 'ENROL') =>
  verdictOf(attempt, count, action, now);

/** What the retry loop and the breaker see of a verdict. */
function shape(v: Verdict): [string, boolean | null, string[]] {
  return v.kind === 'done'
    ? ['done', v.breakerFailure, [...new Set(v.outcomes.map((o) => o.kind))]]
    : ['retry', v.breakerFailure, [v.exhausted.kind]];
}

describe('verdictOf', () => {
  it.each<[string, Attempt, [string, boolean | null, string[]]]>([
    [
      'a refused connection',
      notSent(socketError('ECONNREFUSED')),
      ['retry', true, ['UNAVAILABLE']],
    ],
    [
      // Neither way: our pool was busy, or its connect goes on (and counts if it fails).
      'our deadline while queued for one of our sockets or connecting',
      notSent(new DeadlineExceededError()),
      ['retry', null, ['UNAVAILABLE']],
    ],
    [
      'a refusal of the same credentials while queued',
      notSent(new CredentialsRefusedError(401)),
      ['done', false, ['AUTH_REJECTED']],
    ],
    [
      'a reset after sending',
      sentFailed(socketError('ECONNRESET')),
      ['done', true, ['OUTCOME_UNKNOWN']],
    ],
    [
      'our deadline after sending',
      sentFailed(new DeadlineExceededError()),
      ['done', true, ['OUTCOME_UNKNOWN']],
    ],
    [
      'a 200 envelope',
      response(200, envelope([issued(1, '1'), issued(2, '2')])),
      ['done', false, ['ISSUED']],
    ],
    [
      'a 500 envelope of customer errors',
      response(500, envelope([failed(8015, 'x'), failed(8896, 'y')])),
      ['done', false, ['UPSTREAM_ERROR']],
    ],
    [
      'a 401 whatever the body',
      response(401, envelope([issued(1, '1')])),
      ['done', false, ['AUTH_REJECTED']],
    ],
    ['a 403 with text', response(403, 'nope'), ['done', false, ['AUTH_REJECTED']]],
    ['a 429 without the envelope', response(429, 'slow down'), ['retry', false, ['RATE_LIMITED']]],
    [
      'a 429 with the envelope (the envelope is the answer)',
      response(429, envelope([issued(1, '1'), issued(2, '2')])),
      ['done', false, ['ISSUED']],
    ],
    [
      'a 503 without the envelope',
      response(503, { errorCode: 4001 }),
      ['retry', true, ['UNAVAILABLE']],
    ],
    [
      'a 400 envelope with a request-level code',
      response(400, envelope([failed(1060, 'batch limit exceeded')])),
      ['done', false, ['UPSTREAM_ERROR']],
    ],
    [
      'a 415 with text',
      response(415, 'Unsupported Media Type'),
      ['done', false, ['UPSTREAM_ERROR']],
    ],
    ['a 500 with text', response(500, '<html>oops</html>'), ['done', true, ['OUTCOME_UNKNOWN']]],
    ['a 502 with text', response(502, '<html>oops</html>'), ['done', true, ['OUTCOME_UNKNOWN']]],
    ['a 504 with text', response(504, '<html>oops</html>'), ['done', true, ['OUTCOME_UNKNOWN']]],
    ['a 200 with text', response(200, '<html>oops</html>'), ['done', true, ['OUTCOME_UNKNOWN']]],
    ['a 302 with text', response(302, '<html>oops</html>'), ['done', true, ['OUTCOME_UNKNOWN']]],
    [
      'an envelope that does not fit the call',
      response(200, envelope([issued(1, '1')])),
      ['done', true, ['OUTCOME_UNKNOWN']],
    ],
  ])('%s: [verdict, breaker failure, outcomes]', (_name, attempt, expected) => {
    expect(shape(verdict(attempt))).toEqual(expected);
  });

  it('rejects credentials on 401 and 403 for every customer', () => {
    expect(verdict(response(401, envelope([issued(1, '1')])))).toEqual({
      kind: 'done',
      outcomes: Array(2).fill({ kind: 'AUTH_REJECTED', status: 401, message: expect.any(String) }),
      breakerFailure: false,
    });
    expect(verdict(response(403, 'nope'), 1)).toMatchObject({
      kind: 'done',
      outcomes: [{ kind: 'AUTH_REJECTED', status: 403 }],
    });
  });

  it("asks for a retry on 429 with the API's Retry-After, and on 503 without the envelope", () => {
    expect(verdict(response(429, '', { 'retry-after': '1' }), 1)).toEqual({
      kind: 'retry',
      exhausted: { kind: 'RATE_LIMITED', message: expect.any(String), retryAfterSeconds: 1 },
      retryAfterMs: 1000,
      breakerFailure: false,
    });
    expect(verdict(response(503, { errorCode: 4001 }), 1)).toEqual({
      kind: 'retry',
      exhausted: { kind: 'UNAVAILABLE', message: 'the promotion API is unavailable (503)' },
      retryAfterMs: null,
      breakerFailure: true,
    });
  });

  it('takes the envelope as the answer even on 400 (batch limit 1060)', () => {
    expect(verdict(response(400, envelope([failed(1060, 'batch limit exceeded')])))).toEqual({
      kind: 'done',
      outcomes: Array(2).fill({
        kind: 'UPSTREAM_ERROR',
        code: 1060,
        message: 'batch limit exceeded',
        scope: 'batch',
      }),
      breakerFailure: false,
    });
  });

  it('answers a 4xx without the envelope as a batch error with code 0 and the status in the message', () => {
    expect(verdict(response(415, 'Unsupported Media Type'), 1)).toEqual({
      kind: 'done',
      outcomes: [
        {
          kind: 'UPSTREAM_ERROR',
          code: UNEXPECTED_STATUS_CODE,
          message: 'unexpected HTTP status 415 from the promotion API',
          scope: 'batch',
        },
      ],
      breakerFailure: false,
    });
  });

  it('applies the EARN rule, and keeps an answer with opaque ids trusted', () => {
    const body = envelope([issued('C-1', 'I-77-a1', 'E-1'), issued('C-2', 'I-77-a2')]);
    const v = verdict(response(201, body), 2, 'EARN');
    expect(v.kind === 'done' && !v.breakerFailure && v.outcomes.map((o) => o.kind)).toEqual([
      'ISSUED',
      'OUTCOME_UNKNOWN',
    ]);
  });

  it('says why a sent call ended unknown, and why an unsent one could not be made', () => {
    const unknown = (attempt: Attempt) => {
      const v = verdict(attempt, 1);
      return v.kind === 'done' ? v.outcomes[0] : v.exhausted;
    };
    expect(unknown(sentFailed(socketError('UND_ERR_HEADERS_TIMEOUT')))).toEqual({
      kind: 'OUTCOME_UNKNOWN',
      message:
        'the call to the promotion API was sent but no answer came before the deadline; it may or may not have been done',
    });
    expect(unknown(sentFailed(socketError('ECONNRESET')))).toMatchObject({
      message: expect.stringContaining('the connection failed (ECONNRESET)'),
    });
    expect(unknown(notSent(new DeadlineExceededError()))).toEqual({
      kind: 'UNAVAILABLE',
      message: 'the deadline passed before the promotion API could be reached',
    });
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds', () => expect(parseRetryAfter('2', now)).toBe(2000));
  it('reads an HTTP date', () =>
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:03 GMT', now)).toBe(3000));
  it('never goes below zero for a date in the past', () =>
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:59:00 GMT', now)).toBe(0));
  it('ignores absent or unreadable values', () => {
    expect(parseRetryAfter(undefined, now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
  });
  it('reads the first of repeated headers', () =>
    expect(parseRetryAfter(['3', '9'], now)).toBe(3000));
});
