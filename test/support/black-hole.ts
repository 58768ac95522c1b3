import { spawn, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import pino from 'pino';
import { loadConfig } from '../../src/config';
import { startGateway, type Gateway } from '../../src/server';
import { within } from './eventually';

/**
 * A port whose connects never complete: a python3 listener (Node would accept) with a backlog
 * of 0 that never accepts, its accept queue filled by us. Linux then drops further SYNs.
 */
export interface BlackHole {
  url: string;
  close(): Promise<void>;
}

export async function startBlackHole(): Promise<BlackHole> {
  const listener: ChildProcess = spawn(
    'python3',
    [
      '-c',
      "import socket, sys\ns = socket.socket()\ns.bind(('127.0.0.1', 0))\ns.listen(0)\nprint(s.getsockname()[1], flush=True)\nsys.stdin.read()",
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => listener.once('exit', () => resolve()));
  const port = await within(
    new Promise<number>((resolve, reject) => {
      listener.stdout?.once('data', (line: Buffer) => resolve(Number(line.toString().trim())));
      listener.once('error', reject);
    }),
    { describe: 'the python3 listener to print its port' },
  );
  const fillers: Socket[] = [];
  // Connects that complete land in the accept queue; the first that hangs says it is full.
  for (let connected = true; connected && fillers.length < 100;) {
    const socket = connect(port, '127.0.0.1');
    fillers.push(socket);
    socket.on('error', () => undefined);
    connected = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 300);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const socket of fillers) socket.destroy();
      listener.stdin?.end();
      await within(exited, { describe: 'the python3 listener to exit' }).catch(() => {
        listener.kill('SIGKILL');
        return exited;
      });
    },
  };
}

/** A gateway in front of `blackHole`, its circuits kept open once opened (no half-open probe). */
export function gatewayOn(blackHole: BlackHole, timeoutMs: string): Promise<Gateway> {
  const config = loadConfig({
    PORT: '0',
    LOG_LEVEL: 'silent',
    PROMOTION_API_URL: blackHole.url,
    PROMOTION_API_TIMEOUT_MS: timeoutMs,
    BATCH_WINDOW_MS: '0',
    CIRCUIT_BREAKER_HALF_OPEN_MS: '600000',
  });
  return startGateway(config, {
    apiUrl: blackHole.url,
    logger: pino({ level: 'silent' }),
    metricsPort: 0,
  });
}
