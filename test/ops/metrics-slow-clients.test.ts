/**
 * The metrics port is internal, but a slow or stuck client on that network (review
 * finding: 64 connections trickling their headers) held every connection it allows, and
 * Prometheus was refused. One address now holds a few of them at most.
 */
import { once } from 'node:events';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { Registry } from 'prom-client';
import { serveMetrics, type MetricsServer } from '../../src/observability/metrics';

let metrics: MetricsServer;
const sockets: Socket[] = [];

beforeAll(async () => {
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'test' });
  metrics = await serveMetrics(registry, { port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await metrics.close();
});

/** A connection from 127.0.0.1 that sends half its headers and then nothing. */
async function trickle(port: number): Promise<Socket> {
  const socket = connect({ port, host: '127.0.0.1', localAddress: '127.0.0.1' });
  sockets.push(socket);
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  socket.write('GET /metrics HTTP/1.1\r\nHost: x\r\n');
  return socket;
}

/** A scrape from another address of the internal network (127.0.0.2 is loopback too). */
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

it('serves Prometheus while one address holds as many slow connections as it can', async () => {
  const port = Number(new URL(metrics.url).port);
  const held = await Promise.all(Array.from({ length: 64 }, () => trickle(port)));
  await expect(scrapeFrom('127.0.0.2', port)).resolves.toBe(200);
  // The slow address keeps its first few; the others were closed at once.
  await Promise.all(held.slice(8).map((socket) => socket.destroyed || once(socket, 'close')));
  expect(held.slice(0, 8).filter((socket) => socket.destroyed)).toEqual([]);
});
