/**
 * What is measured (scenarios × systems), what one measurement holds, and the targets of
 * issue 6 (issue 18 raised the C=200 bound to 90 %), evaluated from the measurements of one
 * run; issue 18's own are in targets-v2.ts.
 */
import type { ProcessStats } from './ipc';
import type { LoadResult } from './load';
import type { ProcWindow } from './proc';

/** The systems compared in one scenario. */
export type SystemId =
  'gateway' | 'a' | 'b' | 'c' | 'd' | 'rest100' | 'rest100x10' | 'restRead' | 'bare' | 'traced';

/** Systems that need bench/peer installed (`--peer`). */
export const PEER_SYSTEMS: readonly SystemId[] = ['d'];

export const SYSTEMS: Record<SystemId, { label: string; description: string }> = {
  gateway: {
    label: 'gateway',
    description:
      'the gateway as shipped: coalescing on (UPSTREAM_BATCH_SIZE=100, BATCH_WINDOW_MS=5), metrics on, tracing off',
  },
  bare: {
    label: 'no telemetry',
    description:
      'the same gateway with METRICS_PORT=0 and no tracing: every observer call does nothing (what tracing off is compared with)',
  },
  traced: {
    label: 'tracing on',
    description:
      'the same gateway with OTEL_EXPORTER_OTLP_ENDPOINT set: every operation and API call a span, exported over OTLP/HTTP to a receiver in the load generator',
  },
  a: {
    label: '(a) no coalescing',
    description:
      'baseline (a): the same gateway with coalescing off (UPSTREAM_BATCH_SIZE=1, BATCH_WINDOW_MS=0): one API call per customer, as a RESTDataSource-style gateway does',
  },
  b: {
    label: '(b) direct REST',
    description:
      'baseline (b): the load generator calls the REST API itself, one customer per call, over min(C, 16) connections (C clients sharing 16 connections, the most the API accepts at once)',
  },
  c: {
    label: '(c) ceiling',
    description:
      'ceiling (c): the same HTTP stack and schema with a submitter that answers every customer at once (no API call): the cost of the GraphQL layer alone',
  },
  d: {
    label: '(d) peer',
    description:
      "baseline (d), the peer: GraphQL Mesh (compose-cli 1.4, @omnigraph/openapi) composing a supergraph from the sandbox's GET /openapi.json, served by Hive Gateway 2 (one process, its defaults, NODE_ENV=production), forwarding the caller's Authorization, at most 16 connections to the API (bench/peer/)",
  },
  restRead: {
    label: 'REST lookups',
    description:
      "the load generator calls the API's customer lookup itself (the API's own answer at that load; a reference, not a target)",
  },
  rest100: {
    label: 'REST, 100/call',
    description: 'one client calling the REST API directly with 100 customers per call',
  },
  rest100x10: {
    label: 'REST, 10 × 100/call',
    description:
      "ten clients calling the REST API directly with 100 customers per call, side by side: the API's own answer time when ten 100-customer calls are in flight at once, as S2's 1,000-customer mutation makes the gateway send them (a reference, not a target)",
  },
};

/** S6 and on: the operations issue's (tracing on/off) go after S5, with their own group. */
export type ScenarioGroup = 'S1' | 'S2' | 'S3' | 'S4' | 'S5';

export interface ScenarioSpec {
  /** e.g. `S1-C200`. */
  id: string;
  group: ScenarioGroup;
  title: string;
  /** Concurrent clients (autocannon connections to the gateway). */
  clients: number;
  customersPerOperation: number;
  operationsPerRequest: number;
  systems: SystemId[];
  /** Default `enrol`: single-customer (or S2's 1,000-customer) enrolCustomers mutations. */
  workload?: 'enrol' | 'read';
  /** S4: every `hotEveryNth` client sends one customer again and again. */
  hotEveryNth?: number;
  /** S5: every client reads the same customer. */
  readHot?: boolean;
  /** Gateway variables of this scenario over the run's (S5's connections). */
  gatewayEnv?: Record<string, string>;
}

export const S1_CONCURRENCY = [1, 20, 50, 200, 1000] as const;
/** S1 concurrencies where the peer runs (the targets'): the rest would only cost time. */
const S1_PEER = new Set<number>([20, 200]);
/** S1 C=20 is only there to compare with the peer. */
const S1_PEER_ONLY = new Set<number>([20]);
export const S4_CLIENTS = 200;
/** Every 10th client is hot: 10 % of the clients, so 10 % of mutations at equal latency. */
export const S4_HOT_EVERY_NTH = 10;
export const S5_CLIENTS = 200;
export const S5_LOW_CLIENTS = 20;
/** Reads of distinct customers cannot share a call: reaching C / latency needs C connections. */
export const S5_UPSTREAM_MAX_CONNECTIONS = 256;
/** Connections of S3 (each carries a batched request of 50 operations: 200 mutations in flight, as S1 C=200). */
export const S3_CLIENTS = 4;
export const S3_OPERATIONS = 50;
export const S2_CUSTOMERS = 1000;

export function allScenarios(): ScenarioSpec[] {
  return [
    ...S1_CONCURRENCY.map((c): ScenarioSpec => ({
      id: `S1-C${c}`,
      group: 'S1',
      title: `S1, C = ${c}: ${c} concurrent client${c === 1 ? '' : 's'}, one customer per mutation`,
      clients: c,
      customersPerOperation: 1,
      operationsPerRequest: 1,
      systems: [
        ...(S1_PEER_ONLY.has(c)
          ? ['gateway' as const]
          : ['gateway' as const, 'a' as const, 'b' as const, 'c' as const]),
        // Telemetry off and on where the targets of issue 16 are: C = 200.
        ...(c === 200 ? ['bare' as const, 'traced' as const] : []),
        ...(S1_PEER.has(c) ? ['d' as const] : []),
      ],
    })),
    {
      id: 'S2',
      group: 'S2',
      title: `S2: one mutation of ${S2_CUSTOMERS} customers, repeated (closed loop, 1 client)`,
      clients: 1,
      customersPerOperation: S2_CUSTOMERS,
      operationsPerRequest: 1,
      systems: ['gateway', 'a', 'c', 'rest100', 'rest100x10'],
    },
    {
      id: 'S3',
      group: 'S3',
      title: `S3: batched HTTP requests of ${S3_OPERATIONS} single-customer mutations, ${S3_CLIENTS} connections`,
      clients: S3_CLIENTS,
      customersPerOperation: 1,
      operationsPerRequest: S3_OPERATIONS,
      systems: ['gateway', 'a', 'c'],
    },
    {
      id: 'S4',
      group: 'S4',
      title: `S4: a hot customer: ${S4_CLIENTS} clients, every ${S4_HOT_EVERY_NTH}th sending the same customer, the rest distinct ones`,
      clients: S4_CLIENTS,
      customersPerOperation: 1,
      operationsPerRequest: 1,
      systems: ['gateway', 'd'],
      hotEveryNth: S4_HOT_EVERY_NTH,
    },
    ...(['distinct', 'hot'] as const).map((part): ScenarioSpec => ({
      id: `S5-${part}`,
      group: 'S5',
      title:
        part === 'distinct'
          ? `S5, distinct: ${S5_CLIENTS} clients reading customerPromotions of 2,000 customers in turn`
          : `S5, hot: ${S5_CLIENTS} clients reading customerPromotions of the same customer`,
      clients: S5_CLIENTS,
      customersPerOperation: 1,
      operationsPerRequest: 1,
      systems: part === 'distinct' ? ['gateway', 'd', 'restRead'] : ['gateway', 'd'],
      workload: 'read',
      readHot: part === 'hot',
      gatewayEnv: { UPSTREAM_MAX_CONNECTIONS: String(S5_UPSTREAM_MAX_CONNECTIONS) },
    })),
    {
      // No target: a read's p50 over the API's where the event loop does not queue (C=200 does).
      id: 'S5-distinct-C20',
      group: 'S5',
      title: `S5, distinct, C = ${S5_LOW_CLIENTS}: ${S5_LOW_CLIENTS} clients reading customerPromotions of 2,000 customers in turn`,
      clients: S5_LOW_CLIENTS,
      customersPerOperation: 1,
      operationsPerRequest: 1,
      systems: ['gateway', 'restRead'],
      workload: 'read',
      readHot: false,
      gatewayEnv: { UPSTREAM_MAX_CONNECTIONS: String(S5_UPSTREAM_MAX_CONNECTIONS) },
    },
  ];
}

export interface UpstreamSummary {
  calls: number;
  customers: number;
  /** API calls per 100 customers sent to the API. */
  callsPer100Customers: number;
  customersPerCall: number;
  statuses: Record<string, number>;
  /** 503s of the sandbox's maxConcurrent. */
  overloaded: number;
  peakInFlight: number;
}

export interface Measurement {
  scenario: string;
  group: ScenarioGroup;
  system: SystemId;
  clients: number;
  /** autocannon connections (min(C, 16) for baseline (b)). */
  connections: number;
  /** Connections that got at least one answer in the measured window. */
  activeConnections: number;
  /** Seconds until every connection had its first answer, before the load started. */
  connectPhaseS: number;
  customersPerOperation: number;
  operationsPerRequest: number;
  durationS: number;
  /** Requests answered. */
  responses: number;
  customersOk: number;
  customersPerS: number;
  latencyMs: LoadResult['latencyMs'];
  errors: {
    non2xx: number;
    graphqlErrors: number;
    notSuccess: number;
    socketErrors: number;
    timeouts: number;
    /** non2xx + graphqlErrors + notSuccess + socketErrors (socketErrors include timeouts). */
    total: number;
    deepChecked: number;
    deepFailures: number;
    /** Failed answers during the warm-up (not in `total`; reported so that none is hidden). */
    warmupFailures: number;
    examples: string[];
  };
  /** Null when nothing calls the API (ceiling). */
  upstream: UpstreamSummary | null;
  /** Null when no gateway is involved (direct REST). For the peer, what /proc tells. */
  gateway: ProcessStats | null;
  /** The gateway process as /proc saw it over the window, the same meter for every gateway. */
  proc?: ProcWindow | null;
  /** API calls (writes and reads) per 100 operations answered: mutations or queries. */
  apiCallsPer100Ops?: number;
  /** S4's `hot` and `distinct` clients, S5's nothing: apart. */
  byTag?: LoadResult['byTag'];
  sandbox: ProcessStats;
  loadGeneratorCpuPercent: number;
  machineBusyPercent: number;
}

export interface TargetResult {
  id: string;
  description: string;
  pass: boolean | null;
  /** What was measured, in words with numbers. */
  measured: string;
  /** For a failed target: what limited it (resources seen in the same run). */
  limitedBy: string | null;
}

export interface TargetContext {
  upstreamLatencyMs: number;
  batchWindowMs: number;
  cores: number;
}

const f0 = (n: number): string => (Number.isFinite(n) ? n.toFixed(0) : 'n/a');
const f1 = (n: number): string => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
const f2 = (n: number): string => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');

/**
 * Customers answered per second of gateway CPU: the gateway's efficiency, much less sensitive
 * than customers/s to how much of a shared machine the gateway happened to get.
 */
export function customersPerGatewayCpuSecond(m: Measurement): number {
  if (m.gateway === null || m.gateway.cpuMs <= 0) return NaN;
  return m.customersOk / (m.gateway.cpuMs / 1000);
}

/** Operations answered per second of gateway CPU, from /proc (NaN without a gateway). */
export function opsPerProcCpuSecond(m: Measurement): number {
  if (m.proc === undefined || m.proc === null || m.proc.cpuMs <= 0) return NaN;
  return m.customersOk / (m.proc.cpuMs / 1000);
}

/** Gateway CPU seconds per 1,000 operations answered, from /proc. */
export function procCpuSecondsPer1000(m: Measurement): number {
  return 1000 / opsPerProcCpuSecond(m);
}

/**
 * The gateway's peak RSS in MB, what the C=1000 target and every table report: the higher
 * of the kernel's high-water mark and the sampled peak (NaN without a gateway).
 */
export function gatewayPeakRssMb(m: Measurement): number {
  return m.gateway === null ? NaN : Math.max(m.gateway.maxRssMb, m.gateway.peakRssMb);
}

/** The resources a run used, in one line: what any limit has to be looked for in. */
export function resourceLine(m: Measurement, cores: number): string {
  const parts: string[] = [];
  if (m.gateway !== null) {
    parts.push(
      `gateway event loop ${f0(m.gateway.eventLoopUtilization * 100)} % busy, CPU ${f0(m.gateway.cpuPercent)} % of a core`,
    );
  }
  parts.push(`load generator CPU ${f0(m.loadGeneratorCpuPercent)} % of a core`);
  parts.push(`sandbox CPU ${f0(m.sandbox.cpuPercent)} %`);
  parts.push(
    `machine ${f0(m.machineBusyPercent)} % busy over ${cores} cores (other users included)`,
  );
  if (m.upstream !== null) {
    parts.push(
      `API: ${f1(m.upstream.customersPerCall)} customers/call, peak ${m.upstream.peakInFlight} calls in flight, ${m.upstream.overloaded} × 503`,
    );
  }
  return parts.join('; ');
}

function errorLine(m: Measurement): string {
  const e = m.errors;
  return `${e.non2xx} non-2xx, ${e.graphqlErrors} GraphQL errors, ${e.notSuccess} not-success payloads, ${e.socketErrors} socket errors/timeouts`;
}

/** Evaluates the targets of issue 6 from one run's measurements. */
export function evaluateTargets(measurements: Measurement[], ctx: TargetContext): TargetResult[] {
  const find = (scenario: string, system: SystemId): Measurement | undefined =>
    measurements.find((m) => m.scenario === scenario && m.system === system);
  const cycleMs = ctx.upstreamLatencyMs + ctx.batchWindowMs;
  const out: TargetResult[] = [];
  const missing = (id: string, description: string, what: string): void => {
    out.push({
      id,
      description,
      pass: null,
      measured: `not measured in this run (${what})`,
      limitedBy: null,
    });
  };
  const add = (
    id: string,
    description: string,
    pass: boolean,
    measured: string,
    subject: Measurement,
    extra?: string,
  ): void => {
    out.push({
      id,
      description,
      pass,
      measured,
      limitedBy: pass
        ? null
        : [extra, resourceLine(subject, ctx.cores)].filter(Boolean).join(' — '),
    });
  };

  const g200 = find('S1-C200', 'gateway');
  const a200 = find('S1-C200', 'a');
  const b200 = find('S1-C200', 'b');
  if (g200 === undefined) {
    for (const [id, d] of [
      ['S1-C200/batching', 'S1 C=200: ≥ 50 customers per API call'],
      ['S1-C200/vs-a', 'S1 C=200: customers/s ≥ 5 × baseline (a)'],
      ['S1-C200/vs-b', 'S1 C=200: customers/s ≥ 5 × baseline (b)'],
      ['S1-C200/bound', `S1 C=200: ≥ 90 % of the closed-loop bound C / (${cycleMs} ms)`],
      ['S1-C200/p99', `S1 C=200: p99 ≤ ${2 * cycleMs} ms`],
      ['S1-C200/errors', 'S1 C=200: no errors'],
    ] as const) {
      missing(id, d, 'S1-C200 gateway');
    }
  } else {
    const perCall = g200.upstream?.customersPerCall ?? NaN;
    add(
      'S1-C200/batching',
      'S1 C=200: ≥ 50 customers per API call',
      perCall >= 50,
      `${f1(perCall)} customers per API call (${g200.upstream?.calls ?? 0} calls for ${g200.upstream?.customers ?? 0} customers)`,
      g200,
    );
    for (const [baseline, label] of [
      [a200, 'a'],
      [b200, 'b'],
    ] as const) {
      const id = `S1-C200/vs-${label}`;
      const description = `S1 C=200: customers/s ≥ 5 × baseline (${label})`;
      if (baseline === undefined) missing(id, description, `S1-C200 baseline (${label})`);
      else {
        const ratio = g200.customersPerS / baseline.customersPerS;
        add(
          id,
          description,
          ratio >= 5,
          `${f0(g200.customersPerS)} vs ${f0(baseline.customersPerS)} customers/s = ${f2(ratio)} ×`,
          g200,
        );
      }
    }
    const bound = 200 / (cycleMs / 1000);
    add(
      'S1-C200/bound',
      `S1 C=200: customers/s ≥ 90 % of the closed-loop bound C / (${ctx.upstreamLatencyMs} ms + ${ctx.batchWindowMs} ms) = ${f0(bound)}/s`,
      g200.customersPerS >= 0.9 * bound,
      `${f0(g200.customersPerS)} customers/s = ${f0((g200.customersPerS / bound) * 100)} % of ${f0(bound)}`,
      g200,
      `mean latency ${f1(g200.latencyMs.mean)} ms vs the ${cycleMs} ms cycle`,
    );
    add(
      'S1-C200/p99',
      `S1 C=200: p99 ≤ 2 × (${ctx.upstreamLatencyMs} ms + ${ctx.batchWindowMs} ms) = ${2 * cycleMs} ms`,
      g200.latencyMs.p99 <= 2 * cycleMs,
      `p99 ${f1(g200.latencyMs.p99)} ms (p50 ${f1(g200.latencyMs.p50)} ms)`,
      g200,
    );
    add(
      'S1-C200/errors',
      'S1 C=200: no errors',
      g200.errors.total === 0,
      errorLine(g200),
      g200,
      g200.errors.examples[0],
    );
  }

  const bare200 = find('S1-C200', 'bare');
  const traced200 = find('S1-C200', 'traced');
  const perCpu = (m: Measurement): string =>
    `${f0(customersPerGatewayCpuSecond(m))} customers per gateway CPU second`;
  if (g200 === undefined || bare200 === undefined) {
    missing(
      'S1-C200/tracing-off',
      'S1 C=200: tracing off ≥ 95 % of no telemetry',
      'S1-C200 gateway and no telemetry',
    );
  } else {
    const ratio = g200.customersPerS / bare200.customersPerS;
    add(
      'S1-C200/tracing-off',
      'S1 C=200: customers/s with tracing off (metrics on) ≥ 95 % of the gateway without telemetry',
      ratio >= 0.95,
      `${f0(g200.customersPerS)} vs ${f0(bare200.customersPerS)} customers/s = ${f0(ratio * 100)} % (${perCpu(g200)} vs ${perCpu(bare200)})`,
      g200,
    );
  }
  if (g200 === undefined || traced200 === undefined) {
    missing(
      'S1-C200/tracing-on',
      'S1 C=200: tracing on ≥ 80 % of tracing off',
      'S1-C200 gateway and tracing on',
    );
  } else {
    const ratio = traced200.customersPerS / g200.customersPerS;
    add(
      'S1-C200/tracing-on',
      'S1 C=200: customers/s with tracing on (exporting every span) ≥ 80 % of tracing off',
      ratio >= 0.8,
      `${f0(traced200.customersPerS)} vs ${f0(g200.customersPerS)} customers/s = ${f0(ratio * 100)} %; p99 ${f1(traced200.latencyMs.p99)} vs ${f1(g200.latencyMs.p99)} ms (${perCpu(traced200)} vs ${perCpu(g200)})`,
      traced200,
    );
  }

  const g1000 = find('S1-C1000', 'gateway');
  const c1000 = find('S1-C1000', 'c');
  if (g1000 === undefined) {
    missing(
      'S1-C1000/vs-ceiling',
      'S1 C=1000: customers/s ≥ 70 % of ceiling (c)',
      'S1-C1000 gateway',
    );
    missing('S1-C1000/errors', 'S1 C=1000: no errors', 'S1-C1000 gateway');
    missing('S1-C1000/rss', 'S1 C=1000: gateway peak RSS ≤ 250 MB', 'S1-C1000 gateway');
  } else {
    if (c1000 === undefined) {
      missing(
        'S1-C1000/vs-ceiling',
        'S1 C=1000: customers/s ≥ 70 % of ceiling (c)',
        'S1-C1000 ceiling',
      );
    } else {
      const share = g1000.customersPerS / c1000.customersPerS;
      add(
        'S1-C1000/vs-ceiling',
        'S1 C=1000: customers/s ≥ 70 % of ceiling (c) at the same concurrency',
        share >= 0.7,
        `${f0(g1000.customersPerS)} vs ${f0(c1000.customersPerS)} customers/s = ${f0(share * 100)} %`,
        g1000,
        `per second of gateway CPU ${f0(customersPerGatewayCpuSecond(g1000))} vs ${f0(customersPerGatewayCpuSecond(c1000))} customers ` +
          `(${f0((customersPerGatewayCpuSecond(g1000) / customersPerGatewayCpuSecond(c1000)) * 100)} %); ` +
          `ceiling run: ${resourceLine(c1000, ctx.cores)}`,
      );
    }
    add(
      'S1-C1000/errors',
      'S1 C=1000: no errors',
      g1000.errors.total === 0,
      errorLine(g1000),
      g1000,
      g1000.errors.examples[0],
    );
    const rss = gatewayPeakRssMb(g1000);
    add(
      'S1-C1000/rss',
      'S1 C=1000: gateway peak RSS ≤ 250 MB',
      rss <= 250,
      `peak RSS ${f0(rss)} MB (kernel high-water mark of the gateway process)`,
      g1000,
    );
  }

  const g1 = find('S1-C1', 'gateway');
  const b1 = find('S1-C1', 'b');
  if (g1 === undefined || b1 === undefined) {
    missing('S1-C1/p50', "S1 C=1: p50 ≤ 1.25 × baseline (b)'s p50", 'S1-C1 gateway and (b)');
  } else {
    const ratio = g1.latencyMs.p50 / b1.latencyMs.p50;
    add(
      'S1-C1/p50',
      "S1 C=1: p50 ≤ 1.25 × baseline (b)'s p50",
      ratio <= 1.25,
      `p50 ${f2(g1.latencyMs.p50)} ms vs ${f2(b1.latencyMs.p50)} ms = ${f2(ratio)} ×`,
      g1,
      `the gateway adds BATCH_WINDOW_MS = ${ctx.batchWindowMs} ms by design`,
    );
  }

  const g2 = find('S2', 'gateway');
  const r2 = find('S2', 'rest100');
  if (g2 === undefined || r2 === undefined) {
    missing(
      'S2/p50',
      "S2: p50 ≤ 1.5 × a single 100-customer REST call's p50",
      'S2 gateway and REST 100',
    );
  } else {
    const ratio = g2.latencyMs.p50 / r2.latencyMs.p50;
    const c2 = find('S2', 'c');
    const r10 = find('S2', 'rest100x10');
    add(
      'S2/p50',
      "S2: p50 ≤ 1.5 × a single 100-customer REST call's p50",
      ratio <= 1.5,
      `p50 ${f1(g2.latencyMs.p50)} ms vs ${f1(r2.latencyMs.p50)} ms = ${f2(ratio)} ×`,
      g2,
      [
        c2 === undefined
          ? null
          : `the GraphQL layer alone (ceiling) answers this mutation in p50 ${f1(c2.latencyMs.p50)} ms`,
        r10 === undefined
          ? null
          : `the API alone answers ten parallel 100-customer calls in p50 ${f1(r10.latencyMs.p50)} ms`,
      ]
        .filter(Boolean)
        .join('; '),
    );
  }
  return out;
}
