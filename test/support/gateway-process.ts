/** The gateway as a real OS process, started as production starts it. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { within } from './eventually';

const REPO_ROOT = path.resolve(__dirname, '../..');

export interface GatewayProcess {
  /** e.g. http://127.0.0.1:41234/graphql */
  url: string;
  child: ChildProcess;
  /** Settles when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Lines of its JSON log (pino) so far. */
  logLines(): Record<string, unknown>[];
  /** SIGTERM (then SIGKILL after 15 s) unless it already exited. */
  stop(): Promise<void>;
}

/**
 * Starts `node src/main.ts` (through ts-node, transpile only) with exactly the given
 * environment plus PATH — not jest's: jest sets NODE_ENV=test, and the gateway must
 * run as it runs in production. Resolves once it printed the URL it serves.
 */
export async function spawnGateway(env: Record<string, string>): Promise<GatewayProcess> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', PORT: '0', METRICS_PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      done = true;
      resolve({ code, signal });
    }),
  );
  const served = new Promise<string>((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const url = /serving GraphQL at (http:\/\/\S+\/graphql)/.exec(output)?.[1];
      if (url !== undefined) resolve(url);
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    void exited.then(() => reject(new Error('exited')));
  });

  let servedUrl: string;
  try {
    servedUrl = await within(served, { describe: 'the URL it serves', timeoutMs: 60_000 });
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`the gateway process did not start (${String(error)}):\n${output}`);
  }
  return {
    url: servedUrl,
    child,
    exited,
    output: () => output,
    logLines: () =>
      output
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    stop: async () => {
      if (done) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
