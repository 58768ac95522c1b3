/**
 * The circuit breakers of the two paths to the API: the bulk calls and the reads. Apart,
 * so that a failing lookup endpoint (each read retries up to 8 times, past the default
 * threshold on its own) cannot pause enrolments, nor a failing bulk endpoint the reads.
 */
import type { Logger } from 'pino';
import {
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhenResult,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import type { Attempt } from './upstream-dispatch';

export type ApiPath = 'bulk' | 'read';

export interface CircuitOptions {
  /** CIRCUIT_BREAKER_THRESHOLD: consecutive failed attempts that open the circuit. */
  threshold: number;
  /** CIRCUIT_BREAKER_HALF_OPEN_MS: how long it stays open before one probe. */
  halfOpenAfterMs: number;
  /** For the log lines only. */
  origin: string;
  logger?: Logger;
}

/** A breaker whose policy runs an attempt and fails when its verdict says `breakerFailure`. */
export function circuitOf(path: ApiPath, options: CircuitOptions): CircuitBreakerPolicy {
  const breaker = circuitBreaker(
    handleWhenResult((verdict) => (verdict as { breakerFailure: boolean }).breakerFailure),
    {
      halfOpenAfter: options.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(options.threshold),
    },
  );
  const { origin, logger } = options;
  breaker.onBreak(() => logger?.warn({ origin, path }, 'promotion API circuit opened'));
  breaker.onReset(() => logger?.info({ origin, path }, 'promotion API circuit closed'));
  return breaker;
}

/**
 * Whether an attempt counts against the API for its path's circuit: true a failure, false a
 * success, null neither (its own deadline cut it unsent, which says nothing of the API).
 */
export type BreakerVerdict = boolean | null;

/**
 * One attempt through `breaker`, counted as its verdict says: a failure, a success, or (null)
 * neither — then it is carried out of the breaker, since a closed breaker counts neither
 * way an error its policy does not handle; a half-open probe that tells nothing counts as a
 * failure (it would close the circuit), and a connect the deadline cut counts if it fails.
 * Rejects as `breaker.execute` does when the circuit is open.
 */
export async function attemptThrough<V extends { breakerFailure: BreakerVerdict }>(
  breaker: CircuitBreakerPolicy,
  attempt: () => Promise<{ sent: Attempt; verdict: V }>,
  logger?: Pick<Logger, 'error'>,
): Promise<V> {
  const probing = breaker.state !== CircuitState.Closed;
  try {
    return await breaker.execute(async () => {
      const { sent, verdict } = await attempt();
      if (verdict.breakerFailure !== null) return verdict;
      if (probing) return { ...verdict, breakerFailure: true };
      countIfItsConnectFails(breaker, sent, logger);
      throw new SaysNothingOfTheApi(verdict);
    });
  } catch (error) {
    if (error instanceof SaysNothingOfTheApi) return error.verdict as V;
    throw error;
  }
}

/** Carries out of the breaker an attempt that must count as neither success nor failure. */
class SaysNothingOfTheApi<V> extends Error {
  constructor(readonly verdict: V) {
    super('the attempt says nothing of the promotion API');
  }
}

/** What the breaker hears of a connect that failed after its attempt's deadline cut it. */
const CONNECT_FAILED = { breakerFailure: true } as const;

/**
 * A connect the deadline cut goes on without its attempt; when it fails, the API failed all
 * the same. Else attempts that start with less time left than a connect takes (a retry, a
 * read queued behind its caller's first one) would never count a host that takes no
 * connections, and the circuit would never open.
 */
function countIfItsConnectFails(
  breaker: CircuitBreakerPolicy,
  sent: Attempt,
  logger?: Pick<Logger, 'error'>,
): void {
  if (sent.kind !== 'not-sent' || sent.later === undefined) return;
  sent.later
    .then(async (error) => {
      // Only while closed: an open circuit needs no more, and a half-open one has its probe.
      if (error === null || breaker.state !== CircuitState.Closed) return;
      await breaker.execute(() => CONNECT_FAILED);
    })
    .catch((error: unknown) => {
      logger?.error({ err: error }, 'a failed connect could not be counted against its circuit');
    });
}
