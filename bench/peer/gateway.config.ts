// Hive Gateway as the benchmark serves the peer: its defaults, minus what a deployment turns
// off, and at most as many connections to the API as our gateway opens.
import http from 'node:http';
import { defineConfig } from '@graphql-hive/gateway';

// The peer's REST calls go through node:http's global agent (keep-alive, unbounded sockets);
// the sandbox refuses a 17th concurrent call, so the peer gets our gateway's pool size.
const maxSockets = Number(process.env.PEER_UPSTREAM_MAX_CONNECTIONS ?? '16');
http.globalAgent = new http.Agent({ keepAlive: true, maxSockets });

export const gatewayConfig = defineConfig({
  logging: 'warn',
  graphiql: false,
  landingPage: false,
});
