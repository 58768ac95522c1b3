/**
 * `npm run bench`: proves (or disproves) that coalescing wins, against baselines measured in
 * the same run on the same sandbox settings. See BENCHMARKS.md for what is measured and how.
 *
 *   npm run bench                         the full matrix, 15 s per measurement
 *   npm run bench -- --quick              smoke run: 3 s per measurement, 1 s warm-up
 *   BENCH_DURATION_S=5 npm run bench      any duration (BENCH_WARMUP_S for the warm-up)
 *   npm run bench -- --only=S1-C200,S2    some scenarios (or one system: --only=S1-C1000:gateway)
 *   BENCH_PROFILE=1 npm run bench         S1 C=1000 and S2 (gateway, ceiling) with a V8 CPU profile
 *                                         of the gateway over the measured window, summarised
 *   npm run bench -- --strict             exit 1 when a target fails
 *   npm run bench -- --peer               also baseline (d), the peer (installs bench/peer first)
 *
 * Processes: this one is the load generator (autocannon); the sandbox and every gateway run as
 * child processes (bench/sandbox-process.ts, bench/gateway-process.ts), a fresh gateway for
 * each measurement, so that CPU and peak RSS are the gateway's own.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config';
import { DEMO_CREDENTIALS, demoCustomers } from '../src/sandbox';
import { freePort } from '../scripts/cluster/free-port';
import { ChildHandle, baseEnv, type ProcessStats } from './ipc';
import {
  CustomerRotation,
  drive,
  graphqlOperation,
  graphqlWorkload,
  restWorkload,
  type LoadResult,
  type Workload,
} from './load';
import { startOtlpReceiver, type OtlpReceiver } from './otlp-receiver';
import { composeSupergraph, ensurePeerInstalled, startPeer, type PeerHandle } from './peer';
import { ProcMeter, type ProcWindow } from './proc';
import { allTargets } from './targets-v2';
import { peerOperation, peerWorkload, readWorkload, withHotClients } from './workloads';
import { summarizeFile, summaryMarkdown } from './profile-summary';
import {
  embedInBenchmarks,
  formatMarkdown,
  isReferenceRun,
  stamp,
  targetLines,
  writeRun,
  type RunMeta,
  type RunRecord,
} from './report';
import {
  PEER_SYSTEMS,
  SYSTEMS,
  allScenarios,
  gatewayPeakRssMb,
  type Measurement,
  type ScenarioSpec,
  type SystemId,
} from './scenarios';
import type { SandboxReport } from './sandbox-process';

const SANDBOX_LATENCY_MS = 50;
const SANDBOX_MAX_CONCURRENT = 16;
const UPSTREAM_MAX_CONNECTIONS = 16;
const LOG_LEVEL = 'warn';
/** As deployed: graphql-js and Apollo skip their development-only checks. */
const NODE_ENV = process.env.BENCH_NODE_ENV ?? 'production';
/**
 * Node flags of every gateway process: those `npm start` runs with (package.json
 * `config.nodeFlags`), unless BENCH_GATEWAY_NODE_ARGS replaces them for an experiment.
 */
const GATEWAY_NODE_ARGS_OVERRIDDEN = process.env.BENCH_GATEWAY_NODE_ARGS !== undefined;
const GATEWAY_NODE_ARGS = words(process.env.BENCH_GATEWAY_NODE_ARGS ?? shippedNodeFlags());
const REST_PATH = '/v2/promotion/bulk/enrolAndEarn';

const ROOT = path.resolve(__dirname, '..', '..');
const RESULTS_DIR = path.join(ROOT, 'bench', 'results');
const BENCHMARKS_FILE = path.join(ROOT, 'BENCHMARKS.md');
const GATEWAY_SCRIPT = path.join(__dirname, 'gateway-process.js');
const SANDBOX_SCRIPT = path.join(__dirname, 'sandbox-process.js');

interface Options {
  quick: boolean;
  /** Baseline (d), the peer: bench/peer installed and run. */
  peer: boolean;
  strict: boolean;
  profile: boolean;
  durationS: number;
  warmupS: number;
  /** `SCENARIO` or `SCENARIO:system` filters; null = everything. */
  only: string[] | null;
  /** Re-render a results JSON (targets and markdown) without measuring anything. */
  render: string | null;
  args: string[];
}

function positiveNumber(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`${name} must be a positive number, got "${raw}"`);
  return value;
}

function parseOptions(argv: string[], env: NodeJS.ProcessEnv): Options {
  const args = argv.slice(2);
  let only: string[] | null = null;
  let quick = false;
  let strict = false;
  let peer = false;
  let profile = env.BENCH_PROFILE === '1';
  let render: string | null = null;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--quick') quick = true;
    else if (arg === '--strict') strict = true;
    else if (arg === '--peer') peer = true;
    else if (arg === '--profile') profile = true;
    else if (arg.startsWith('--render=')) render = arg.slice('--render='.length);
    else if (arg.startsWith('--only='))
      only = arg.slice('--only='.length).split(',').filter(Boolean);
    else if (arg === '--only' && args[i + 1] !== undefined) only = (args[++i] as string).split(',');
    else if (arg === '--help' || arg === '-h') {
      console.log(
        'usage: npm run bench -- [--quick] [--peer] [--only=S1-C200,S2,S1-C1000:gateway] [--profile] [--strict]\n' +
          '       npm run bench -- --render=bench/results/<run>.json   (targets and markdown again, no measuring)\n' +
          'env: BENCH_DURATION_S (default 15, --quick 3), BENCH_WARMUP_S (default 3, --quick 1), BENCH_PROFILE=1,\n' +
          "     BENCH_NODE_ENV (gateway NODE_ENV, default production), BENCH_GATEWAY_NODE_ARGS (node flags instead of npm start's),\n" +
          "     BENCH_BATCH_WINDOW_MS (the coalescing gateway's BATCH_WINDOW_MS, default the gateway default)",
      );
      process.exit(0);
    } else throw new Error(`unknown argument ${arg} (try --help)`);
  }
  if (profile && only === null) only = ['S1-C1000:gateway', 'S1-C1000:c', 'S2:gateway', 'S2:c'];
  const durationS = positiveNumber('BENCH_DURATION_S', env.BENCH_DURATION_S, quick ? 3 : 15);
  const warmupS = positiveNumber('BENCH_WARMUP_S', env.BENCH_WARMUP_S, quick ? 1 : 3);
  return { quick, strict, peer, profile, durationS, warmupS, only, render, args };
}

function selected(options: Options, spec: ScenarioSpec, system: SystemId): boolean {
  if (PEER_SYSTEMS.includes(system) && !options.peer) return false;
  if (options.only === null) return true;
  return options.only.some((filter) => {
    const [scenario, sys] = filter.split(':');
    return scenario === spec.id && (sys === undefined || sys === system);
  });
}

function gitInfo(): RunMeta['git'] {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT }).toString().trim();
    const dirty =
      execFileSync('git', ['status', '--porcelain'], { cwd: ROOT }).toString().trim() !== '';
    return { commit, dirty };
  } catch {
    return null;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the API has no call in flight and none arrived for 300 ms (at most 60 s). */
async function drain(sandbox: ChildHandle): Promise<void> {
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    const stats = await sandbox.request<SandboxReport>('stats');
    if (stats.inFlight === 0 && stats.idleMs >= 300) return;
    await sleep(100);
  }
  console.warn('  (the API was still busy after 60 s; measuring anyway)');
}

interface Runner {
  options: Options;
  sandbox: ChildHandle;
  rotation: CustomerRotation;
  gatewayDefaults: { batchSize: number; windowMs: number };
  profileDir: string | null;
  /** Extra `node` flags for every gateway process (BENCH_GATEWAY_NODE_ARGS), e.g. GC settings. */
  gatewayNodeArgs: string[];
  /** NODE_ENV of the gateway processes: `production` as deployed, unless BENCH_NODE_ENV says otherwise. */
  nodeEnv: string;
  /** Where the `traced` gateway exports its spans. */
  receiver: OtlpReceiver;
  /** The peer's supergraph, composed for this run's sandbox; null without `--peer`. */
  peerSupergraph: string | null;
}

/** S4's hot customer and S5's, and the customers the others rotate over. */
const demoIds = demoCustomers('demo').map((c) => c.id);
const HOT_ID = demoIds[0] as string;
const S4_DISTINCT = new CustomerRotation(demoIds.filter((id) => id !== HOT_ID));
/** The read benchmark's 2,000 customers (issue 13): the two named demo customers left out. */
const S5_IDS = demoIds.slice(2, 2002);

async function gatewayEnv(
  runner: Runner,
  spec: ScenarioSpec,
  system: SystemId,
): Promise<Record<string, string>> {
  // Only what is set here: every other gateway variable keeps its default.
  const env: Record<string, string> = baseEnv();
  Object.assign(env, {
    PORT: '0',
    METRICS_PORT: '0',
    HOST: '127.0.0.1',
    PROMOTION_API_URL: runner.sandbox.url,
    UPSTREAM_MAX_CONNECTIONS: String(UPSTREAM_MAX_CONNECTIONS),
    LOG_LEVEL,
    NODE_ENV: runner.nodeEnv,
  });
  if (system === 'a') Object.assign(env, { UPSTREAM_BATCH_SIZE: '1', BATCH_WINDOW_MS: '0' });
  else {
    Object.assign(env, {
      UPSTREAM_BATCH_SIZE: String(runner.gatewayDefaults.batchSize),
      BATCH_WINDOW_MS: String(runner.gatewayDefaults.windowMs),
    });
  }
  if (system === 'c') env.BENCH_CEILING = '1';
  // Metrics as shipped (on) except where telemetry is measured away.
  if (system !== 'bare') env.METRICS_PORT = String(await freePort());
  if (system === 'traced') env.OTEL_EXPORTER_OTLP_ENDPOINT = runner.receiver.url;
  return { ...env, ...spec.gatewayEnv };
}

function workloadFor(
  runner: Runner,
  spec: ScenarioSpec,
  system: SystemId,
  gatewayUrl: string | null,
): Workload {
  const authorization = DEMO_CREDENTIALS.authorizationHeader;
  const restUrl = `${runner.sandbox.url}${REST_PATH}`;
  if (spec.workload === 'read') {
    return readWorkload({
      target: system === 'restRead' ? 'rest' : system === 'd' ? 'peer' : 'gateway',
      url: system === 'restRead' ? runner.sandbox.url : (gatewayUrl as string),
      authorization,
      connections: spec.clients,
      ids: spec.readHot === true ? [HOT_ID] : S5_IDS,
    });
  }
  if (spec.hotEveryNth !== undefined) {
    const distinct =
      system === 'd'
        ? peerWorkload({
            url: gatewayUrl as string,
            authorization,
            connections: spec.clients,
            rotation: S4_DISTINCT,
          })
        : graphqlWorkload({
            url: gatewayUrl as string,
            authorization,
            connections: spec.clients,
            customersPerOperation: 1,
            operationsPerRequest: 1,
            rotation: S4_DISTINCT,
          });
    return withHotClients(
      distinct,
      HOT_ID,
      spec.hotEveryNth,
      system === 'd' ? peerOperation : graphqlOperation,
    );
  }
  switch (system) {
    case 'd':
      return peerWorkload({
        url: gatewayUrl as string,
        authorization,
        connections: spec.clients,
        rotation: runner.rotation,
      });
    case 'b':
      return restWorkload({
        url: restUrl,
        authorization,
        connections: Math.min(spec.clients, UPSTREAM_MAX_CONNECTIONS),
        customersPerOperation: 1,
        rotation: runner.rotation,
      });
    case 'rest100':
    case 'rest100x10':
      return restWorkload({
        url: restUrl,
        authorization,
        connections: system === 'rest100' ? 1 : 10,
        customersPerOperation: 100,
        rotation: runner.rotation,
      });
    default:
      return graphqlWorkload({
        url: gatewayUrl as string,
        authorization,
        connections: spec.clients,
        customersPerOperation: spec.customersPerOperation,
        operationsPerRequest: spec.operationsPerRequest,
        rotation: runner.rotation,
      });
  }
}

/** Calls of the read endpoints since the last sandbox reset (its log keeps few, counts all). */
async function readCalls(sandbox: ChildHandle): Promise<number> {
  const response = await fetch(`${sandbox.url}/__sandbox/reads`);
  const { calls, dropped } = (await response.json()) as { calls: unknown[]; dropped: number };
  return calls.length + dropped;
}

/** What the peer reports in place of our gateway's own meter: what /proc tells. */
function peerStats(proc: ProcWindow): ProcessStats {
  return {
    wallMs: proc.wallMs,
    cpuMs: proc.cpuMs,
    cpuPercent: proc.wallMs > 0 ? (proc.cpuMs / proc.wallMs) * 100 : 0,
    eventLoopUtilization: NaN,
    peakRssMb: proc.hwmRssMb,
    maxRssMb: proc.hwmRssMb,
    peakHeapUsedMb: NaN,
    peakHeapTotalMb: NaN,
  };
}

async function measure(runner: Runner, spec: ScenarioSpec, system: SystemId): Promise<Measurement> {
  const { sandbox, options } = runner;
  const usesGateway = ['gateway', 'a', 'c', 'bare', 'traced'].includes(system);
  let gateway: ChildHandle | null = null;
  let peer: PeerHandle | null = null;
  try {
    if (usesGateway) {
      gateway = await ChildHandle.start(
        GATEWAY_SCRIPT,
        await gatewayEnv(runner, spec, system),
        runner.gatewayNodeArgs,
      );
    }
    if (system === 'd') {
      const connections = Number(
        spec.gatewayEnv?.UPSTREAM_MAX_CONNECTIONS ?? UPSTREAM_MAX_CONNECTIONS,
      );
      peer = await startPeer(runner.peerSupergraph as string, connections);
    }
    const pid = gateway?.child.pid ?? peer?.pid;
    const procMeter = pid === undefined ? null : new ProcMeter(pid);
    const workload = workloadFor(runner, spec, system, gateway?.url ?? peer?.url ?? null);

    // A fresh API state for every measurement; counters and meters reset again when the
    // warm-up ends, inside the same load run (connections stay open across the mark).
    await sandbox.request('sandbox-reset');
    const profiling = gateway !== null && runner.profileDir !== null;
    let reads = 0;
    const load: LoadResult = await drive(workload, {
      warmupS: options.warmupS,
      durationS: options.durationS,
      onMeasureStart: async () => {
        procMeter?.reset();
        await Promise.all([
          sandbox.request('sandbox-reset'),
          sandbox.request('stats-reset'),
          gateway?.request('stats-reset'),
          profiling ? gateway?.request('profile-start') : undefined,
        ]);
      },
      // Reads are counted when the window ends: autocannon sends for a while after it.
      onMeasureEnd: async () => {
        if (spec.workload === 'read') reads = await readCalls(sandbox);
      },
    });
    const proc = procMeter?.read() ?? null;
    const gatewayStats =
      gateway !== null
        ? await gateway.request<ProcessStats>('stats')
        : proc === null
          ? null
          : peerStats(proc);
    const sandboxAtEnd = await sandbox.request<SandboxReport>('stats');
    if (profiling) {
      await gateway?.stopProfile(
        path.join(runner.profileDir as string, `${spec.id}-${system}.cpuprofile`),
      );
    }
    // Requests cut off when the load stopped still reach the API: counted, for the ratio.
    await drain(sandbox);
    const api = await sandbox.request<SandboxReport>('stats');

    const t = load.tally;
    return {
      scenario: spec.id,
      group: spec.group,
      system,
      clients: spec.clients,
      connections: workload.connections,
      activeConnections: load.activeConnections,
      connectPhaseS: load.connectPhaseS,
      customersPerOperation: workload.customersPerOperation,
      operationsPerRequest: workload.operationsPerRequest,
      durationS: load.durationS,
      responses: t.responses,
      customersOk: t.customersOk,
      customersPerS: t.customersOk / load.durationS,
      latencyMs: load.latencyMs,
      errors: {
        non2xx: t.non2xx,
        graphqlErrors: t.graphqlErrors,
        notSuccess: t.notSuccess,
        socketErrors: load.socketErrors,
        timeouts: load.timeouts,
        total: t.non2xx + t.graphqlErrors + t.notSuccess + load.socketErrors,
        deepChecked: t.deepChecked,
        deepFailures: t.deepFailures,
        warmupFailures: load.warmup.non2xx + load.warmup.graphqlErrors + load.warmup.notSuccess,
        examples: [...t.examples, ...load.warmup.examples.map((e) => `(warm-up) ${e}`)].slice(0, 3),
      },
      upstream:
        system === 'c'
          ? null
          : {
              calls: api.calls,
              customers: api.customers,
              callsPer100Customers: api.customers > 0 ? (100 * api.calls) / api.customers : NaN,
              customersPerCall: api.calls > 0 ? api.customers / api.calls : NaN,
              statuses: api.statuses,
              overloaded: api.overloaded,
              peakInFlight: api.peakInFlight,
            },
      gateway: gatewayStats,
      proc,
      apiCallsPer100Ops:
        system === 'c'
          ? NaN
          : spec.workload === 'read'
            ? (100 * reads) / Math.max(1, t.responses)
            : api.customers > 0
              ? (100 * api.calls) / api.customers
              : NaN,
      byTag: load.byTag,
      sandbox: sandboxAtEnd.process,
      loadGeneratorCpuPercent: load.loadGeneratorCpuPercent,
      machineBusyPercent: load.machineBusyPercent,
    };
  } finally {
    await gateway?.stop();
    await peer?.stop();
  }
}

function progressLine(m: Measurement): string {
  const e = m.errors;
  const api =
    m.upstream === null
      ? 'no API'
      : `${(m.apiCallsPer100Ops ?? m.upstream.callsPer100Customers).toFixed(1)} API calls/100 ops`;
  const tags = Object.entries(m.byTag ?? {})
    .map(
      ([tag, part]) =>
        `; ${tag}: p50 ${part.latencyMs.p50.toFixed(1)} ms, p99 ${part.latencyMs.p99.toFixed(1)} ms, ${part.tally.responses - part.tally.okResponses} failed of ${part.tally.responses}`,
    )
    .join('');
  const gw =
    m.gateway === null
      ? ''
      : `, gateway ${m.gateway.cpuPercent.toFixed(0)} % CPU, ${gatewayPeakRssMb(m).toFixed(0)} MB`;
  return (
    `  ${SYSTEMS[m.system].label.padEnd(18)} ${m.customersPerS.toFixed(0).padStart(6)} ops/s, ` +
    `p50 ${m.latencyMs.p50.toFixed(1)} ms, p99 ${m.latencyMs.p99.toFixed(1)} ms, ${api}${gw}, ` +
    `errors ${e.total} (non-2xx ${e.non2xx}, GraphQL ${e.graphqlErrors}, not success ${e.notSuccess}, socket ${e.socketErrors})${tags}`
  );
}

function commandLine(options: Options): string {
  const env = [
    'BENCH_DURATION_S',
    'BENCH_WARMUP_S',
    'BENCH_PROFILE',
    'BENCH_NODE_ENV',
    'BENCH_GATEWAY_NODE_ARGS',
    'BENCH_BATCH_WINDOW_MS',
  ]
    .filter((name) => process.env[name] !== undefined && process.env[name] !== '')
    .map((name) => {
      const value = process.env[name] as string;
      return `${name}=${/\s/.test(value) ? `'${value}'` : value}`;
    });
  return [
    ...env,
    'npm run bench',
    ...(options.args.length > 0 ? ['--', ...options.args] : []),
  ].join(' ');
}

/**
 * Summarises every .cpuprofile of a profiled run into profile-<stamp>-summary.md and
 * profile-latest.md, and replaces the Profile section of BENCHMARKS.md. Returns the files.
 */
async function writeProfileReport(run: RunRecord, profileDir: string): Promise<string[]> {
  const { meta, measurements } = run;
  const parts = [
    `### Profile of ${meta.startedAt}`,
    '',
    `Command: \`${meta.command}\` (${meta.machine.nproc} × ${meta.machine.cpuModel}, Node ${meta.machine.node}). ` +
      `V8's CPU profiler (as \`node --cpu-prof\`, 1 ms sampling) ran in the gateway process over the ` +
      `${meta.settings.durationS} s measured window only (start-up and the ${meta.settings.warmupS} s warm-up excluded).`,
    '',
    ...measurements.map(
      (m) => `- ${m.scenario} ${SYSTEMS[m.system].label}: ${progressLine(m).trim()}`,
    ),
    '',
  ];
  for (const file of readdirSync(profileDir)
    .filter((name) => name.endsWith('.cpuprofile'))
    .sort()) {
    parts.push(summaryMarkdown(file, summarizeFile(path.join(profileDir, file), 20), 20));
  }
  const latest = path.join(RESULTS_DIR, 'profile-latest.md');
  const profileMd = await formatMarkdown(parts.join('\n'), latest);
  const summaryFile = path.join(RESULTS_DIR, `profile-${path.basename(profileDir)}-summary.md`);
  writeFileSync(summaryFile, profileMd);
  writeFileSync(latest, profileMd);
  // BENCHMARKS.md links profile-latest.md rather than holding a copy of it.
  console.log(profileMd);
  return [summaryFile, latest];
}

/**
 * Evaluates the targets of a stored run again and rewrites its markdown (and, for a complete
 * run, latest.* and BENCHMARKS.md): for a change to the report, not to the numbers.
 */
async function render(file: string): Promise<void> {
  const stored = JSON.parse(readFileSync(file, 'utf8')) as RunRecord;
  const targets = allTargets(stored.measurements, {
    upstreamLatencyMs: stored.meta.settings.sandboxLatencyMs,
    batchWindowMs: stored.meta.settings.batchWindowMs,
    cores: stored.meta.machine.nproc,
  });
  const run: RunRecord = { ...stored, targets };
  const s = run.meta.settings;
  const complete = isReferenceRun(run);
  const prefix = s.profile ? 'profile-' : complete ? '' : 'partial-';
  const { markdown, files } = await writeRun(run, RESULTS_DIR, prefix, complete);
  if (complete && (await embedInBenchmarks(BENCHMARKS_FILE, 'latest', markdown))) {
    files.push(BENCHMARKS_FILE);
  }
  const profileDir = path.join(RESULTS_DIR, 'profiles', stamp(new Date(run.meta.startedAt)));
  if (s.profile && existsSync(profileDir))
    files.push(...(await writeProfileReport(run, profileDir)));
  for (const line of targetLines(targets)) console.log(`  ${line}`);
  console.log(`Written: ${files.map((f) => path.relative(ROOT, f)).join(', ')}`);
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv, process.env);
  if (options.render !== null) return render(options.render);
  // The gateway's own defaults, unless BENCH_BATCH_WINDOW_MS tries another window.
  const defaults = loadConfig(
    process.env.BENCH_BATCH_WINDOW_MS === undefined
      ? {}
      : { BATCH_WINDOW_MS: process.env.BENCH_BATCH_WINDOW_MS },
  );
  const startedAt = new Date();
  const cpus = os.cpus();
  const meta: RunMeta = {
    startedAt: startedAt.toISOString(),
    command: commandLine(options),
    machine: {
      nproc: cpus.length,
      cpuModel: cpus[0]?.model.trim() ?? 'unknown',
      totalMemoryGb: os.totalmem() / 1024 ** 3,
      platform: `${os.type()} ${os.release()} ${os.arch()}`,
      node: process.version,
      loadAverageAtStart: os.loadavg(),
    },
    git: gitInfo(),
    settings: {
      durationS: options.durationS,
      warmupS: options.warmupS,
      sandboxLatencyMs: SANDBOX_LATENCY_MS,
      sandboxMaxConcurrent: SANDBOX_MAX_CONCURRENT,
      upstreamMaxConnections: UPSTREAM_MAX_CONNECTIONS,
      upstreamBatchSize: defaults.upstreamBatchSize,
      batchWindowMs: defaults.batchWindowMs,
      logLevel: LOG_LEVEL,
      nodeEnv: NODE_ENV,
      gatewayNodeArgs: GATEWAY_NODE_ARGS,
      gatewayNodeArgsOverridden: GATEWAY_NODE_ARGS_OVERRIDDEN,
      batchWindowOverridden: process.env.BENCH_BATCH_WINDOW_MS !== undefined,
      quick: options.quick,
      only: options.only,
      profile: options.profile,
      peer: options.peer,
    },
  };
  console.log(`bench: ${meta.command}`);
  console.log(
    `  ${meta.machine.nproc} × ${meta.machine.cpuModel}, Node ${meta.machine.node}, load average ${meta.machine.loadAverageAtStart.map((x) => x.toFixed(2)).join(' ')}`,
  );

  if (options.peer) ensurePeerInstalled();
  const profileDir = options.profile ? path.join(RESULTS_DIR, 'profiles', stamp(startedAt)) : null;
  if (profileDir !== null) mkdirSync(profileDir, { recursive: true });

  const sandbox = await ChildHandle.start(SANDBOX_SCRIPT, {
    ...baseEnv(),
    BENCH_SANDBOX_LATENCY_MS: String(SANDBOX_LATENCY_MS),
    BENCH_SANDBOX_MAX_CONCURRENT: String(SANDBOX_MAX_CONCURRENT),
  });
  const receiver = await startOtlpReceiver({ keep: false });
  let peerSupergraph: string | null = null;
  if (options.peer) {
    peerSupergraph = path.join(os.tmpdir(), `bench-peer-supergraph-${process.pid}.graphql`);
    composeSupergraph(sandbox.url, peerSupergraph);
  }
  const runner: Runner = {
    receiver,
    peerSupergraph,
    options,
    sandbox,
    rotation: new CustomerRotation(demoCustomers('demo').map((c) => c.id)),
    gatewayDefaults: { batchSize: defaults.upstreamBatchSize, windowMs: defaults.batchWindowMs },
    profileDir,
    nodeEnv: NODE_ENV,
    gatewayNodeArgs: GATEWAY_NODE_ARGS,
  };
  const measurements: Measurement[] = [];
  try {
    for (const spec of allScenarios()) {
      const systems = spec.systems.filter((system) => selected(options, spec, system));
      if (systems.length === 0) continue;
      console.log(`${spec.title}`);
      for (const system of systems) {
        const m = await measure(runner, spec, system);
        measurements.push(m);
        console.log(progressLine(m));
      }
    }
  } finally {
    await sandbox.stop();
    await receiver.close();
    if (peerSupergraph !== null) rmSync(peerSupergraph, { force: true });
  }
  if (receiver.spanCount > 0)
    console.log(
      `  (the OTLP receiver took ${receiver.spanCount} spans in ${receiver.exports} exports)`,
    );

  const targets = allTargets(measurements, {
    upstreamLatencyMs: SANDBOX_LATENCY_MS,
    batchWindowMs: defaults.batchWindowMs,
    cores: meta.machine.nproc,
  });
  const run = { meta, measurements, targets };
  const complete = isReferenceRun(run);
  const prefix = options.profile ? 'profile-' : complete ? '' : 'partial-';
  const { markdown, files } = await writeRun(run, RESULTS_DIR, prefix, complete);
  if (complete && (await embedInBenchmarks(BENCHMARKS_FILE, 'latest', markdown))) {
    files.push(BENCHMARKS_FILE);
  }

  if (profileDir !== null) {
    files.push(...(await writeProfileReport(run, profileDir)));
  }

  console.log('\nTargets:');
  for (const line of targetLines(targets)) console.log(`  ${line}`);
  console.log(`\nWritten: ${files.map((f) => path.relative(ROOT, f)).join(', ')}`);
  if (!complete)
    console.log(
      '(not a reference run — partial, quick, shorter than 10 s, profiled or with an experiment knob: ' +
        'latest.* and the results section of BENCHMARKS.md left as they were)',
    );
  if (options.strict && targets.some((t) => t.pass === false)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error('bench failed:', error);
  process.exit(1);
});

/** The node flags `npm start` runs the gateway with (package.json `config.nodeFlags`). */
function shippedNodeFlags(): string {
  const manifest = JSON.parse(
    readFileSync(path.resolve(__dirname, '..', '..', 'package.json'), 'utf8'),
  ) as { config?: { nodeFlags?: unknown } };
  const flags = manifest.config?.nodeFlags;
  if (typeof flags !== 'string') throw new Error('package.json has no config.nodeFlags');
  return flags;
}

function words(text: string): string[] {
  return text.split(/\s+/).filter(Boolean);
}
