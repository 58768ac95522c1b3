/**
 * The cluster's HAProxy configuration (scripts/cluster/haproxy-config.ts) in a real HAProxy,
 * in front of two small HTTP servers: one a healthy replica, the other a replica that has
 * started to close. fastify answers a request that reaches a closing server with its own
 * 503 before any handler runs, so such a request provably did nothing and must go to
 * another replica instead of to the client (the rolling-restart test met it once in six
 * runs: a request HAProxy had sent on a kept-alive connection just before the drain).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { replicaStatus } from '../../scripts/cluster/cluster';
import { haproxyConfig } from '../../scripts/cluster/haproxy-config';
import { eventually } from '../support/eventually';
import { freePort } from '../support/free-port';

/** Exactly what fastify 5 writes for a request that arrives while it closes (lib/route.js). */
const FASTIFY_CLOSING_BODY =
  '{"error":"Service Unavailable","message":"Service Unavailable","statusCode":503}';

interface Replica {
  server: Server;
  port: number;
  /** POST bodies it received. */
  posts: string[];
}

async function replica(closing: boolean): Promise<Replica> {
  const posts: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method === 'GET' && req.url === '/readyz') {
        // Still UP in HAProxy: the request below races the health checks, as in a real roll.
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ready"}');
        return;
      }
      posts.push(Buffer.concat(chunks).toString('utf8'));
      if (closing) {
        res
          .writeHead(503, {
            'Content-Type': 'application/json',
            'Content-Length': String(FASTIFY_CLOSING_BODY.length),
            Connection: 'close',
          })
          .end(FASTIFY_CLOSING_BODY);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{"served":true}}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, posts };
}

describe('HAProxy in front of a replica that is closing', () => {
  let workDir: string;
  let haproxy: ChildProcess;
  let haproxyOutput = '';
  let healthy: Replica;
  let closing: Replica;
  let url: string;

  beforeAll(async () => {
    [healthy, closing] = await Promise.all([replica(false), replica(true)]);
    workDir = mkdtempSync(path.join(tmpdir(), 'promotion-gateway-haproxy-'));
    const adminSocket = path.join(workDir, 'admin.sock');
    const port = await freePort();
    const configFile = path.join(workDir, 'haproxy.cfg');
    writeFileSync(
      configFile,
      haproxyConfig({
        host: '127.0.0.1',
        port,
        replicaPorts: [closing.port, healthy.port],
        adminSocket,
      }),
    );
    haproxy = spawn('haproxy', ['-f', configFile, '-db'], { stdio: ['ignore', 'pipe', 'pipe'] });
    haproxy.stdout?.on('data', (chunk: Buffer) => (haproxyOutput += chunk.toString('utf8')));
    haproxy.stderr?.on('data', (chunk: Buffer) => (haproxyOutput += chunk.toString('utf8')));
    await eventually(
      async () => {
        const status = await replicaStatus(adminSocket).catch(() => ({}) as Record<string, string>);
        return status.r1 === 'UP' && status.r2 === 'UP';
      },
      { describe: 'HAProxy to have both servers UP', timeoutMs: 60_000 },
    );
    url = `http://127.0.0.1:${port}/graphql`;
  });

  afterAll(async () => {
    if (haproxy !== undefined && haproxy.exitCode === null) {
      const exited = new Promise((resolve) => haproxy.once('exit', resolve));
      haproxy.kill('SIGTERM');
      await exited;
    }
    await Promise.all(
      [healthy, closing].map(
        (r) => r && new Promise((resolve) => r.server.close(resolve)).catch(() => undefined),
      ),
    );
    if (workDir !== undefined) rmSync(workDir, { recursive: true, force: true });
  });

  it("sends a request fastify refused while closing to another replica, and the client sees only the other's answer", async () => {
    // Callers are hashed to replicas by their Authorization header: forty of them reach both.
    const answers = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer caller-${i}` },
          // Half of them as large as a mutation of 1,000 customers: HAProxy retries only
          // what fits its buffer (16 KiB unless tune.bufsize says more).
          body: JSON.stringify({
            query: '{ __typename }',
            n: i,
            ...(i % 2 === 0 ? { padding: 'x'.repeat(70_000) } : {}),
          }),
        });
        return { status: response.status, body: await response.text() };
      }),
    );

    // Some callers were sent to the closing replica first, so the retry was needed...
    expect(closing.posts.length).toBeGreaterThan(0);
    // ... and every caller got the healthy replica's answer, each request served once there.
    expect(answers).toEqual(
      Array.from({ length: 40 }, () => ({ status: 200, body: '{"data":{"served":true}}' })),
    );
    expect(
      healthy.posts.map((p) => (JSON.parse(p) as { n: number }).n).sort((a, b) => a - b),
    ).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });
});
