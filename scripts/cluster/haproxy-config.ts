/**
 * haproxy.cfg for `npm run cluster` (DESIGN §10): the replicas behind one frontend,
 * health-checked on /readyz, balanced by a consistent hash of the Authorization header
 * with bounded loads, and retrying what a replica provably did nothing with.
 */

export interface HaproxyConfigOptions {
  /** Where HAProxy listens: the cluster's PORT and HOST. */
  host: string;
  port: number;
  /** Each replica's public port, on 127.0.0.1. */
  replicaPorts: readonly number[];
  /** The admin socket the cluster uses to see the replicas' state. */
  adminSocket: string;
  /** Default `150`: a replica takes at most 150 % of the average load before the hash spills over. */
  hashBalanceFactor?: number;
}

export function haproxyConfig({
  host,
  port,
  replicaPorts,
  adminSocket,
  hashBalanceFactor = 150,
}: HaproxyConfigOptions): string {
  const bindHost = host.includes(':') ? `[${host}]` : host;
  return [
    'global',
    '  maxconn 4096',
    // A request is retried only when it fits one buffer (16 KiB by default, about 200
    // customers); 128 KiB holds a mutation of 1,000. Buffers are taken per active request.
    '  tune.bufsize 131072',
    `  stats socket ${adminSocket} mode 600 level admin`,
    '',
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 60s',
    // Headers and, buffered below, the whole body within BODY_TIMEOUT_MS's default: a
    // client that trickles its request must not hold HAProxy longer than a replica would.
    '  timeout http-request 10s',
    // Longer than a mutation may take (PROMOTION_API_TIMEOUT_MS, 10 s by default).
    '  timeout server 30s',
    '  timeout http-keep-alive 5s',
    // A request is resent to another replica only when the one it went to did nothing with
    // it: the connection failed, or fastify answered 503 because it had begun to close
    // (before any handler; the gateway's only 503 on POST). Not on a connection closed
    // without an answer: a replica that died after its API call did the work.
    '  retries 3',
    // The whole body in the buffer before a replica gets it: only then can it be sent again.
    '  option http-buffer-request',
    '  option redispatch 1',
    '  retry-on conn-failure 503',
    '',
    'frontend gateway',
    `  bind ${bindHost}:${port}`,
    '  default_backend replicas',
    '',
    'backend replicas',
    // One caller's mutations coalesce on one replica; a caller busier than one replica
    // spills over (bounded loads); without the header, round robin.
    '  balance hdr(Authorization)',
    '  hash-type consistent',
    `  hash-balance-factor ${hashBalanceFactor}`,
    '  option httpchk GET /readyz',
    '  http-check expect status 200',
    // A stopping replica answers 503 (or refuses): out of the balancer within a second; a
    // replica slow on a busy machine is not taken for a dead one after one late answer.
    '  timeout check 2s',
    '  default-server inter 300ms fastinter 200ms downinter 300ms fall 3 rise 2',
    // One request per connection to a replica: none lies idle for it to close as HAProxy reuses
    // it, losing the request unanswered and unretried (2.6 bounds no idle connection's age).
    '  option http-server-close',
    ...replicaPorts.map((replicaPort, i) => `  server r${i + 1} 127.0.0.1:${replicaPort} check`),
    '',
  ].join('\n');
}
