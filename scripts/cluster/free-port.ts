import { createServer } from 'node:net';

/**
 * A port that was free a moment ago (listen(0), then close), for what needs a fixed port
 * in its configuration (HAProxy, METRICS_PORT, where 0 means off).
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port was bound');
  return address.port;
}
