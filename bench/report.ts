/**
 * Writes one run: a timestamped JSON and markdown file under bench/results/, `latest.*`
 * for a complete run, and the generated sections of BENCHMARKS.md. Markdown is formatted with
 * the repository's prettier settings so that `prettier --check` stays green.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as prettier from 'prettier';
import {
  SYSTEMS,
  allScenarios,
  customersPerGatewayCpuSecond,
  gatewayPeakRssMb,
  procCpuSecondsPer1000,
  type Measurement,
  type ScenarioGroup,
  type TargetResult,
} from './scenarios';

export interface RunMeta {
  startedAt: string;
  command: string;
  machine: {
    nproc: number;
    cpuModel: string;
    totalMemoryGb: number;
    platform: string;
    node: string;
    loadAverageAtStart: number[];
  };
  git: { commit: string; dirty: boolean } | null;
  settings: {
    durationS: number;
    warmupS: number;
    sandboxLatencyMs: number;
    sandboxMaxConcurrent: number;
    upstreamMaxConnections: number;
    upstreamBatchSize: number;
    batchWindowMs: number;
    logLevel: string;
    nodeEnv: string;
    /** Node flags of the gateway processes: `npm start`'s, or BENCH_GATEWAY_NODE_ARGS. */
    gatewayNodeArgs: string[];
    /** BENCH_GATEWAY_NODE_ARGS replaced the flags `npm start` runs the gateway with. */
    gatewayNodeArgsOverridden?: boolean;
    /** BENCH_BATCH_WINDOW_MS replaced the gateway's default window. */
    batchWindowOverridden: boolean;
    quick: boolean;
    only: string[] | null;
    profile: boolean;
    /** Baseline (d), the peer, was run (`--peer`). */
    peer?: boolean;
  };
}

export interface RunRecord {
  meta: RunMeta;
  measurements: Measurement[];
  targets: TargetResult[];
}

const f0 = (n: number): string => (Number.isFinite(n) ? n.toFixed(0) : 'n/a');
const f1 = (n: number): string => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');

const GROUP_TITLES: Record<ScenarioGroup, string> = {
  S1: 'S1 — C concurrent clients, each sending single-customer mutations',
  S2: 'S2 — one mutation of 1,000 customers, repeated (closed loop, 1 client)',
  S3: 'S3 — batched HTTP requests of 50 single-customer operations',
  S4: 'S4 — a hot customer: C = 200, every 10th client sending the same customer',
  S5: 'S5 — reads: customerPromotions at C = 200, distinct customers and one hot customer',
};

function errorsCell(m: Measurement): string {
  const e = m.errors;
  return `${e.non2xx} / ${e.graphqlErrors} / ${e.notSuccess} / ${e.socketErrors}`;
}

function resultTable(rows: Measurement[], withClients: boolean): string[] {
  const head = [
    ...(withClients ? ['C'] : []),
    'system',
    'customers/s',
    'p50 ms',
    'p99 ms',
    'API calls / 100 customers',
    'gateway CPU % of a core',
    'gateway peak RSS MB',
    'errors: non-2xx / GraphQL / not success / socket',
  ];
  const lines = [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`];
  for (const m of rows) {
    const cells = [
      ...(withClients ? [String(m.clients)] : []),
      SYSTEMS[m.system].label,
      f0(m.customersPerS),
      f1(m.latencyMs.p50),
      f1(m.latencyMs.p99),
      m.upstream === null ? '— (no API)' : f1(m.upstream.callsPer100Customers),
      m.gateway === null ? '— (no gateway)' : f0(m.gateway.cpuPercent),
      m.gateway === null ? '—' : f0(gatewayPeakRssMb(m)),
      errorsCell(m),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines;
}

function resourceTable(rows: Measurement[]): string[] {
  const head = [
    'scenario',
    'system',
    'connections (answered in window)',
    'responses',
    'customers per gateway CPU-second',
    'gateway heap used / reserved MB (peak)',
    'gateway event loop busy %',
    'load generator CPU %',
    'sandbox CPU %',
    'machine busy %',
    'API customers/call',
    'API calls in flight (peak)',
    'API 503s',
    'responses checked in full (failed)',
  ];
  const lines = [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`];
  for (const m of rows) {
    lines.push(
      `| ${[
        m.scenario,
        SYSTEMS[m.system].label,
        `${m.connections} (${m.activeConnections})`,
        String(m.responses),
        m.gateway === null ? '—' : f0(customersPerGatewayCpuSecond(m)),
        m.gateway === null
          ? '—'
          : `${f0(m.gateway.peakHeapUsedMb)} / ${f0(m.gateway.peakHeapTotalMb)}`,
        m.gateway === null ? '—' : f0(m.gateway.eventLoopUtilization * 100),
        f0(m.loadGeneratorCpuPercent),
        f0(m.sandbox.cpuPercent),
        f0(m.machineBusyPercent),
        m.upstream === null ? '—' : f1(m.upstream.customersPerCall),
        m.upstream === null ? '—' : String(m.upstream.peakInFlight),
        m.upstream === null ? '—' : String(m.upstream.overloaded),
        `${m.errors.deepChecked} (${m.errors.deepFailures})`,
      ].join(' | ')} |`,
    );
  }
  return lines;
}

/** Scenarios whose figures issue 18 asks for, per gateway: ops are mutations or queries. */
const FIGURE_SCENARIOS = new Set([
  'S1-C20',
  'S1-C200',
  'S4',
  'S5-distinct',
  'S5-hot',
  'S5-distinct-C20',
]);

/** Issue 18's figures: the same columns for our gateway and the peer, from the same meters. */
function figuresTable(rows: Measurement[]): string[] {
  const head = [
    'scenario',
    'system',
    'ops/s',
    'p50 / p99 ms',
    'API calls / 100 ops',
    'gateway CPU s / 1,000 ops',
    'gateway peak RSS MB',
    'failed',
  ];
  const lines = [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`];
  const cpu = (m: Measurement) => (m.proc == null ? '—' : procCpuSecondsPer1000(m).toFixed(3));
  const rss = (m: Measurement) => (m.proc == null ? '—' : f0(m.proc.hwmRssMb));
  for (const m of rows.filter((x) => FIGURE_SCENARIOS.has(x.scenario))) {
    lines.push(
      `| ${[
        m.scenario,
        SYSTEMS[m.system].label,
        f0(m.customersPerS),
        `${f1(m.latencyMs.p50)} / ${f1(m.latencyMs.p99)}`,
        f1(m.apiCallsPer100Ops ?? NaN),
        cpu(m),
        rss(m),
        String(m.errors.total),
      ].join(' | ')} |`,
    );
    for (const [tag, part] of Object.entries(m.byTag ?? {}).sort()) {
      lines.push(
        `| ${[
          `${m.scenario} (${tag})`,
          SYSTEMS[m.system].label,
          f0(part.tally.okResponses / m.durationS),
          `${f1(part.latencyMs.p50)} / ${f1(part.latencyMs.p99)}`,
          '',
          '',
          '',
          String(part.tally.responses - part.tally.okResponses),
        ].join(' | ')} |`,
      );
    }
  }
  return lines;
}

export function targetLines(targets: TargetResult[]): string[] {
  return targets.map((t) => {
    const verdict = t.pass === null ? 'N/A ' : t.pass ? 'PASS' : 'FAIL';
    const limit = t.limitedBy === null ? '' : ` — limited by: ${t.limitedBy}`;
    return `${verdict} ${t.description}: ${t.measured}${limit}`;
  });
}

/** The run as markdown (headings start at level 3 so that it can be embedded). */
export function runMarkdown(run: RunRecord): string {
  const { meta } = run;
  const s = meta.settings;
  const m = meta.machine;
  const lines: string[] = [
    `### Run of ${meta.startedAt}`,
    '',
    `Command: \`${meta.command}\`. Machine: ${m.nproc} × ${m.cpuModel}, ${f1(m.totalMemoryGb)} GB, ` +
      `${m.platform}, Node ${m.node}; load average at start ${m.loadAverageAtStart.map((x) => x.toFixed(2)).join(' / ')}` +
      `${meta.git === null ? '' : `; git ${meta.git.commit.slice(0, 12)}${meta.git.dirty ? ' (uncommitted changes)' : ''}`}.`,
    '',
    `Settings: sandbox latency ${s.sandboxLatencyMs} ms and maxConcurrent ${s.sandboxMaxConcurrent}; ` +
      `UPSTREAM_MAX_CONNECTIONS=${s.upstreamMaxConnections}; gateway UPSTREAM_BATCH_SIZE=${s.upstreamBatchSize}, ` +
      `BATCH_WINDOW_MS=${s.batchWindowMs}; LOG_LEVEL=${s.logLevel}; NODE_ENV=${s.nodeEnv}; ${s.gatewayNodeArgs.length > 0 ? `gateway node flags \`${s.gatewayNodeArgs.join(' ')}\`; ` : ''}${s.durationS} s measured after ${s.warmupS} s of warm-up, ` +
      'a fresh gateway process and a reset sandbox for every measurement.' +
      (s.quick ? ' **Quick smoke run: numbers are indicative only.**' : '') +
      (s.only === null ? '' : ` Only: ${s.only.join(', ')}.`) +
      (s.profile
        ? ' **Profiled run (V8 CPU profiler in the gateway): the gateway is slower than without it.**'
        : ''),
    '',
    '#### Targets',
    '',
    ...targetLines(run.targets).map(
      (line) => `- ${line.replace(/^(PASS|FAIL|N\/A) ?/, '**$1** ')}`,
    ),
    '',
  ];
  if (run.measurements.some((x) => FIGURE_SCENARIOS.has(x.scenario))) {
    lines.push(
      '#### Per gateway: S1 C=20 and C=200, S4, S5',
      '',
      'CPU and peak RSS (VmHWM) from /proc/<pid> of each gateway process, the same meter for both; ' +
        '"ops" are mutations (S1, S4) or queries (S5); a tagged row is one part of the clients.',
      '',
      ...figuresTable(run.measurements),
      '',
    );
  }
  for (const group of ['S1', 'S2', 'S3'] as const) {
    const rows = run.measurements.filter((x) => x.group === group);
    if (rows.length === 0) continue;
    lines.push(`#### ${GROUP_TITLES[group]}`, '', ...resultTable(rows, group === 'S1'), '');
  }
  lines.push(
    '#### Where the time and the resources went',
    '',
    'Gateway and sandbox figures are measured inside their own processes over the measured window; ' +
      '"machine busy" counts every core, other users of the machine included.',
    '',
    ...resourceTable(run.measurements),
    '',
    'Systems:',
    '',
    ...(Object.keys(SYSTEMS) as (keyof typeof SYSTEMS)[])
      .filter((id) => run.measurements.some((x) => x.system === id))
      .map((id) => `- **${SYSTEMS[id].label}**: ${SYSTEMS[id].description}.`),
    '',
  );
  const examples = run.measurements.flatMap((x) =>
    x.errors.examples.map(
      (e) => `- ${x.scenario} ${SYSTEMS[x.system].label}: \`${e.replace(/`/g, "'")}\``,
    ),
  );
  if (examples.length > 0) lines.push('First failing responses:', '', ...examples, '');
  return lines.join('\n');
}

export async function formatMarkdown(markdown: string, file: string): Promise<string> {
  const options = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(markdown, { ...options, parser: 'markdown' });
}

/** Replaces what is between `<!-- bench:NAME:start -->` and `<!-- bench:NAME:end -->`. */
export function replaceSection(document: string, name: string, content: string): string | null {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const from = document.indexOf(start);
  const to = document.indexOf(end);
  if (from === -1 || to === -1 || to < from) return null;
  return `${document.slice(0, from + start.length)}\n\n${content.trim()}\n\n${document.slice(to)}`;
}

export async function embedInBenchmarks(
  benchmarksFile: string,
  name: string,
  content: string,
): Promise<boolean> {
  if (!existsSync(benchmarksFile)) return false;
  const replaced = replaceSection(readFileSync(benchmarksFile, 'utf8'), name, content);
  if (replaced === null) return false;
  writeFileSync(benchmarksFile, await formatMarkdown(replaced, benchmarksFile));
  return true;
}

export function stamp(date: Date): string {
  return date.toISOString().replace(/[:]/g, '-').replace(/\..*$/, 'Z');
}

/** Writes `<prefix><stamp>.json/.md`, and `latest.*` when `latest` is set. Returns the markdown. */
export async function writeRun(
  run: RunRecord,
  resultsDir: string,
  prefix: string,
  latest: boolean,
): Promise<{ markdown: string; files: string[] }> {
  mkdirSync(resultsDir, { recursive: true });
  const base = path.join(resultsDir, `${prefix}${stamp(new Date(run.meta.startedAt))}`);
  const markdown = await formatMarkdown(runMarkdown(run), `${base}.md`);
  const json = `${JSON.stringify(run, null, 2)}\n`;
  const files = [`${base}.json`, `${base}.md`];
  writeFileSync(`${base}.json`, json);
  writeFileSync(`${base}.md`, markdown);
  if (latest) {
    writeFileSync(path.join(resultsDir, 'latest.json'), json);
    writeFileSync(path.join(resultsDir, 'latest.md'), markdown);
    files.push(path.join(resultsDir, 'latest.json'), path.join(resultsDir, 'latest.md'));
  }
  return { markdown, files };
}

/**
 * A run that may replace latest.* and the results of BENCHMARKS.md: the whole matrix, at least
 * 10 s per measurement, not quick, not profiled, and none of the experiment knobs set.
 */
export function isReferenceRun(run: Pick<RunRecord, 'meta' | 'measurements'>): boolean {
  const s = run.meta.settings;
  return (
    isCompleteMatrix(run.measurements) &&
    !s.quick &&
    !s.profile &&
    s.durationS >= 10 &&
    // Runs stored before gatewayNodeArgsOverridden existed had flags only as an experiment.
    !(s.gatewayNodeArgsOverridden ?? (s.gatewayNodeArgs ?? []).length > 0) &&
    (s.nodeEnv ?? 'production') === 'production' &&
    !s.batchWindowOverridden
  );
}

/** True when every scenario × system of the matrix was measured. */
export function isCompleteMatrix(measurements: Measurement[]): boolean {
  return allScenarios().every((spec) =>
    spec.systems.every((system) =>
      measurements.some((m) => m.scenario === spec.id && m.system === system),
    ),
  );
}
