// Event-loop bench for Coinbase's big frames: a real gateway (createGateway, Kraken and Coinbase on) in this process,
// the Coinbase simulator in one child, the Kraken simulator and a Kraken bot in another (coinbase-loop-venues.ts). Each episode drops the Coinbase connection;
// the gateway reconnects and receives two ~5 MB level2 snapshots (BTC/USD and ETH/USD, 46,000 levels each) while the
// Kraken bot's book keeps streaming through the same event loop. Reported per episode and overall: the longest
// event-loop delay (perf_hooks monitorEventLoopDelay, 1 ms resolution) and its p99, the Kraken bot's latency (p50,
// p99) and its longest gap between updates (Kraken sends every 5 ms), against a quiet baseline of the same length.
// For scale: the time a whole-frame JSON.parse + book load of the 5 MB frame would hold the loop, measured here too.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { applyVenueEvent } from '../../src/book/book-sync.ts';
import { parseCoinbaseFrame } from '../../src/exchanges/coinbase/parse.ts';
import { createGateway } from '../../src/gateway.ts';
import type { FromVenues, ToVenues } from './coinbase-loop-venues.ts';
import { loadCoinbaseCorpus, newCoinbaseStore } from './ingest-coinbase-rig.ts';
import { defaultConfig } from './ingest-pipeline.ts';
import { printTable } from './text-table.ts';

export interface LoopWindow {
  readonly name: string;
  readonly durationMs: number;
  readonly maxDelayMs: number;
  readonly p99DelayMs: number;
  readonly botUpdates: number;
  readonly botLatencyP50Ms: number;
  readonly botLatencyP99Ms: number;
  readonly botMaxGapMs: number;
}

export interface CoinbaseLoopReport {
  readonly snapshotsPerEpisode: number;
  readonly windows: readonly LoopWindow[];
  /** Longest delay over every snapshot episode. */
  readonly maxDelayMs: number;
  /** JSON.parse of the real 5 MB frame + loading it into a book, in one go: what slicing avoids. */
  readonly wholeFrameMs: number;
}

const EPISODES = 3;

class Venues {
  private readonly waiting: { readonly type: FromVenues['type']; readonly resolve: (message: FromVenues) => void }[] = [];

  constructor(readonly child: ChildProcess) {
    child.on('message', (message: FromVenues) => {
      const index = this.waiting.findIndex((each) => each.type === message.type);
      if (index >= 0) this.waiting.splice(index, 1)[0]!.resolve(message);
    });
  }

  send(message: ToVenues): void {
    this.child.send(message);
  }

  next<T extends FromVenues['type']>(type: T): Promise<Extract<FromVenues, { type: T }>> {
    return new Promise((resolve) => this.waiting.push({ type, resolve: (message) => resolve(message as Extract<FromVenues, { type: T }>) }));
  }
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function wholeFrameMs(): number {
  const corpus = loadCoinbaseCorpus();
  const frame = corpus.frames.find((text) => text.length > 5_000_000)!;
  let best = Infinity;
  for (let i = 0; i < 5; i++) {
    const store = newCoinbaseStore(defaultConfig());
    const started = performance.now();
    const parsed = parseCoinbaseFrame(frame);
    if (parsed.kind !== 'l2') throw new Error('bench: the 5 MB frame does not parse');
    const event = parsed.message.events[0]!;
    const bids = event.updates.filter((u) => u.side === 'bid').map((u): [string, string] => [u.price_level, u.new_quantity]);
    const asks = event.updates.filter((u) => u.side === 'offer').map((u): [string, string] => [u.price_level, u.new_quantity]);
    applyVenueEvent(store, 'coinbase', { type: 'book_snapshot', symbol: 'BTC/USD', bids, asks, exchangeTime: '' });
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

export async function runCoinbaseLoopBench(options: { log: (line: string) => void }): Promise<CoinbaseLoopReport> {
  const { log } = options;
  const whole = wholeFrameMs();
  const script = fileURLToPath(new URL('./coinbase-loop-venues.ts', import.meta.url));
  const coinbase = new Venues(fork(script, ['coinbase'], { execArgv: process.execArgv, stdio: 'inherit' }));
  const venues = new Venues(fork(script, ['kraken'], { execArgv: process.execArgv, stdio: 'inherit' }));
  const [coinbaseReady, krakenReady] = await Promise.all([coinbase.next('ready'), venues.next('ready')]);
  const defaults = defaultConfig();
  const config = {
    ...defaults,
    server: { ...defaults.server, port: 0 },
    exchanges: {
      ...defaults.exchanges,
      kraken: { ...defaults.exchanges.kraken, url: krakenReady.url, symbols: ['BTC/USD'], bookDepth: 10 },
      coinbase: { ...defaults.exchanges.coinbase, enabled: true, url: coinbaseReady.url, symbols: ['BTC/USD', 'ETH/USD'] },
    },
  };
  const gateway = createGateway(config);
  let snapshots = 0;
  gateway.store.addListener({
    bookChanged: (view, change) => {
      if (view.exchange === 'coinbase' && change === 'snapshot') snapshots++;
    },
  });
  const windows: LoopWindow[] = [];
  const histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const marks: { name: string; start: bigint; end: bigint; maxDelayMs: number; p99DelayMs: number }[] = [];
  try {
    const { port } = await gateway.start();
    venues.send({ type: 'bot', wsUrl: `ws://127.0.0.1:${port}/v1/ws` });
    await venues.next('bot-ready');
    const measure = async (name: string, body: () => Promise<void>): Promise<void> => {
      histogram.reset();
      const start = process.hrtime.bigint();
      await body();
      const end = process.hrtime.bigint();
      marks.push({ name, start, end, maxDelayMs: histogram.max / 1e6, p99DelayMs: histogram.percentile(99) / 1e6 });
    };
    const waitSnapshots = async (count: number): Promise<void> => {
      while (snapshots < count) await sleep(5);
    };
    await waitSnapshots(2);
    await sleep(500);
    for (let episode = 1; episode <= EPISODES; episode++) {
      const target = snapshots + 2;
      await measure(`episode ${episode}`, async () => {
        coinbase.send({ type: 'drop' });
        await waitSnapshots(target);
        await sleep(200);
      });
    }
    const longest = Math.max(...marks.map((mark) => Number(mark.end - mark.start) / 1e6));
    await measure('baseline (no snapshot)', () => sleep(longest));
    venues.send({ type: 'samples' });
    const samples = await venues.next('samples');
    for (const mark of marks) {
      const inWindow: { at: bigint; latency: number }[] = [];
      samples.arrivalNs.forEach((at, index) => {
        const time = BigInt(at);
        if (time >= mark.start && time <= mark.end) inWindow.push({ at: time, latency: samples.latencyMicros[index]! / 1000 });
      });
      const latencies = inWindow.map((each) => each.latency).sort((a, b) => a - b);
      let gap = 0;
      for (let i = 1; i < inWindow.length; i++) gap = Math.max(gap, Number(inWindow[i]!.at - inWindow[i - 1]!.at) / 1e6);
      windows.push({
        name: mark.name, durationMs: Number(mark.end - mark.start) / 1e6, maxDelayMs: mark.maxDelayMs, p99DelayMs: mark.p99DelayMs,
        botUpdates: inWindow.length, botLatencyP50Ms: quantile(latencies, 0.5), botLatencyP99Ms: quantile(latencies, 0.99),
        botMaxGapMs: gap,
      });
    }
  } finally {
    histogram.disable();
    await gateway.stop();
    for (const child of [coinbase, venues]) {
      child.send({ type: 'stop' });
      await new Promise<void>((resolve) => child.child.once('exit', () => resolve()));
    }
  }
  const episodes = windows.filter((window) => window.name.startsWith('episode'));
  const report: CoinbaseLoopReport = {
    snapshotsPerEpisode: 2, windows,
    maxDelayMs: Math.max(...episodes.map((window) => window.maxDelayMs)), wholeFrameMs: whole,
  };
  printLoopReport(report, log);
  return report;
}

function printLoopReport(report: CoinbaseLoopReport, log: (line: string) => void): void {
  log('');
  log('Event loop while two ~5 MB Coinbase snapshots (46,000 levels each) are read and applied, Kraken bot streaming');
  const rows: string[][] = [['window', 'ms', 'max loop delay ms', 'p99 loop delay ms', 'kraken updates', 'bot p50 ms',
    'bot p99 ms', 'bot max gap ms']];
  for (const w of report.windows) {
    rows.push([w.name, w.durationMs.toFixed(0), w.maxDelayMs.toFixed(1), w.p99DelayMs.toFixed(1), String(w.botUpdates),
      w.botLatencyP50Ms.toFixed(2), w.botLatencyP99Ms.toFixed(2), w.botMaxGapMs.toFixed(1)]);
  }
  printTable(rows, log);
  log(`longest event-loop delay over the snapshot episodes: ${report.maxDelayMs.toFixed(1)} ms; a whole-frame JSON.parse `
    + `+ book load of the real 5 MB frame would hold the loop ${report.wholeFrameMs.toFixed(1)} ms in one piece`);
}
