/**
 * The pure part of `npm run bench`: issue 18's targets judged from measurements, and the
 * /proc readers. No load is generated here; speed belongs in the bench itself.
 */
import type { LatencySummary, ResponseTally } from '../../bench/load';
import { cpuMsOf, hwmMbOf } from '../../bench/proc';
import type { Measurement, SystemId } from '../../bench/scenarios';
import { evaluateV2Targets } from '../../bench/targets-v2';

const ctx = { upstreamLatencyMs: 50, batchWindowMs: 5, cores: 2 };

function latency(p50: number, p99: number): LatencySummary {
  return { p50, p90: p99, p99, max: p99, mean: p50 };
}

function tally(responses: number, ok: number): ResponseTally {
  return {
    responses,
    okResponses: ok,
    customersOk: ok,
    non2xx: 0,
    graphqlErrors: 0,
    notSuccess: responses - ok,
    deepChecked: 0,
    deepFailures: 0,
    examples: [],
  };
}

/** A measurement of `ops` operations answered in 10 s, with the figures the targets read. */
function measured(
  scenario: string,
  system: SystemId,
  figures: { ops: number; p50: number; p99: number; cpuMs: number; rssMb: number; calls: number },
  byTag?: Measurement['byTag'],
): Measurement {
  const stats = {
    wallMs: 10_000,
    cpuMs: figures.cpuMs,
    cpuPercent: figures.cpuMs / 100,
    eventLoopUtilization: 0.5,
    peakRssMb: figures.rssMb,
    maxRssMb: figures.rssMb,
    peakHeapUsedMb: 50,
    peakHeapTotalMb: 60,
  };
  return {
    scenario,
    group: scenario.startsWith('S5') ? 'S5' : scenario === 'S4' ? 'S4' : 'S1',
    system,
    clients: 200,
    connections: 200,
    activeConnections: 200,
    connectPhaseS: 0.1,
    customersPerOperation: 1,
    operationsPerRequest: 1,
    durationS: 10,
    responses: figures.ops,
    customersOk: figures.ops,
    customersPerS: figures.ops / 10,
    latencyMs: latency(figures.p50, figures.p99),
    errors: {
      non2xx: 0,
      graphqlErrors: 0,
      notSuccess: 0,
      socketErrors: 0,
      timeouts: 0,
      total: 0,
      deepChecked: 0,
      deepFailures: 0,
      warmupFailures: 0,
      examples: [],
    },
    upstream: null,
    gateway: stats,
    proc: { wallMs: 10_000, cpuMs: figures.cpuMs, hwmRssMb: figures.rssMb },
    apiCallsPer100Ops: figures.calls,
    byTag,
    sandbox: stats,
    loadGeneratorCpuPercent: 10,
    machineBusyPercent: 50,
  };
}

const verdicts = (measurements: Measurement[]) =>
  Object.fromEntries(evaluateV2Targets(measurements, ctx).map((t) => [t.id, t.pass]));

describe("issue 18's targets", () => {
  const gateway = { ops: 30_000, p50: 60, p99: 100, cpuMs: 10_000, rssMb: 120, calls: 1.6 };
  const peer = { ops: 3_000, p50: 600, p99: 700, cpuMs: 9_000, rssMb: 400, calls: 100 };

  it('passes the S1 C=200 ratios against the peer when every one holds', () => {
    const v = verdicts([measured('S1-C200', 'gateway', gateway), measured('S1-C200', 'd', peer)]);
    // 10 × the throughput, 9 × the mutations per CPU-second, 0.3 of the RSS.
    expect(v).toMatchObject({
      'S1-C200/vs-d': true,
      'S1-C200/cpu-vs-d': true,
      'S1-C200/rss-vs-d': true,
    });
  });

  it('fails each S1 C=200 ratio on its own line', () => {
    const v = verdicts([
      measured('S1-C200', 'gateway', { ...gateway, ops: 11_000, cpuMs: 4_000, rssMb: 140 }),
      measured('S1-C200', 'd', peer),
    ]);
    // 3.7 × the throughput, 8.25 × per CPU-second, 0.35 of the RSS.
    expect(v).toMatchObject({
      'S1-C200/vs-d': false,
      'S1-C200/cpu-vs-d': true,
      'S1-C200/rss-vs-d': false,
    });
  });

  it('judges C=20 latency and API calls against the peer separately', () => {
    const v = verdicts([
      measured('S1-C20', 'gateway', { ...gateway, p50: 70, calls: 25 }),
      measured('S1-C20', 'd', { ...peer, p50: 60, calls: 100 }),
    ]);
    expect(v['S1-C20/p50-vs-d']).toBe(false);
    expect(v['S1-C20/calls-vs-d']).toBe(false);
  });

  it("compares S4's distinct clients with S1 C=200, whatever the hot ones wait", () => {
    const s4 = (distinctP99: number) =>
      measured('S4', 'gateway', gateway, {
        distinct: { tally: tally(900, 900), latencyMs: latency(60, distinctP99) },
        hot: { tally: tally(20, 20), latencyMs: latency(1500, 2500) },
      });
    const s1 = measured('S1-C200', 'gateway', gateway);
    expect(verdicts([s1, s4(120)])['S4/distinct-p99']).toBe(true);
    expect(verdicts([s1, s4(121)])['S4/distinct-p99']).toBe(false);
  });

  it('holds S5 to 80 % of C / 50 ms and the hot part to 20 × fewer API calls', () => {
    const v = verdicts([
      measured('S5-distinct', 'gateway', { ...gateway, ops: 32_100, calls: 100 }),
      measured('S5-hot', 'gateway', { ...gateway, ops: 31_999, calls: 5.1 }),
    ]);
    expect(v).toMatchObject({
      'S5-distinct/bound': true,
      'S5-hot/bound': false,
      'S5-hot/calls': false,
    });
  });

  it("holds S5 distinct's p50 to 2 ms over direct REST lookups at the same C", () => {
    const rest = measured('S5-distinct', 'restRead', { ...gateway, ops: 38_000, p50: 51.8 });
    const at = (p50: number) =>
      verdicts([measured('S5-distinct', 'gateway', { ...gateway, ops: 32_100, p50 }), rest])[
        'S5-distinct/p50-overhead'
      ];
    expect(at(53.8)).toBe(true);
    expect(at(53.9)).toBe(false);
  });

  it('says N/A, neither pass nor fail, for what the run did not measure', () => {
    const v = verdicts([measured('S1-C200', 'gateway', gateway)]);
    expect(v['S1-C200/vs-d']).toBeNull();
    expect(v['S5-hot/calls']).toBeNull();
  });
});

describe('the /proc readers', () => {
  it('reads utime + stime after a process name with spaces and parentheses', () => {
    // Fields 14 and 15 (utime 250, stime 50 ticks) of a real-shaped stat line.
    const stat = '4242 (node (x) y) S 1 4242 4242 0 -1 4194304 900 0 0 0 250 50 0 0 20 0 11 0';
    expect(cpuMsOf(stat, 100)).toBe(3000);
  });

  it('reads the RSS high-water mark in MB', () => {
    expect(hwmMbOf('Name:\tnode\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\n')).toBe(200);
    expect(hwmMbOf('Name:\tnode\n')).toBeNaN();
  });
});
