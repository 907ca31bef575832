// `npm run bench -- latency`: issue 14's method. A Kraken-v2-like server plays pre-generated BTC/USD depth-25
// updates (valid CRC32, frame index in the timestamp) at a fixed rate; the same `ws` bots connect to it directly
// or through the gateway (the whole daemon, a child process). Per frame and bot: receipt of the first message
// covering the frame minus the server's send time, one CLOCK_MONOTONIC for every process. Direct and gateway
// side by side in one run; a table, JSON and an SVG of the per-frame latency distributions.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseOptions } from './bench-options.ts';
import { runFeedCase, type FeedCaseResult } from './feed-case.ts';
import { generatedFrames } from './kraken-frames.ts';
import { bucketUpperMicros, percentiles, total, type Percentiles } from './latency-histogram.ts';
import { currentLoad, headerText, runHeader } from './run-header.ts';
import { DEFAULT_RESULTS_DIR, jsonText, writeResult } from './results-file.ts';
import { chartSvg, type Panel } from './svg-chart.ts';
import { printTable } from './text-table.ts';

const DEFAULTS = { bots: [1, 10, 100], rates: [2000, 20000], warmup: 1.5, seconds: 3, stalled: 1, engine: 'uws',
  /** Another checkout's daemon measured in the same run, case by case (e.g. an export of main: the "before"). */
  baselineRoot: '', out: DEFAULT_RESULTS_DIR };

interface LatencyRow {
  readonly bots: number;
  readonly rate: number;
  readonly stalled: number;
  readonly route: Route;
  readonly achievedRate: number;
  readonly latency: Percentiles;
  readonly missing: number;
  readonly framesPerMessage: number;
  readonly cpuMicrosPerFrame: { readonly gateway: number; readonly bots: number; readonly feed: number };
  readonly histogram: number[];
}

type Route = 'direct' | 'gateway' | 'baseline';

function row(route: Route, bots: number, rate: number, stalled: number, result: FeedCaseResult): LatencyRow {
  const latency = result.latency!;
  const perFrame = (seconds: number) => Math.round(seconds / result.framesSent * 1e7) / 10;
  return { route, bots, rate, stalled, achievedRate: Math.round(result.framesSent / result.playSeconds),
    latency: percentiles(latency.histogram), missing: latency.missing,
    framesPerMessage: Math.round(latency.covered / Math.max(1, latency.messages) * 100) / 100,
    cpuMicrosPerFrame: { gateway: perFrame(result.cpu.gateway), bots: perFrame(result.cpu.bots), feed: perFrame(result.cpu.feed) },
    histogram: latency.histogram };
}

/** Fraction of frames at or above each latency: the tail on a log scale. */
function tailPoints(histogram: readonly number[]): [number, number][] {
  const count = total(histogram);
  const points: [number, number][] = [];
  let above = count;
  histogram.forEach((n, bucket) => {
    if (n > 0) points.push([bucketUpperMicros(bucket), above / count]);
    above -= n;
  });
  return points;
}

export async function runLatencyBench(args: readonly string[], repoRoot: string): Promise<void> {
  const options = parseOptions(args, DEFAULTS);
  const engine = options.engine === 'ws' ? 'ws' : 'uws';
  const header = runHeader('latency', [engine === 'uws' ? 'uWebSockets.js' : 'ws']);
  console.log(headerText(header));
  const runDir = await mkdtemp(join(tmpdir(), 'mgw-bench-latency-'));
  const rows: LatencyRow[] = [];
  const routes: Route[] = options.baselineRoot === '' ? ['direct', 'gateway'] : ['direct', 'baseline', 'gateway'];
  const per = routes.length;
  const cases: { bots: number; rate: number; stalled: number }[] = [];
  for (const rate of options.rates) for (const bots of options.bots) cases.push({ bots, rate, stalled: 0 });
  if (options.stalled > 0) cases.push({ bots: options.bots[0] ?? 1, rate: options.rates[0] ?? 2000, stalled: options.stalled });
  for (const { bots, rate, stalled } of cases) {
    const warmup = Math.round(rate * options.warmup);
    const count = warmup + Math.round(rate * options.seconds);
    const frames = generatedFrames(count);
    for (const route of routes) {
      const result = await runFeedCase({ repoRoot, runDir, frames, route: route === 'direct' ? 'direct' : 'gateway', engine, bots,
        stalled, count, pacing: { kind: 'rate', perSecond: rate }, latencyFromUpdate: warmup,
        ...(route === 'baseline' ? { gatewayRoot: options.baselineRoot } : {}) });
      rows.push(row(route, bots, rate, stalled, result));
      const last = rows.at(-1)!;
      console.log(`  ${route.padEnd(7)} ${bots} bot(s)${stalled > 0 ? ` + ${stalled} stalled` : ''} × ${rate}/s: `
        + `p50 ${last.latency.p50} p99 ${last.latency.p99} p99.9 ${last.latency.p999} µs (sent ${last.achievedRate}/s)`);
    }
  }
  const table: string[][] = [['bots × rate', 'direct p50 / p99 / p99.9 µs', 'gateway p50 / p99 / p99.9 µs',
    'Δp50', 'Δp99', 'p99.9 ×', 'frames/msg', 'gw CPU µs/frame', 'bots CPU µs/frame d→g', 'sent/s d, g']];
  if (per === 3) table[0]!.push('baseline p50 / p99 / p99.9 µs');
  for (let i = 0; i + per - 1 < rows.length; i += per) {
    const direct = rows[i]!;
    const gateway = rows[i + per - 1]!;
    const d = direct.latency;
    const g = gateway.latency;
    table.push([`${direct.bots}${direct.stalled > 0 ? `+${direct.stalled} stalled` : ''} × ${direct.rate}`,
      `${d.p50} / ${d.p99} / ${d.p999}`, `${g.p50} / ${g.p99} / ${g.p999}`, String(g.p50 - d.p50), String(g.p99 - d.p99),
      (g.p999 / d.p999).toFixed(2), String(gateway.framesPerMessage), String(gateway.cpuMicrosPerFrame.gateway),
      `${direct.cpuMicrosPerFrame.bots} → ${gateway.cpuMicrosPerFrame.bots}`, `${direct.achievedRate}, ${gateway.achievedRate}`,
      ...(per === 3 ? [`${rows[i + 1]!.latency.p50} / ${rows[i + 1]!.latency.p99} / ${rows[i + 1]!.latency.p999}`] : [])]);
  }
  printTable(table, (line) => console.log(line));
  console.log(`load average at end: ${currentLoad().join(' / ')}`);
  const at = new Date(header.startedAt);
  const panels: Panel[] = [];
  for (let i = 0; i + per - 1 < rows.length; i += per) {
    const direct = rows[i]!;
    const gateway = rows[i + per - 1]!;
    panels.push({ title: `${direct.bots} bot(s)${direct.stalled > 0 ? ` + ${direct.stalled} stalled` : ''} × ${direct.rate} frames/s`,
      xLabel: 'latency per frame, µs (log)', yLabel: 'fraction of frames ≥ x (log)', xLog: true, yLog: true,
      series: [{ name: 'direct', color: '#1f77b4', points: tailPoints(direct.histogram) },
        ...(per === 3 ? [{ name: 'gateway before', color: '#aaaaaa', points: tailPoints(rows[i + 1]!.histogram) }] : []),
        { name: 'gateway', color: '#d62728', points: tailPoints(gateway.histogram) }] });
  }
  const svg = chartSvg('Per-frame latency, direct vs through the gateway',
    `${header.cores} × ${header.machine}, Node ${header.node}, ${header.engines[0]}, load ${header.loadAtStart.join('/')}`, panels, 3);
  const svgPath = await writeResult(options.out, 'latency', 'svg', svg, at);
  const jsonPath = await writeResult(options.out, 'latency', 'json', jsonText({ header, options, loadAtEnd: currentLoad(), rows }), at);
  console.log(`results: ${jsonPath}, ${svgPath}`);
}
