/**
 * Replicas of the gateway behind HAProxy, sharing one Redis and one API (the sandbox, one
 * process for all, or PROMOTION_API_URL): what `npm run cluster` starts and the
 * rolling-restart test drives. Every process is a real one; ports come from the OS.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './free-port';
import { haproxyConfig } from './haproxy-config';

const ROOT = path.resolve(__dirname, '..', '..');

/** How a gateway or the sandbox is run: the build (`npm run cluster`) or the sources (tests). */
export type Runtime = 'dist' | 'source';

export interface ClusterOptions {
  replicas: number;
  /** Where HAProxy listens (the cluster's PORT and HOST). */
  host: string;
  port: number;
  redisUrl: string;
  /** Null: one sandbox process, on a free port, is the API of every replica. */
  promotionApiUrl: string | null;
  runtime: Runtime;
  /** Node flags of each gateway (`npm start`'s for the build). */
  nodeFlags?: string[];
  /** Extra environment of each gateway, e.g. LOG_LEVEL. */
  gatewayEnv?: Record<string, string>;
  /** Each line a process writes, prefixed with its name. Default: kept, not printed. */
  onOutput?: (name: string, line: string) => void;
}

export interface Replica {
  name: string;
  /** Its own public port (HAProxy's backend server). */
  port: number;
  metricsPort: number;
  /** e.g. http://127.0.0.1:41234/graphql, bypassing HAProxy. */
  graphqlUrl: string;
  pid(): number | undefined;
}

export interface Cluster {
  /** HAProxy's GraphQL URL. */
  graphqlUrl: string;
  /** The shared sandbox, or null with PROMOTION_API_URL. */
  sandboxUrl: string | null;
  replicas: readonly Replica[];
  /** HAProxy's view of each replica: `UP`, `DOWN`, ... by name. */
  serverStatus(): Promise<Record<string, string>>;
  /** SIGTERM one replica, wait for its exit (0), start it again, wait until HAProxy has it UP. */
  restart(index: number): Promise<void>;
  /** Every replica in turn, one at a time. */
  roll(): Promise<void>;
  /** The last lines of every process (diagnostics). */
  output(): string;
  stop(): Promise<void>;
}

interface Running {
  child: ChildProcess;
  exited: Promise<number | null>;
}

const START_TIMEOUT_MS = 90_000;

/** Every process a cluster of this process started and that has not exited yet. */
const live = new Set<ChildProcess>();

/** SIGTERM to every process still running, for a cluster script stopped while it starts. */
export function terminateEveryProcess(): void {
  for (const child of live) child.kill('SIGTERM');
}

function nodeArgs(runtime: Runtime, script: 'gateway' | 'sandbox', flags: string[]): string[] {
  const file = script === 'gateway' ? 'main' : 'sandbox/main';
  return runtime === 'dist'
    ? [...flags, path.join(ROOT, 'dist', 'src', `${file}.js`)]
    : [...flags, '-r', 'ts-node/register/transpile-only', path.join(ROOT, 'src', `${file}.ts`)];
}

async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = START_TIMEOUT_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** One command on HAProxy's admin socket, its whole answer. */
function adminCommand(socket: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const connection = createConnection(socket);
    let answer = '';
    connection.setEncoding('utf8');
    connection.on('connect', () => connection.end(`${command}\n`));
    connection.on('data', (chunk: string) => (answer += chunk));
    connection.on('end', () => resolve(answer));
    connection.on('error', reject);
    connection.setTimeout(5_000, () => connection.destroy(new Error('admin socket timed out')));
  });
}

/** HAProxy's view of each server of the `replicas` backend: `UP`, `DOWN`, ... by name. */
export async function replicaStatus(adminSocket: string): Promise<Record<string, string>> {
  return columnOf(await adminCommand(adminSocket, 'show stat'), 'status');
}

/** Requests HAProxy has on each server of the `replicas` backend now (`scur`), by name. */
async function replicaSessions(adminSocket: string): Promise<Record<string, number>> {
  const sessions = columnOf(await adminCommand(adminSocket, 'show stat'), 'scur');
  return Object.fromEntries(Object.entries(sessions).map(([name, n]) => [name, Number(n)]));
}

/** `show stat` CSV → one column by server name, for the `replicas` backend. */
function columnOf(csv: string, column: string): Record<string, string> {
  const [header, ...rows] = csv.trim().split('\n');
  const columns = (header ?? '').replace(/^# /, '').split(',');
  const name = columns.indexOf('svname');
  const proxy = columns.indexOf('pxname');
  const wanted = columns.indexOf(column);
  const out: Record<string, string> = {};
  for (const row of rows) {
    const cells = row.split(',');
    const server = cells[name] ?? '';
    if (cells[proxy] === 'replicas' && server !== 'BACKEND') out[server] = cells[wanted] ?? '';
  }
  return out;
}

/**
 * Default `5,000` ms: how long a drained replica's requests in flight may take before it is
 * told to stop all the same (it answers what it has read; see DESIGN §7).
 */
const DRAIN_WAIT_MS = 5_000;

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const workDir = mkdtempSync(path.join(tmpdir(), 'promotion-gateway-cluster-'));
  const adminSocket = path.join(workDir, 'admin.sock');
  const tail: string[] = [];
  const processes: Running[] = [];

  const run = (name: string, command: string, args: string[], env: Record<string, string>) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: { last: string } = { last: '' };
    const read = (chunk: Buffer) => {
      const text = lines.last + chunk.toString('utf8');
      const parts = text.split('\n');
      lines.last = parts.pop() ?? '';
      for (const line of parts) {
        tail.push(`[${name}] ${line}`);
        if (tail.length > 400) tail.shift();
        options.onOutput?.(name, line);
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    live.add(child);
    const running: Running = {
      child,
      exited: new Promise((resolve) =>
        child.once('exit', (code) => {
          live.delete(child);
          resolve(code);
        }),
      ),
    };
    processes.push(running);
    return running;
  };

  try {
    let sandboxUrl: string | null = null;
    if (options.promotionApiUrl === null) {
      const sandboxPort = await freePort();
      run('sandbox', process.execPath, nodeArgs(options.runtime, 'sandbox', []), {
        SANDBOX_PORT: String(sandboxPort),
        SANDBOX_HOST: '127.0.0.1',
      });
      sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
      const url = sandboxUrl;
      await waitFor('the sandbox', async () =>
        (await fetch(`${url}/__sandbox/faults`)).ok ? true : undefined,
      );
    }
    const apiUrl = options.promotionApiUrl ?? (sandboxUrl as string);

    const replicas: Array<Replica & { running: Running | null }> = [];
    for (let i = 0; i < options.replicas; i++) {
      const port = await freePort();
      const metricsPort = await freePort();
      replicas.push({
        name: `r${i + 1}`,
        port,
        metricsPort,
        graphqlUrl: `http://127.0.0.1:${port}/graphql`,
        running: null,
        pid() {
          return this.running?.child.pid;
        },
      });
    }

    // One key for every replica: a page cursor one issued pages on the others (and after a roll).
    const cursorSecret = randomBytes(32).toString('hex');
    const startReplica = async (replica: (typeof replicas)[number]): Promise<void> => {
      replica.running = run(
        replica.name,
        process.execPath,
        nodeArgs(options.runtime, 'gateway', options.nodeFlags ?? []),
        {
          LOG_LEVEL: 'warn',
          CURSOR_SECRET: cursorSecret,
          ...options.gatewayEnv,
          HOST: '127.0.0.1',
          PORT: String(replica.port),
          METRICS_PORT: String(replica.metricsPort),
          PROMOTION_API_URL: apiUrl,
          REDIS_URL: options.redisUrl,
        },
      );
      const healthz = replica.graphqlUrl.replace(/\/graphql$/, '/readyz');
      await waitFor(`replica ${replica.name}`, async () =>
        (await fetch(healthz)).status === 200 ? true : undefined,
      );
    };
    await Promise.all(replicas.map(startReplica));

    writeFileSync(
      path.join(workDir, 'haproxy.cfg'),
      haproxyConfig({
        host: options.host,
        port: options.port,
        replicaPorts: replicas.map((r) => r.port),
        adminSocket,
      }),
    );
    run('haproxy', 'haproxy', ['-f', path.join(workDir, 'haproxy.cfg'), '-db'], {});
    const serverStatus = () => replicaStatus(adminSocket);
    const upInHaproxy = (name: string) =>
      waitFor(`HAProxy to have ${name} UP`, async () =>
        (await serverStatus())[name] === 'UP' ? true : undefined,
      );
    for (const replica of replicas) await upInHaproxy(replica.name);

    const restart = async (index: number): Promise<void> => {
      const replica = replicas[index];
      if (replica?.running == null) throw new Error(`no replica ${index}`);
      const { child, exited } = replica.running;
      // Out of the balancer first: a busy machine must not make the others look down meanwhile.
      await adminCommand(adminSocket, `set server replicas/${replica.name} state drain`);
      // A request HAProxy wrote to it just before the drain may not be read yet: stopping now
      // would drop it unanswered, and HAProxy does not resend what it sent.
      await waitFor(
        `HAProxy to have no request on ${replica.name}`,
        async () => ((await replicaSessions(adminSocket))[replica.name] === 0 ? true : undefined),
        DRAIN_WAIT_MS,
      ).catch(() => undefined);
      child.kill('SIGTERM');
      const code = await exited;
      if (code !== 0) throw new Error(`${replica.name} exited with ${String(code)} on SIGTERM`);
      await startReplica(replica);
      await adminCommand(adminSocket, `set server replicas/${replica.name} state ready`);
      await upInHaproxy(replica.name);
    };

    const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
    return {
      graphqlUrl: `http://${hostForUrl}:${options.port}/graphql`,
      sandboxUrl,
      replicas,
      serverStatus,
      restart,
      roll: async () => {
        for (let i = 0; i < replicas.length; i++) await restart(i);
      },
      output: () => tail.join('\n'),
      stop: () => stopAll(processes, workDir),
    };
  } catch (error) {
    await stopAll(processes, workDir);
    throw new Error(`the cluster did not start: ${String(error)}\n${tail.join('\n')}`);
  }
}

/** Gateways first (they drain), then HAProxy and the sandbox. */
async function stopAll(processes: Running[], workDir: string): Promise<void> {
  await Promise.all(
    processes.map(async ({ child, exited }) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }),
  );
  rmSync(workDir, { recursive: true, force: true });
}
