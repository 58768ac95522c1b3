/**
 * DESIGN §9: "SIGTERM exits within the shutdown deadline whatever state stdout is in."
 * The gateway runs as a real process whose stdout is a pipe nobody reads (as behind
 * `| head -1`, or a stalled log shipper); its logs at `trace` fill the pipe, and then
 * it gets SIGTERM. A second signal must not be ignored either.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startSandbox, type RunningSandbox } from '../../src/sandbox';
import { EnrolCustomersDocument } from '../generated/graphql';
import { execute } from '../support/stack';
import { demo, demoAuth, enrolInput } from './support';

const REPO_ROOT = path.resolve(__dirname, '../..');
/** Far beyond what a pipe or a socket pair holds (64 KiB; 2 × 208 KiB here). */
const LOGGED_BYTES_TARGET = 4 * 1024 * 1024;
/** Generous against the deadlines below, on a machine shared by several test runs. */
const EXIT_BOUND_MS = 30_000;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface Started {
  child: ChildProcess;
  url: string;
  exited: Promise<Exit>;
  /** What it wrote to stdout and stderr, so far as it was read. */
  output(): string;
}

/**
 * `node src/main.ts` with exactly this environment (plus PATH). With `unread`, its stdout
 * is read only until the line with the URL it serves; after that nobody reads it.
 */
async function startGatewayProcess(
  env: Record<string, string>,
  { unread }: { unread: boolean },
): Promise<Started> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', PORT: '0', METRICS_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      const served = /serving GraphQL at (http:\/\/\S+\/graphql)/.exec(output)?.[1];
      if (served === undefined) return;
      if (unread) {
        child.stdout!.off('data', onData);
        child.stdout!.pause();
      }
      resolve(served);
    };
    child.stdout!.on('data', onData);
    void exited.then(() => reject(new Error(`the gateway process did not start:\n${output}`)));
  });
  return { child, url, exited, output: () => output };
}

/** Resolves with how the process exited, or with null once `ms` have passed. */
function exitWithin(exited: Promise<Exit>, ms: number): Promise<Exit | null> {
  return Promise.race([exited, sleep(ms, null, { ref: false })]);
}

function stop(started: Started | undefined): void {
  if (started && started.child.exitCode === null && started.child.signalCode === null) {
    started.child.kill('SIGKILL');
  }
}

describe('SIGTERM whatever state stdout is in', () => {
  let sandbox: RunningSandbox;
  let gateway: Started | undefined;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
  });
  afterEach(() => stop(gateway));
  afterAll(() => sandbox.close());

  it('exits 0 within the shutdown deadline when its stdout pipe is full', async () => {
    gateway = await startGatewayProcess(
      {
        PROMOTION_API_URL: sandbox.url,
        PROMOTION_API_TIMEOUT_MS: '2000',
        LOG_LEVEL: 'trace',
      },
      { unread: true },
    );
    const base = gateway.url.replace(/\/graphql$/, '');
    // Each 404 logs its path twice (the access line, "Route … not found").
    const longPath = `/${'p'.repeat(8_000)}`;
    const requests = Math.ceil(LOGGED_BYTES_TARGET / (2 * longPath.length));
    for (let sent = 0; sent < requests; sent += 8) {
      const statuses = await Promise.all(
        Array.from({ length: 8 }, () => fetch(`${base}${longPath}`).then((r) => r.status)),
      );
      // The gateway goes on serving while nobody reads its logs.
      expect(statuses).toEqual(Array(8).fill(404));
    }
    const answered = await execute(
      gateway.url,
      EnrolCustomersDocument,
      { input: enrolInput([demo[0]!.id]) },
      demoAuth,
    );
    expect(answered.body.data?.enrolCustomers.__typename).toBe('EnrolCustomersResult');

    gateway.child.kill('SIGTERM');
    // The shutdown deadline is PROMOTION_API_TIMEOUT_MS + 5 s = 7 s.
    expect(await exitWithin(gateway.exited, EXIT_BOUND_MS)).toEqual({ code: 0, signal: null });

    // What reached the pipe is what it could hold: the rest was dropped, not queued.
    gateway.child.stdout!.resume();
    let received = 0;
    gateway.child.stdout!.on('data', (chunk: Buffer) => (received += chunk.length));
    await once(gateway.child.stdout!, 'end');
    expect(received).toBeLessThan(LOGGED_BYTES_TARGET / 2);
  }, 120_000);

  it('exits 1 at once on a second SIGTERM while a mutation holds the shutdown', async () => {
    // An API that takes every call and never answers: the graceful shutdown waits for it.
    const held: ServerResponse[] = [];
    let called!: () => void;
    const firstCall = new Promise<void>((resolve) => (called = resolve));
    const api: Server = createServer((_request: IncomingMessage, response: ServerResponse) => {
      held.push(response);
      called();
    });
    api.listen(0, '127.0.0.1');
    await once(api, 'listening');
    try {
      gateway = await startGatewayProcess(
        {
          PROMOTION_API_URL: `http://127.0.0.1:${(api.address() as AddressInfo).port}`,
          // The exit timer fires at 60 + 5 s: far beyond the bound this test allows.
          PROMOTION_API_TIMEOUT_MS: '60000',
          REQUEST_TIMEOUT_MS: '80000',
          LOG_LEVEL: 'info',
        },
        { unread: false },
      );
      const pending = execute(
        gateway.url,
        EnrolCustomersDocument,
        { input: enrolInput([demo[0]!.id]) },
        demoAuth,
      ).catch(() => undefined);
      await firstCall;

      gateway.child.kill('SIGTERM');
      // The first signal starts a graceful shutdown, which waits for the held call.
      const started = gateway;
      while (!started.output().includes('"msg":"shutting down"')) {
        expect(await exitWithin(started.exited, 20)).toBeNull();
      }
      gateway.child.kill('SIGTERM');
      expect(await exitWithin(gateway.exited, EXIT_BOUND_MS)).toEqual({ code: 1, signal: null });
      await pending;
    } finally {
      api.closeAllConnections();
      api.close();
    }
  }, 120_000);
});
