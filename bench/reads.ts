/**
 * The read side's benchmark (issue 13): `customerPromotions` at C = 200 through the gateway,
 * the sandbox at 50 ms, each in its own process. Targets, as ratios within this run:
 * - R1 (2,000 demo customers in turn): ≥ 80 % of the closed-loop bound C / API latency, and
 *   gateway p50 ≤ 2 ms over the API's own p50 at the same load (measured direct, R0);
 * - R2 (C = 200 asking the same customer): ≥ 20 × fewer API calls than queries.
 * Run: `npm run bench:reads` (BENCH_DURATION_S, default 10; BENCH_WARMUP_S, default 2).
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { DEMO_CREDENTIALS, demoCustomers } from '../src/sandbox';
import { ChildHandle, baseEnv } from './ipc';

const CLIENTS = 200;
const SANDBOX_LATENCY_MS = 50;
/** Reads of distinct customers cannot share a call: the gateway needs C connections to reach the bound. */
const UPSTREAM_MAX_CONNECTIONS = 256;
const GATEWAY_SCRIPT = path.join(__dirname, 'gateway-process.js');
const SANDBOX_SCRIPT = path.join(__dirname, 'sandbox-process.js');
const LOOKUP_PATH = '/v2/customers/lookup/promotionData';

const QUERY =
  'query Promotions($input: CustomerPromotionsInput!) { customerPromotions(input: $input) { __typename ... on CustomerPromotions { totalCount promotions { promotionId enrolments { issualId earnings { earnedId } } } } } }';

function seconds(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
}

interface Run {
  requests: number;
  ok: number;
  perS: number;
  p50: number;
  p99: number;
  errors: number;
}

/** One closed-loop load: warm-up, then the measured part; `ids` in turn per request. */
async function load(options: {
  url: string;
  ids: readonly string[];
  request: (id: string) => { method: 'GET' | 'POST'; path: string; body?: string };
  isOk: (body: string) => boolean;
  durationS: number;
  onMeasureStart?: () => Promise<void>;
}): Promise<Run> {
  let next = 0;
  let ok = 0;
  const run = (durationS: number) =>
    autocannon({
      url: options.url,
      connections: CLIENTS,
      duration: durationS,
      headers: {
        'content-type': 'application/json',
        authorization: DEMO_CREDENTIALS.authorizationHeader,
      },
      requests: [
        {
          setupRequest: (request) => {
            const id = options.ids[next++ % options.ids.length]!;
            return { ...request, ...options.request(id) };
          },
          onResponse: (status, body) => {
            if (status === 200 && options.isOk(body)) ok++;
          },
        },
      ],
    });
  await run(seconds('BENCH_WARMUP_S', 2));
  await options.onMeasureStart?.();
  ok = 0;
  const result = await run(options.durationS);
  return {
    requests: result.requests.total,
    ok,
    perS: ok / options.durationS,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

async function apiReads(sandboxUrl: string): Promise<number> {
  const response = await fetch(`${sandboxUrl}/__sandbox/reads`);
  const { calls, dropped } = (await response.json()) as { calls: unknown[]; dropped: number };
  return calls.length + dropped;
}

async function main(): Promise<void> {
  const durationS = seconds('BENCH_DURATION_S', 10);
  const ids = demoCustomers('demo')
    .slice(2, 2002)
    .map((c) => c.id);
  const sandbox = await ChildHandle.start(SANDBOX_SCRIPT, {
    ...baseEnv(),
    BENCH_SANDBOX_LATENCY_MS: String(SANDBOX_LATENCY_MS),
    BENCH_SANDBOX_MAX_CONCURRENT: '0',
  });
  const gateway = await ChildHandle.start(GATEWAY_SCRIPT, {
    ...baseEnv(),
    PORT: '0',
    HOST: '127.0.0.1',
    PROMOTION_API_URL: sandbox.url,
    UPSTREAM_MAX_CONNECTIONS: String(UPSTREAM_MAX_CONNECTIONS),
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
  });
  const reset = () => fetch(`${sandbox.url}/__sandbox/reset`, { method: 'POST' }).then(() => {});
  const graphql = (id: string) => ({
    method: 'POST' as const,
    path: '/graphql',
    body: JSON.stringify({
      query: QUERY,
      variables: {
        input: { customer: { identifierName: 'ID', identifierValue: id, source: 'INSTORE' } },
      },
    }),
  });
  const isPage = (body: string) => body.includes('"__typename":"CustomerPromotions"');
  try {
    console.log(
      `bench reads: C=${CLIENTS}, sandbox latency ${SANDBOX_LATENCY_MS} ms, ${durationS} s each`,
    );
    const direct = await load({
      url: sandbox.url,
      ids,
      request: (id) => ({
        method: 'GET',
        path: `${LOOKUP_PATH}?identifierName=id&identifierValue=${id}&source=INSTORE&limit=20&offset=0`,
      }),
      isOk: (body) => body.includes('"pageDetails"'),
      durationS,
    });
    const gatewayUrl = new URL(gateway.url).origin;
    const spread = await load({ url: gatewayUrl, ids, request: graphql, isOk: isPage, durationS });
    let callsAtStart = 0;
    const hot = await load({
      url: gatewayUrl,
      ids: ['555567088'],
      request: graphql,
      isOk: isPage,
      durationS,
      onMeasureStart: async () => {
        await reset();
        callsAtStart = await apiReads(sandbox.url);
      },
    });
    const hotCalls = (await apiReads(sandbox.url)) - callsAtStart;

    const bound = CLIENTS / (SANDBOX_LATENCY_MS / 1000);
    const overhead = spread.p50 - direct.p50;
    const fewer = hot.ok / Math.max(1, hotCalls);
    const targets = [
      {
        name: 'R1 throughput ≥ 80 % of the closed-loop bound',
        value: `${spread.perS.toFixed(0)}/s = ${((100 * spread.perS) / bound).toFixed(1)} % of ${bound}/s`,
        pass: spread.perS >= 0.8 * bound,
      },
      {
        name: 'R1 gateway p50 overhead ≤ 2 ms over the API (R0)',
        value: `${spread.p50} − ${direct.p50} = ${overhead} ms`,
        pass: overhead <= 2,
      },
      {
        name: 'R2 hot customer: ≥ 20 × fewer API calls than queries',
        value: `${hot.ok} queries / ${hotCalls} calls = ${fewer.toFixed(1)} ×`,
        pass: fewer >= 20,
      },
      {
        name: 'no errors',
        value: `${direct.errors + spread.errors + hot.errors}`,
        pass: direct.errors + spread.errors + hot.errors === 0,
      },
    ];
    const rows = [
      ['R0 direct REST lookups', direct],
      ['R1 gateway, 2,000 customers', spread],
      ['R2 gateway, one hot customer', hot],
    ] as const;
    for (const [name, r] of rows) {
      console.log(
        `  ${name.padEnd(30)} ${r.perS.toFixed(0).padStart(6)}/s ok, p50 ${r.p50} ms, p99 ${r.p99} ms, errors ${r.errors}`,
      );
    }
    for (const t of targets) console.log(`  ${t.pass ? 'PASS' : 'FAIL'}  ${t.name}: ${t.value}`);
    const dir = path.join(__dirname, '..', '..', 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      path.join(dir, 'reads-latest.json'),
      `${JSON.stringify({ at: new Date().toISOString(), durationS, clients: CLIENTS, direct, spread, hot, hotCalls, targets }, null, 2)}\n`,
    );
    if (process.argv.includes('--strict') && targets.some((t) => !t.pass)) process.exitCode = 1;
  } finally {
    await gateway.stop();
    await sandbox.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
