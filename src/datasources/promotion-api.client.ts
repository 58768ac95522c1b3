/**
 * The REST client of `POST /v2/promotion/bulk/enrolAndEarn`: one undici `Pool` and one
 * circuit breaker per API origin, retries only where the API provably did nothing,
 * and one outcome per customer for every call — `send` never rejects.
 *
 * The safety property everything here serves: a call that may have reached the API
 * is never sent again by the gateway (no duplicated enrolments or earns). See
 * `dispatchOnce` for how "written to the socket" is told apart from "not sent".
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { Pool } from 'undici';
import type { Dispatcher } from 'undici';
import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  IsolatedCircuitError,
  circuitBreaker,
  handleWhenResult,
} from 'cockatiel';
import type { CircuitBreakerPolicy } from 'cockatiel';
import { callerIdOf } from '../domain/caller';
import type { CustomerOutcome } from '../domain/outcome';
import type { BulkAction, Credentials } from '../domain/promotion';
import {
  classifyHttpAnswer,
  parseRetryAfter,
  sameOutcomeForAll,
  unknownForAll,
} from './enrol-and-earn.mapper';
import type { EnrolAndEarnBody } from './enrol-and-earn.mapper';

export const ENROL_AND_EARN_PATH = '/v2/promotion/bulk/enrolAndEarn';

/** What the batcher needs from a client; tests give the batcher a fake of this. */
export interface PromotionApiSender {
  /** One call; resolves to one outcome per `body.customers` entry, in order; never rejects. */
  send(
    credentials: Credentials,
    body: EnrolAndEarnBody,
    deadline: number,
  ): Promise<CustomerOutcome[]>;
}

export interface PromotionApiClientOptions {
  /** Base URL of the API (`PROMOTION_API_URL`); a path prefix is kept. */
  apiUrl: string;
  /** Connections to the API origin (`UPSTREAM_MAX_CONNECTIONS`). */
  maxConnections: number;
  /**
   * Upper bound of undici's `headersTimeout` / `bodyTimeout` (`PROMOTION_API_TIMEOUT_MS`).
   * Each request also gets the remaining time to its deadline, whichever is shorter.
   */
  requestTimeoutMs: number;
  /** Default `min(2000, requestTimeoutMs)` ms. TCP (and TLS) connect timeout. */
  connectTimeoutMs?: number;
  /**
   * Default `4000` ms. How long an idle keep-alive socket is kept. Below Node's server
   * default of 5 s so that we close idle sockets before the API does (fewer requests
   * written into a socket the server is closing).
   */
  keepAliveTimeoutMs?: number;
  /** Consecutive failed calls that open the circuit (`CIRCUIT_BREAKER_THRESHOLD`). */
  circuitBreakerThreshold: number;
  /** How long an open circuit waits before it lets one probe through (ms). */
  circuitBreakerHalfOpenAfterMs: number;
  /** Default `50` ms. First backoff after a connection failure (doubles, with jitter). */
  retryBaseDelayMs?: number;
  /** Default `1000` ms. Longest backoff between attempts when the API gave no Retry-After. */
  retryMaxDelayMs?: number;
  /** Default `4 MiB`. A larger response is not the envelope of ≤ 100 customers: OUTCOME_UNKNOWN. */
  maxResponseBytes?: number;
  /** Optional; never receives credentials or customer identifiers. */
  logger?: Logger;
}

/** The result of one attempt on the wire. */
type Attempt =
  | {
      kind: 'response';
      status: number;
      headers: Record<string, string | string[] | undefined>;
      body: Buffer;
    }
  /** Provably nothing was written to a socket: safe to try again. */
  | { kind: 'not-sent'; error: Error }
  /** Bytes may have reached the API: never try again. */
  | { kind: 'sent-failed'; error: Error };

/** What the retry loop does after one attempt; `breakerFailure` feeds the circuit breaker. */
type Verdict =
  | { kind: 'done'; outcomes: CustomerOutcome[]; breakerFailure: boolean }
  | {
      kind: 'retry';
      /** What the customers get when the deadline does not allow another attempt. */
      exhausted: CustomerOutcome;
      /** The API's Retry-After, null when it gave none (then our own backoff applies). */
      retryAfterMs: number | null;
      breakerFailure: boolean;
    };

class DeadlineExceededError extends Error {
  readonly code = 'GATEWAY_DEADLINE_EXCEEDED';
  constructor() {
    super('the mutation deadline passed');
    this.name = 'DeadlineExceededError';
  }
}

/** Not sent: the API refused these very credentials while this call waited for a socket. */
class CredentialsRefusedError extends Error {
  readonly code = 'GATEWAY_CREDENTIALS_REFUSED';
  constructor(readonly status: 401 | 403) {
    super('the promotion API refused these credentials while the call waited for a connection');
    this.name = 'CredentialsRefusedError';
  }
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

/** What one call knows of its caller's other calls. */
interface RefusalWatch {
  /** The status of a refusal of these credentials that came after this call started, else null. */
  refusedSinceStart(): 401 | 403 | null;
  /** This call was refused. */
  refused(status: 401 | 403): void;
}

class ResponseTooLargeError extends Error {
  readonly code = 'GATEWAY_RESPONSE_TOO_LARGE';
  constructor() {
    super('the response is larger than any envelope this call can get');
    this.name = 'ResponseTooLargeError';
  }
}

function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    const name = (error as { name?: unknown }).name;
    if (typeof name === 'string') return name;
  }
  return 'unknown error';
}

/** undici's header/body timers have a resolution of ~0.5 s; they get this much slack. */
const UNDICI_TIMER_SLACK_MS = 1_000;

export class PromotionApiClient implements PromotionApiSender {
  private readonly pool: Pool;
  private readonly breaker: CircuitBreakerPolicy;
  private readonly path: string;
  private readonly origin: string;
  private readonly retryBaseDelayMs: number;
  private readonly retryMaxDelayMs: number;
  private readonly maxResponseBytes: number;
  private readonly requestTimeoutMs: number;
  private readonly logger: Logger | undefined;
  private readonly callers = new Map<string, CallerCalls>();
  private closed = false;

  constructor(options: PromotionApiClientOptions) {
    const url = new URL(options.apiUrl);
    this.origin = url.origin;
    this.path = url.pathname.replace(/\/+$/, '') + ENROL_AND_EARN_PATH;
    this.requestTimeoutMs = options.requestTimeoutMs;
    this.retryBaseDelayMs = options.retryBaseDelayMs ?? 50;
    this.retryMaxDelayMs = options.retryMaxDelayMs ?? 1000;
    this.maxResponseBytes = options.maxResponseBytes ?? 4 * 1024 * 1024;
    this.logger = options.logger;
    const keepAliveTimeout = options.keepAliveTimeoutMs ?? 4000;
    // Every timeout explicit: undici's defaults (300 s headers/body) are far too long here.
    this.pool = new Pool(this.origin, {
      connections: options.maxConnections,
      // One request per socket at a time: with pipelining a failure of the head request
      // makes undici re-dispatch the requests queued behind it on the same socket,
      // and we want exactly one writer per call whose fate we can tell.
      pipelining: 1,
      connectTimeout: options.connectTimeoutMs ?? Math.min(2000, options.requestTimeoutMs),
      headersTimeout: options.requestTimeoutMs,
      bodyTimeout: options.requestTimeoutMs,
      keepAliveTimeout,
      keepAliveMaxTimeout: Math.max(keepAliveTimeout, 30_000),
      // Server keep-alive hints minus this margin, so we stop reusing a socket before the server closes it.
      keepAliveTimeoutThreshold: 1000,
    });
    this.breaker = circuitBreaker(
      handleWhenResult((verdict) => (verdict as Verdict).breakerFailure),
      {
        halfOpenAfter: options.circuitBreakerHalfOpenAfterMs,
        breaker: new ConsecutiveBreaker(options.circuitBreakerThreshold),
      },
    );
    this.breaker.onBreak(() =>
      this.logger?.warn({ origin: this.origin }, 'promotion API circuit opened'),
    );
    this.breaker.onReset(() =>
      this.logger?.info({ origin: this.origin }, 'promotion API circuit closed'),
    );
  }

  /** For readiness checks and tests. */
  get circuitState(): CircuitState {
    return this.breaker.state;
  }

  async send(
    credentials: Credentials,
    body: EnrolAndEarnBody,
    deadline: number,
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
    const headers = this.headersFor(credentials);
    const callerId = callerIdOf(credentials);
    const calls = this.callers.get(callerId) ?? { pending: 0, refusals: 0, status: 401 };
    if (calls.pending++ === 0) this.callers.set(callerId, calls);
    const refusalsAtStart = calls.refusals;
    const watch: RefusalWatch = {
      refusedSinceStart: () => (calls.refusals > refusalsAtStart ? calls.status : null),
      refused: (status) => {
        calls.refusals++;
        calls.status = status;
      },
    };
    try {
      return await this.sendWatched(payload, headers, count, body.bulkAction, deadline, watch);
    } finally {
      if (--calls.pending === 0) this.callers.delete(callerId);
    }
  }

  /** Credentials with a call in progress; each is forgotten when its last call ends. */
  get callersInProgress(): number {
    return this.callers.size;
  }

  private async sendWatched(
    payload: Buffer,
    headers: Record<string, string>,
    count: number,
    action: BulkAction,
    deadline: number,
    watch: RefusalWatch,
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
          return sameOutcomeForAll(
            count,
            lastRetry ?? {
              kind: 'UNAVAILABLE',
              message: 'the deadline passed before the promotion API could be reached',
            },
          );
        }
        // An open circuit answers at once; while half-open, one probe is already on its
        // way and the others do not wait for it (it may take up to its own deadline).
        if (this.breaker.state === CircuitState.HalfOpen) return this.circuitOpen(count);
        let verdict: Verdict;
        try {
          verdict = await this.breaker.execute(() => {
            attempted = true;
            return this.attempt(payload, headers, count, action, deadline, watch);
          });
        } catch (error) {
          if (error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError) {
            return this.circuitOpen(count);
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

  /** Closes the pool; in-flight requests finish first. Later calls answer UNAVAILABLE at once. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.close();
  }

  private circuitOpen(count: number): CustomerOutcome[] {
    return sameOutcomeForAll(count, {
      kind: 'UNAVAILABLE',
      message: 'the promotion API is failing; calls are paused for a moment',
    });
  }

  private headersFor(credentials: Credentials): Record<string, string> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json',
    };
    // Forwarded exactly as they came: no trimming, no re-encoding.
    if (credentials.authorization !== undefined)
      headers['authorization'] = credentials.authorization;
    if (credentials.oauthToken !== undefined) {
      headers['X-CAP-API-OAUTH-TOKEN'] = credentials.oauthToken;
    }
    return headers;
  }

  /** Exponential backoff with equal jitter: 50, 100, 200 ... ms, capped. */
  private backoff(attempt: number): number {
    const ceiling = Math.min(this.retryMaxDelayMs, this.retryBaseDelayMs * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }

  private async attempt(
    payload: Buffer,
    headers: Record<string, string>,
    count: number,
    action: BulkAction,
    deadline: number,
    watch: RefusalWatch,
  ): Promise<Verdict> {
    const result = await this.dispatchOnce(payload, headers, deadline, watch);
    switch (result.kind) {
      case 'not-sent': {
        const code = errorCode(result.error);
        if (result.error instanceof CredentialsRefusedError) {
          this.logger?.debug({ origin: this.origin, code }, 'promotion API call not sent');
          // The API's own answer to these credentials, for a call it never saw.
          const answer = classifyHttpAnswer(result.error.status, null, count, null, action);
          if (answer.kind === 'answered') {
            return { kind: 'done', outcomes: answer.outcomes, breakerFailure: false };
          }
        }
        this.logger?.debug({ origin: this.origin, code }, 'promotion API not reached');
        // Our deadline passing before the request was written means it waited for a
        // socket of our own pool (or for a connect still in progress): that says our
        // pool is busy, not that the API fails. Counting it would let a local overload
        // open the circuit while the API is healthy. A connect that really fails reports
        // its own error (refused, DNS, connect timeout) and is counted.
        const apiFailed = !(result.error instanceof DeadlineExceededError);
        return {
          kind: 'retry',
          exhausted: {
            kind: 'UNAVAILABLE',
            message:
              result.error instanceof DeadlineExceededError
                ? 'the deadline passed before the promotion API could be reached'
                : `the promotion API could not be reached (${code})`,
          },
          retryAfterMs: null,
          breakerFailure: apiFailed,
        };
      }
      case 'sent-failed': {
        const code = errorCode(result.error);
        this.logger?.warn(
          { origin: this.origin, code },
          'promotion API call failed after it was sent',
        );
        const reason =
          result.error instanceof DeadlineExceededError ||
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
      case 'response': {
        if (result.status === 401 || result.status === 403) watch.refused(result.status);
        const answer = classifyHttpAnswer(
          result.status,
          parseBody(result.body),
          count,
          parseRetryAfter(result.headers['retry-after'], Date.now()),
          action,
        );
        switch (answer.kind) {
          case 'answered':
            return { kind: 'done', outcomes: answer.outcomes, breakerFailure: false };
          case 'unknown':
            this.logger?.warn(
              { origin: this.origin, status: result.status },
              'promotion API answered without a readable result',
            );
            return { kind: 'done', outcomes: answer.outcomes, breakerFailure: true };
          case 'retry':
            return {
              kind: 'retry',
              exhausted:
                answer.reason === 'RATE_LIMITED'
                  ? {
                      kind: 'RATE_LIMITED',
                      message: 'the promotion API asked to slow down',
                      retryAfterSeconds:
                        answer.retryAfterMs === null ? null : Math.ceil(answer.retryAfterMs / 1000),
                    }
                  : { kind: 'UNAVAILABLE', message: 'the promotion API is unavailable (503)' },
              retryAfterMs: answer.retryAfterMs,
              // 429 is the API alive and asking us to wait; 503 is a 5xx without an envelope.
              breakerFailure: answer.reason === 'UNAVAILABLE',
            };
        }
      }
    }
  }

  /**
   * One request on the wire, classified by whether anything was written.
   *
   * undici calls `onRequestStart` synchronously just before it writes the request line
   * to a connected socket (client-h1 `writeH1`: `request.onConnect(abort)` precedes the
   * first `socket.write`). So:
   * - an error before `onRequestStart` (ECONNREFUSED, ENOTFOUND, EAI_AGAIN,
   *   UND_ERR_CONNECT_TIMEOUT, a closed pool, our deadline while queued or connecting)
   *   proves that no byte of this call left the process → `not-sent`;
   * - any error after it (ECONNRESET, UND_ERR_SOCKET "other side closed", headers or
   *   body timeout, our deadline) → `sent-failed`, whatever its code. This includes a
   *   pooled keep-alive socket the server had already closed: the request may have been
   *   written into it and, for all we can prove, read and processed before the reset,
   *   so it is never resent. (undici 7 also checks an idle socket for a pending FIN/RST
   *   before reusing it, and our keep-alive timeout is below the server's, which makes
   *   that case rare; it does not make it safe to guess.)
   * If our deadline fires while the request still waits for a socket, we resolve
   * `not-sent` at once and abort the request inside `onRequestStart` if undici ever
   * starts it, before anything is written. Likewise when the API refused the same
   * credentials (401/403) while this request waited: sent, it could only be refused too,
   * and a flood of such calls would hold our connections, and their callers' deadlines,
   * for nothing (issue 11, finding 3).
   */
  private dispatchOnce(
    payload: Buffer,
    headers: Record<string, string>,
    deadline: number,
    watch: RefusalWatch,
  ): Promise<Attempt> {
    return new Promise<Attempt>((resolve) => {
      // Bounded by requestTimeoutMs too, so that a far (or infinite) deadline never
      // overflows setTimeout, which would fire at once.
      const remaining = Math.max(1, Math.min(deadline - Date.now(), this.requestTimeoutMs));
      let controller: Dispatcher.DispatchController | null = null;
      let cancelled = false;
      let settled = false;
      let status = 0;
      let responseHeaders: Record<string, string | string[] | undefined> = {};
      let chunks: Buffer[] = [];
      let size = 0;
      const maxBytes = this.maxResponseBytes;

      const finish = (attempt: Attempt): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(attempt);
      };
      const timer = setTimeout(() => {
        if (controller === null) {
          cancelled = true;
          finish({ kind: 'not-sent', error: new DeadlineExceededError() });
        } else {
          controller.abort(new DeadlineExceededError());
        }
      }, remaining);

      const handler: Dispatcher.DispatchHandler = {
        onRequestStart(started) {
          if (cancelled) {
            started.abort(new DeadlineExceededError());
            return;
          }
          const refused = watch.refusedSinceStart();
          if (refused !== null) {
            started.abort(new CredentialsRefusedError(refused));
            return;
          }
          controller = started;
        },
        onResponseStart(_controller, statusCode, received) {
          status = statusCode;
          responseHeaders = received;
          chunks = [];
          size = 0;
        },
        onResponseData(current, chunk) {
          size += chunk.length;
          if (size > maxBytes) {
            current.abort(new ResponseTooLargeError());
            return;
          }
          chunks.push(chunk);
        },
        onResponseEnd() {
          finish({
            kind: 'response',
            status,
            headers: responseHeaders,
            body: Buffer.concat(chunks, size),
          });
        },
        onResponseError(_controller, error) {
          finish(
            controller === null ? { kind: 'not-sent', error } : { kind: 'sent-failed', error },
          );
        },
      };

      try {
        this.pool.dispatch(
          {
            path: this.path,
            method: 'POST',
            headers,
            body: payload,
            // undici's own timers tick every ~0.5 s and may fire that much early; ours (a
            // native timer at the deadline) ends the call, theirs only back it up.
            headersTimeout: remaining + UNDICI_TIMER_SLACK_MS,
            bodyTimeout: remaining + UNDICI_TIMER_SLACK_MS,
          },
          handler,
        );
      } catch (error) {
        // dispatch throws only on invalid arguments or a closed pool, before any write.
        finish({
          kind: 'not-sent',
          error: error instanceof Error ? error : new Error(String(error)),
        });
      }
    });
  }
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
