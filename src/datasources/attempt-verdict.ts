/**
 * What one attempt means for its call, as a pure table (DESIGN.md §2 "Classifying the
 * API's answer"): final outcomes or a retry, and whether the circuit breaker counts it as
 * a failure of the path to the API.
 */
import { sameOutcomeForAll, unknownForAll } from '../domain/outcome';
import type { CustomerOutcome, RateLimitedOutcome, UnavailableOutcome } from '../domain/outcome';
import type { BulkAction } from '../domain/promotion';
import { isEnvelope, toOutcomes } from './enrol-and-earn.mapper';
import { CredentialsRefusedError, DeadlineExceededError } from './upstream-dispatch';
import type { Attempt } from './upstream-dispatch';
import type { BreakerVerdict } from './circuit';

export type Verdict =
  | { kind: 'done'; outcomes: CustomerOutcome[]; breakerFailure: boolean }
  | {
      kind: 'retry';
      /** What the customers get when the deadline does not allow another attempt. */
      exhausted: CustomerOutcome;
      /** The API's Retry-After, null when it gave none (then our own backoff applies). */
      retryAfterMs: number | null;
      breakerFailure: BreakerVerdict;
    };

/** Code of the UPSTREAM_ERROR for a 4xx without the envelope: not a platform code, the status is in the message. */
export const UNEXPECTED_STATUS_CODE = 0;

/** Nothing was sent: the deadline of the mutation or read came first. */
export const DEADLINE_PASSED: UnavailableOutcome = {
  kind: 'UNAVAILABLE',
  message: 'the deadline passed before the promotion API could be reached',
};

/**
 * One attempt of a call of `count` customers with `action`, as read at `now`:
 * - not sent: retried (our own deadline while queued for a socket is not the API's failure),
 *   except when the API refused the same credentials meanwhile, which is its answer;
 * - sent and failed: OUTCOME_UNKNOWN, never resent;
 * - an HTTP answer: see `answerVerdict`.
 */
export function verdictOf(
  attempt: Attempt,
  count: number,
  action: BulkAction,
  now: number,
): Verdict {
  switch (attempt.kind) {
    case 'not-sent': {
      const { error } = attempt;
      if (error instanceof CredentialsRefusedError) return authRejected(error.status, count);
      const deadline = error instanceof DeadlineExceededError;
      return {
        kind: 'retry',
        exhausted: {
          kind: 'UNAVAILABLE',
          message: deadline
            ? DEADLINE_PASSED.message
            : `the promotion API could not be reached (${errorCode(error)})`,
        },
        retryAfterMs: null,
        // Cut unsent by its deadline: our pool was busy, or its connection is still being
        // opened (that one tells later, if it fails). Neither says the API works.
        breakerFailure: deadline ? null : true,
      };
    }
    case 'sent-failed': {
      const code = errorCode(attempt.error);
      const reason =
        attempt.error instanceof DeadlineExceededError ||
        code === 'UND_ERR_HEADERS_TIMEOUT' ||
        code === 'UND_ERR_BODY_TIMEOUT'
          ? 'no answer came before the deadline'
          : `the connection failed (${code})`;
      return {
        kind: 'done',
        outcomes: unknownForAll(
          count,
          `the call to the promotion API was sent but ${reason}; it may or may not have been done`,
        ),
        breakerFailure: true,
      };
    }
    case 'response':
      return answerVerdict(
        attempt.status,
        parseBody(attempt.body),
        count,
        parseRetryAfter(attempt.headers['retry-after'], now),
        action,
      );
  }
}

/**
 * One complete HTTP answer. Order matters: 401/403 first (the caller's credentials,
 * nothing done), then the envelope (the answer whatever the status, even 429/503), then
 * the retryable statuses, then the rest.
 */
function answerVerdict(
  status: number,
  body: unknown,
  count: number,
  retryAfterMs: number | null,
  action: BulkAction,
): Verdict {
  if (status === 401 || status === 403) return authRejected(status, count);
  if (isEnvelope(body)) {
    const outcomes = toOutcomes(status, body, count, action);
    // An envelope that does not fit the call (other counts, odd items) is still "sent, unclear".
    const trustworthy = count === 0 || outcomes.some((o) => o.kind !== 'OUTCOME_UNKNOWN');
    return { kind: 'done', outcomes, breakerFailure: !trustworthy };
  }
  if (status === 429) return rateLimitedRetry(retryAfterMs);
  if (status === 503) {
    return {
      kind: 'retry',
      exhausted: { kind: 'UNAVAILABLE', message: 'the promotion API is unavailable (503)' },
      retryAfterMs,
      breakerFailure: true,
    };
  }
  if (status >= 400 && status < 500) {
    // The API refused the request as a whole before doing anything (400, 404, 413, 415 ...).
    return {
      kind: 'done',
      outcomes: sameOutcomeForAll(count, {
        kind: 'UPSTREAM_ERROR',
        code: UNEXPECTED_STATUS_CODE,
        message: `unexpected HTTP status ${status} from the promotion API`,
        scope: 'batch',
      }),
      breakerFailure: false,
    };
  }
  // 2xx/3xx/5xx without the envelope: sent, and no trustworthy answer.
  return { kind: 'done', outcomes: toOutcomes(status, body, count), breakerFailure: true };
}

/** A 429, for writes and reads alike: the API alive and asking us to wait, not a failure of the path. */
export function rateLimitedRetry(retryAfterMs: number | null): {
  kind: 'retry';
  exhausted: RateLimitedOutcome;
  retryAfterMs: number | null;
  breakerFailure: false;
} {
  return {
    kind: 'retry',
    exhausted: {
      kind: 'RATE_LIMITED',
      message: 'the promotion API asked to slow down',
      retryAfterSeconds: retryAfterMs === null ? null : Math.ceil(retryAfterMs / 1000),
    },
    retryAfterMs,
    breakerFailure: false,
  };
}

function authRejected(status: 401 | 403, count: number): Verdict {
  return {
    kind: 'done',
    outcomes: sameOutcomeForAll(count, {
      kind: 'AUTH_REJECTED',
      status,
      message:
        status === 401
          ? 'the promotion API refused the credentials'
          : 'the promotion API refused access for these credentials',
    }),
    breakerFailure: false,
  };
}

/**
 * Retry-After in milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3).
 * Null when absent or unreadable; never negative.
 */
export function parseRetryAfter(header: string | string[] | undefined, now: number): number | null {
  const raw = Array.isArray(header) ? header[0] : header;
  if (raw === undefined) return null;
  const value = raw.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - now);
}

/** An error's code (or else its name), for messages and logs. */
export function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    const name = (error as { name?: unknown }).name;
    if (typeof name === 'string') return name;
  }
  return 'unknown error';
}

/** JSON when it parses, otherwise the raw text (which no classifier mistakes for the envelope). */
function parseBody(body: Buffer): unknown {
  const text = body.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The `status` label of one attempt: the HTTP status, or how it failed on the wire. */
export function attemptStatusOf(attempt: Attempt): string {
  switch (attempt.kind) {
    case 'response':
      return String(attempt.status);
    case 'not-sent':
      return 'not_sent';
    case 'sent-failed':
      return 'failed';
  }
}

/** Every customer of a call the open circuit kept from the API. */
export function circuitOpen(count: number): CustomerOutcome[] {
  return sameOutcomeForAll(count, {
    kind: 'UNAVAILABLE',
    message: 'the promotion API is failing; calls are paused for a moment',
  });
}
