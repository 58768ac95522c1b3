/**
 * Reads a V8 `.cpuprofile` (what `node --cpu-prof` writes) and says where the time went:
 * top functions by self time, self time grouped by package (node_modules/<pkg>, node:
 * internals, our src/ files), and the inclusive time of our own src/ functions.
 *
 *   node dist/bench/profile-summary.js <file.cpuprofile> [topN]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface Row {
  name: string;
  /** Where: package, or src/ file and line. */
  where: string;
  ms: number;
  percent: number;
  /** For functions: the caller that accounts for most of this function's self time. */
  caller?: string;
}

/** A known hot spot, looked up in every profile so that runs can be compared line by line. */
export interface Hotspot {
  label: string;
  /** Substring of the frame's script URL. */
  url: string;
  /** Exact function name; any when absent. */
  functionName?: string;
  /** `inclusive`: every sample with such a frame on its stack; `self`: samples in it. */
  mode: 'inclusive' | 'self';
}

export const HOTSPOTS: readonly Hotspot[] = [
  { label: "Apollo's cache-control plugin", url: 'plugin/cacheControl/', mode: 'inclusive' },
  {
    label: "Apollo's per-field resolver wrapper (self time only)",
    url: 'utils/schemaInstrumentation',
    mode: 'self',
  },
  {
    label: 'Apollo hashing the query text',
    url: 'requestPipeline.js',
    functionName: 'computeQueryHash',
    mode: 'inclusive',
  },
  {
    label: 'graphql-js variable coercion',
    url: 'graphql/execution/values.js',
    functionName: 'getVariableValues',
    mode: 'inclusive',
  },
  { label: 'type-graphql argument conversion', url: 'resolvers/convert-args', mode: 'inclusive' },
  {
    label: 'fastify body parsing (secure-json-parse)',
    url: 'secure-json-parse/',
    mode: 'inclusive',
  },
  {
    label: 'request translation in @as-integrations/fastify (URL per request)',
    url: 'fastify-request-to-graphql-request',
    mode: 'inclusive',
  },
  {
    label: 'pino child logger per request',
    url: 'lib/logger-factory.js',
    functionName: 'createChildLogger',
    mode: 'inclusive',
  },
  {
    label: 'src routeOf (sha256 of the credentials)',
    url: 'src/datasources/batch-route',
    functionName: 'routeOf',
    mode: 'inclusive',
  },
  { label: 'src/http/guards', url: 'src/http/guards', mode: 'inclusive' },
  { label: 'src/http/body-budget', url: 'src/http/body-budget', mode: 'inclusive' },
  { label: 'src/http/document-nesting', url: 'src/http/document-nesting', mode: 'inclusive' },
  {
    label: 'src/observability/mutation-log',
    url: 'src/observability/mutation-log',
    mode: 'inclusive',
  },
  { label: 'src/promotion/validate-input', url: 'src/promotion/validate-input', mode: 'inclusive' },
  { label: 'src/resolvers/*.presenter (payload shaping)', url: '.presenter', mode: 'inclusive' },
  {
    label: 'src REST client parsing answers (parseBody)',
    url: 'src/datasources/attempt-verdict',
    functionName: 'parseBody',
    mode: 'inclusive',
  },
  { label: 'undici (HTTP client to the API)', url: 'node_modules/undici/', mode: 'inclusive' },
];

export interface ProfileSummary {
  /** Wall time the profile covers, ms. */
  totalMs: number;
  /** Time the JS thread was idle (waiting in the event loop), ms. */
  idleMs: number;
  /** Time in garbage collection, ms. */
  gcMs: number;
  topSelf: Row[];
  byPackage: Row[];
  /** Each sample counted once per package on its stack. */
  packageInclusive: Row[];
  srcInclusive: Row[];
  /** HOTSPOTS, in their order. */
  hotspots: Row[];
}

const SPECIAL = new Set(['(root)', '(program)', '(idle)', '(garbage collector)']);

/** node_modules/<pkg> (with scope), `node:internal`, `src/<file>`, `bench/<file>`, or a special node. */
export function packageOf(frame: CallFrame): string {
  if (SPECIAL.has(frame.functionName) && frame.url === '') return frame.functionName;
  const url = frame.url.replace(/^file:\/\//, '');
  if (url === '') return '(native / V8 builtins)';
  if (url.startsWith('node:')) return url;
  if (url.startsWith('wasm://')) return 'wasm (undici llhttp parser)';
  const marker = url.lastIndexOf('node_modules/');
  if (marker !== -1) {
    const parts = url.slice(marker + 'node_modules/'.length).split('/');
    return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1] ?? ''}` : (parts[0] ?? url);
  }
  for (const root of ['/src/', '/bench/']) {
    const at = url.lastIndexOf(root);
    if (at !== -1) return url.slice(at + 1).replace(/\.js$/, '');
  }
  return path.basename(url);
}

function whereOf(frame: CallFrame): string {
  const pkg = packageOf(frame);
  if (pkg.startsWith('src/') || pkg.startsWith('bench/')) return `${pkg}:${frame.lineNumber + 1}`;
  if (frame.url !== '' && !frame.url.startsWith('node:')) {
    const marker = frame.url.lastIndexOf('node_modules/');
    const rel = marker !== -1 ? frame.url.slice(marker + 'node_modules/'.length) : frame.url;
    return `${rel.replace(/^file:\/\//, '')}:${frame.lineNumber + 1}`;
  }
  return frame.url === '' ? pkg : `${frame.url}:${frame.lineNumber + 1}`;
}

function nameOf(frame: CallFrame): string {
  return frame.functionName === '' ? '(anonymous)' : frame.functionName;
}

export function summarize(profile: CpuProfile, topN = 25): ProfileSummary {
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  // Each sample's time is the delta to the next sample (V8's own attribution).
  const selfMs = new Map<number, number>();
  const count = profile.samples.length;
  for (let i = 0; i < count; i++) {
    const id = profile.samples[i] as number;
    const next = i + 1 < count ? (profile.timeDeltas[i + 1] as number) : 0;
    selfMs.set(id, (selfMs.get(id) ?? 0) + Math.max(0, next) / 1000);
  }
  const totalMs = (profile.endTime - profile.startTime) / 1000;

  const keyOf = (frame: CallFrame): string =>
    `${nameOf(frame)}|${frame.url}|${frame.lineNumber}|${frame.columnNumber}`;
  const fnSelf = new Map<string, { frame: CallFrame; ms: number; callers: Map<string, number> }>();
  const pkgSelf = new Map<string, number>();
  let idleMs = 0;
  let gcMs = 0;
  for (const [id, ms] of selfMs) {
    const frame = (byId.get(id) as ProfileNode).callFrame;
    if (frame.functionName === '(idle)') idleMs += ms;
    if (frame.functionName === '(garbage collector)') gcMs += ms;
    const key = keyOf(frame);
    const entry = fnSelf.get(key) ?? { frame, ms: 0, callers: new Map<string, number>() };
    entry.ms += ms;
    const parentId = parent.get(id);
    if (parentId !== undefined) {
      const caller = (byId.get(parentId) as ProfileNode).callFrame;
      const label = `${nameOf(caller)} (${whereOf(caller)})`;
      entry.callers.set(label, (entry.callers.get(label) ?? 0) + ms);
    }
    fnSelf.set(key, entry);
    const pkg = packageOf(frame);
    pkgSelf.set(pkg, (pkgSelf.get(pkg) ?? 0) + ms);
  }

  // Inclusive time: each sample counts once per src/ function, and once per package, on its stack.
  const srcInclusive = new Map<string, { frame: CallFrame; ms: number }>();
  const pkgInclusive = new Map<string, number>();
  for (const [id, ms] of selfMs) {
    const functions = new Set<string>();
    const packages = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = (byId.get(at) as ProfileNode).callFrame;
      const pkg = packageOf(frame);
      if (SPECIAL.has(pkg)) continue;
      packages.add(pkg);
      if (pkg.startsWith('src/')) {
        const key = keyOf(frame);
        if (!srcInclusive.has(key)) srcInclusive.set(key, { frame, ms: 0 });
        functions.add(key);
      }
    }
    for (const key of functions) (srcInclusive.get(key) as { ms: number }).ms += ms;
    for (const pkg of packages) pkgInclusive.set(pkg, (pkgInclusive.get(pkg) ?? 0) + ms);
  }

  const matches = (frame: CallFrame, spot: Hotspot): boolean =>
    frame.url.includes(spot.url) &&
    (spot.functionName === undefined || frame.functionName === spot.functionName);
  const hotspotMs = HOTSPOTS.map(() => 0);
  for (const [id, ms] of selfMs) {
    HOTSPOTS.forEach((spot, index) => {
      if (spot.mode === 'self') {
        if (matches((byId.get(id) as ProfileNode).callFrame, spot)) hotspotMs[index]! += ms;
        return;
      }
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
        if (matches((byId.get(at) as ProfileNode).callFrame, spot)) {
          hotspotMs[index]! += ms;
          return;
        }
      }
    });
  }

  const busyMs = Math.max(1e-9, totalMs - idleMs);
  const row = (name: string, where: string, ms: number): Row => ({
    name,
    where,
    ms,
    percent: (ms / busyMs) * 100,
  });
  return {
    totalMs,
    idleMs,
    gcMs,
    topSelf: [...fnSelf.values()]
      .filter((e) => e.frame.functionName !== '(idle)')
      .sort((a, b) => b.ms - a.ms)
      .slice(0, topN)
      .map((e) => {
        const top = [...e.callers.entries()].sort((a, b) => b[1] - a[1])[0];
        return {
          ...row(nameOf(e.frame), whereOf(e.frame), e.ms),
          ...(top === undefined ? {} : { caller: top[0] }),
        };
      }),
    byPackage: [...pkgSelf.entries()]
      .filter(([pkg]) => pkg !== '(idle)')
      .sort((a, b) => b[1] - a[1])
      .slice(0, topN)
      .map(([pkg, ms]) => row(pkg, '', ms)),
    packageInclusive: [...pkgInclusive.entries()]
      .filter(
        ([pkg]) =>
          !pkg.startsWith('src/') && !pkg.startsWith('node:') && pkg !== '(native / V8 builtins)',
      )
      .sort((a, b) => b[1] - a[1])
      .slice(0, topN)
      .map(([pkg, ms]) => row(pkg, '', ms)),
    hotspots: HOTSPOTS.map((spot, index) => row(spot.label, spot.mode, hotspotMs[index] as number)),
    srcInclusive: [...srcInclusive.values()]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, topN)
      .map((e) => row(nameOf(e.frame), whereOf(e.frame), e.ms)),
  };
}

const fmt = (value: number, digits = 1): string => value.toFixed(digits);

/** The summary as markdown (percentages are of the non-idle time). */
export function summaryMarkdown(title: string, summary: ProfileSummary, topN = 25): string {
  const busy = summary.totalMs - summary.idleMs;
  const lines = [
    `#### ${title}`,
    '',
    `Profile covers ${fmt(summary.totalMs / 1000, 1)} s of wall time: ${fmt(busy / 1000, 1)} s on the JS thread ` +
      `(${fmt((busy / summary.totalMs) * 100, 0)} %), ${fmt(summary.idleMs / 1000, 1)} s idle; ` +
      `garbage collection ${fmt((summary.gcMs / Math.max(1e-9, busy)) * 100, 1)} % of busy time. ` +
      'Percentages below are of busy (non-idle) time.',
    '',
    'Known hot spots (the same list in every profile; inclusive = everything under it):',
    '',
    '| hot spot | time | ms | % busy |',
    '| --- | --- | ---: | ---: |',
    ...summary.hotspots.map(
      (r) => `| ${r.name} | ${r.where} | ${fmt(r.ms, 0)} | ${fmt(r.percent)} |`,
    ),
    '',
    `Self time by package / file (top ${Math.min(topN, summary.byPackage.length)}):`,
    '',
    '| package / file | self ms | % busy |',
    '| --- | ---: | ---: |',
    ...summary.byPackage.map((r) => `| ${r.name} | ${fmt(r.ms, 0)} | ${fmt(r.percent)} |`),
    '',
    `Packages, inclusive time (everything that ran under them, callees in other packages included):`,
    '',
    '| package | inclusive ms | % busy |',
    '| --- | ---: | ---: |',
    ...summary.packageInclusive.map((r) => `| ${r.name} | ${fmt(r.ms, 0)} | ${fmt(r.percent)} |`),
    '',
    `Top ${summary.topSelf.length} functions by self time:`,
    '',
    '| function | where | self ms | % busy | main caller |',
    '| --- | --- | ---: | ---: | --- |',
    ...summary.topSelf.map(
      (r) =>
        `| \`${r.name}\` | ${r.where} | ${fmt(r.ms, 0)} | ${fmt(r.percent)} | ${r.caller ?? ''} |`,
    ),
    '',
    `Our code (src/), inclusive time (top ${summary.srcInclusive.length}):`,
    '',
    '| function | where | inclusive ms | % busy |',
    '| --- | --- | ---: | ---: |',
    ...summary.srcInclusive.map(
      (r) => `| \`${r.name}\` | ${r.where} | ${fmt(r.ms, 0)} | ${fmt(r.percent)} |`,
    ),
    '',
  ];
  return lines.join('\n');
}

export function summarizeFile(file: string, topN = 25): ProfileSummary {
  return summarize(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, topN);
}

if (require.main === module) {
  const [file, top] = process.argv.slice(2);
  if (file === undefined) {
    console.error('usage: node dist/bench/profile-summary.js <file.cpuprofile> [topN]');
    process.exit(2);
  }
  const topN = top === undefined ? 25 : Number(top);
  console.log(summaryMarkdown(path.basename(file), summarizeFile(file, topN), topN));
}
