/**
 * `POST /v2/promotion/bulk/enrolAndEarn` and `.../revokeEnrolAndEarn` (one pipeline, the
 * engine's rules per endpoint) with their injected faults, in the order
 * src/sandbox/README.md lists: log → admit → latency → pre-work faults → auth and
 * request checks → the engine → post-commit faults → the envelope.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StoredCall } from './call-log';
import { credentialHashOf, type Principal } from './credentials';
import type { BulkEndpoint } from './enrol-and-earn-request';
import type { EngineAnswer } from './envelope';
import type { Faults } from './faults';
import { headerValue, isJsonContentType, parseJson, readBody, sendJson } from './http-io';
import type { CallFault } from './records';
import type { SandboxState } from './sandbox-state';

/** What the call sent, read once at the start. */
interface Received {
  principal: Principal | null;
  /** Undefined when the body is not JSON. */
  body: { value: unknown } | undefined;
  jsonContentType: boolean;
}

/** One call's answer and its record: every way it ends goes through here. */
class CallOutcome {
  /** Customer keys this call holds until it ends. */
  held: string[] = [];
  /** The platform goes on with a call its client gave up on: its customers stay held until then. */
  private working = true;
  private clientGone = false;

  constructor(
    private readonly state: SandboxState,
    private readonly res: ServerResponse,
    readonly call: StoredCall,
  ) {}

  /** The call stops holding its customers: answered, reset, or its socket closed. */
  end(): void {
    if (this.call.endTime !== null) return;
    this.call.endTime = this.state.nowIso();
    this.state.holds.release(this.call.id, this.held);
  }

  /** The socket closed: the call ends now, or when its work is done if that is later. */
  socketClosed(): void {
    this.clientGone = true;
    if (!this.working) this.end();
  }

  /** The work is in the ledger (or will never be done): nothing holds the customers longer. */
  workDone(): void {
    this.working = false;
    if (this.clientGone) this.end();
  }

  answer(status: number, body: unknown, headers?: Record<string, string>): void {
    this.call.status = status;
    this.end();
    sendJson(this.res, status, body, headers);
    this.state.calls.emitSettled(this.call);
  }

  refuse(fault: CallFault, status: number, body: unknown, headers?: Record<string, string>): void {
    this.call.fault = fault;
    this.answer(status, body, headers);
  }

  /** An RST where the platform supports it: the client sees ECONNRESET, as from a crashed peer. */
  reset(socket: IncomingMessage['socket']): void {
    this.call.fault = 'resetAfterCommit';
    this.end();
    if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
    else socket.destroy();
    this.state.calls.emitSettled(this.call);
  }

  /** Never answered; the socket is held until the client gives up or the sandbox closes. */
  hang(): void {
    this.call.fault = 'hangAfterCommit';
    this.state.calls.emitSettled(this.call);
  }

  /** A 200 whose JSON stops halfway. */
  truncated(answer: EngineAnswer): void {
    this.call.fault = 'malformed';
    this.call.status = 200;
    this.end();
    const text = JSON.stringify(answer.envelope);
    const half = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
    this.res.writeHead(200, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(half),
    });
    this.res.end(half);
    this.state.calls.emitSettled(this.call);
  }
}

function customerCountOf(body: Received['body']): number {
  const value = body?.value;
  if (typeof value !== 'object' || value === null || !('customers' in value)) return 0;
  return Array.isArray(value.customers) ? value.customers.length : 0;
}

function receive(state: SandboxState, req: IncomingMessage, raw: string, id: string, path: string) {
  const authorization = headerValue(req, 'authorization');
  const oauthToken = headerValue(req, 'x-cap-api-oauth-token');
  const received: Received = {
    principal: state.credentials.authenticate(authorization, oauthToken),
    body: parseJson(raw),
    jsonContentType: isJsonContentType(headerValue(req, 'content-type')),
  };
  const call: StoredCall = {
    id,
    path,
    credentialHash: credentialHashOf({ authorization, oauthToken }),
    org: received.principal?.org ?? null,
    rawBody: raw,
    status: null,
    fault: null,
    customers: customerCountOf(received.body),
    traceparent: headerValue(req, 'traceparent') ?? null,
    time: state.nowIso(),
    endTime: null,
  };
  return { received, call };
}

/**
 * Past `maxConcurrent`: in flight until its socket closes, holding its customers (DESIGN §8)
 * until then, or until its work is done when its client gave up first.
 */
function admit(
  state: SandboxState,
  res: ServerResponse,
  outcome: CallOutcome,
  { principal, body, jsonContentType }: Received,
  endpoint: BulkEndpoint,
): Set<string> | null {
  state.inFlight++;
  // 'close' fires once the answer is sent or the socket goes away: hung calls stay in flight.
  res.once('close', () => {
    state.inFlight--;
    outcome.socketClosed();
  });
  // Held from admission, as the platform's processing (the injected latency) starts then.
  if (principal?.writeAccess !== true || body === undefined || !jsonContentType) return null;
  const keys = state.engine.customerKeysOf(principal.org, body.value, endpoint);
  const { held, conflicts } = state.holds.hold(outcome.call.id, keys);
  outcome.held = held;
  return conflicts;
}

/** The faults that answer before any work: 500 and 429. True when one did. */
function failedBeforeWork(state: SandboxState, outcome: CallOutcome, faults: Faults): boolean {
  if (state.hit(faults.status500Rate)) {
    outcome.refuse('status500', 500, {
      errorCode: 500,
      message: 'internal server error (sandbox fault)',
    });
    return true;
  }
  if (state.hit(faults.rateLimitRate)) {
    outcome.refuse(
      'rateLimit',
      429,
      { errorCode: 429, message: 'too many requests (sandbox fault)' },
      { 'Retry-After': String(faults.retryAfterSeconds) },
    );
    return true;
  }
  return false;
}

/** Credentials, Content-Type and JSON, in the platform's order; the refused answer, or the org. */
function refusal({
  principal,
  body,
  jsonContentType,
}: Received): { status: number; body: unknown } | { org: string; value: unknown } {
  if (principal === null) {
    return {
      status: 401,
      body: {
        errorCode: 401,
        message: 'authentication failed: missing, invalid or expired credentials',
      },
    };
  }
  if (!principal.writeAccess) {
    return {
      status: 403,
      body: {
        errorCode: 4000,
        message: 'not authorised: no write access to the customer resource',
      },
    };
  }
  if (!jsonContentType) {
    return {
      status: 415,
      body: { errorCode: 415, message: 'Content-Type must be application/json' },
    };
  }
  if (body === undefined) {
    return { status: 400, body: { errorCode: 400, message: 'request body is not valid JSON' } };
  }
  return { org: principal.org, value: body.value };
}

export function enrolAndEarn(
  state: SandboxState,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
): Promise<void> {
  return bulkCall('enrolAndEarn', state, req, res, requestId);
}

export function revokeEnrolAndEarn(
  state: SandboxState,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
): Promise<void> {
  return bulkCall('revokeEnrolAndEarn', state, req, res, requestId);
}

async function bulkCall(
  endpoint: BulkEndpoint,
  state: SandboxState,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
): Promise<void> {
  const raw = await readBody(req, res);
  if (raw === null) return;
  const path = (req.url ?? '').split('?')[0] ?? '';
  const { received, call } = receive(state, req, raw, requestId, path);
  state.calls.push(call);
  const outcome = new CallOutcome(state, res, call);
  const faults = state.faults;

  const max = faults.maxConcurrent;
  if (max !== null && max > 0 && state.inFlight >= max) {
    state.calls.emitReceived(call);
    return outcome.refuse('overloaded', 503, {
      errorCode: 503,
      message: `sandbox overloaded: already ${max} calls in flight`,
    });
  }
  const busy = admit(state, res, outcome, received, endpoint);
  state.calls.emitReceived(call);

  const delay = state.delayOf(faults);
  if (delay > 0) await state.sleep(delay);
  if (state.isClosed) return outcome.workDone();
  if (failedBeforeWork(state, outcome, faults)) return;

  const checked = refusal(received);
  if ('status' in checked) return outcome.answer(checked.status, checked.body);

  const answer = state.engine.answer(endpoint, checked.org, checked.value, {
    callId: requestId,
    time: call.time,
    ...(busy === null || busy.size === 0 ? {} : { busy }),
  });
  for (const entry of answer.entries) state.ledger.push(entry);
  outcome.workDone();

  if (state.hit(faults.resetAfterCommitRate)) return outcome.reset(req.socket);
  if (state.hit(faults.hangAfterCommitRate)) return outcome.hang();
  if (state.hit(faults.malformedRate)) return outcome.truncated(answer);
  outcome.answer(answer.status, answer.envelope);
}
