/**
 * Issue 11, finding 2: clients that send most of a body and go silent, that keep idle
 * connections open, or that open more connections than the gateway may hold. The gateway
 * runs as its own process, so that its RSS is its own.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { print } from 'graphql';
import { DEMO_CREDENTIALS, startSandbox, type RunningSandbox } from '../../../src/sandbox';
import { EnrolCustomersDocument } from '../../generated/graphql';
import { BODY_BYTES_IN_FLIGHT } from '../../../src/http/body-budget';
import { enrol, enrolInput } from '../../faults/support';
import { spawnGateway, type GatewayProcess } from '../../support/gateway-process';
import { graphqlBody, postJson, startSecureStack, type SecureStack } from '../support';
import { within } from '../../support/eventually';

const BODY_BYTES = 1_048_000;
const SENT_BYTES = 1_000_000;

/** The process' resident set in bytes (Linux). */
function rssOf(pid: number): number {
  const line = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (line === null) throw new Error(`no VmRSS for process ${pid}`);
  return Number(line[1]) * 1024;
}

function hostAndPort(url: string): { host: string; port: number } {
  const { hostname, port } = new URL(url);
  return { host: hostname, port: Number(port) };
}

/** A socket that has connected; its `closed` settles when it is closed, by either side. */
async function connect(url: string): Promise<{ socket: net.Socket; closed: Promise<void> }> {
  const socket = net.connect(hostAndPort(url));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => undefined);
  // Reading is how a socket notices that its peer closed it, answered or not.
  socket.resume();
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('close', () => reject(new Error('closed before it connected')));
  });
  return { socket, closed };
}

/** Resolves once the socket has received `text`. */
function untilReceived(socket: net.Socket, text: string): Promise<void> {
  let seen = '';
  return new Promise((resolve) => {
    const onData = (chunk: Buffer): void => {
      seen += chunk.toString('latin1');
      if (seen.includes(text)) {
        socket.off('data', onData);
        resolve();
      }
    };
    socket.on('data', onData);
  });
}

/** Everything a socket receives until it closes. */
function received(socket: net.Socket): () => string {
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
  return () => text;
}

describe('slow and idle clients (a gateway process, BODY_TIMEOUT_MS=1000)', () => {
  let sandbox: RunningSandbox;
  let gateway: GatewayProcess;
  let pid: number;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
    gateway = await spawnGateway({
      PROMOTION_API_URL: sandbox.url,
      BODY_TIMEOUT_MS: '1000',
      MAX_CONNECTIONS: '1000',
    });
    pid = gateway.child.pid!;
  });
  afterAll(async () => {
    await gateway?.stop();
    await sandbox?.close();
  });

  it('closes 500 sockets that sent most of a 1 MB body and went silent, holds RSS growth under 150 MB, and serves a mutation meanwhile', async () => {
    const SOCKETS = 500;
    const head = Buffer.from(
      'POST /graphql HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\n' +
        `Content-Length: ${BODY_BYTES}\r\n\r\n`,
    );
    // One buffer written to every socket: the test itself holds 1 MB, not 500.
    const partialBody = Buffer.alloc(SENT_BYTES, ' ');
    partialBody.write('{"query":"{ __typename }","padding":"', 'latin1');

    const rssBefore = rssOf(pid);
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssOf(pid))), 20);
    try {
      const attackers = await Promise.all(
        Array.from({ length: SOCKETS }, async () => {
          const attacker = await connect(gateway.url);
          attacker.socket.write(head);
          attacker.socket.write(partialBody);
          return attacker;
        }),
      );
      let attackersLeft = SOCKETS;
      for (const attacker of attackers) void attacker.closed.then(() => attackersLeft--);
      const mutation = enrol(gateway.url, ['555567088']).then((payload) => ({
        payload,
        attackersLeft,
      }));
      await within(Promise.all(attackers.map((attacker) => attacker.closed)), {
        describe: `all ${SOCKETS} silent sockets closed`,
        timeoutMs: 30_000,
      });
      const served = await within(mutation, { describe: 'the mutation', timeoutMs: 30_000 });
      expect(served.payload.__typename).toBe('EnrolCustomersResult');
      // Served while the attack still held its sockets, not after it.
      expect(served.attackersLeft).toBeGreaterThan(0);
    } finally {
      clearInterval(sampler);
    }
    expect(rssPeak - rssBefore).toBeLessThan(150 * 1024 * 1024);
  });

  it('answers 408 and closes a socket whose body stopped arriving', async () => {
    const { socket, closed } = await connect(gateway.url);
    const answer = received(socket);
    socket.write(
      'POST /graphql HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\n' +
        'Content-Length: 100\r\n\r\n{"query":',
    );
    await within(closed, { describe: 'the socket closed', timeoutMs: 30_000 });
    expect(answer()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('closes an idle keep-alive connection after KEEP_ALIVE_TIMEOUT_MS (default 5 s)', async () => {
    const { socket, closed } = await connect(gateway.url);
    const answer = received(socket);
    socket.write('GET /healthz HTTP/1.1\r\nHost: gateway\r\nConnection: keep-alive\r\n\r\n');
    await within(closed, { describe: 'the idle keep-alive connection closed', timeoutMs: 30_000 });
    expect(answer()).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*Keep-Alive: timeout=5\r\n/i);
  });
});

describe('MAX_CONNECTIONS (a gateway process, MAX_CONNECTIONS=20)', () => {
  let sandbox: RunningSandbox;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
    gateway = await spawnGateway({ PROMOTION_API_URL: sandbox.url, MAX_CONNECTIONS: '20' });
  });
  afterAll(async () => {
    await gateway?.stop();
    await sandbox?.close();
  });

  /** One request on a fresh socket: the answer's text, '' when the socket closed unanswered. */
  async function healthOnFreshSocket(): Promise<string> {
    const socket = net.connect(hostAndPort(gateway.url));
    socket.on('error', () => undefined);
    const answer = received(socket);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.write('GET /healthz HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n\r\n');
    await within(closed, { describe: 'the socket closed', timeoutMs: 30_000 });
    return answer();
  }

  it('refuses sockets beyond the cap, and accepts them again once one closes', async () => {
    const held = await Promise.all(Array.from({ length: 20 }, () => connect(gateway.url)));
    // Each held socket has been accepted: one request each, answered, kept alive.
    for (const { socket } of held) {
      const answered = untilReceived(socket, '"ok"');
      socket.write('GET /healthz HTTP/1.1\r\nHost: gateway\r\n\r\n');
      await within(answered, { describe: 'a held socket answered', timeoutMs: 30_000 });
    }

    expect(await healthOnFreshSocket()).toBe('');

    held[0]!.socket.destroy();
    await held[0]!.closed;
    // The server counts the closed socket down when it sees the close; ask until it has.
    const answer = await within(
      (async () => {
        for (;;) {
          const text = await healthOnFreshSocket();
          if (text !== '') return text;
        }
      })(),
      { describe: 'a socket accepted again', timeoutMs: 30_000 },
    );
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK/);
    for (const { socket } of held) socket.destroy();
  });
});

describe('large bodies at once (default settings)', () => {
  let stack: SecureStack;

  beforeAll(async () => {
    stack = await startSecureStack();
  });
  afterAll(() => stack.close());

  it('answers half again as many concurrent 1 MB bodies as are read at once', async () => {
    const query = JSON.stringify({ query: '{ gatewayLimits { batchWindowMs } }' });
    const body = query + ' '.repeat(1_000_000 - query.length);
    const count = Math.ceil((1.5 * BODY_BYTES_IN_FLIGHT) / body.length);
    const answers = await Promise.all(
      Array.from({ length: count }, () => postJson(stack.url, body)),
    );
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
    expect(graphqlBody(answers[0]!).data).toEqual({ gatewayLimits: { batchWindowMs: 5 } });
  });
});

describe('a request stuck inside the gateway (REQUEST_TIMEOUT_MS=3000)', () => {
  let stack: SecureStack;

  beforeAll(async () => {
    // A submitter that never answers: the bug REQUEST_TIMEOUT_MS is the last guard against,
    // since a mutation's own deadline (PROMOTION_API_TIMEOUT_MS) is always shorter.
    stack = await startSecureStack(
      { BODY_TIMEOUT_MS: '1000', REQUEST_TIMEOUT_MS: '3000', PROMOTION_API_TIMEOUT_MS: '1500' },
      { submitter: { submit: () => new Promise(() => undefined) } },
    );
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('closes its connection after REQUEST_TIMEOUT_MS, unanswered', async () => {
    const { socket, closed } = await connect(stack.url);
    const answer = received(socket);
    const body = JSON.stringify({
      query: print(EnrolCustomersDocument),
      variables: { input: enrolInput(['555567089']) },
    });
    const started = performance.now();
    socket.write(
      'POST /graphql HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\n' +
        `Authorization: ${DEMO_CREDENTIALS.authorizationHeader}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    await within(closed, { describe: 'the connection closed', timeoutMs: 30_000 });
    expect(answer()).toBe('');
    // Not closed for some other reason before its time.
    expect(performance.now() - started).toBeGreaterThan(2500);
  });
});
