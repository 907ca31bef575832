// `npm run bench -- memory`: 500 books × depth 100 on the Binance simulator (in this process) + 100 bots (each on
// 10 books and their trades, in their own processes), the gateway daemon as a child process. Samples RSS (/proc),
// heap used and event-loop delay (/metrics) over time; JSON and an SVG plot. Growth = peak of the last minute
// (or last third) over the peak of the second minute (or second third), after warm-up.
import { mkdtemp, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBinanceSimulator } from '../../src/sim/binance/server.ts';
import { parseOptions } from './bench-options.ts';
import { BotFleet } from './fleet-control.ts';
import { GatewayChild } from './gateway-child.ts';
import { gaugeValue } from './metrics-sample.ts';
import { rssBytes, cpuSeconds } from './proc-stat.ts';
import { currentLoad, headerText, runHeader } from './run-header.ts';
import { DEFAULT_RESULTS_DIR, jsonText, writeResult } from './results-file.ts';
import { chartSvg } from './svg-chart.ts';

const DEFAULTS = { minutes: 1, books: 500, depth: 100, bots: 100, booksPerBot: 10, sampleSeconds: 5, engine: 'uws', heapSnapshots: false, out: DEFAULT_RESULTS_DIR };

interface Sample {
  readonly seconds: number;
  readonly rssMb: number;
  readonly heapUsedMb: number;
  readonly loopDelayP99Ms: number;
  readonly cpuPerSecond: number;
}

const mb = (bytes: number) => Math.round(bytes / 2 ** 20 * 10) / 10;

export async function runMemoryBench(args: readonly string[], repoRoot: string): Promise<void> {
  const options = parseOptions(args, DEFAULTS);
  const engine = options.engine === 'ws' ? 'ws' : 'uws';
  const header = runHeader('memory', [engine === 'uws' ? 'uWebSockets.js' : 'ws']);
  console.log(headerText(header));
  const runDir = await mkdtemp(join(tmpdir(), 'mgw-bench-memory-'));
  const symbols = Array.from({ length: options.books }, (_, i) => `M${String(i).padStart(3, '0')}/USDT`);
  const sim = await startBinanceSimulator({ symbols, levelsPerSide: Math.max(200, options.depth * 2), pingIntervalMs: 20_000 });
  const gateway = new GatewayChild({ repoRoot, runDir, engine, exchanges: { kraken: { enabled: false },
    binance: { enabled: true, url: sim.url, restUrl: sim.restUrl, symbols, bookDepth: options.depth } },
    nodeFlags: options.heapSnapshots ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${runDir}`] : [] });
  let fleets: BotFleet[] = [];
  const samples: Sample[] = [];
  try {
    const started = Date.now();
    await gateway.start();
    await gateway.ready(180_000);
    const readySeconds = (Date.now() - started) / 1000;
    console.log(`  gateway ready in ${readySeconds.toFixed(1)} s, RSS ${mb(rssBytes(gateway.pid))} MB; starting ${options.bots} bots`);
    // Each bot on `booksPerBot` consecutive books (and their trades): every book has bots × booksPerBot / books subscribers.
    fleets = await Promise.all(Array.from({ length: Math.ceil(options.bots / 50) }, (_, f) => {
      const bots = Math.min(50, options.bots - f * 50);
      return BotFleet.start({ url: gateway.wsUrl, protocol: 'gateway', clients: bots, trades: true,
        subscriptions: Array.from({ length: options.booksPerBot }, (_v, k) => ({ exchange: 'binance',
          symbol: symbols[(f * 50 * options.booksPerBot + k * 50) % symbols.length]!, depth: Math.min(options.depth, 20) })) }, 120_000);
    }));
    const t0 = Date.now();
    // Snapshots (--heap-snapshots): after the first sample and at the end; compare with heap-summary.ts.
    const snapshot = () => {
      if (options.heapSnapshots) process.kill(gateway.pid, 'SIGUSR2');
    };
    let lastCpu = cpuSeconds(gateway.pid);
    let lastAt = t0;
    while (Date.now() - t0 < options.minutes * 60_000) {
      await new Promise((resolve) => setTimeout(resolve, options.sampleSeconds * 1000));
      const text = await gateway.metricsText().catch(() => '');
      const now = Date.now();
      const cpu = cpuSeconds(gateway.pid);
      samples.push({ seconds: Math.round((now - t0) / 100) / 10, rssMb: mb(rssBytes(gateway.pid)),
        heapUsedMb: mb(gaugeValue(text, 'mgw_nodejs_heap_size_used_bytes')),
        loopDelayP99Ms: Math.round(gaugeValue(text, 'mgw_nodejs_eventloop_lag_p99_seconds') * 1e4) / 10,
        cpuPerSecond: Math.round((cpu - lastCpu) / ((now - lastAt) / 1000) * 100) / 100 });
      lastCpu = cpu;
      lastAt = now;
      if (samples.length === 1) snapshot();
      const s = samples.at(-1)!;
      console.log(`  ${s.seconds.toFixed(0).padStart(5)} s  RSS ${s.rssMb} MB  heap ${s.heapUsedMb} MB  loop p99 ${s.loopDelayP99Ms} ms  CPU ${s.cpuPerSecond}`);
    }
    snapshot();
    if (options.heapSnapshots) {
      await snapshotsWritten(runDir, 2);
      console.log(`  heap snapshots in ${runDir}`);
    }
    const counts = await Promise.all(fleets.map((fleet) => fleet.count()));
    const seqGaps = counts.reduce((sum, c) => sum + c.seqGaps, 0);
    const third = Math.max(1, Math.floor(samples.length / 3));
    const peak = (list: Sample[], key: 'rssMb' | 'heapUsedMb') => Math.max(...list.map((s) => s[key]));
    const low = (list: Sample[]) => Math.min(...list.map((s) => s.heapUsedMb));
    const early = samples.slice(third, 2 * third);
    const late = samples.slice(-third);
    const summary = {
      readySeconds, maxRssMb: peak(samples, 'rssMb'), seqGaps,
      heapGrowth: Math.round(peak(late, 'heapUsedMb') / peak(early, 'heapUsedMb') * 1000) / 1000,
      rssGrowth: Math.round(peak(late, 'rssMb') / peak(early, 'rssMb') * 1000) / 1000,
      // Heap used includes garbage not collected yet: the lows (after collections) are what stays.
      heapLowGrowth: Math.round(low(late) / low(early) * 1000) / 1000,
    };
    console.log(`  max RSS ${summary.maxRssMb} MB; last third's peak / second third's: heap ×${summary.heapGrowth} (lows ×${summary.heapLowGrowth}), RSS ×${summary.rssGrowth}; seq gaps ${seqGaps}`);
    console.log(`load average at end: ${currentLoad().join(' / ')}`);
    const at = new Date(header.startedAt);
    const points = (key: keyof Sample) => samples.map((s) => [s.seconds, s[key]] as const);
    const svg = chartSvg(`Gateway memory: ${options.books} books × depth ${options.depth}, ${options.bots} bots`,
      `${header.cores} × ${header.machine}, Node ${header.node}, ${header.engines[0]}, load ${header.loadAtStart.join('/')}`, [
        { title: 'RSS and heap used (MB)', xLabel: 'seconds after the bots connected', yLabel: 'MB',
          series: [{ name: 'RSS', color: '#1f77b4', points: points('rssMb') }, { name: 'heap used', color: '#d62728', points: points('heapUsedMb') }] },
        { title: 'event-loop delay p99 (ms)', xLabel: 'seconds after the bots connected', yLabel: 'ms',
          series: [{ name: 'loop delay p99', color: '#2ca02c', points: points('loopDelayP99Ms') }] },
      ]);
    const svgPath = await writeResult(options.out, 'memory', 'svg', svg, at);
    const jsonPath = await writeResult(options.out, 'memory', 'json', jsonText({ header, options, loadAtEnd: currentLoad(), summary, samples }), at);
    console.log(`results: ${jsonPath}, ${svgPath}`);
  } finally {
    for (const fleet of fleets) fleet.stop();
    await gateway.stop();
    await sim.stop();
  }
}

/** Waits (≤ 2 min) until `count` heap snapshots exist in `dir` and the newest stopped growing. */
async function snapshotsWritten(dir: string, count: number): Promise<void> {
  let lastSize = -1;
  for (let waited = 0; waited < 120; waited++) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const files = (await readdir(dir)).filter((name) => name.endsWith('.heapsnapshot')).sort();
    if (files.length < count) continue;
    const size = (await stat(join(dir, files.at(-1)!))).size;
    if (size > 0 && size === lastSize) return;
    lastSize = size;
  }
}
