// `npm run bench -- fanout`: the gateway daemon fanning one book out to 1 / 10 / 100 bots at 1 k / 20 k / 100 k
// venue updates/s, uWebSockets.js vs the `ws` hub, same run. Per case: per-frame latency (venue send → bot
// receipt), gateway CPU, and the fan-out's own CPU (gateway CPU minus the same rate with no bot) per delivered
// message, so the two engines compare on what differs between them.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseOptions } from './bench-options.ts';
import { runFeedCase } from './feed-case.ts';
import { generatedFrames } from './kraken-frames.ts';
import { percentiles, type Percentiles } from './latency-histogram.ts';
import { currentLoad, headerText, runHeader } from './run-header.ts';
import { DEFAULT_RESULTS_DIR, jsonText, writeResult } from './results-file.ts';
import { printTable } from './text-table.ts';

const DEFAULTS = { bots: [1, 10, 100], rates: [1000, 20000, 100000], engines: ['uws', 'ws'], warmup: 0.5, seconds: 1.5, out: DEFAULT_RESULTS_DIR };

interface FanoutRow {
  readonly engine: string;
  readonly rate: number;
  readonly bots: number;
  readonly achievedRate: number;
  readonly botMessages: number;
  readonly gatewayCpuSeconds: number;
  readonly gatewayCpuPerSecond: number;
  /** Gateway CPU above the no-bot case at the same rate, per delivered bot message, µs. */
  readonly fanoutMicrosPerMessage: number;
  readonly messagesPerFanoutCpuSecond: number;
  /** The same counting user CPU only (the kernel's socket writes are the same work for both engines). */
  readonly fanoutUserMicrosPerMessage: number;
  readonly messagesPerFanoutUserCpuSecond: number;
  readonly latency: Percentiles;
  readonly seqGaps: number;
}

export async function runFanoutBench(args: readonly string[], repoRoot: string): Promise<void> {
  const options = parseOptions(args, DEFAULTS);
  const engines = options.engines.filter((e): e is 'uws' | 'ws' => e === 'uws' || e === 'ws');
  const header = runHeader('fanout', engines.map((e) => (e === 'uws' ? 'uWebSockets.js' : 'ws')));
  console.log(headerText(header));
  const runDir = await mkdtemp(join(tmpdir(), 'mgw-bench-fanout-'));
  const rows: FanoutRow[] = [];
  for (const rate of options.rates) {
    const warmup = Math.round(rate * options.warmup);
    const count = warmup + Math.round(rate * options.seconds);
    const frames = generatedFrames(count);
    for (const engine of engines) {
      let idleCpuPerSecond = 0;
      let idleUserPerSecond = 0;
      for (const bots of [0, ...options.bots]) {
        const result = await runFeedCase({ repoRoot, runDir, frames, route: 'gateway', engine, bots, count,
          pacing: { kind: 'rate', perSecond: rate }, latencyFromUpdate: warmup });
        const cpuPerSecond = result.cpu.gateway / result.playSeconds;
        const userPerSecond = (result.cpu.gateway - result.gatewaySystemCpu) / result.playSeconds;
        if (bots === 0) {
          idleCpuPerSecond = cpuPerSecond;
          idleUserPerSecond = userPerSecond;
          continue;
        }
        // Bot messages over the whole play (the measured window's count scaled to every frame sent).
        const window = result.latency!;
        const messages = window.messages * result.framesSent / Math.max(1, count - warmup);
        const fanoutCpu = Math.max(0, (cpuPerSecond - idleCpuPerSecond) * result.playSeconds);
        // Below the no-bot baseline (noise at low rates): no meaningful figure.
        const fanoutUser = (userPerSecond - idleUserPerSecond) * result.playSeconds;
        rows.push({ engine, rate, bots, achievedRate: Math.round(result.framesSent / result.playSeconds), botMessages: Math.round(messages),
          gatewayCpuSeconds: Math.round(result.cpu.gateway * 1000) / 1000, gatewayCpuPerSecond: Math.round(cpuPerSecond * 1000) / 1000,
          fanoutMicrosPerMessage: Math.round(fanoutCpu / messages * 1e7) / 10,
          messagesPerFanoutCpuSecond: Math.round(messages / fanoutCpu),
          fanoutUserMicrosPerMessage: fanoutUser > 0 ? Math.round(fanoutUser / messages * 1e7) / 10 : Number.NaN,
          messagesPerFanoutUserCpuSecond: fanoutUser > 0 ? Math.round(messages / fanoutUser) : Number.NaN,
          latency: percentiles(window.histogram), seqGaps: result.seqGaps });
        const last = rows.at(-1)!;
        console.log(`  ${engine.padEnd(4)} ${bots} bot(s) × ${rate}/s: gateway ${last.gatewayCpuPerSecond} CPU-s/s, fan-out `
          + `${last.fanoutMicrosPerMessage} µs/msg, p50 ${last.latency.p50} p99 ${last.latency.p99} µs (sent ${last.achievedRate}/s)`);
      }
    }
  }
  const table: string[][] = [['rate × bots', ...engines.flatMap((e) => [`${e} p50/p99/p99.9 µs`, `${e} gw CPU-s/s`, `${e} fan-out µs/msg`]),
    ...(engines.length === 2 ? ['msgs per fan-out CPU-s uws/ws', 'same, user CPU only'] : [])]];
  for (const rate of options.rates) {
    for (const bots of options.bots) {
      const cells = engines.map((engine) => rows.find((r) => r.engine === engine && r.rate === rate && r.bots === bots));
      const line = [`${rate} × ${bots}`];
      for (const r of cells) {
        line.push(r === undefined ? '-' : `${r.latency.p50} / ${r.latency.p99} / ${r.latency.p999}`,
          r === undefined ? '-' : String(r.gatewayCpuPerSecond), r === undefined ? '-' : String(r.fanoutMicrosPerMessage));
      }
      if (engines.length === 2 && cells[0] !== undefined && cells[1] !== undefined) {
        line.push((cells[0].messagesPerFanoutCpuSecond / cells[1].messagesPerFanoutCpuSecond).toFixed(2),
          (cells[0].messagesPerFanoutUserCpuSecond / cells[1].messagesPerFanoutUserCpuSecond).toFixed(2));
      }
      table.push(line);
    }
  }
  printTable(table, (line) => console.log(line));
  console.log(`load average at end: ${currentLoad().join(' / ')}`);
  const path = await writeResult(options.out, 'fanout', 'json', jsonText({ header, options, loadAtEnd: currentLoad(), rows }), new Date(header.startedAt));
  console.log(`results: ${path}`);
}
