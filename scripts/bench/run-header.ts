// The header every bench report starts with: machine, Node version, hub engine, load average at start and end.
// Absolute times move with the machine and with whatever else runs on it; the ratios in each report do not.
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { benchPlatform, platformLine, type BenchPlatform } from './platform.ts';

export interface RunHeader {
  readonly bench: string;
  readonly startedAt: string;
  readonly machine: string;
  readonly cores: number;
  readonly memoryGb: number;
  readonly os: string;
  readonly node: string;
  readonly engines: readonly string[];
  /** 1/5/15-minute load averages when the run started (other processes on the machine). */
  readonly loadAtStart: readonly number[];
  /** Node, OS, glibc, CPU and the hub engine build (platform.ts, as every bench report). */
  readonly platform: BenchPlatform;
}

export function runHeader(bench: string, engines: readonly string[]): RunHeader {
  const cpu = cpus();
  return {
    bench, startedAt: new Date().toISOString(), machine: cpu[0]?.model.trim() ?? 'unknown cpu', cores: cpu.length,
    memoryGb: Math.round(totalmem() / 2 ** 30), os: `${platform()} ${release()}`, node: process.version, engines,
    loadAtStart: loadavg().map((value) => Math.round(value * 100) / 100), platform: benchPlatform(),
  };
}

export function currentLoad(): number[] {
  return loadavg().map((value) => Math.round(value * 100) / 100);
}

export function headerText(header: RunHeader): string {
  return [`# ${header.bench} — ${header.startedAt}`,
    `platform: ${platformLine(header.platform)}, ${header.memoryGb} GB`,
    `measured: ${header.engines.join(', ')}`,
    `load average at start: ${header.loadAtStart.join(' / ')} (1/5/15 min; ratios below are measured side by side in this run)`,
  ].join('\n');
}
