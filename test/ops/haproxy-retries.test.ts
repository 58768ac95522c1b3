/**
 * The cluster's HAProxy configuration (scripts/cluster/haproxy-config.ts) in a real HAProxy,
 * in front of small HTTP servers standing in for replicas. What it sends to another replica
 * must be what the first provably did nothing with:
 * - fastify answers a request that reaches a closing server with its own 503 before any
 *   handler runs: that one goes elsewhere (the rolling-restart test met it once in six runs:
 *   a request HAProxy had sent on a kept-alive connection just before the drain);
 * - a replica that closes the connection without an answer may have died after its API
 *   call: that one must not be sent again (a review enrolled 300 customers twice so);
 * - and a client that trickles its request is cut, as a replica would cut it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
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
}

async function replica(behaviour: Behaviour): Promise<Replica> {
  const posts: string[] = [];
  const server = createServer((req, res) => {
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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, posts };
}

interface Proxy {
  port: number;
  url: string;
  close(): Promise<void>;
}

/** A real HAProxy with the cluster's configuration, once it has both replicas UP. */
async function haproxyIn(front: Replica[]): Promise<Proxy> {
  const workDir = mkdtempSync(path.join(tmpdir(), 'promotion-gateway-haproxy-'));
  const adminSocket = path.join(workDir, 'admin.sock');
  const port = await freePort();
  const configFile = path.join(workDir, 'haproxy.cfg');
  writeFileSync(
    configFile,
    haproxyConfig({
      host: '127.0.0.1',
      port,
      replicaPorts: front.map((r) => r.port),
      adminSocket,
    }),
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
    const cutAfter = await Promise.race([
      closed.then(() => 'closed'),
      new Promise((resolve) => setTimeout(() => resolve('still open'), 45_000)),
    ]);
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
