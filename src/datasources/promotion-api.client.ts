/**
 * The REST client of the bulk calls (`POST /v2/promotion/bulk/enrolAndEarn` and
 * `.../revokeEnrolAndEarn`, chosen by the body's action): a circuit breaker of their own
 * (the reads have another), retries only where the API provably did nothing, and one outcome per customer
 * for every call — `send` never rejects. A call that may have reached the API is never
 * sent again by the gateway (no duplicated enrolments or earns).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { BrokenCircuitError, CircuitState, IsolatedCircuitError } from 'cockatiel';
import type { CircuitBreakerPolicy } from 'cockatiel';
import { callerIdOf } from '../domain/caller';
import { sameOutcomeForAll, unknownForAll } from '../domain/outcome';
import type { CustomerOutcome } from '../domain/outcome';
import type { BulkAction, Credentials } from '../domain/promotion';
import { NO_OBSERVER, type UpstreamCallObservation } from '../observability/observer';
import {
  DEADLINE_PASSED,
  attemptStatusOf,
  circuitOpen,
  errorCode,
  verdictOf,
} from './attempt-verdict';
import type { Verdict } from './attempt-verdict';
import { endpointPathOf, type BulkActionBody } from './bulk-action.body';
import { attemptThrough, circuitOf } from './circuit';
import {
  CredentialsRefusedError,
  UpstreamDispatcher,
  credentialHeadersOf,
} from './upstream-dispatch';
import type { Attempt, UpstreamDispatcherOptions } from './upstream-dispatch';

/** What the batcher needs from a client; tests give the batcher a fake of this. */
export interface PromotionApiSender {
  /**
   * One call; resolves to one outcome per `body.customers` entry, in order; never rejects.
   * `observation` hears each attempt and gives headers (traceparent) to send with it.
   */
  send(
    credentials: Credentials,
    body: BulkActionBody,
    deadline: number,
    observation?: UpstreamCallObservation,
  ): Promise<CustomerOutcome[]>;
}

export interface PromotionApiClientOptions extends UpstreamDispatcherOptions {
  /** Base URL of the API (`PROMOTION_API_URL`); a path prefix is kept. */
  apiUrl: string;
  /** Consecutive failed calls that open the circuit (`CIRCUIT_BREAKER_THRESHOLD`). */
  circuitBreakerThreshold: number;
  /** How long an open circuit waits before it lets one probe through (ms). */
  circuitBreakerHalfOpenAfterMs: number;
  /** Default `50` ms. First backoff after a connection failure (doubles, with jitter). */
  retryBaseDelayMs?: number;
  /** Default `1000` ms. Longest backoff between attempts when the API gave no Retry-After. */
  retryMaxDelayMs?: number;
  /** Optional; never receives credentials or customer identifiers. */
  logger?: Logger;
}

/**
 * The calls of one caller (credential hash) in progress, and the API's refusals of its
 * credentials meanwhile. Kept only while a call is in progress.
 */
interface CallerCalls {
  pending: number;
  refusals: number;
  /** The status of the last refusal. */
  status: 401 | 403;
}

export class PromotionApiClient implements PromotionApiSender {
  /** Shared with the read client: one Pool per API origin. */
  readonly dispatcher: UpstreamDispatcher;
  /** The bulk calls' circuit (the read client has its own). */
  readonly breaker: CircuitBreakerPolicy;
  /** The API URL's path prefix ('' when none), for the read client's paths. */
  readonly basePath: string;
  readonly origin: string;
  private readonly retryBaseDelayMs: number;
  private readonly retryMaxDelayMs: number;
  private readonly logger: Logger | undefined;
  private readonly callers = new Map<string, CallerCalls>();
  private closed = false;

  constructor(options: PromotionApiClientOptions) {
    const url = new URL(options.apiUrl);
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.dispatcher = new UpstreamDispatcher(this.origin, options);
    this.retryBaseDelayMs = options.retryBaseDelayMs ?? 50;
    this.retryMaxDelayMs = options.retryMaxDelayMs ?? 1000;
    this.logger = options.logger;
    this.breaker = circuitOf('bulk', {
      threshold: options.circuitBreakerThreshold,
      halfOpenAfterMs: options.circuitBreakerHalfOpenAfterMs,
      origin: this.origin,
      ...(options.logger === undefined ? {} : { logger: options.logger }),
    });
  }

  /** For readiness checks and tests. */
  get circuitState(): CircuitState {
    return this.breaker.state;
  }

  /** Credentials with a call in progress; each is forgotten when its last call ends. */
  get callersInProgress(): number {
    return this.callers.size;
  }

  async send(
    credentials: Credentials,
    body: BulkActionBody,
    deadline: number,
    observation: UpstreamCallObservation = UNOBSERVED,
  ): Promise<CustomerOutcome[]> {
    const count = body.customers.length;
    if (count === 0) return [];
    // Serialised once per call; retries resend the same bytes.
    let payload: Buffer;
    try {
      payload = Buffer.from(JSON.stringify(body));
    } catch {
      return sameOutcomeForAll(count, {
        kind: 'UNAVAILABLE',
        message: 'the call could not be built',
      });
    }
    const headers = {
      ...observation.headers,
      'content-type': 'application/json',
      accept: 'application/json',
      ...credentialHeadersOf(credentials),
    };
    const path = this.basePath + endpointPathOf(body.bulkAction);
    // A refusal of these credentials while this call waits for a socket means it need not
    // be sent: it could only be refused too, and would hold a connection for nothing.
    const callerId = callerIdOf(credentials);
    const calls = this.callers.get(callerId) ?? { pending: 0, refusals: 0, status: 401 };
    if (calls.pending++ === 0) this.callers.set(callerId, calls);
    const refusalsAtStart = calls.refusals;
    const refusedSinceStart = () => (calls.refusals > refusalsAtStart ? calls.status : null);
    try {
      return await this.retrying(count, body.bulkAction, deadline, async () => {
        const started = performance.now();
        const attempt = await this.dispatcher.dispatch(
          path,
          payload,
          headers,
          deadline,
          refusedSinceStart,
        );
        observation.attempt(
          endpointPathOf(body.bulkAction),
          attemptStatusOf(attempt),
          (performance.now() - started) / 1000,
        );
        if (attempt.kind === 'response' && (attempt.status === 401 || attempt.status === 403)) {
          calls.refusals++;
          calls.status = attempt.status;
        }
        return attempt;
      });
    } finally {
      if (--calls.pending === 0) this.callers.delete(callerId);
    }
  }

  /** Closes the pool; in-flight requests finish first. Later calls answer UNAVAILABLE at once. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.dispatcher.close();
  }

  /** Attempts through the breaker until a verdict is final or the deadline leaves no room. */
  private async retrying(
    count: number,
    action: BulkAction,
    deadline: number,
    dispatch: () => Promise<Attempt>,
  ): Promise<CustomerOutcome[]> {
    let attempted = false;
    /** What the previous attempt would leave the customers with if time runs out now. */
    let lastRetry: CustomerOutcome | null = null;
    try {
      for (let attempt = 1; ; attempt++) {
        if (this.closed) {
          return sameOutcomeForAll(count, {
            kind: 'UNAVAILABLE',
            message: 'the gateway is shutting down',
          });
        }
        if (Date.now() >= deadline) {
          return sameOutcomeForAll(count, lastRetry ?? DEADLINE_PASSED);
        }
        // While half-open one probe is on its way; the others do not wait for it.
        if (this.breaker.state === CircuitState.HalfOpen) return circuitOpen(count);
        let verdict: Verdict;
        try {
          verdict = await attemptThrough(
            this.breaker,
            async () => {
              attempted = true;
              const sent = await dispatch();
              const judged = verdictOf(sent, count, action, Date.now());
              this.logAttempt(sent, judged);
              return { sent, verdict: judged };
            },
            this.logger,
          );
        } catch (error) {
          if (error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError) {
            return circuitOpen(count);
          }
          throw error;
        }
        if (verdict.kind === 'done') return verdict.outcomes;

        lastRetry = verdict.exhausted;
        // Retry-After is a floor, never a licence to hammer: "0" or a past date still backs off.
        const wait = Math.max(verdict.retryAfterMs ?? 0, this.backoff(attempt));
        if (Date.now() + wait >= deadline) return sameOutcomeForAll(count, verdict.exhausted);
        this.logger?.debug(
          { origin: this.origin, attempt, waitMs: wait },
          'retrying promotion API call',
        );
        await sleep(wait);
      }
    } catch (error) {
      // A bug of ours, not of the path: once anything may have been sent, only "unknown" is honest.
      this.logger?.error({ err: error, origin: this.origin }, 'promotion API client failed');
      return attempted
        ? unknownForAll(count, 'the gateway lost track of the call to the promotion API')
        : sameOutcomeForAll(count, {
            kind: 'UNAVAILABLE',
            message: 'the call to the promotion API could not be made',
          });
    }
  }

  private logAttempt(attempt: Attempt, verdict: Verdict): void {
    const origin = this.origin;
    switch (attempt.kind) {
      case 'not-sent': {
        const code = errorCode(attempt.error);
        this.logger?.debug(
          { origin, code },
          attempt.error instanceof CredentialsRefusedError
            ? 'promotion API call not sent'
            : 'promotion API not reached',
        );
        return;
      }
      case 'sent-failed':
        this.logger?.warn(
          { origin, code: errorCode(attempt.error) },
          'promotion API call failed after it was sent',
        );
        return;
      case 'response':
        if (verdict.kind === 'done' && verdict.breakerFailure) {
          this.logger?.warn(
            { origin, status: attempt.status },
            'promotion API answered without a readable result',
          );
        }
        return;
    }
  }

  /** Exponential backoff with equal jitter: 50, 100, 200 ... ms, capped. */
  private backoff(attempt: number): number {
    const ceiling = Math.min(this.retryMaxDelayMs, this.retryBaseDelayMs * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }
}

const UNOBSERVED = NO_OBSERVER.upstreamCall('ENROL', 0, []);
