/**
 * DESIGN §10: customers per API call for one busy caller through HAProxy, with 3 replicas
 * against 1 (target ≥ 90 %). 200 closed-loop clients with the same credentials, one
 * customer per mutation, for MEASURE_S seconds (default 15) after a 3 s warm-up.
 *
 *   npx ts-node --transpile-only scripts/cluster/measure-coalescing.ts
 */
import { DEMO_CREDENTIALS, demoCustomers } from '../../src/sandbox';
import { getCallsSnapshot, resetSandbox } from '../../src/sandbox/admin-client';
import { startCluster } from './cluster';
import { freePort } from './free-port';

const CLIENTS = 200;
const MEASURE_S = Number(process.env.MEASURE_S ?? 15);
const query =
  'mutation E($input: EnrolCustomersInput!) { enrolCustomers(input: $input) { __typename } }';

async function measure(replicas: number): Promise<{ perCall: number; customers: number }> {
  const cluster = await startCluster({
    replicas,
    host: '127.0.0.1',
    port: await freePort(),
    redisUrl: 'redis://127.0.0.1:6379',
    promotionApiUrl: null,
    runtime: 'source',
    // The benchmark's API: 50 ms per call.
    gatewayEnv: { LOG_LEVEL: 'warn', NODE_ENV: 'production' },
  });
  try {
    const sandboxUrl = cluster.sandboxUrl as string;
    await fetch(`${sandboxUrl}/__sandbox/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ latencyMs: 50 }),
    });
    const ids = demoCustomers('demo').map((c) => c.id);
    let stop = Date.now() + (3 + MEASURE_S) * 1000;
    const client = async (index: number) => {
      for (let seq = 0; Date.now() < stop; seq++) {
        await fetch(cluster.graphqlUrl, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: DEMO_CREDENTIALS.authorizationHeader,
          },
          body: JSON.stringify({
            query,
            variables: {
              input: {
                promotion: { programId: 469, promotionId: 57099 },
                identifierName: 'ID',
                customers: [
                  { identifierValue: ids[(index * 10 + seq) % ids.length], source: 'INSTORE' },
                ],
              },
            },
          }),
        }).then((r) => r.text());
      }
    };
    const load = Promise.all(Array.from({ length: CLIENTS }, (_, i) => client(i)));
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await resetSandbox(sandboxUrl);
    await new Promise((resolve) => setTimeout(resolve, MEASURE_S * 1000));
    const { calls } = await getCallsSnapshot(sandboxUrl);
    const served = await Promise.all(
      cluster.replicas.map(async (r) => {
        const text = await (await fetch(`http://127.0.0.1:${r.metricsPort}/metrics`)).text();
        return `${r.name} ${/^gateway_batch_customers_sum (\S+)/m.exec(text)?.[1] ?? '?'}`;
      }),
    );
    console.log(`  customers by replica since start: ${served.join(', ')}`);
    stop = 0;
    await load;
    const customers = calls.reduce((n, c) => n + c.customers, 0);
    return { perCall: customers / calls.length, customers };
  } finally {
    await cluster.stop();
  }
}

async function main(): Promise<void> {
  const one = await measure(1);
  console.log(
    `1 replica:  ${one.perCall.toFixed(1)} customers per call (${one.customers} customers)`,
  );
  const three = await measure(3);
  console.log(
    `3 replicas: ${three.perCall.toFixed(1)} customers per call (${three.customers} customers) = ${((three.perCall / one.perCall) * 100).toFixed(0)} % of 1`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
