/**
 * `npm start` on a machine where one of its ports is taken says which setting to change:
 * with a gateway already running, the clash is often METRICS_PORT's 9464, not PORT.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

/** Runs `script` with `env` until it exits; its exit code and stderr. */
async function start(
  env: Record<string, string>,
  script = 'src/main.ts',
): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', script], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'warn', PROMOTION_API_URL: '', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stderr };
}

describe('a port that is already taken', () => {
  let taken: Server;
  let port: number;
  beforeAll(async () => {
    // Held for the whole test: nothing else can take it meanwhile.
    taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    port = (taken.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => taken.close(resolve)));

  it.each([
    ['METRICS_PORT', 'a free port (or 0: no metrics)'],
    ['PORT', 'a free port, or 0 for any'],
    ['SANDBOX_PORT', 'a free port, or 0 for any'],
  ])(
    'names %s when that is the one in use',
    async (setting, advice) => {
      const env = { PORT: '0', METRICS_PORT: '0', SANDBOX_PORT: '0', [setting]: String(port) };
      const { code, stderr } = await start(env);
      expect(code).toBe(1);
      expect(stderr).toContain(`:${port} is in use; set ${setting} to ${advice}`);
    },
    60_000,
  );

  it('names SANDBOX_PORT when `npm run sandbox` finds it in use', async () => {
    const { code, stderr } = await start({ SANDBOX_PORT: String(port) }, 'src/sandbox/main.ts');
    expect(code).toBe(1);
    expect(stderr).toContain(`:${port} is in use; set SANDBOX_PORT to a free port, or 0 for any`);
  }, 60_000);
});
