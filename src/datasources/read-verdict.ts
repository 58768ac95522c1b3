/**
 * What one attempt of a read means (DESIGN §8 "Reads are safe to repeat"): reads are retried
 * on every failure of the path (refused, reset, timeout, 5xx, 429/503), and never end
 * OUTCOME_UNKNOWN. A body of the documented shape is the answer whatever the status.
 */
import type { ReadFailure, ReadResult } from '../domain/promotion-read';
import {
  DEADLINE_PASSED,
  UNEXPECTED_STATUS_CODE,
  errorCode,
  parseRetryAfter,
  rateLimitedRetry,
} from './attempt-verdict';
import { CredentialsRefusedError, DeadlineExceededError, type Attempt } from './upstream-dispatch';
import type { BreakerVerdict } from './circuit';

export type ReadVerdict<T> =
  | { kind: 'done'; result: ReadResult<T>; breakerFailure: BreakerVerdict }
  | {
      kind: 'retry';
      /** What the read answers when the deadline allows no other attempt. */
      exhausted: ReadFailure;
      retryAfterMs: number | null;
      breakerFailure: BreakerVerdict;
    };

/** The body read as one of the endpoint's documented shapes, or null when it is none. */
export type BodyReader<T> = (body: unknown) => ReadResult<T> | null;

export function readVerdictOf<T>(
  attempt: Attempt,
  read: BodyReader<T>,
  now: number,
): ReadVerdict<T> {
  switch (attempt.kind) {
    case 'not-sent': {
      const { error } = attempt;
      if (error instanceof CredentialsRefusedError) return refused(error.status);
      const deadline = error instanceof DeadlineExceededError;
      // Still waiting for a socket at its deadline: our pool was busy, or its connection is still
      // being opened; that one tells later (`later`, counted by the read client if it fails).
      return retry(
        deadline
          ? DEADLINE_PASSED.message
          : `the promotion API could not be reached (${errorCode(error)})`,
        null,
        deadline ? null : true,
      );
    }
    case 'sent-failed':
      // A read may be sent again: nothing it does changes anything. Cut by its own deadline
      // (it waited long for a slot), it says nothing of the API, either way.
      return retry(
        `the promotion API did not answer the read (${errorCode(attempt.error)})`,
        null,
        attempt.error instanceof DeadlineExceededError ? null : true,
      );
    case 'response':
      return answerVerdict(attempt, read, now);
  }
}

function answerVerdict<T>(
  attempt: Extract<Attempt, { kind: 'response' }>,
  read: BodyReader<T>,
  now: number,
): ReadVerdict<T> {
  const { status } = attempt;
  if (status === 401 || status === 403) return refused(status);
  const retryAfterMs = parseRetryAfter(attempt.headers['retry-after'], now);
  const result = read(parseJson(attempt.body));
  if (result !== null) return { kind: 'done', result, breakerFailure: false };
  if (status === 429) return rateLimitedRetry(retryAfterMs);
  if (status >= 500) {
    return retry(`the promotion API is unavailable (${status})`, retryAfterMs, true);
  }
  return {
    kind: 'done',
    result: {
      kind: 'UPSTREAM_ERROR',
      code: UNEXPECTED_STATUS_CODE,
      message:
        status >= 200 && status < 300
          ? 'the promotion API answered in an unexpected shape'
          : `unexpected HTTP status ${status} from the promotion API`,
      scope: 'batch',
    },
    breakerFailure: status < 300,
  };
}

function retry(message: string, retryAfterMs: number | null, breakerFailure: BreakerVerdict) {
  return {
    kind: 'retry' as const,
    exhausted: { kind: 'UNAVAILABLE' as const, message },
    retryAfterMs,
    breakerFailure,
  };
}

function refused<T>(status: 401 | 403): ReadVerdict<T> {
  return {
    kind: 'done',
    result: {
      kind: 'AUTH_REJECTED',
      status,
      message:
        status === 401
          ? 'the promotion API refused the credentials'
          : 'the promotion API refused access for these credentials',
    },
    breakerFailure: false,
  };
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
