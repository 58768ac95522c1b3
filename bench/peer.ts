/**
 * Baseline (d), the peer: what a user would otherwise install in front of the same REST API,
 * a GraphQL gateway generated from its OpenAPI description. GraphQL Mesh composes a
 * supergraph from the sandbox's `GET /openapi.json`; Hive Gateway serves it (bench/peer/).
 * Installed on first use with `npm ci` in bench/peer, so that CI never pays for it.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { baseEnv } from './ipc';

const PEER_DIR = path.resolve(__dirname, '..', '..', 'bench', 'peer');
const INSTALLED_MARK = path.join(PEER_DIR, 'node_modules', '.bench-peer-lock');
const COMPOSE_BIN = path.join(
  PEER_DIR,
  'node_modules',
  '@graphql-mesh',
  'compose-cli',
  'esm',
  'bin.js',
);
const GATEWAY_BIN = path.join(
  PEER_DIR,
  'node_modules',
  '@graphql-hive',
  'gateway',
  'dist',
  'bin.js',
);

/** `npm ci` in bench/peer unless node_modules was installed from the same lock file. */
export function ensurePeerInstalled(): void {
  const lock = readFileSync(path.join(PEER_DIR, 'package-lock.json'), 'utf8');
  if (existsSync(INSTALLED_MARK) && readFileSync(INSTALLED_MARK, 'utf8') === lock) return;
  console.log('bench: installing the peer (npm ci in bench/peer)');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: PEER_DIR, stdio: 'inherit' });
  writeFileSync(INSTALLED_MARK, lock);
}

/** Composes the supergraph of the sandbox at `sandboxUrl` into `file` (its location is baked in). */
export function composeSupergraph(sandboxUrl: string, file: string): void {
  execFileSync(process.execPath, [COMPOSE_BIN, '--config-path', 'mesh.config.ts', '-o', file], {
    cwd: PEER_DIR,
    env: { ...baseEnv(), SANDBOX_URL: sandboxUrl },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

export interface PeerHandle {
  /** The GraphQL endpoint. */
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts Hive Gateway on `supergraph` (one process: `--fork` stays at its default of 1, like
 * our gateway) and waits until it answers its readiness check.
 */
export async function startPeer(
  supergraph: string,
  upstreamMaxConnections: number,
  timeoutMs = 60_000,
): Promise<PeerHandle> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [GATEWAY_BIN, '--config-path', 'gateway.config.ts', 'supergraph', supergraph],
    {
      cwd: PEER_DIR,
      env: {
        ...baseEnv(),
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: String(port),
        PEER_UPSTREAM_MAX_CONNECTIONS: String(upstreamMaxConnections),
      },
      // Its start-up lines come before the config's log level applies; errors go to stderr.
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const origin = `http://127.0.0.1:${port}`;
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the peer exited with code ${child.exitCode}`);
    const ready = await fetch(`${origin}/readiness`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > until) {
      child.kill('SIGKILL');
      throw new Error(`the peer was not ready within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url: `${origin}/graphql`,
    pid: child.pid as number,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
