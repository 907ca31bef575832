// CPU time and RSS of a process from /proc (Linux), so each process's cost is its own: the gateway's, the bots'.
import { readFileSync } from 'node:fs';

/** USER_HZ: clock ticks per second in /proc/<pid>/stat (100 on every mainstream Linux). */
const TICKS_PER_SECOND = 100;

/** User and system CPU seconds used so far by `pid` (all its threads); NaN if /proc is not readable. */
export function cpuSplit(pid: number): { user: number; system: number } {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { user: Number(fields[11]) / TICKS_PER_SECOND, system: Number(fields[12]) / TICKS_PER_SECOND };
  } catch {
    return { user: Number.NaN, system: Number.NaN };
  }
}

/** User + system CPU seconds used so far by `pid`. */
export function cpuSeconds(pid: number): number {
  const { user, system } = cpuSplit(pid);
  return user + system;
}

/** Resident set size in bytes; NaN if unknown. */
export function rssBytes(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'latin1');
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    return match === null ? Number.NaN : Number(match[1]) * 1024;
  } catch {
    return Number.NaN;
  }
}

/** CPU seconds of several processes between two calls of `take()`. */
export class CpuMeter {
  private start: { user: number; system: number }[];

  constructor(private readonly pids: readonly number[]) {
    this.start = pids.map(cpuSplit);
  }

  reset(): void {
    this.start = this.pids.map(cpuSplit);
  }

  /** CPU seconds per pid since construction or reset(). */
  take(): number[] {
    return this.takeSplit().map(({ user, system }) => user + system);
  }

  /** User and system (kernel: socket writes and reads) CPU seconds per pid since construction or reset(). */
  takeSplit(): { user: number; system: number }[] {
    return this.pids.map((pid, index) => {
      const now = cpuSplit(pid);
      return { user: now.user - this.start[index]!.user, system: now.system - this.start[index]!.system };
    });
  }
}

/** How long `pid` has been running, ms (from /proc/<pid>/stat starttime and /proc/uptime); NaN if unknown. */
export function processAgeMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const startedTicks = Number(fields[19]);
    const uptimeSeconds = Number(readFileSync('/proc/uptime', 'latin1').split(' ')[0]);
    return (uptimeSeconds - startedTicks / TICKS_PER_SECOND) * 1000;
  } catch {
    return Number.NaN;
  }
}
