/**
 * The sandbox (the emulated promotion API) as the benchmark runs it: its own process, so that
 * it neither competes with the load generator's event loop nor blurs the gateway's numbers.
 * Reads BENCH_SANDBOX_LATENCY_MS and BENCH_SANDBOX_MAX_CONCURRENT.
 *
 * The sandbox's own call log and ledger keep only a few entries (memory stays flat however
 * long the run); every call is counted here instead, as it settles.
 */
import { startSandbox } from '../src/sandbox';
import { SelfMeter, serveParent, type ChildMessage, type ProcessStats } from './ipc';

/** What the API saw since the last reset. */
export interface UpstreamCounters {
  /** enrolAndEarn calls that got an answer (or a reset / hang fault). */
  calls: number;
  /** Customers in those calls' bodies. */
  customers: number;
  /** Customers of calls answered 200 (every customer done). */
  customersInOkCalls: number;
  /** Calls by HTTP status ("none" when no status was sent). */
  statuses: Record<string, number>;
  /** 503s because more than maxConcurrent calls were in flight. */
  overloaded: number;
  /** Largest number of calls in flight at once. */
  peakInFlight: number;
  /** Calls received and not yet settled, now. */
  inFlight: number;
  /** ms since the last call was received or settled (since start when none yet). */
  idleMs: number;
}

export type SandboxReport = UpstreamCounters & { process: ProcessStats };

function positiveInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be an integer`);
  return value;
}

async function main(): Promise<void> {
  const latencyMs = positiveInteger('BENCH_SANDBOX_LATENCY_MS', 50);
  const maxConcurrent = positiveInteger('BENCH_SANDBOX_MAX_CONCURRENT', 16);
  const sandbox = await startSandbox({
    port: 0,
    faults: { latencyMs, maxConcurrent },
    // Counted below; the logs themselves only need to exist.
    maxCallLog: 100,
    maxLedgerEntries: 100,
  });
  const meter = new SelfMeter();

  let counters: UpstreamCounters;
  let lastActivity = 0;
  const fresh = (): UpstreamCounters => ({
    calls: 0,
    customers: 0,
    customersInOkCalls: 0,
    statuses: {},
    overloaded: 0,
    peakInFlight: 0,
    inFlight: 0,
    idleMs: 0,
  });
  counters = fresh();
  // Calls in flight are tracked across resets so that a reset never makes them negative.
  let inFlight = 0;

  sandbox.onCallReceived(() => {
    inFlight++;
    if (inFlight > counters.peakInFlight) counters.peakInFlight = inFlight;
    lastActivity = performance.now();
  });
  sandbox.onCallSettled((call) => {
    inFlight--;
    lastActivity = performance.now();
    counters.calls++;
    counters.customers += call.customers;
    if (call.status === 200) counters.customersInOkCalls += call.customers;
    const status = call.status === null ? 'none' : String(call.status);
    counters.statuses[status] = (counters.statuses[status] ?? 0) + 1;
    if (call.fault === 'overloaded') counters.overloaded++;
  });

  serveParent(
    (message) => {
      switch (message.type) {
        case 'sandbox-reset':
          sandbox.reset();
          counters = fresh();
          return null;
        case 'stats-reset':
          meter.reset();
          return null;
        case 'stats':
          return {
            ...counters,
            inFlight,
            idleMs: performance.now() - lastActivity,
            process: meter.read(),
          } satisfies SandboxReport;
        default:
          return { error: `unknown request ${message.type}` };
      }
    },
    async () => {
      meter.stop();
      await sandbox.close().catch(() => undefined);
      process.exit(0);
    },
  );
  process.send?.({ type: 'ready', url: sandbox.url } satisfies ChildMessage);
}

main().catch((error: unknown) => {
  process.send?.({ type: 'failed', message: String(error) } satisfies ChildMessage);
  console.error('bench sandbox: failed to start', error);
  process.exit(1);
});
