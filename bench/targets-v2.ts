/**
 * The targets of benchmarks v2 (issue 18), each a ratio within one run: against the peer (d)
 * in S1, the hot customer (S4) and the reads (S5). Pure: measurements in, verdicts out.
 */
import {
  evaluateTargets,
  gatewayPeakRssMb,
  opsPerProcCpuSecond,
  resourceLine,
  type Measurement,
  type SystemId,
  type TargetContext,
  type TargetResult,
  S5_CLIENTS,
} from './scenarios';

const f0 = (n: number): string => (Number.isFinite(n) ? n.toFixed(0) : 'n/a');
const f1 = (n: number): string => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
const f2 = (n: number): string => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');

/** Peak RSS from /proc (VmHWM), the one meter both gateways share; else the gateway's own. */
export function procPeakRssMb(m: Measurement): number {
  return m.proc?.hwmRssMb ?? gatewayPeakRssMb(m);
}

/** Every target of the run: issue 6's, then issue 18's. */
export function allTargets(measurements: Measurement[], ctx: TargetContext): TargetResult[] {
  return [...evaluateTargets(measurements, ctx), ...evaluateV2Targets(measurements, ctx)];
}

export function evaluateV2Targets(measurements: Measurement[], ctx: TargetContext): TargetResult[] {
  const find = (scenario: string, system: SystemId): Measurement | undefined =>
    measurements.find((m) => m.scenario === scenario && m.system === system);
  const out: TargetResult[] = [];
  /** Adds a target, or N/A when one of `needs` was not measured. */
  const target = (
    id: string,
    description: string,
    needs: (Measurement | undefined)[],
    judge: (...m: Measurement[]) => { pass: boolean; measured: string; why?: string },
  ): void => {
    if (needs.some((m) => m === undefined)) {
      out.push({
        id,
        description,
        pass: null,
        measured: 'not measured in this run',
        limitedBy: null,
      });
      return;
    }
    const ms = needs as Measurement[];
    const { pass, measured, why } = judge(...ms);
    const limitedBy = pass
      ? null
      : [why, ...ms.map((m) => `${m.system}: ${resourceLine(m, ctx.cores)}`)]
          .filter(Boolean)
          .join(' — ');
    out.push({ id, description, pass, measured, limitedBy });
  };

  const g200 = find('S1-C200', 'gateway');
  const d200 = find('S1-C200', 'd');
  target('S1-C200/vs-d', 'S1 C=200: mutations/s ≥ 4 × the peer (d)', [g200, d200], (g, d) => {
    const ratio = g.customersPerS / d.customersPerS;
    return {
      pass: ratio >= 4,
      measured: `${f0(g.customersPerS)} vs ${f0(d.customersPerS)} mutations/s = ${f2(ratio)} ×`,
    };
  });
  target(
    'S1-C200/cpu-vs-d',
    'S1 C=200: mutations per gateway CPU-second ≥ 5 × the peer (d)',
    [g200, d200],
    (g, d) => {
      const ratio = opsPerProcCpuSecond(g) / opsPerProcCpuSecond(d);
      return {
        pass: ratio >= 5,
        measured: `${f0(opsPerProcCpuSecond(g))} vs ${f0(opsPerProcCpuSecond(d))} mutations per CPU-second (/proc) = ${f2(ratio)} ×`,
      };
    },
  );
  target('S1-C200/rss-vs-d', 'S1 C=200: peak RSS ≤ ⅓ of the peer (d)', [g200, d200], (g, d) => {
    const share = procPeakRssMb(g) / procPeakRssMb(d);
    return {
      pass: share <= 1 / 3,
      measured: `${f0(procPeakRssMb(g))} vs ${f0(procPeakRssMb(d))} MB (VmHWM) = ${f2(share)}`,
    };
  });

  const g20 = find('S1-C20', 'gateway');
  const d20 = find('S1-C20', 'd');
  target('S1-C20/p50-vs-d', "S1 C=20: p50 ≤ 1.1 × the peer's", [g20, d20], (g, d) => {
    const ratio = g.latencyMs.p50 / d.latencyMs.p50;
    return {
      pass: ratio <= 1.1,
      measured: `p50 ${f1(g.latencyMs.p50)} vs ${f1(d.latencyMs.p50)} ms = ${f2(ratio)} ×`,
      why: `the gateway waits up to BATCH_WINDOW_MS = ${ctx.batchWindowMs} ms for company`,
    };
  });
  target('S1-C20/calls-vs-d', "S1 C=20: API calls ≤ ⅕ of the peer's", [g20, d20], (g, d) => {
    const gc = g.apiCallsPer100Ops ?? NaN;
    const dc = d.apiCallsPer100Ops ?? NaN;
    return {
      pass: gc <= dc / 5,
      measured: `${f1(gc)} vs ${f1(dc)} API calls per 100 mutations = ${f2(gc / dc)}`,
    };
  });

  const s4 = find('S4', 'gateway');
  target(
    'S4/distinct-p99',
    'S4: the distinct customers’ p99 ≤ 1.2 × the p99 of S1 C=200',
    [s4, g200],
    (hot, plain) => {
      const distinct = hot.byTag?.['distinct'];
      const hotPart = hot.byTag?.['hot'];
      const p99 = distinct?.latencyMs.p99 ?? NaN;
      const ratio = p99 / plain.latencyMs.p99;
      const failed =
        distinct === undefined ? NaN : distinct.tally.responses - distinct.tally.okResponses;
      return {
        pass: ratio <= 1.2 && failed === 0,
        measured:
          `p99 ${f1(p99)} vs ${f1(plain.latencyMs.p99)} ms = ${f2(ratio)} ×, ${f0(failed)} distinct failed; ` +
          `hot: ${hotPart?.tally.okResponses ?? 0} ok of ${hotPart?.tally.responses ?? 0}, p50 ${f1(hotPart?.latencyMs.p50 ?? NaN)} ms`,
      };
    },
  );

  const bound = S5_CLIENTS / (ctx.upstreamLatencyMs / 1000);
  for (const part of ['distinct', 'hot'] as const) {
    target(
      `S5-${part}/bound`,
      `S5 ${part}: queries/s ≥ 80 % of the closed-loop bound C / ${ctx.upstreamLatencyMs} ms = ${f0(bound)}/s`,
      [find(`S5-${part}`, 'gateway')],
      (g) => ({
        pass: g.customersPerS >= 0.8 * bound && g.errors.total === 0,
        measured: `${f0(g.customersPerS)} queries/s = ${f0((100 * g.customersPerS) / bound)} %, ${g.errors.total} errors`,
        why: `mean latency ${f1(g.latencyMs.mean)} ms vs the API's ${ctx.upstreamLatencyMs} ms`,
      }),
    );
  }
  target(
    'S5-distinct/p50-overhead',
    "S5 distinct: gateway p50 ≤ 2 ms over the API's own (direct REST lookups at the same C)",
    [find('S5-distinct', 'gateway'), find('S5-distinct', 'restRead')],
    (g, rest) => {
      const overhead = g.latencyMs.p50 - rest.latencyMs.p50;
      return {
        pass: overhead <= 2,
        measured: `p50 ${f1(g.latencyMs.p50)} vs ${f1(rest.latencyMs.p50)} ms = ${f1(overhead)} ms over`,
      };
    },
  );
  target(
    'S5-hot/calls',
    'S5 hot: ≥ 20 × fewer API calls than queries',
    [find('S5-hot', 'gateway')],
    (g) => {
      const fewer = 100 / (g.apiCallsPer100Ops ?? NaN);
      return {
        pass: fewer >= 20,
        measured: `${f1(g.apiCallsPer100Ops ?? NaN)} API calls per 100 queries = ${f1(fewer)} × fewer`,
      };
    },
  );
  return out;
}
