/**
 * `npm run cluster`: CLUSTER_REPLICAS gateways (default 3) behind HAProxy on PORT, sharing
 * REDIS_URL, on one embedded sandbox or PROMOTION_API_URL. SIGHUP rolls the replicas one
 * by one; SIGINT/SIGTERM stops everything.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { DEMO_CREDENTIALS } from '../../src/sandbox';
import { startCluster, terminateEveryProcess, type Cluster } from './cluster';

function fail(message: string): never {
  console.error(`cluster: ${message}`);
  process.exit(1);
}

function replicaCount(): number {
  const raw = process.env.CLUSTER_REPLICAS?.trim() || '3';
  const count = Number(raw);
  if (!/^\d+$/.test(raw) || count < 1 || count > 16) {
    fail(`CLUSTER_REPLICAS must be an integer between 1 and 16, got "${raw}"`);
  }
  return count;
}

/** Debian's package, installed when missing and this user may (DESIGN §10). */
function ensureHaproxy(): void {
  if (spawnSync('haproxy', ['-v']).status === 0) return;
  if (process.getuid?.() === 0 && spawnSync('apt-get', ['--version']).status === 0) {
    console.log("cluster: haproxy is not installed; installing Debian's package");
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'haproxy'], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    return;
  }
  fail("haproxy is not installed: apt-get install haproxy (or your distribution's package)");
}

function nodeFlags(): string[] {
  const manifest = JSON.parse(
    readFileSync(path.resolve(__dirname, '..', '..', 'package.json'), 'utf8'),
  ) as { config: { nodeFlags: string } };
  return manifest.config.nodeFlags.split(/\s+/).filter(Boolean);
}

async function main(): Promise<void> {
  const replicas = replicaCount();
  let config;
  try {
    // The gateway's own rules for PORT, HOST and the URLs; each replica validates the rest.
    config = loadConfig({ METRICS_PORT: '0', ...process.env });
  } catch (error) {
    fail(`bad configuration: ${(error as Error).message}`);
  }
  ensureHaproxy();
  const redisUrl = config.redisUrl ?? 'redis://127.0.0.1:6379';
  const gatewayEnv: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    // Everything but what the cluster sets per replica.
    if (value !== undefined && !['PORT', 'HOST', 'METRICS_PORT', 'PATH'].includes(name)) {
      gatewayEnv[name] = value;
    }
  }
  let running: Cluster | null = null;
  const stop = () => {
    console.log('cluster: stopping');
    if (running === null) {
      terminateEveryProcess();
      process.exit(1);
    }
    void running.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  console.log(
    `cluster: starting ${replicas} replicas, HAProxy and ${config.promotionApiUrl === null ? 'the sandbox' : 'no sandbox'}…`,
  );
  const cluster = await startCluster({
    replicas,
    host: config.host,
    port: config.port,
    redisUrl,
    promotionApiUrl: config.promotionApiUrl,
    runtime: 'dist',
    nodeFlags: nodeFlags(),
    gatewayEnv,
    onOutput: (name, line) => console.log(`[${name}] ${line}`),
  });
  running = cluster;

  const auth = DEMO_CREDENTIALS.authorizationHeader;
  // A key of this run: records outlive it in the shared Redis, and a fresh sandbox would
  // otherwise hear a replay of an enrolment it never made.
  const key = `try-the-cluster-${randomUUID().slice(0, 8)}`;
  const mutation = JSON.stringify({
    query: `mutation { enrolCustomers(input: { promotion: { programId: 469, promotionId: 57099 }, identifierName: ID, customers: [{ identifierValue: "555567088", source: INSTORE }], idempotencyKey: "${key}" }) { __typename ... on EnrolCustomersResult { replayed results { outcome { __typename ... on Enrolment { issualId } } } } ... on MutationError { message } } }`,
  });
  console.log(
    [
      '',
      `promotion-gateway cluster: ${replicas} replicas behind HAProxy at ${cluster.graphqlUrl}`,
      `  idempotency records in ${redisUrl}`,
      `  upstream: ${cluster.sandboxUrl === null ? config.promotionApiUrl : `one sandbox for all, at ${cluster.sandboxUrl}`}`,
      ...cluster.replicas.map(
        (r) => `  ${r.name}: ${r.graphqlUrl}, metrics http://127.0.0.1:${r.metricsPort}/metrics`,
      ),
      '',
      'Send a mutation (again: the same key is replayed, whichever replica answers):',
      `curl -s ${cluster.graphqlUrl} -H 'Content-Type: application/json' -H 'Authorization: ${auth}' \\`,
      `  -d '${mutation}'`,
      '',
      'Roll the replicas one by one (SIGTERM, restart, back in HAProxy, then the next):',
      `kill -HUP ${process.pid}`,
      '',
    ].join('\n'),
  );

  let rolling = false;
  process.on('SIGHUP', () => {
    if (rolling) return console.log('cluster: a roll is already running');
    rolling = true;
    console.log('cluster: rolling the replicas');
    cluster
      .roll()
      .then(
        () => console.log('cluster: every replica restarted'),
        (error: unknown) => console.error(`cluster: the roll failed: ${String(error)}`),
      )
      .finally(() => (rolling = false));
  });
}

main().catch((error: unknown) => fail(String(error)));
