/**
 * The metrics port is internal, but a slow or stuck client on that network (review
 * findings: 64 connections trickling their headers, from one address or from eight) held
 * every connection it allows, and Prometheus was refused. A new connection now closes the
 * oldest one that is not serving a request.
 */
import { once } from 'node:events';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { Gauge, Registry } from 'prom-client';
import { serveMetrics, type MetricsServer } from '../../src/observability/metrics';

let metrics: MetricsServer | undefined;
const sockets: Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await metrics?.close();
  metrics = undefined;
});

async function portOf(registry: Registry): Promise<number> {
  metrics = await serveMetrics(registry, { port: 0, host: '127.0.0.1' });
  return Number(new URL(metrics.url).port);
}

/** One of 8 loopback addresses, 127.0.0.1..127.0.0.8, for the i-th connection. */
const addressOf = (i: number) => `127.0.0.${1 + (i % 8)}`;

/** A connection that sends half its headers and then nothing. */
async function trickle(port: number, localAddress: string): Promise<Socket> {
  const socket = connect({ port, host: '127.0.0.1', localAddress });
  sockets.push(socket);
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  socket.write('GET /metrics HTTP/1.1\r\nHost: x\r\n');
  return socket;
}

function scrapeFrom(localAddress: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const scrape = request(
      { host: '127.0.0.1', port, path: '/metrics', localAddress, agent: false },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    scrape.on('error', reject);
    scrape.end();
  });
}

it('serves Prometheus, from a new address and from a slow one, past 64 slow connections from 8 addresses', async () => {
  const port = await portOf(new Registry());
  const held = await Promise.all(Array.from({ length: 64 }, (_, i) => trickle(port, addressOf(i))));
  await expect(scrapeFrom('127.0.0.9', port)).resolves.toBe(200);
  await expect(scrapeFrom('127.0.0.1', port)).resolves.toBe(200);
  // The oldest made room, closed unanswered: the headers timeout would have sent a 408.
  const oldest = held[0] as Socket;
  if (!oldest.destroyed) await once(oldest, 'close');
  expect(oldest.bytesRead).toBe(0);
});

it('closes the oldest connection not answering a request to make room, and refuses one only while all 64 are', async () => {
  // Each scrape is held in its collect until the gate opens: it is answering a request.
  let openGate!: () => void;
  const gate = new Promise<void>((resolve) => (openGate = resolve));
  let collects = 0;
  let onCollect = () => undefined as void;
  const collected = (n: number) =>
    new Promise<void>((resolve) => {
      onCollect = () => (collects >= n ? resolve() : undefined);
      onCollect();
    });
  const registry = new Registry();
  new Gauge({
    name: 'held_scrape',
    help: 'Answers once the test opens the gate.',
    registers: [registry],
    async collect() {
      collects += 1;
      onCollect();
      await gate;
    },
  });
  const port = await portOf(registry);
  try {
    const first = scrapeFrom('127.0.0.1', port);
    await collected(1);
    const held = await Promise.all(
      Array.from({ length: 63 }, (_, i) => trickle(port, addressOf(i))),
    );
    // The first scrape is the oldest, but each of these closes a trickling one instead.
    const scrapes = Promise.all([
      first,
      ...Array.from({ length: 63 }, (_, i) => scrapeFrom(addressOf(i), port)),
    ]);
    // A refused scrape fails the test here, not at its timeout.
    await Promise.race([collected(64), scrapes]);
    await expect(scrapeFrom('127.0.0.9', port)).rejects.toMatchObject({
      code: expect.stringMatching(/^(ECONNRESET|EPIPE)$/),
    });
    openGate();
    await expect(scrapes).resolves.toEqual(Array<number>(64).fill(200));
    await Promise.all(held.map((socket) => socket.destroyed || once(socket, 'close')));
    expect(held.map((socket) => socket.bytesRead)).toEqual(Array<number>(63).fill(0));
  } finally {
    // Else the held scrapes keep the server from closing.
    openGate();
  }
});
