/**
 * SIGTERM under load (DESIGN.md §7), on a real gateway process: every mutation in
 * flight is answered, waiting batches go out at once, a request that still arrives is
 * refused without reaching the API, and the process exits 0 before its deadline.
 */
import { connect, type Socket } from 'node:net';
import { print } from 'graphql';
import { startSandbox, type CallRecord, type RunningSandbox } from '../../src/sandbox';
import { EnrolCustomersDocument } from '../generated/graphql';
import { eventually } from '../support/eventually';
import { spawnGateway, type GatewayProcess } from '../support/gateway-process';
import { execute } from '../support/stack';
import { customersOf, demo, demoAuth, enrolInput, type EnrolPayload } from './support';

const TIMEOUT_MS = 5000;
const WINDOW_MS = 1000;
const LATENCY_MS = 500;

describe('SIGTERM under load', () => {
  let sandbox: RunningSandbox;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, faults: { latencyMs: LATENCY_MS } });
    gateway = await spawnGateway({
      PROMOTION_API_URL: sandbox.url,
      PROMOTION_API_TIMEOUT_MS: String(TIMEOUT_MS),
      BATCH_WINDOW_MS: String(WINDOW_MS),
      // "incoming request" lines tell when every mutation has reached the gateway.
      LOG_LEVEL: 'info',
    });
  });
  afterAll(async () => {
    await gateway?.stop();
    await sandbox?.close();
  });

  it('answers every in-flight mutation, does nothing that arrives later, exits 0, and the ledger agrees', async () => {
    const received: Array<{ at: number; call: CallRecord }> = [];
    sandbox.onCallReceived((call) => received.push({ at: Date.now(), call }));
    const ids = demo.slice(0, 152).map((c) => c.id);
    const [keptAliveId, lateId] = [ids[150]!, ids[151]!];
    const viaFetch = ids.slice(0, 150);
    // One kept-alive connection, busy when the signal comes, spoken to byte by byte: a
    // request written on it afterwards reaches the server while it shuts down.
    const keptAlive = await rawConnection(new URL(gateway.url));

    // 150 mutations of one customer: the first 100 fill a batch, which goes at once;
    // the other 50 wait for the 1 s window.
    const answers = viaFetch.map((id) =>
      execute(gateway.url, EnrolCustomersDocument, { input: enrolInput([id]) }, demoAuth),
    );
    await eventually(() => received.length >= 1, {
      describe: 'the first batch to reach the API',
      timeoutMs: 20_000,
    });
    expect(received[0]?.call.customers).toBe(100);
    // Sent once the first batch has gone, so that it waits in the window with the rest.
    keptAlive.send(keptAliveId);
    await eventually(
      () => gateway.logLines().filter((l) => l.msg === 'incoming request').length >= ids.length - 1,
      { describe: 'every mutation to reach the gateway', timeoutMs: 20_000 },
    );

    const signalledAt = Date.now();
    gateway.child.kill('SIGTERM');
    await eventually(() => gateway.logLines().some((l) => l.msg === 'shutting down'), {
      describe: 'the gateway to start shutting down',
      timeoutMs: 20_000,
    });
    // While the flushed batch spends its 500 ms at the API, the gateway is still shutting down.
    await eventually(() => received.length >= 2, {
      describe: 'the flushed batch to reach the API',
      timeoutMs: 20_000,
    });
    keptAlive.send(lateId);

    const settled = await Promise.allSettled(answers);
    const exit = await gateway.exited;
    const exitedAfterMs = Date.now() - signalledAt;
    const [keptAliveAnswer, ...more] = await keptAlive.answers();

    // Every in-flight mutation was answered with its enrolment.
    const payloads: Array<[string, EnrolPayload]> = settled.map((s, i) => {
      if (s.status === 'rejected') throw new Error(`mutation ${i} got no answer: ${s.reason}`);
      expect(s.value.status).toBe(200);
      return [viaFetch[i]!, s.value.body.data!.enrolCustomers];
    });
    expect(keptAliveAnswer).toMatchObject({ status: 200, headers: { connection: 'close' } });
    payloads.push([
      keptAliveId,
      (JSON.parse(keptAliveAnswer!.body) as { data: { enrolCustomers: EnrolPayload } }).data
        .enrolCustomers,
    ]);
    // The late one, pipelined behind it, got no answer of its own: the `Connection: close`
    // before it tells its client that it was not processed (RFC 9112 §9.3.2), and it was
    // not (see the ledger below), so it may safely be sent again elsewhere.
    expect(more).toEqual([]);

    // The process finished cleanly, well before its deadline.
    expect(exit).toEqual({ code: 0, signal: null });
    expect(exitedAfterMs).toBeLessThan(TIMEOUT_MS);
    // The waiting batch went out at the signal, not at the end of its window.
    expect(received).toHaveLength(2);
    expect(received[1]!.call.customers).toBe(51);
    expect(received[1]!.at).toBeGreaterThanOrEqual(signalledAt);
    expect(received[1]!.at - signalledAt).toBeLessThan(WINDOW_MS / 2);

    // The ledger agrees with the answers, one entry per customer, and nothing for the late one.
    const ledger = sandbox.ledger();
    expect(ledger).toHaveLength(151);
    const issualIdOf = new Map(ledger.map((e) => [String(e.entityId), e.issualId]));
    for (const [id, payload] of payloads) {
      expect(payload).toMatchObject({
        __typename: 'EnrolCustomersResult',
        results: [
          { outcome: { __typename: 'Enrolment', entityId: id, issualId: issualIdOf.get(id) } },
        ],
      });
    }
    expect(issualIdOf.has(lateId)).toBe(false);
    expect(received.flatMap((r) => customersOf(r.call))).not.toContain(lateId);
  });
});

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * One HTTP/1.1 connection to the gateway, written to by hand so that a request can be
 * pipelined behind one still in flight (a client library would wait, or retry it).
 */
async function rawConnection(url: URL) {
  const socket: Socket = connect(Number(url.port), url.hostname);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return {
    send(customerId: string): void {
      const body = JSON.stringify({
        query: print(EnrolCustomersDocument),
        variables: { input: enrolInput([customerId]) },
      });
      socket.write(
        `POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\n` +
          `Content-Type: application/json\r\nAuthorization: ${demoAuth.authorization}\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    },
    /** Every answer, once the server has closed the connection. */
    async answers(): Promise<RawAnswer[]> {
      await ended;
      return parseAnswers(Buffer.concat(chunks));
    },
  };
}

/** Answers with Content-Length, one after another (what fastify sends here). */
function parseAnswers(bytes: Buffer): RawAnswer[] {
  const answers: RawAnswer[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const headEnd = bytes.indexOf('\r\n\r\n', offset);
    if (headEnd < 0) throw new Error(`incomplete answer: ${bytes.subarray(offset).toString()}`);
    const [statusLine, ...lines] = bytes.subarray(offset, headEnd).toString('latin1').split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers['content-length']);
    if (!Number.isInteger(length)) throw new Error(`no Content-Length in ${statusLine}`);
    const bodyStart = headEnd + 4;
    answers.push({
      status: Number(statusLine?.split(' ')[1]),
      headers,
      body: bytes.subarray(bodyStart, bodyStart + length).toString('utf8'),
    });
    offset = bodyStart + length;
  }
  return answers;
}
