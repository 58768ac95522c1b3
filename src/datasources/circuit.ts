/**
 * The circuit breakers of the two paths to the API: the bulk calls and the reads. Apart,
 * so that a failing lookup endpoint (each read retries up to 8 times, past the default
 * threshold on its own) cannot pause enrolments, nor a failing bulk endpoint the reads.
 */
import type { Logger } from 'pino';
import {
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhenResult,
  type CircuitBreakerPolicy,
} from 'cockatiel';

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
