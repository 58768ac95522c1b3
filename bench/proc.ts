/**
 * CPU and peak RSS of any process, read by the parent from /proc (Linux): the one meter
 * that works the same for our gateway and for the peer, which speaks no IPC of ours.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/** What /proc said about one process over a measured window. */
export interface ProcWindow {
  wallMs: number;
  /** utime + stime of every thread over the window, ms (/proc/<pid>/stat). */
  cpuMs: number;
  /** The kernel's high-water mark of RSS over the process's life, MB (VmHWM). */
  hwmRssMb: number;
}

let ticksPerSecond: number | null = null;

function clockTicks(): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  return ticksPerSecond;
}

/** utime + stime of `pid` in ms. Fields 14 and 15 of stat, counted after the `(comm)` field. */
export function cpuMsOf(stat: string, ticks: number): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): utime is field 14, stime field 15.
  return ((Number(fields[11]) + Number(fields[12])) / ticks) * 1000;
}

/** VmHWM of a /proc/<pid>/status text, MB. */
export function hwmMbOf(status: string): number {
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(status);
  return match === null ? NaN : Number(match[1]) / 1024;
}

export class ProcMeter {
  private startCpuMs = 0;
  private startWall = performance.now();

  constructor(readonly pid: number) {
    this.reset();
  }

  private cpuMs(): number {
    return cpuMsOf(readFileSync(`/proc/${this.pid}/stat`, 'utf8'), clockTicks());
  }

  reset(): void {
    this.startCpuMs = this.cpuMs();
    this.startWall = performance.now();
  }

  read(): ProcWindow {
    return {
      wallMs: performance.now() - this.startWall,
      cpuMs: this.cpuMs() - this.startCpuMs,
      hwmRssMb: hwmMbOf(readFileSync(`/proc/${this.pid}/status`, 'utf8')),
    };
  }
}
