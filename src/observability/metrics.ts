/**
 * The Prometheus metrics of DESIGN §10, in a registry of this gateway's own (tests run
 * several gateways in one process), served on their own listener: never the public port.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ApiPath } from '../datasources/circuit';
import type { GatewayObserver, UpstreamCallObservation, UpstreamReadObservation } from './observer';

/** What the gauges read when scraped: the batcher's queue and the circuits of the two paths. */
export interface MetricsSources {
  queuedCustomers: () => number;
  circuitOpen: (path: ApiPath) => boolean;
}

/** Customers per call: the API's limit is 100 (UPSTREAM_BATCH_SIZE). */
const BATCH_BUCKETS = [1, 2, 5, 10, 20, 30, 50, 70, 90, 100];
/** Seconds: the sandbox answers in ~50 ms, a real API in 0.1..2 s, the deadline is 10 s. */
const CALL_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class GatewayMetrics implements GatewayObserver {
  readonly registry = new Registry();
  private readonly operations: Counter<'operation' | 'payload'>;
  private readonly customers: Counter<'action' | 'outcome'>;
  private readonly calls: Counter<'endpoint' | 'status'>;
  // By endpoint: a 50 ms lookup and a 2 s bulk call in one histogram would describe neither.
  private readonly callSeconds: Histogram<'endpoint'>;
  private readonly batchCustomers: Histogram;
  private readonly idempotencyResults: Counter<'result'>;

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    this.operations = new Counter({
      name: 'gateway_operations_total',
      help: 'Mutation and query fields answered, by field and by the GraphQL type of their payload (or the error code).',
      labelNames: ['operation', 'payload'],
      registers,
    });
    this.customers = new Counter({
      name: 'gateway_customers_total',
      help: 'Customers answered, by action and by the GraphQL type of their outcome.',
      labelNames: ['action', 'outcome'],
      registers,
    });
    this.calls = new Counter({
      name: 'gateway_upstream_calls_total',
      help: 'Requests to the promotion API, by endpoint and HTTP status (not_sent: never written; failed: sent, then reset or timed out).',
      labelNames: ['endpoint', 'status'],
      registers,
    });
    this.callSeconds = new Histogram({
      name: 'gateway_upstream_call_seconds',
      help: 'Time of one request to the promotion API, until its answer or its failure, by endpoint (a path template).',
      labelNames: ['endpoint'],
      buckets: CALL_BUCKETS,
      registers,
    });
    this.batchCustomers = new Histogram({
      name: 'gateway_batch_customers',
      help: 'Customers per call to the promotion API: coalescing at work when well above 1.',
      buckets: BATCH_BUCKETS,
      registers,
    });
    this.idempotencyResults = new Counter({
      name: 'gateway_idempotency_total',
      help: 'Keyed mutations, by what their idempotency record said (claimed, replayed, in_progress, input_mismatch, unavailable, full).',
      labelNames: ['result'],
      registers,
    });
    new Gauge({
      name: 'gateway_queued_customers',
      help: 'Customers waiting for their batch or in a call to the API.',
      registers,
      collect() {
        this.set(sources.queuedCustomers());
      },
    });
    new Gauge({
      name: 'gateway_circuit_open',
      help: '1 while a circuit to the promotion API is open or half-open (its calls are refused), else 0; path bulk: the mutations, read: the queries.',
      labelNames: ['path'],
      registers,
      collect() {
        for (const path of ['bulk', 'read'] as const) {
          this.set({ path }, sources.circuitOpen(path) ? 1 : 0);
        }
      },
    });
    collectDefaultMetrics({ register: this.registry });
  }

  mutationAnswered: GatewayObserver['mutationAnswered'] = ({
    operation,
    action,
    payload,
    outcomes,
  }) => {
    this.operations.inc({ operation, payload });
    for (const [outcome, count] of outcomes) this.customers.inc({ action, outcome }, count);
  };

  queryAnswered: GatewayObserver['queryAnswered'] = ({ operation, payload }) => {
    this.operations.inc({ operation, payload });
  };

  idempotency: GatewayObserver['idempotency'] = (result) => {
    this.idempotencyResults.inc({ result });
  };

  upstreamCall: GatewayObserver['upstreamCall'] = (_action, customers) => {
    this.batchCustomers.observe(customers);
    return this.callObservation;
  };

  // Reads count in the same call metrics, by their endpoint; they have no batch.
  upstreamRead: GatewayObserver['upstreamRead'] = () => this.readObservation;

  private readonly countAttempt = (endpoint: string, status: string, seconds: number): void => {
    this.calls.inc({ endpoint, status });
    this.callSeconds.observe({ endpoint }, seconds);
  };

  private readonly callObservation: UpstreamCallObservation = {
    headers: {},
    attempt: this.countAttempt,
    end: () => undefined,
  };

  private readonly readObservation: UpstreamReadObservation = {
    headers: {},
    attempt: this.countAttempt,
    joined: () => undefined,
    end: () => undefined,
  };
}

export interface MetricsServer {
  /** e.g. http://127.0.0.1:9464/metrics */
  url: string;
  close(): Promise<void>;
}

/**
 * Default `64` connections. A new one past them closes the oldest that is serving no
 * request (headers still coming, or idle between requests), so slow clients, from any
 * number of addresses, cannot lock Prometheus out; it is refused only while all 64 are.
 */
const METRICS_MAX_CONNECTIONS = 64;

function limitConnections(server: Server, limit: number): void {
  // A Map keeps the order connections came in; the value is the requests being served.
  const open = new Map<Socket, number>();
  const serving = (socket: Socket, by: number): void => {
    const requests = open.get(socket);
    if (requests !== undefined) open.set(socket, requests + by);
  };
  server.on('connection', (socket: Socket) => {
    if (open.size >= limit) {
      const idle = [...open].find(([, requests]) => requests === 0)?.[0];
      if (idle === undefined) {
        socket.destroy();
        return;
      }
      open.delete(idle);
      idle.destroy();
    }
    open.set(socket, 0);
    socket.once('close', () => open.delete(socket));
  });
  // Ahead of the handler, so that a response it ends at once is still counted.
  server.prependListener('request', ({ socket }: IncomingMessage, response: ServerResponse) => {
    serving(socket, 1);
    response.once('close', () => serving(socket, -1));
  });
}

/** GET /metrics in Prometheus text format; anything else 404, other methods 405. */
export async function serveMetrics(
  registry: Registry,
  { port, host }: { port: number; host: string },
): Promise<MetricsServer> {
  // A scraper is trusted, but a stuck one must not hold sockets: the timeouts are checked
  // every second (Node's default, 30 s, let a 5 s headers timeout run to 35 s).
  const options = {
    requestTimeout: 10_000,
    headersTimeout: 5_000,
    keepAliveTimeout: 5_000,
    connectionsCheckingInterval: 1_000,
  };
  const server: Server = createServer(options, (request, response) => {
    const path = (request.url ?? '').split('?')[0];
    if (path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
      () => response.writeHead(500, { 'content-type': 'text/plain' }).end('metrics failed\n'),
    );
  });
  limitConnections(server, METRICS_MAX_CONNECTIONS);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  const hostForUrl = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${hostForUrl}:${bound}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
