/**
 * The sandbox's HTTP edge: plain node:http, one handler, no framework, so that
 * benchmarks can drive thousands of calls per second through it.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CredentialStore, credentialHashOf } from './credentials';
import type { DemoData } from './demo-catalog';
import { parseFaultsPatch, type Faults } from './faults';
import { PromotionEngine } from './promotion-engine';
import { BoundedLog, type CallFault, type CallRecord, type LedgerEntry } from './records';

export const ENROL_AND_EARN_PATH = '/v2/promotion/bulk/enrolAndEarn';
export const OAUTH_TOKEN_PATH = '/v3/oauth/token/generate';

/** Bodies above this get 413: 100 customers need about 8 KB. */
const MAX_BODY_BYTES = 1024 * 1024;

export interface SandboxStateOptions {
  data: DemoData;
  faults: Faults;
  oauthTtlSeconds: number;
  now: () => number;
  random: () => number;
  maxCallLog: number;
  maxLedgerEntries: number;
}

/** A call as the log keeps it: the raw body, parsed only when someone asks. */
interface StoredCall extends Omit<CallRecord, 'body'> {
  rawBody: string;
}

type CallListener = (call: CallRecord) => void;

function toCallRecord(stored: StoredCall): CallRecord {
  const { rawBody, ...rest } = stored;
  let body: unknown = rawBody;
  try {
    body = JSON.parse(rawBody);
  } catch {
    // Not JSON: the log shows what came.
  }
  return { ...rest, body };
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function isJsonContentType(value: string | undefined): boolean {
  if (value === undefined) return false;
  return value.split(';')[0]?.trim().toLowerCase() === 'application/json';
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Resolves with the body, or null when it was too large (413 sent) or the client went away. */
function readBody(req: IncomingMessage, res: ServerResponse): Promise<string | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        done = true;
        sendJson(
          res,
          413,
          { errorCode: 413, message: 'request body too large' },
          { Connection: 'close' },
        );
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', () => {
      if (!done) resolve(null);
      done = true;
    });
    req.on('close', () => {
      // Closed before 'end': the client went away mid-body.
      if (!done) resolve(null);
      done = true;
    });
  });
}

export class SandboxState {
  readonly engine: PromotionEngine;
  readonly credentials: CredentialStore;
  private readonly ledger: BoundedLog<LedgerEntry>;
  private readonly calls: BoundedLog<StoredCall>;
  private readonly startFaults: Faults;
  private currentFaults: Faults;
  private inFlight = 0;
  /** Customers held by a call in flight (`PromotionEngine.customerKeysOf`) → that call's id. */
  private readonly heldCustomers = new Map<string, string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly receivedListeners = new Set<CallListener>();
  private readonly settledListeners = new Set<CallListener>();
  private closed = false;

  constructor(private readonly options: SandboxStateOptions) {
    this.engine = new PromotionEngine(options.data);
    this.credentials = new CredentialStore(options.data, options.oauthTtlSeconds, options.now);
    this.ledger = new BoundedLog(options.maxLedgerEntries);
    this.calls = new BoundedLog(options.maxCallLog);
    this.startFaults = { ...options.faults };
    this.currentFaults = { ...options.faults };
  }

  get faults(): Faults {
    return { ...this.currentFaults };
  }

  /** Merges a validated patch; calls already running keep the faults they started with. */
  setFaults(patch: Partial<Faults>): Faults {
    this.currentFaults = { ...this.currentFaults, ...patch };
    return this.faults;
  }

  reset(): void {
    this.engine.reset();
    this.ledger.clear();
    this.calls.clear();
    this.currentFaults = { ...this.startFaults };
  }

  ledgerEntries(): { entries: LedgerEntry[]; dropped: number } {
    return { entries: this.ledger.toArray(), dropped: this.ledger.dropped };
  }

  callRecords(): { calls: CallRecord[]; dropped: number } {
    return { calls: this.calls.toArray().map(toCallRecord), dropped: this.calls.dropped };
  }

  /** Called when a call was admitted (or refused) and before its latency. */
  onCallReceived(listener: CallListener): () => void {
    this.receivedListeners.add(listener);
    return () => this.receivedListeners.delete(listener);
  }

  /** Called once a call's fate is sealed: answered, reset, or left hanging after the work. */
  onCallSettled(listener: CallListener): () => void {
    this.settledListeners.add(listener);
    return () => this.settledListeners.delete(listener);
  }

  /** Stops pending latency timers so nothing runs after close. */
  shutdown(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    const requestId = randomUUID();
    res.setHeader('X-Cap-Requestid', requestId);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const method = req.method ?? 'GET';
    try {
      if (path === ENROL_AND_EARN_PATH) {
        if (method !== 'POST') return this.methodNotAllowed(res, 'POST');
        this.settle(res, this.enrolAndEarn(req, res, requestId));
        return;
      }
      if (path === OAUTH_TOKEN_PATH) {
        if (method !== 'POST') return this.methodNotAllowed(res, 'POST');
        this.settle(res, this.generateToken(req, res));
        return;
      }
      if (path.startsWith('/__sandbox/')) {
        this.settle(res, this.admin(req, res, path, method));
        return;
      }
      sendJson(res, 404, { errorCode: 404, message: `no route for ${method} ${path}` });
    } catch (error) {
      sendJson(res, 500, { errorCode: 500, message: String(error) });
    }
  };

  /** A bug in a handler answers 500 (or drops the socket) instead of crashing the process. */
  private settle(res: ServerResponse, work: Promise<void>): void {
    work.catch((error: unknown) => {
      if (res.headersSent) res.destroy();
      else sendJson(res, 500, { errorCode: 500, message: `sandbox error: ${String(error)}` });
    });
  }

  private methodNotAllowed(res: ServerResponse, allow: string): void {
    sendJson(res, 405, { errorCode: 405, message: 'method not allowed' }, { Allow: allow });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  private hit(rate: number): boolean {
    return rate > 0 && this.options.random() < rate;
  }

  private emit(listeners: Set<CallListener>, call: StoredCall): void {
    if (listeners.size === 0) return;
    const record = toCallRecord(call);
    for (const listener of listeners) listener(record);
  }

  private async enrolAndEarn(
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
  ): Promise<void> {
    const raw = await readBody(req, res);
    if (raw === null) return;
    const authorization = headerValue(req, 'authorization');
    const oauthToken = headerValue(req, 'x-cap-api-oauth-token');
    const principal = this.credentials.authenticate(authorization, oauthToken);
    let parsed: unknown;
    let parseable = true;
    try {
      parsed = JSON.parse(raw);
    } catch {
      parseable = false;
    }
    const customers =
      typeof parsed === 'object' &&
      parsed !== null &&
      Array.isArray((parsed as { customers?: unknown }).customers)
        ? (parsed as { customers: unknown[] }).customers.length
        : 0;
    const call: StoredCall = {
      id: requestId,
      credentialHash: credentialHashOf({ authorization, oauthToken }),
      org: principal?.org ?? null,
      rawBody: raw,
      status: null,
      fault: null,
      customers,
      time: new Date(this.options.now()).toISOString(),
      endTime: null,
    };
    this.calls.push(call);

    const faults = this.currentFaults;
    let held: string[] = [];
    /** The call stops holding its customers: answered, reset, or its socket closed. */
    const end = (): void => {
      if (call.endTime !== null) return;
      call.endTime = new Date(this.options.now()).toISOString();
      for (const key of held) {
        if (this.heldCustomers.get(key) === requestId) this.heldCustomers.delete(key);
      }
    };
    const answer = (status: number, body: unknown, headers?: Record<string, string>): void => {
      call.status = status;
      end();
      sendJson(res, status, body, headers);
      this.emit(this.settledListeners, call);
    };
    const refuse = (
      fault: CallFault,
      status: number,
      body: unknown,
      headers?: Record<string, string>,
    ) => {
      call.fault = fault;
      answer(status, body, headers);
    };

    if (
      faults.maxConcurrent !== null &&
      faults.maxConcurrent > 0 &&
      this.inFlight >= faults.maxConcurrent
    ) {
      this.emit(this.receivedListeners, call);
      return refuse('overloaded', 503, {
        errorCode: 503,
        message: `sandbox overloaded: already ${faults.maxConcurrent} calls in flight`,
      });
    }
    this.inFlight++;
    // 'close' fires once the answer is sent or the socket goes away: hung calls stay in flight.
    res.once('close', () => {
      this.inFlight--;
      end();
    });
    const busy =
      principal?.writeAccess === true &&
      parseable &&
      isJsonContentType(headerValue(req, 'content-type'))
        ? this.hold(requestId, principal.org, parsed)
        : null;
    held = busy?.held ?? [];
    this.emit(this.receivedListeners, call);

    const delay =
      faults.latencyMs + (faults.jitterMs > 0 ? this.options.random() * faults.jitterMs : 0);
    if (delay > 0) await this.sleep(delay);
    if (this.closed) return;

    if (this.hit(faults.status500Rate)) {
      return refuse('status500', 500, {
        errorCode: 500,
        message: 'internal server error (sandbox fault)',
      });
    }
    if (this.hit(faults.rateLimitRate)) {
      return refuse(
        'rateLimit',
        429,
        { errorCode: 429, message: 'too many requests (sandbox fault)' },
        { 'Retry-After': String(faults.retryAfterSeconds) },
      );
    }
    if (principal === null) {
      return answer(401, {
        errorCode: 401,
        message: 'authentication failed: missing, invalid or expired credentials',
      });
    }
    if (!principal.writeAccess) {
      return answer(403, {
        errorCode: 4000,
        message: 'not authorised: no write access to the customer resource',
      });
    }
    if (!isJsonContentType(headerValue(req, 'content-type'))) {
      return answer(415, { errorCode: 415, message: 'Content-Type must be application/json' });
    }
    if (!parseable) {
      return answer(400, { errorCode: 400, message: 'request body is not valid JSON' });
    }

    const result = this.engine.enrolAndEarn(principal.org, parsed, {
      callId: requestId,
      time: call.time,
      ...(busy === null || busy.conflicts.size === 0 ? {} : { busy: busy.conflicts }),
    });
    for (const entry of result.entries) this.ledger.push(entry);

    if (this.hit(faults.resetAfterCommitRate)) {
      call.fault = 'resetAfterCommit';
      end();
      const socket = req.socket;
      // An RST where the platform supports it: the client sees ECONNRESET, as from a crashed peer.
      if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
      else socket.destroy();
      this.emit(this.settledListeners, call);
      return;
    }
    if (this.hit(faults.hangAfterCommitRate)) {
      // Never answered; the socket is held until the client gives up or the sandbox closes.
      call.fault = 'hangAfterCommit';
      this.emit(this.settledListeners, call);
      return;
    }
    if (this.hit(faults.malformedRate)) {
      call.fault = 'malformed';
      call.status = 200;
      end();
      const text = JSON.stringify(result.envelope);
      const truncated = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
      res.writeHead(200, {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(truncated),
      });
      res.end(truncated);
      this.emit(this.settledListeners, call);
      return;
    }
    answer(result.status, result.envelope);
  }

  /**
   * Takes the call's customers that no other call in flight holds; the others are its
   * conflicts, answered 521 (DESIGN §8). Held from the moment the call is admitted, as
   * the platform's processing (the injected latency) starts then.
   */
  private hold(
    callId: string,
    org: string,
    body: unknown,
  ): { held: string[]; conflicts: Set<string> } {
    const held: string[] = [];
    const conflicts = new Set<string>();
    for (const key of this.engine.customerKeysOf(org, body)) {
      const holder = this.heldCustomers.get(key);
      if (holder === undefined) {
        this.heldCustomers.set(key, callId);
        held.push(key);
      } else if (holder !== callId) conflicts.add(key);
    }
    return { held, conflicts };
  }

  private async generateToken(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req, res);
    if (raw === null) return;
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return sendJson(res, 400, {
        data: null,
        errors: [{ code: 400, message: 'request body is not valid JSON' }],
      });
    }
    const { key, secret } = (typeof body === 'object' && body !== null ? body : {}) as Record<
      string,
      unknown
    >;
    const token = this.credentials.issueToken(key, secret);
    if (token === null) {
      return sendJson(res, 401, {
        data: null,
        errors: [{ code: 401, message: 'invalid key or secret' }],
      });
    }
    sendJson(res, 200, { data: token, errors: null });
  }

  private async admin(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    method: string,
  ): Promise<void> {
    const route = path.slice('/__sandbox/'.length);
    switch (route) {
      case 'ledger':
        if (method !== 'GET') return this.methodNotAllowed(res, 'GET');
        return sendJson(res, 200, this.ledgerEntries());
      case 'calls':
        if (method !== 'GET') return this.methodNotAllowed(res, 'GET');
        return sendJson(res, 200, this.callRecords());
      case 'reset':
        if (method !== 'POST') return this.methodNotAllowed(res, 'POST');
        req.resume();
        this.reset();
        return sendJson(res, 200, { reset: true, faults: this.faults });
      case 'faults': {
        if (method === 'GET') return sendJson(res, 200, this.faults);
        if (method !== 'PUT') return this.methodNotAllowed(res, 'GET, PUT');
        const raw = await readBody(req, res);
        if (raw === null) return;
        let body: unknown;
        try {
          body = JSON.parse(raw);
        } catch {
          return sendJson(res, 400, {
            error: 'body is not valid JSON',
            problems: ['body is not valid JSON'],
          });
        }
        const parsed = parseFaultsPatch(body);
        if (!parsed.ok) {
          return sendJson(res, 400, {
            error: parsed.problems.join('; '),
            problems: parsed.problems,
          });
        }
        return sendJson(res, 200, this.setFaults(parsed.patch));
      }
      default:
        return sendJson(res, 404, { errorCode: 404, message: `no sandbox route ${path}` });
    }
  }
}
