/**
 * The REST client against real sockets: small purpose-built upstreams on port 0 that
 * misbehave in exactly one way each.
 */
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { CircuitState } from 'cockatiel';
import {
  ENROL_AND_EARN_PATH,
  REVOKE_ENROL_AND_EARN_PATH,
  toRequestBody,
  type BulkActionBody,
} from '../../src/datasources/bulk-action.body';
import { PromotionApiClient } from '../../src/datasources/promotion-api.client';
import type { PromotionApiClientOptions } from '../../src/datasources/promotion-api.client';
import type { Credentials } from '../../src/domain/promotion';
import { eventually } from '../support/eventually';

interface ReceivedRequest {
  at: number;
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  socket: import('node:net').Socket;
}

type Answer = (req: ReceivedRequest, res: http.ServerResponse) => void;

interface Upstream {
  url: string;
  port: number;
  received: ReceivedRequest[];
  answer: Answer;
  close(): Promise<void>;
}

const opened: Array<{ close(): Promise<void> }> = [];

afterEach(async () => {
  for (const thing of opened.splice(0).reverse()) await thing.close();
});

async function upstream(answer: Answer, port = 0): Promise<Upstream> {
  const received: ReceivedRequest[] = [];
  const state: Upstream = {
    url: '',
    port: 0,
    received,
    answer,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: ReceivedRequest = {
        at: Date.now(),
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        socket: req.socket,
      };
      received.push(request);
      state.answer(request, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  state.port = (server.address() as AddressInfo).port;
  state.url = `http://127.0.0.1:${state.port}`;
  opened.push(state);
  return state;
}

function client(apiUrl: string, overrides: Partial<PromotionApiClientOptions> = {}) {
  const c = new PromotionApiClient({
    apiUrl,
    maxConnections: 4,
    requestTimeoutMs: 10_000,
    circuitBreakerThreshold: 1000,
    circuitBreakerHalfOpenAfterMs: 60_000,
    ...overrides,
  });
  opened.push(c);
  return c;
}

/** A pino logger whose lines the test can read (debug level: the client logs each retry). */
function capturingLogger() {
  const lines: Array<{ msg: string; [key: string]: unknown }> = [];
  const logger = pino(
    { level: 'debug' },
    { write: (line: string) => lines.push(JSON.parse(line)) },
  );
  return { logger, lines };
}

const credentials: Credentials = { authorization: 'Basic ZGVtby50aWxsOjNhNTk=' };
const body: BulkActionBody = toRequestBody('ENROL', { programId: 469, promotionId: 57099 }, 'id', [
  { identifierValue: '555567088', source: 'INSTORE' },
  { identifierValue: '555567089', source: 'INSTORE' },
]);

function envelopeFor(sent: BulkActionBody) {
  return {
    response: sent.customers.map((_c, i) => ({
      result: {
        entityType: 'CUSTOMER',
        entityId: 1000 + i,
        promotionId: 57099,
        programId: 469,
        issualId: String(500 + i),
      },
      errors: [],
      warnings: [],
    })),
    totalCount: sent.customers.length,
    failureCount: 0,
  };
}

const answerJson =
  (status: number, payload: unknown, headers: Record<string, string> = {}): Answer =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(payload));
  };

const answerEnvelope: Answer = (req, res) =>
  answerJson(200, envelopeFor(JSON.parse(req.body) as BulkActionBody))(req, res);

const answerText =
  (status: number, text: string, headers: Record<string, string> = {}): Answer =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'text/plain', ...headers });
    res.end(text);
  };

const kinds = (outcomes: Array<{ kind: string }>) => outcomes.map((o) => o.kind);

describe('PromotionApiClient', () => {
  it('forwards the credential headers exactly as they came, with a JSON body', async () => {
    const api = await upstream(answerEnvelope);
    const forwarded: Credentials = {
      authorization: 'Basic ZGVtby50aWxsOmFiYw==',
      oauthToken: 'eyJhbGciOi.JIUzI1NiJ9  .sig',
    };
    const outcomes = await client(api.url).send(forwarded, body, Date.now() + 10_000);
    expect(kinds(outcomes)).toEqual(['ISSUED', 'ISSUED']);
    expect(api.received).toHaveLength(1);
    const [seen] = api.received;
    expect(seen?.method).toBe('POST');
    expect(seen?.url).toBe(ENROL_AND_EARN_PATH);
    expect(seen?.headers['authorization']).toBe('Basic ZGVtby50aWxsOmFiYw==');
    expect(seen?.headers['x-cap-api-oauth-token']).toBe('eyJhbGciOi.JIUzI1NiJ9  .sig');
    expect(seen?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(seen?.body ?? '')).toEqual(body);
  });

  it('sends no credential header the caller did not give', async () => {
    const api = await upstream(answerEnvelope);
    await client(api.url).send({ oauthToken: 'token' }, body, Date.now() + 10_000);
    expect(api.received[0]?.headers).not.toHaveProperty('authorization');
    expect(api.received[0]?.headers['x-cap-api-oauth-token']).toBe('token');
  });

  it('keeps a path prefix of the base URL', async () => {
    const api = await upstream(answerEnvelope);
    await client(`${api.url}/loyalty/`).send(credentials, body, Date.now() + 10_000);
    expect(api.received[0]?.url).toBe(`/loyalty${ENROL_AND_EARN_PATH}`);
  });

  it('sends revocations to revokeEnrolAndEarn, behind the same prefix, and reads their results', async () => {
    const api = await upstream((req, res) => {
      const sent = JSON.parse(req.body) as BulkActionBody;
      answerJson(200, {
        response: sent.customers.map((_c, i) => ({
          result: {
            entityType: 'CUSTOMER',
            entityId: 1000 + i,
            programId: 469,
            issualId: `${700 + i}`,
          },
          errors: [],
          warnings: [],
        })),
        totalCount: sent.customers.length,
        failureCount: 0,
      })(req, res);
    });
    const revoke = toRequestBody('REVOKE_ENROL', { programId: 469, promotionId: 57099 }, 'id', [
      { identifierValue: '555567088', source: 'INSTORE' },
    ]);
    const gateway = client(`${api.url}/loyalty`);

    const outcomes = await gateway.send(credentials, revoke, Date.now() + 10_000);
    await gateway.send(credentials, body, Date.now() + 10_000);

    expect(outcomes).toEqual([
      expect.objectContaining({ kind: 'REVOKED', revokedIssualId: '700' }),
    ]);
    expect(api.received.map((r) => r.url)).toEqual([
      `/loyalty${REVOKE_ENROL_AND_EARN_PATH}`,
      `/loyalty${ENROL_AND_EARN_PATH}`,
    ]);
  });

  it('copes with a deadline far beyond what a timer can hold', async () => {
    const api = await upstream(answerEnvelope);
    const outcomes = await client(api.url).send(credentials, body, Number.POSITIVE_INFINITY);
    expect(kinds(outcomes)).toEqual(['ISSUED', 'ISSUED']);
  });

  it('maps a 500 that carries the envelope item by item', async () => {
    const api = await upstream(
      answerJson(500, {
        response: [
          { errors: [{ status: false, code: 8015, message: 'Customer not found' }], warnings: [] },
          { errors: [{ status: false, code: 8896, message: 'Error occurred' }], warnings: [] },
        ],
        totalCount: 2,
        failureCount: 2,
      }),
    );
    const outcomes = await client(api.url).send(credentials, body, Date.now() + 10_000);
    expect(outcomes).toEqual([
      { kind: 'UPSTREAM_ERROR', code: 8015, message: 'Customer not found', scope: 'customer' },
      { kind: 'UPSTREAM_ERROR', code: 8896, message: 'Error occurred', scope: 'customer' },
    ]);
    expect(api.received).toHaveLength(1);
  });

  it('answers AUTH_REJECTED on 401 without retrying', async () => {
    const api = await upstream(answerJson(401, { message: 'unauthorized' }));
    const outcomes = await client(api.url).send(credentials, body, Date.now() + 10_000);
    expect(outcomes).toEqual([
      { kind: 'AUTH_REJECTED', status: 401, message: expect.any(String) },
      { kind: 'AUTH_REJECTED', status: 401, message: expect.any(String) },
    ]);
    expect(api.received).toHaveLength(1);
  });

  it('does not send calls that waited for a connection while the API refused the same credentials', async () => {
    const refusedCredentials: Credentials = { authorization: 'Basic bm90OnRoaXM=' };
    const api = await upstream((req, res) => {
      const refuse = req.headers['authorization'] === refusedCredentials.authorization;
      // Held a moment, so that the other calls queue behind it on the one connection.
      setTimeout(() => {
        if (refuse) answerJson(401, { message: 'unauthorized' })(req, res);
        else answerEnvelope(req, res);
      }, 200);
    });
    const api1 = client(api.url, { maxConnections: 1 });
    const deadline = Date.now() + 10_000;
    const [first, second, other, third] = await Promise.all([
      api1.send(refusedCredentials, body, deadline),
      api1.send(refusedCredentials, body, deadline),
      api1.send(credentials, body, deadline),
      api1.send(refusedCredentials, body, deadline),
    ]);
    const refused = { kind: 'AUTH_REJECTED', status: 401, message: expect.any(String) };
    expect([first, second, third]).toEqual([
      [refused, refused],
      [refused, refused],
      [refused, refused],
    ]);
    expect(kinds(other!)).toEqual(['ISSUED', 'ISSUED']);
    // The API saw the first refused call and the other caller's, nothing else.
    expect(api.received.map((r) => r.headers['authorization'])).toEqual([
      refusedCredentials.authorization,
      credentials.authorization,
    ]);
    expect(api1.callersInProgress).toBe(0);

    // Nothing is remembered past the calls that were waiting: the next call is sent.
    await api1.send(refusedCredentials, body, Date.now() + 10_000);
    expect(api.received).toHaveLength(3);
  });

  it('answers a 415 without the envelope as a batch error with code 0, without retrying', async () => {
    const api = await upstream(answerText(415, 'Unsupported Media Type'));
    const outcomes = await client(api.url).send(credentials, body, Date.now() + 10_000);
    expect(outcomes[0]).toEqual({
      kind: 'UPSTREAM_ERROR',
      code: 0,
      message: 'unexpected HTTP status 415 from the promotion API',
      scope: 'batch',
    });
    expect(api.received).toHaveLength(1);
  });

  describe('when nothing was sent', () => {
    it('answers UNAVAILABLE after retrying a refused connection within the deadline', async () => {
      const closed = await upstream(answerEnvelope);
      const url = closed.url;
      await opened.pop()?.close();
      const { logger, lines } = capturingLogger();
      const started = Date.now();
      const deadline = started + 1500;
      const outcomes = await client(url, { logger }).send(credentials, body, deadline);
      expect(outcomes).toEqual([
        { kind: 'UNAVAILABLE', message: 'the promotion API could not be reached (ECONNREFUSED)' },
        { kind: 'UNAVAILABLE', message: 'the promotion API could not be reached (ECONNREFUSED)' },
      ]);
      expect(lines.filter((l) => l.msg === 'retrying promotion API call').length).toBeGreaterThan(
        1,
      );
      expect(Date.now()).toBeLessThan(deadline + 1000);
    });

    it('gets through once the API starts listening, when the deadline allows', async () => {
      const probe = await upstream(answerEnvelope);
      const port = probe.port;
      await opened.pop()?.close();
      const { logger, lines } = capturingLogger();
      const pending = client(`http://127.0.0.1:${port}`, { logger }).send(
        credentials,
        body,
        Date.now() + 20_000,
      );
      await eventually(() => lines.some((l) => l.msg === 'retrying promotion API call'), {
        describe: 'the first retry',
      });
      const api = await upstream(answerEnvelope, port);
      expect(kinds(await pending)).toEqual(['ISSUED', 'ISSUED']);
      expect(api.received).toHaveLength(1);
    });

    it('never writes a call whose deadline passed while it waited for a connection', async () => {
      const held: http.ServerResponse[] = [];
      const api = await upstream((req, res) =>
        api.received.length === 1 ? held.push(res) : answerEnvelope(req, res),
      );
      const api1 = client(api.url, { maxConnections: 1 });
      const first = api1.send(credentials, body, Date.now() + 20_000);
      await eventually(() => api.received.length === 1, { describe: 'the first call to arrive' });
      const second = await api1.send(credentials, body, Date.now() + 300);
      expect(kinds(second)).toEqual(['UNAVAILABLE', 'UNAVAILABLE']);
      // Free the connection: undici now starts the queued request, which must abort unwritten.
      answerEnvelope(api.received[0] as ReceivedRequest, held[0] as http.ServerResponse);
      expect(kinds(await first)).toEqual(['ISSUED', 'ISSUED']);
      // One connection, served in order: had the expired call been written, it would come
      // before this next one.
      const marker: Credentials = { authorization: 'Basic bWFya2VyOm5leHQ=' };
      expect(kinds(await api1.send(marker, body, Date.now() + 10_000))).toEqual([
        'ISSUED',
        'ISSUED',
      ]);
      expect(api.received.map((r) => r.headers['authorization'])).toEqual([
        credentials.authorization,
        marker.authorization,
      ]);
    });
  });

  describe('when the API asks us to wait', () => {
    it('honours Retry-After on 429, then succeeds', async () => {
      const api = await upstream((req, res) =>
        api.received.length === 1
          ? answerText(429, 'slow down', { 'retry-after': '1' })(req, res)
          : answerEnvelope(req, res),
      );
      const outcomes = await client(api.url).send(credentials, body, Date.now() + 10_000);
      expect(kinds(outcomes)).toEqual(['ISSUED', 'ISSUED']);
      expect(api.received).toHaveLength(2);
      const [first, second] = api.received;
      expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(1000);
    });

    it('still backs off when Retry-After is 0, instead of hammering the API', async () => {
      const api = await upstream(answerText(429, 'slow down', { 'retry-after': '0' }));
      const outcomes = await client(api.url).send(credentials, body, Date.now() + 1_000);
      expect(outcomes[0]).toMatchObject({ kind: 'RATE_LIMITED' });
      // Backoff from ~50 ms doubling: a handful of calls in a second, not hundreds.
      expect(api.received.length).toBeGreaterThanOrEqual(2);
      expect(api.received.length).toBeLessThanOrEqual(10);
    });

    it('honours Retry-After given as an HTTP date', async () => {
      const api = await upstream((req, res) =>
        api.received.length === 1
          ? answerText(429, 'slow down', {
              'retry-after': new Date(Date.now() + 2000).toUTCString(),
            })(req, res)
          : answerEnvelope(req, res),
      );
      const outcomes = await client(api.url).send(credentials, body, Date.now() + 10_000);
      expect(kinds(outcomes)).toEqual(['ISSUED', 'ISSUED']);
      const [first, second] = api.received;
      // An HTTP date has whole seconds: at least one second of wait is guaranteed.
      expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(1000);
    });

    it('answers RATE_LIMITED with the API retry-after once the deadline cannot fit another wait', async () => {
      const api = await upstream(answerText(429, 'slow down', { 'retry-after': '1' }));
      // Calls at 0, 1 and 2 s, then no wait fits: the answer comes ~0.9 s before the deadline.
      const deadline = Date.now() + 2900;
      const outcomes = await client(api.url).send(credentials, body, deadline);
      expect(outcomes).toEqual([
        { kind: 'RATE_LIMITED', message: expect.any(String), retryAfterSeconds: 1 },
        { kind: 'RATE_LIMITED', message: expect.any(String), retryAfterSeconds: 1 },
      ]);
      expect(api.received.length).toBeGreaterThanOrEqual(2);
      expect(api.received.length).toBeLessThanOrEqual(3);
      // It stops as soon as the next wait would pass the deadline, it does not sleep into it.
      expect(Date.now()).toBeLessThan(deadline);
    });

    it('answers RATE_LIMITED at once when the first Retry-After already passes the deadline', async () => {
      const api = await upstream(answerText(429, 'slow down', { 'retry-after': '30' }));
      const started = Date.now();
      const outcomes = await client(api.url).send(credentials, body, started + 5000);
      expect(outcomes[0]).toMatchObject({ kind: 'RATE_LIMITED', retryAfterSeconds: 30 });
      expect(api.received).toHaveLength(1);
      expect(Date.now() - started).toBeLessThan(4000);
    });

    it('retries a 503 without the envelope, then answers UNAVAILABLE', async () => {
      const api = await upstream(answerJson(503, { errorCode: 4001 }));
      const outcomes = await client(api.url).send(credentials, body, Date.now() + 1500);
      expect(kinds(outcomes)).toEqual(['UNAVAILABLE', 'UNAVAILABLE']);
      expect(api.received.length).toBeGreaterThan(1);
    });

    it('succeeds when a 503 is followed by an answer', async () => {
      const api = await upstream((req, res) =>
        api.received.length === 1 ? answerText(503, 'busy')(req, res) : answerEnvelope(req, res),
      );
      const outcomes = await client(api.url).send(credentials, body, Date.now() + 10_000);
      expect(kinds(outcomes)).toEqual(['ISSUED', 'ISSUED']);
      expect(api.received).toHaveLength(2);
    });
  });

  describe('when the call was sent and no trustworthy answer came', () => {
    it('answers OUTCOME_UNKNOWN and never resends when the socket is destroyed after the request was read', async () => {
      const api = await upstream((req) => req.socket.destroy());
      const outcomes = await client(api.url).send(credentials, body, Date.now() + 10_000);
      expect(kinds(outcomes)).toEqual(['OUTCOME_UNKNOWN', 'OUTCOME_UNKNOWN']);
      expect(api.received).toHaveLength(1);
    });

    it('answers OUTCOME_UNKNOWN and never resends when a reused keep-alive socket is reset', async () => {
      const api = await upstream((req, res) =>
        api.received.length === 1 ? answerEnvelope(req, res) : req.socket.destroy(),
      );
      const c = client(api.url, { maxConnections: 1 });
      expect(kinds(await c.send(credentials, body, Date.now() + 10_000))).toEqual([
        'ISSUED',
        'ISSUED',
      ]);
      const outcomes = await c.send(credentials, body, Date.now() + 10_000);
      expect(kinds(outcomes)).toEqual(['OUTCOME_UNKNOWN', 'OUTCOME_UNKNOWN']);
      expect(api.received).toHaveLength(2);
      expect(api.received[1]?.socket).toBe(api.received[0]?.socket);
    });

    it('answers OUTCOME_UNKNOWN at the deadline when the API never answers, after exactly one request', async () => {
      const api = await upstream(() => undefined);
      const started = Date.now();
      const deadline = started + 800;
      const outcomes = await client(api.url).send(credentials, body, deadline);
      expect(kinds(outcomes)).toEqual(['OUTCOME_UNKNOWN', 'OUTCOME_UNKNOWN']);
      expect(Date.now()).toBeGreaterThanOrEqual(deadline - 5);
      expect(Date.now() - deadline).toBeLessThan(2000);
      expect(api.received).toHaveLength(1);
    });

    it('answers OUTCOME_UNKNOWN for a 502 with a text body, after exactly one request', async () => {
      const api = await upstream(answerText(502, '<html>Bad Gateway</html>'));
      const outcomes = await client(api.url).send(credentials, body, Date.now() + 10_000);
      expect(kinds(outcomes)).toEqual(['OUTCOME_UNKNOWN', 'OUTCOME_UNKNOWN']);
      expect(api.received).toHaveLength(1);
    });

    it('answers OUTCOME_UNKNOWN for a 200 whose body is not the envelope', async () => {
      const api = await upstream(answerJson(200, { ok: true }));
      const outcomes = await client(api.url).send(credentials, body, Date.now() + 10_000);
      expect(kinds(outcomes)).toEqual(['OUTCOME_UNKNOWN', 'OUTCOME_UNKNOWN']);
      expect(api.received).toHaveLength(1);
    });
  });

  describe('circuit breaker', () => {
    it('opens after N consecutive failures, answers UNAVAILABLE without touching the API, and lets one probe through after halfOpenAfter', async () => {
      let healthy = false;
      const api = await upstream((req, res) =>
        healthy ? answerEnvelope(req, res) : answerText(502, 'Bad Gateway')(req, res),
      );
      const c = client(api.url, { circuitBreakerThreshold: 2, circuitBreakerHalfOpenAfterMs: 300 });
      const deadline = () => Date.now() + 10_000;

      expect(kinds(await c.send(credentials, body, deadline()))).toEqual([
        'OUTCOME_UNKNOWN',
        'OUTCOME_UNKNOWN',
      ]);
      expect(c.circuitState).toBe(CircuitState.Closed);
      expect(kinds(await c.send(credentials, body, deadline()))).toEqual([
        'OUTCOME_UNKNOWN',
        'OUTCOME_UNKNOWN',
      ]);
      expect(c.circuitState).toBe(CircuitState.Open);

      const openedAt = Date.now();
      const refused = await c.send(credentials, body, deadline());
      expect(refused).toEqual([
        { kind: 'UNAVAILABLE', message: expect.stringContaining('paused') },
        { kind: 'UNAVAILABLE', message: expect.stringContaining('paused') },
      ]);
      // At once: nowhere near the 10 s deadline.
      expect(Date.now() - openedAt).toBeLessThan(2_000);
      expect(api.received).toHaveLength(2);

      healthy = true;
      await sleep(400); // halfOpenAfter is a clock, not an event
      // The probe and a call that arrives while it runs: only the probe reaches the API.
      const probe = c.send(credentials, body, deadline());
      const whileProbing = await c.send(credentials, body, deadline());
      expect(kinds(whileProbing)).toEqual(['UNAVAILABLE', 'UNAVAILABLE']);
      expect(kinds(await probe)).toEqual(['ISSUED', 'ISSUED']);
      expect(api.received).toHaveLength(3);
      expect(c.circuitState).toBe(CircuitState.Closed);
      expect(kinds(await c.send(credentials, body, deadline()))).toEqual(['ISSUED', 'ISSUED']);
    });

    it('opens again when the half-open probe fails', async () => {
      const api = await upstream(answerText(502, 'Bad Gateway'));
      const c = client(api.url, { circuitBreakerThreshold: 1, circuitBreakerHalfOpenAfterMs: 200 });
      await c.send(credentials, body, Date.now() + 10_000);
      expect(c.circuitState).toBe(CircuitState.Open);
      await sleep(300); // halfOpenAfter is a clock, not an event
      expect(kinds(await c.send(credentials, body, Date.now() + 10_000))).toEqual([
        'OUTCOME_UNKNOWN',
        'OUTCOME_UNKNOWN',
      ]);
      expect(c.circuitState).toBe(CircuitState.Open);
      expect(kinds(await c.send(credentials, body, Date.now() + 10_000))).toEqual([
        'UNAVAILABLE',
        'UNAVAILABLE',
      ]);
      expect(api.received).toHaveLength(2);
    });

    it('counts an answered envelope, even a 500 one, and a 4xx as successes of the path', async () => {
      let status = 500;
      const api = await upstream((req, res) =>
        status === 500
          ? answerJson(500, {
              response: [
                {
                  errors: [{ status: false, code: 1101, message: 'invalid programId passed' }],
                  warnings: [],
                },
              ],
              totalCount: 1,
              failureCount: 1,
            })(req, res)
          : answerText(status, 'nope')(req, res),
      );
      const c = client(api.url, { circuitBreakerThreshold: 1 });
      await c.send(credentials, body, Date.now() + 10_000);
      status = 404;
      await c.send(credentials, body, Date.now() + 10_000);
      status = 401;
      await c.send(credentials, body, Date.now() + 10_000);
      expect(c.circuitState).toBe(CircuitState.Closed);
      expect(api.received).toHaveLength(3);
    });

    it('does not count calls whose deadline passed while they waited for one of our own connections', async () => {
      const held: http.ServerResponse[] = [];
      const api = await upstream((_req, res) => held.push(res));
      const c = client(api.url, { maxConnections: 1, circuitBreakerThreshold: 2 });
      const first = c.send(credentials, body, Date.now() + 20_000);
      await eventually(() => api.received.length === 1, { describe: 'the first call to arrive' });
      // Three calls queue behind the held one, in our pool, until their deadline.
      const queued = await Promise.all(
        [1, 2, 3].map(() => c.send(credentials, body, Date.now() + 200)),
      );
      expect(queued.flatMap(kinds)).toEqual(Array(6).fill('UNAVAILABLE'));
      expect(c.circuitState).toBe(CircuitState.Closed);
      answerEnvelope(api.received[0] as ReceivedRequest, held[0] as http.ServerResponse);
      expect(kinds(await first)).toEqual(['ISSUED', 'ISSUED']);
    });

    it('opens on refused connections and then stops trying before the deadline', async () => {
      const closed = await upstream(answerEnvelope);
      const url = closed.url;
      await opened.pop()?.close();
      const c = client(url, { circuitBreakerThreshold: 3 });
      const deadline = Date.now() + 10_000;
      const outcomes = await c.send(credentials, body, deadline);
      expect(outcomes[0]).toEqual({
        kind: 'UNAVAILABLE',
        message: 'the promotion API is failing; calls are paused for a moment',
      });
      expect(c.circuitState).toBe(CircuitState.Open);
      expect(Date.now()).toBeLessThan(deadline - 5000);
    });
  });

  it('close() closes the pool; later calls answer UNAVAILABLE at once without rejecting, and a second close() is harmless', async () => {
    const api = await upstream(answerEnvelope);
    const c = new PromotionApiClient({
      apiUrl: api.url,
      maxConnections: 1,
      requestTimeoutMs: 10_000,
      circuitBreakerThreshold: 1000,
      circuitBreakerHalfOpenAfterMs: 60_000,
    });
    await c.send(credentials, body, Date.now() + 10_000);
    await c.close();
    const started = Date.now();
    const outcomes = await c.send(credentials, body, Date.now() + 10_000);
    expect(kinds(outcomes)).toEqual(['UNAVAILABLE', 'UNAVAILABLE']);
    expect(Date.now() - started).toBeLessThan(1000);
    await c.close();
    expect(api.received).toHaveLength(1);
  });
});
