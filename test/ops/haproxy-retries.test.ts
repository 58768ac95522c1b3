/**
 * The cluster's HAProxy configuration (scripts/cluster/haproxy-config.ts) in a real HAProxy,
 * in front of small HTTP servers standing in for replicas. What it sends to another replica
 * must be what the first provably did nothing with:
 * - fastify answers a request that reaches a closing server with its own 503 before any
 *   handler runs: that one goes elsewhere (the rolling-restart test met it once in six runs:
 *   a request HAProxy had sent on a kept-alive connection just before the drain);
 * - a replica that closes the connection without an answer may have died after its API
 *   call: that one must not be sent again (a review enrolled 300 customers twice so);
 * - a client that trickles its request is cut, as a replica would cut it;
 * - and a request that reaches HAProxy as a replica closes an idle keep-alive connection is
 *   not lost: HAProxy leaves no connection to a replica idle (if it reused one, the request
 *   written onto it as it closed would be neither answered nor retried).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { replicaStatus } from '../../scripts/cluster/cluster';
import { haproxyConfig } from '../../scripts/cluster/haproxy-config';
import { eventually } from '../support/eventually';
import { freePort } from '../support/free-port';

/** Exactly what fastify 5 writes for a request that arrives while it closes (lib/route.js). */
const FASTIFY_CLOSING_BODY =
  '{"error":"Service Unavailable","message":"Service Unavailable","statusCode":503}';
const SERVED = '{"data":{"served":true}}';

type Behaviour = 'healthy' | 'closing' | 'dies';

interface Replica {
  server: Server;
  port: number;
  /** POST bodies it received. */
  posts: string[];
  /** The most requests any one of its connections carried (health checks included). */
  readonly mostRequestsOnOneConnection: number;
}

async function replica(
  behaviour: Behaviour,
  { keepAliveTimeoutMs }: { keepAliveTimeoutMs?: number } = {},
): Promise<Replica> {
  const posts: string[] = [];
  const requestsOn = new WeakMap<Socket, number>();
  let mostOnOneConnection = 0;
  const server = createServer((req, res) => {
    const onThisConnection = (requestsOn.get(req.socket) ?? 0) + 1;
    requestsOn.set(req.socket, onThisConnection);
    mostOnOneConnection = Math.max(mostOnOneConnection, onThisConnection);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method === 'GET' && req.url === '/readyz') {
        // Still UP in HAProxy: the requests below race the health checks, as in a real roll.
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ready"}');
        return;
      }
      posts.push(Buffer.concat(chunks).toString('utf8'));
      if (behaviour === 'dies') {
        // As a replica killed after its API call: the connection closes, no byte of an answer.
        req.socket.destroy();
      } else if (behaviour === 'closing') {
        res
          .writeHead(503, {
            'Content-Type': 'application/json',
            'Content-Length': String(FASTIFY_CLOSING_BODY.length),
            Connection: 'close',
          })
          .end(FASTIFY_CLOSING_BODY);
      } else {
        res.writeHead(200, { 'content-type': 'application/json' }).end(SERVED);
      }
    });
  });
  if (keepAliveTimeoutMs !== undefined) server.keepAliveTimeout = keepAliveTimeoutMs;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    port: (server.address() as AddressInfo).port,
    posts,
    get mostRequestsOnOneConnection() {
      return mostOnOneConnection;
    },
  };
}

interface Proxy {
  port: number;
  url: string;
  close(): Promise<void>;
}

/**
 * A real HAProxy with the cluster's configuration (or, with `adjust`, a variant of it), once
 * it has every replica UP.
 */
async function haproxyIn(
  front: Replica[],
  adjust: (config: string) => string = (config) => config,
): Promise<Proxy> {
  const workDir = mkdtempSync(path.join(tmpdir(), 'promotion-gateway-haproxy-'));
  const adminSocket = path.join(workDir, 'admin.sock');
  const port = await freePort();
  const configFile = path.join(workDir, 'haproxy.cfg');
  writeFileSync(
    configFile,
    adjust(
      haproxyConfig({
        host: '127.0.0.1',
        port,
        replicaPorts: front.map((r) => r.port),
        adminSocket,
      }),
    ),
  );
  const haproxy: ChildProcess = spawn('haproxy', ['-f', configFile, '-db'], {
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  await eventually(
    async () => {
      const status = await replicaStatus(adminSocket).catch(() => ({}) as Record<string, string>);
      return front.every((_, i) => status[`r${i + 1}`] === 'UP');
    },
    { describe: 'HAProxy to have every server UP', timeoutMs: 60_000 },
  );
  return {
    port,
    url: `http://127.0.0.1:${port}/graphql`,
    async close() {
      if (haproxy.exitCode === null) {
        const exited = new Promise((resolve) => haproxy.once('exit', resolve));
        haproxy.kill('SIGTERM');
        await exited;
      }
      await Promise.all(front.map((r) => new Promise((resolve) => r.server.close(resolve))));
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

/** Forty callers, hashed to replicas by their Authorization header: they reach both. */
function fortyCallers(url: string): Promise<Array<{ status: number; body: string }>> {
  return Promise.all(
    Array.from({ length: 40 }, async (_, i) => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer caller-${i}` },
        // Half of them as large as a mutation of 1,000 customers: HAProxy resends only
        // what it holds whole in its buffer (16 KiB unless tune.bufsize says more).
        body: JSON.stringify({
          query: '{ __typename }',
          n: i,
          ...(i % 2 === 0 ? { padding: 'x'.repeat(70_000) } : {}),
        }),
      });
      return { status: response.status, body: await response.text() };
    }),
  );
}

const callersIn = (r: Replica) => r.posts.map((p) => (JSON.parse(p) as { n: number }).n);

describe('HAProxy in front of a replica that is closing', () => {
  let healthy: Replica;
  let closing: Replica;
  let proxy: Proxy;

  beforeAll(async () => {
    [healthy, closing] = await Promise.all([replica('healthy'), replica('closing')]);
    proxy = await haproxyIn([closing, healthy]);
  });
  afterAll(() => proxy?.close());

  it("sends a request fastify refused while closing to another replica, and the client sees only the other's answer", async () => {
    const answers = await fortyCallers(proxy.url);

    // Some callers were sent to the closing replica first, so the retry was needed...
    expect(closing.posts.length).toBeGreaterThan(0);
    // ... and every caller got the healthy replica's answer, each request served once there.
    expect(answers).toEqual(Array.from({ length: 40 }, () => ({ status: 200, body: SERVED })));
    expect(callersIn(healthy).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 40 }, (_, i) => i),
    );
  });

  it('cuts a client that trickles its request before any replica sees it', async () => {
    const postsBefore = healthy.posts.length + closing.posts.length;
    const socket = connect(proxy.port, '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.write(
      'POST /graphql HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\n' +
        'Content-Length: 1000\r\n\r\n{"query":',
    );
    let giveUp: NodeJS.Timeout | undefined;
    const cutAfter = await Promise.race([
      closed.then(() => 'closed'),
      new Promise((resolve) => (giveUp = setTimeout(() => resolve('still open'), 45_000))),
    ]);
    // Jest would otherwise wait the 45 s out after the last test.
    clearTimeout(giveUp);
    socket.destroy();

    // timeout http-request (10 s), where timeout client alone kept it 60 s and more.
    expect(cutAfter).toBe('closed');
    expect(Buffer.concat(received).toString('latin1')).toMatch(/^HTTP\/1\.[01] 408 /);
    expect(healthy.posts.length + closing.posts.length).toBe(postsBefore);
  }, 60_000);
});

describe('HAProxy in front of a replica that dies after reading a request', () => {
  let healthy: Replica;
  let dying: Replica;
  let proxy: Proxy;

  beforeAll(async () => {
    [healthy, dying] = await Promise.all([replica('healthy'), replica('dies')]);
    proxy = await haproxyIn([dying, healthy]);
  });
  afterAll(() => proxy?.close());

  it('does not send that request to another replica: it may have been done', async () => {
    const answers = await fortyCallers(proxy.url);

    expect(dying.posts.length).toBeGreaterThan(0);
    // Each request reached one replica, never both.
    const lost = callersIn(dying);
    expect(callersIn(healthy).filter((n) => lost.includes(n))).toEqual([]);
    expect([...lost, ...callersIn(healthy)].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 40 }, (_, i) => i),
    );
    // Its callers are told the gateway failed them, as a client talking to it straight would be.
    for (const n of lost) expect(answers[n]?.status).toBe(502);
  });
});

/** What one request on a kept-alive connection came back with. */
type Answer = { status: number } | 'closed without an answer';

/**
 * The length of the whole answer at the start of `received`, or undefined while it is not all
 * there. The replica answers chunked, HAProxy its own answers with a Content-Length.
 */
function answerLength(received: string): number | undefined {
  const headEnd = received.indexOf('\r\n\r\n');
  if (headEnd < 0) return undefined;
  const length = /\r\ncontent-length: *(\d+)/i.exec(received.slice(0, headEnd))?.[1];
  if (length !== undefined) {
    const end = headEnd + 4 + Number(length);
    return received.length >= end ? end : undefined;
  }
  const lastChunk = received.indexOf('\r\n0\r\n\r\n', headEnd);
  return lastChunk < 0 ? undefined : lastChunk + 7;
}

/** One caller's connection to HAProxy, kept alive between its requests as a browser or undici keeps it. */
class KeptAliveConnection {
  private socket: Socket | undefined;
  private received = '';

  constructor(private readonly port: number) {}

  /**
   * Sends one request, on this connection or, if HAProxy closed it, on a new one. On an open
   * connection the bytes leave before `post` returns, so the caller may stall right after.
   */
  post(authorization: string, body: string): Promise<Answer> {
    const socket = this.socket ?? this.open();
    const answer = new Promise<Answer>((resolve) => {
      const onData = (chunk: string) => {
        this.received += chunk;
        const length = answerLength(this.received);
        if (length === undefined) return;
        const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(this.received)?.[1]);
        this.received = this.received.slice(length);
        settle({ status });
      };
      const onClose = () => settle('closed without an answer');
      const settle = (outcome: Answer) => {
        socket.off('data', onData).off('close', onClose);
        resolve(outcome);
      };
      socket.on('data', onData).on('close', onClose);
    });
    socket.write(
      `POST /graphql HTTP/1.1\r\nHost: gateway\r\nAuthorization: ${authorization}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    return answer;
  }

  close(): void {
    this.socket?.destroy();
  }

  private open(): Socket {
    const socket = connect(this.port, '127.0.0.1').setEncoding('latin1');
    // A reset connection is told by its 'close'.
    socket.on('error', () => {});
    socket.once('close', () => {
      if (this.socket === socket) this.socket = undefined;
    });
    this.socket = socket;
    this.received = '';
    return socket;
  }
}

/** How long after its answer the replica closes an idle connection (Node adds 1 s to keepAliveTimeout). */
async function idleCloseMs(replica: Replica): Promise<number> {
  const socket = connect(replica.port, '127.0.0.1');
  const answered = new Promise<number>((resolve) =>
    socket.once('data', () => resolve(performance.now())),
  );
  const closed = new Promise<number>((resolve) =>
    socket.once('close', () => resolve(performance.now())),
  );
  socket.write('GET /readyz HTTP/1.1\r\nHost: replica\r\n\r\n');
  return (await closed) - (await answered);
}

/** Before the replica's keep-alive deadline, the next wave is written and the replica stalls... */
const LEAD_MS = 40;
/** ... until after it: requests written onto its idle connections meanwhile are still unread. */
const STALL_MS = 80;

/**
 * Callers on kept-alive connections send requests in waves. Each wave after the first is
 * written just before the replica's keep-alive timer closes the connections the previous one
 * came back on, and the replica's event loop then stalls across that moment, as a busy
 * gateway's does: the timer runs before the connection is read, so a request HAProxy wrote
 * onto it is dropped unread. That widens to ~80 ms a race otherwise a fraction of a
 * millisecond wide. Answers by wave, the first wave's (new connections) included.
 */
async function wavesAtIdleClose(
  proxy: Proxy,
  replica: Replica,
  { callers, waves }: { callers: number; waves: number },
): Promise<Answer[][]> {
  const closesAfterMs = await idleCloseMs(replica);
  const connections = Array.from({ length: callers }, () => new KeptAliveConnection(proxy.port));
  const stall = new Int32Array(new SharedArrayBuffer(4));
  const answers: Answer[][] = [];
  let sent = 0;
  let writeAt = performance.now();
  try {
    for (let wave = 0; wave < waves; wave++) {
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, writeAt - performance.now())));
      // From an immediate, so that the replica's event loop runs its timers first after the stall.
      const pending = await new Promise<Array<Promise<{ answer: Answer; at: number }>>>((resolve) =>
        setImmediate(() => {
          const written = connections.map((connection, i) =>
            connection
              .post(`Bearer caller-${i}`, JSON.stringify({ n: sent++ }))
              .then((answer) => ({ answer, at: performance.now() })),
          );
          if (wave > 0) Atomics.wait(stall, 0, 0, STALL_MS);
          resolve(written);
        }),
      );
      const settled = await Promise.all(pending);
      answers.push(settled.map((s) => s.answer));
      writeAt = Math.max(...settled.map((s) => s.at)) + closesAfterMs - LEAD_MS;
    }
  } finally {
    connections.forEach((c) => c.close());
  }
  return answers;
}

describe('HAProxy in front of a replica that closes idle keep-alive connections', () => {
  let closingIdle: Replica;
  let proxy: Proxy;

  beforeAll(async () => {
    closingIdle = await replica('healthy', { keepAliveTimeoutMs: 300 });
    proxy = await haproxyIn([closingIdle]);
  });
  afterAll(() => proxy?.close());

  it('answers every request that reaches it as the replica closes its idle connections', async () => {
    const answers = await wavesAtIdleClose(proxy, closingIdle, { callers: 100, waves: 6 });

    expect(
      answers.flat().filter((a) => a === 'closed without an answer' || a.status !== 200),
    ).toEqual([]);
    // Each request served once...
    expect(callersIn(closingIdle).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 600 }, (_, i) => i),
    );
    // ... each on a connection of its own: none was left idle for the replica to close.
    expect(closingIdle.mostRequestsOnOneConnection).toBe(1);
  });
});

describe('HAProxy keeping idle connections to such a replica (its default)', () => {
  let closingIdle: Replica;
  let proxy: Proxy;

  beforeAll(async () => {
    closingIdle = await replica('healthy', { keepAliveTimeoutMs: 300 });
    proxy = await haproxyIn([closingIdle], (config) => {
      const keepingAlive = config.replace(/^ {2}option http-server-close\n/m, '');
      expect(keepingAlive).not.toContain('http-server-close');
      return keepingAlive;
    });
  });
  afterAll(() => proxy?.close());

  it('closes the client connection of a request it wrote onto a connection the replica was closing, and neither answers nor retries it', async () => {
    // Most waves lose some: eight, so that one wave a busy machine throws off is no flake.
    const [, ...aimed] = await wavesAtIdleClose(proxy, closingIdle, { callers: 100, waves: 8 });

    // Requests 100..799, in waves of 100.
    const lost = aimed.flatMap((wave, w) =>
      wave.flatMap((a, i) => (a === 'closed without an answer' ? [100 * (w + 1) + i] : [])),
    );
    expect(lost.length).toBeGreaterThan(0);
    // Not one reached the replica, so nothing was done; yet the client cannot know that.
    expect(callersIn(closingIdle).filter((n) => lost.includes(n))).toEqual([]);
    // Every other request was answered by the replica (no 502: HAProxy answered nothing).
    expect(
      aimed.flat().filter((a) => a !== 'closed without an answer' && a.status !== 200),
    ).toEqual([]);
  });
});
