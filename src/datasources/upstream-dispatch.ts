/**
 * One request to the promotion API on the wire, through one undici `Pool` per origin,
 * classified by whether any byte of it may have reached the API: the retry loop resends
 * only what provably was not sent.
 */
import { Pool } from 'undici';
import type { Dispatcher } from 'undici';
import type { Credentials } from '../domain/promotion';

/** The result of one request on the wire. */
export type Attempt =
  | {
      kind: 'response';
      status: number;
      headers: Record<string, string | string[] | undefined>;
      body: Buffer;
    }
  /**
   * Provably nothing was written to a socket: safe to try again. `later`, when the deadline
   * answered it while undici still held it (connecting, or queued for a socket): what became of
   * it then, the error it failed with unwritten (its connection could not be opened), or null
   * once it got a socket (and was dropped unwritten).
   */
  | { kind: 'not-sent'; error: Error; later?: Promise<Error | null> }
  /** Bytes may have reached the API: never try again. */
  | { kind: 'sent-failed'; error: Error };

export class DeadlineExceededError extends Error {
  readonly code = 'GATEWAY_DEADLINE_EXCEEDED';
  constructor() {
    super('the mutation deadline passed');
    this.name = 'DeadlineExceededError';
  }
}

/** One attempt's share of the deadline ran out on the wire: the API was too slow for it. */
export class AttemptTimeoutError extends Error {
  readonly code = 'GATEWAY_ATTEMPT_TIMEOUT';
  constructor() {
    super('the attempt took longer than its share of the deadline');
    this.name = 'AttemptTimeoutError';
  }
}

/** Not sent: the API refused these very credentials while this request waited for a socket. */
export class CredentialsRefusedError extends Error {
  readonly code = 'GATEWAY_CREDENTIALS_REFUSED';
  constructor(readonly status: 401 | 403) {
    super('the promotion API refused these credentials while the call waited for a connection');
    this.name = 'CredentialsRefusedError';
  }
}

export class ResponseTooLargeError extends Error {
  readonly code = 'GATEWAY_RESPONSE_TOO_LARGE';
  constructor() {
    super('the response is larger than any envelope this call can get');
    this.name = 'ResponseTooLargeError';
  }
}

export interface UpstreamDispatcherOptions {
  /** Connections to the API origin (`UPSTREAM_MAX_CONNECTIONS`). */
  maxConnections: number;
  /**
   * Upper bound of undici's `headersTimeout` / `bodyTimeout` (`PROMOTION_API_TIMEOUT_MS`).
   * Each request also gets the remaining time to its deadline, whichever is shorter.
   */
  requestTimeoutMs: number;
  /**
   * Default `min(2000, requestTimeoutMs)` ms. TCP (and TLS) connect timeout. Not shorter: a far
   * API's TLS handshake may take a second. A connect the deadline cuts goes on, and tells
   * the circuits if it fails (`later`).
   */
  connectTimeoutMs?: number;
  /**
   * Default `4000` ms. How long an idle keep-alive socket is kept: below Node's server
   * default of 5 s, so that we close idle sockets before the API does.
   */
  keepAliveTimeoutMs?: number;
  /** Default `4 MiB`. A larger response is not the envelope of ≤ 100 customers: OUTCOME_UNKNOWN. */
  maxResponseBytes?: number;
}

/** undici's header/body timers tick every ~0.5 s; ours ends the request, theirs only back it up. */
const UNDICI_TIMER_SLACK_MS = 1_000;

export class UpstreamDispatcher {
  private readonly pool: Pool;
  private readonly maxResponseBytes: number;
  private readonly requestTimeoutMs: number;

  constructor(origin: string, options: UpstreamDispatcherOptions) {
    this.requestTimeoutMs = options.requestTimeoutMs;
    this.maxResponseBytes = options.maxResponseBytes ?? 4 * 1024 * 1024;
    const keepAliveTimeout = options.keepAliveTimeoutMs ?? 4000;
    // Every timeout explicit: undici's defaults (300 s headers/body) are far too long here.
    this.pool = new Pool(origin, {
      connections: options.maxConnections,
      // No pipelining: undici re-dispatches requests queued behind a failed one on its socket.
      pipelining: 1,
      connectTimeout: options.connectTimeoutMs ?? Math.min(2000, options.requestTimeoutMs),
      headersTimeout: options.requestTimeoutMs,
      bodyTimeout: options.requestTimeoutMs,
      keepAliveTimeout,
      keepAliveMaxTimeout: Math.max(keepAliveTimeout, 30_000),
      // Server keep-alive hints minus this margin, so we stop reusing a socket before the server closes it.
      keepAliveTimeoutThreshold: 1000,
    });
  }

  /**
   * One POST of `payload` to `path`; never rejects. `refusedSinceStart` is asked just before the
   * request would be written: a refusal of the same credentials meanwhile aborts it unsent.
   */
  dispatch(
    path: string,
    payload: Buffer,
    headers: Record<string, string>,
    deadline: number,
    refusedSinceStart: () => 401 | 403 | null,
  ): Promise<Attempt> {
    return this.request('POST', path, payload, headers, deadline, refusedSinceStart);
  }

  /**
   * One GET of `path` (with its query string) on the same Pool; never rejects. Waiting for
   * a socket is bounded by `deadline`; once written, the GET has `wireTimeoutMs` (a hung
   * attempt leaves room for another, and time spent queued behind other reads is not its own).
   */
  get(
    path: string,
    headers: Record<string, string>,
    deadline: number,
    wireTimeoutMs?: number,
  ): Promise<Attempt> {
    return this.request('GET', path, null, headers, deadline, () => null, wireTimeoutMs);
  }

  private request(
    method: 'GET' | 'POST',
    path: string,
    payload: Buffer | null,
    headers: Record<string, string>,
    deadline: number,
    refusedSinceStart: () => 401 | 403 | null,
    wireTimeoutMs?: number,
  ): Promise<Attempt> {
    return new Promise<Attempt>((resolve) => {
      // Bounded by requestTimeoutMs too, so that a far deadline never overflows setTimeout.
      const remaining = Math.max(1, Math.min(deadline - Date.now(), this.requestTimeoutMs));
      let controller: Dispatcher.DispatchController | null = null;
      let cancelled = false;
      let settled = false;
      let status = 0;
      let responseHeaders: Record<string, string | string[] | undefined> = {};
      let chunks: Buffer[] = [];
      let size = 0;
      const maxBytes = this.maxResponseBytes;

      let wireTimer: NodeJS.Timeout | undefined;
      let heardLater: (outcome: Error | null) => void = () => undefined;
      const finish = (attempt: Attempt): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearTimeout(wireTimer);
        resolve(attempt);
      };
      const timer = setTimeout(() => {
        if (controller === null) {
          // Still queued for a socket: answered now, and aborted unwritten if undici starts it.
          cancelled = true;
          const later = new Promise<Error | null>((resolve) => (heardLater = resolve));
          finish({ kind: 'not-sent', error: new DeadlineExceededError(), later });
        } else {
          controller.abort(new DeadlineExceededError());
        }
      }, remaining);

      const handler: Dispatcher.DispatchHandler = {
        // undici calls this just before it writes the request: before it, nothing was sent.
        onRequestStart(started) {
          if (cancelled) {
            heardLater(null);
            started.abort(new DeadlineExceededError());
            return;
          }
          const refused = refusedSinceStart();
          if (refused !== null) {
            started.abort(new CredentialsRefusedError(refused));
            return;
          }
          controller = started;
          if (wireTimeoutMs !== undefined) {
            wireTimer = setTimeout(() => started.abort(new AttemptTimeoutError()), wireTimeoutMs);
          }
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
          // After a cut while queued, only its connection can have failed it (an abort above
          // has told null already).
          if (cancelled) heardLater(error);
          finish(
            controller === null ? { kind: 'not-sent', error } : { kind: 'sent-failed', error },
          );
        },
      };

      try {
        this.pool.dispatch(
          {
            path,
            method,
            headers,
            body: payload,
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

  /** In-flight requests finish first. */
  close(): Promise<void> {
    return this.pool.close();
  }
}

/** The caller's credential headers, forwarded exactly as they came: no trimming, no re-encoding. */
export function credentialHeadersOf(credentials: Credentials): Record<string, string> {
  const headers: Record<string, string> = {};
  if (credentials.authorization !== undefined) headers['authorization'] = credentials.authorization;
  if (credentials.oauthToken !== undefined)
    headers['X-CAP-API-OAUTH-TOKEN'] = credentials.oauthToken;
  return headers;
}
