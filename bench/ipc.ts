/**
 * The small request/answer protocol between the benchmark (parent) and the processes it
 * measures (the gateway and the sandbox run as children, so that each one's CPU and
 * memory can be read on its own). Every message is one JSON object over Node's IPC channel.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';

/** What a child reports about itself since the last `stats-reset`. */
export interface ProcessStats {
  /** Wall time since the last reset, in ms. */
  wallMs: number;
  /** user + system CPU of the whole process (all threads) since the reset, in ms. */
  cpuMs: number;
  /** cpuMs / wallMs × 100: 100 = one core busy all the time. */
  cpuPercent: number;
  /** Event-loop utilisation since the reset (0..1): 1 = the JS thread never waited. */
  eventLoopUtilization: number;
  /** Highest RSS sampled (every 50 ms) since the reset, in MB. */
  peakRssMb: number;
  /** The kernel's high-water mark of RSS over the process's whole life, in MB. */
  maxRssMb: number;
  /** Highest V8 heap in use (live objects and not yet collected garbage) sampled since the reset, MB. */
  peakHeapUsedMb: number;
  /** Highest V8 heap reserved (heapTotal) sampled since the reset, MB. */
  peakHeapTotalMb: number;
}

export type ParentMessage =
  | { id: number; type: 'stats-reset' }
  | { id: number; type: 'stats' }
  | { id: number; type: 'sandbox-reset' }
  | { id: number; type: 'profile-start' }
  | { id: number; type: 'profile-stop'; file: string }
  | { id: number; type: 'shutdown' };

export type ChildMessage =
  | { type: 'ready'; url: string }
  | { type: 'failed'; message: string }
  | { id: number; type: 'reply'; payload: unknown };

/** Counts CPU, event-loop use and RSS of the current process between resets. */
export class SelfMeter {
  private startWall = performance.now();
  private startCpu = process.cpuUsage();
  private startElu: EventLoopUtilization = performance.eventLoopUtilization();
  private peakRss = 0;
  private peakHeapUsed = 0;
  private peakHeapTotal = 0;
  private readonly sampler: NodeJS.Timeout;

  constructor(sampleEveryMs = 50) {
    this.sample();
    this.sampler = setInterval(() => this.sample(), sampleEveryMs);
    this.sampler.unref();
  }

  reset(): void {
    this.startWall = performance.now();
    this.startCpu = process.cpuUsage();
    this.startElu = performance.eventLoopUtilization();
    this.peakRss = 0;
    this.peakHeapUsed = 0;
    this.peakHeapTotal = 0;
    this.sample();
  }

  private sample(): void {
    const { rss, heapUsed, heapTotal } = process.memoryUsage();
    if (rss > this.peakRss) this.peakRss = rss;
    if (heapUsed > this.peakHeapUsed) this.peakHeapUsed = heapUsed;
    if (heapTotal > this.peakHeapTotal) this.peakHeapTotal = heapTotal;
  }

  read(): ProcessStats {
    const wallMs = performance.now() - this.startWall;
    const cpu = process.cpuUsage(this.startCpu);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const elu = performance.eventLoopUtilization(this.startElu);
    this.sample();
    const mb = 1024 * 1024;
    return {
      wallMs,
      cpuMs,
      cpuPercent: wallMs > 0 ? (cpuMs / wallMs) * 100 : 0,
      eventLoopUtilization: elu.utilization,
      peakRssMb: this.peakRss / mb,
      // resourceUsage().maxRSS is in kilobytes.
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      peakHeapUsedMb: this.peakHeapUsed / mb,
      peakHeapTotalMb: this.peakHeapTotal / mb,
    };
  }

  stop(): void {
    clearInterval(this.sampler);
  }
}

/**
 * The child side: answers the parent's requests with `handle`, which returns the reply's
 * payload. `shutdown` is answered before `onShutdown` runs, so the parent can wait for exit.
 */
export function serveParent(
  handle: (message: ParentMessage) => Promise<unknown> | unknown,
  onShutdown: () => Promise<void>,
): void {
  process.on('message', (raw: ParentMessage) => {
    void (async () => {
      if (raw.type === 'shutdown') {
        process.send?.({ id: raw.id, type: 'reply', payload: null } satisfies ChildMessage);
        await onShutdown();
        return;
      }
      let payload: unknown;
      try {
        payload = await handle(raw);
      } catch (error) {
        payload = { error: String(error) };
      }
      process.send?.({ id: raw.id, type: 'reply', payload } satisfies ChildMessage);
    })();
  });
  // The parent went away (crash, Ctrl-C): never outlive it.
  process.on('disconnect', () => {
    void onShutdown();
  });
}

/**
 * What a child inherits from the benchmark's environment: enough to run Node, and nothing
 * that could configure the gateway or the sandbox behind the benchmark's back (a stray
 * REDIS_URL, MAX_BATCH_OPERATIONS or NODE_OPTIONS in the caller's shell).
 */
export function baseEnv(): Record<string, string> {
  const keep = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'NODE_EXTRA_CA_CERTS'];
  const env: Record<string, string> = {};
  for (const name of keep) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/** The parent side of one child process. */
export class ChildHandle {
  private nextId = 1;
  private readonly pending = new Map<number, (payload: unknown) => void>();
  private readonly exited: Promise<number | null>;

  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
  ) {
    child.on('message', (message: ChildMessage) => {
      if (message.type !== 'reply') return;
      const resolve = this.pending.get(message.id);
      this.pending.delete(message.id);
      resolve?.(message.payload);
    });
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /**
   * Forks `script` with exactly `env` (nothing inherited: see `baseEnv`) and waits for its
   * `ready` message (with the URL it serves).
   */
  static async start(
    script: string,
    env: Record<string, string>,
    execArgv: string[] = [],
    timeoutMs = 30_000,
  ): Promise<ChildHandle> {
    const child = fork(script, [], {
      env,
      execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${script} did not report ready within ${timeoutMs} ms`));
      }, timeoutMs);
      const onMessage = (message: ChildMessage): void => {
        if (message.type === 'ready') {
          clearTimeout(timer);
          child.off('message', onMessage);
          resolve(message.url);
        } else if (message.type === 'failed') {
          clearTimeout(timer);
          reject(new Error(`${script} failed to start: ${message.message}`));
        }
      };
      child.on('message', onMessage);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${script} exited with code ${code} before it was ready`));
      });
    });
    return new ChildHandle(child, url);
  }

  request<T>(type: Exclude<ParentMessage['type'], 'shutdown' | 'profile-stop'>): Promise<T> {
    return this.send<T>({ id: this.nextId++, type });
  }

  /** Stops the CPU profile started by `profile-start` and has the child write it to `file`. */
  stopProfile(file: string): Promise<unknown> {
    return this.send({ id: this.nextId++, type: 'profile-stop', file });
  }

  private send<T>(message: ParentMessage): Promise<T> {
    return new Promise<T>((resolve) => {
      this.pending.set(message.id, (payload) => resolve(payload as T));
      this.child.send(message);
    });
  }

  /** Asks the child to close and exit; kills it if it has not exited after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    if (this.child.exitCode !== null) return;
    const id = this.nextId++;
    this.child.send({ id, type: 'shutdown' } satisfies ParentMessage);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
