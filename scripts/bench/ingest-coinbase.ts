// Coinbase ingest benchmark: cost per upstream frame of the gateway's Coinbase ingest path against bare JSON.parse of
// the same frames, on the real 2026-08-09 capture (1,030 frames: level2 snapshots of 5 MB and 2.5 MB, level2 updates,
// trades, tickers, candles, heartbeats, acks). Same method as the Kraken and Binance benches: every variant in one
// process, interleaved round by round (the order rotates each round), after warm-up rounds; the median round is
// reported. Variants:
//   json     (a) JSON.parse(text)                               — the baseline
//   parse        parseCoinbaseFrame(text)                        — stage: JSON.parse + shape checks
//   session      session.onFrame(text, t), slices drained        — stage: + sequence check, snapshots read in slices,
//                                                                 normalized events
//   store        + applyVenueEvent(store, …) per event           — stage: + whole-book load, apply, crossed check
//   ingest   (b) SessionDriver.frame(text, bytes)                 — what a connection runs per frame (+ tracker,
//                                                                 timing, prom-client metrics); slices run at once
// Every store and ingest pass starts fresh and must end with the capture's documented books (.expected.json): a
// mismatch throws and the bench exits non-zero. Frames are timed in runs of one class: `steady` (everything but the
// two level2 snapshots) and `snapshot`. Then coinbase-loop.ts measures the event loop while two 5 MB snapshots arrive.
// Usage: node --import tsx scripts/bench/main.ts ingest --venue coinbase [--rounds 5] [--warmup 2] [--passes 10]
//        [--out bench/results]
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { applyVenueEvent } from '../../src/book/book-sync.ts';
import { parseCoinbaseFrame } from '../../src/exchanges/coinbase/parse.ts';
import { createMetrics } from '../../src/observability/metrics.ts';
import { runCoinbaseLoopBench, type CoinbaseLoopReport } from './coinbase-loop.ts';
import { measureBookMemory } from './coinbase-memory.ts';
import {
  checkBooks, CLASSES, CoinbaseProbe, type CoinbaseCorpus, drained, loadCoinbaseCorpus, newCoinbaseDriver, newCoinbaseSession,
  newCoinbaseStore,
} from './ingest-coinbase-rig.ts';
import { defaultConfig, IntegrityAlarm } from './ingest-pipeline.ts';
import { printTable } from './text-table.ts';
import { TARGET_INGEST_RATIO } from './ingest-types.ts';

export const COINBASE_VARIANTS = ['json', 'parse', 'session', 'store', 'ingest'] as const;
type VariantId = (typeof COINBASE_VARIANTS)[number];

export interface CoinbaseIngestBenchOptions {
  readonly rounds: number;
  readonly warmupRounds: number;
  /** Passes over the capture per variant per round. */
  readonly passes: number;
  /** Also run the event-loop bench (coinbase-loop.ts). */
  readonly loop: boolean;
  readonly outDir: string | null;
  readonly log: (line: string) => void;
}

export const defaultCoinbaseIngestBenchOptions: CoinbaseIngestBenchOptions = {
  rounds: 5, warmupRounds: 2, passes: 10, loop: true, outDir: 'bench/results', log: (line) => console.log(line),
};

/** µs per frame of each class, and over all frames. */
interface ClassTimes {
  steady: number;
  snapshot: number;
  all: number;
}

export interface CoinbaseIngestReport {
  startedAt: string;
  node: string;
  cpu: string;
  cpuCount: number;
  options: Omit<CoinbaseIngestBenchOptions, 'log' | 'outDir'>;
  frames: { steady: number; snapshot: number; bytes: number };
  variants: Record<VariantId, ClassTimes>;
  ratios: { all: number; steady: number; snapshot: number; target: number; withinTarget: boolean };
  memory: { levels: number; bytesPerBook: number; bytesPerLevel: number };
  loop: CoinbaseLoopReport | undefined;
  file: string | null;
}

type Pass = (corpus: CoinbaseCorpus, into: Float64Array) => void;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Runs of one class: [start, end, class]. */
function segmentsOf(corpus: CoinbaseCorpus): [number, number, number][] {
  const segments: [number, number, number][] = [];
  for (let i = 0; i < corpus.frames.length; i++) {
    const last = segments.at(-1);
    if (last !== undefined && last[2] === corpus.classes[i]) last[1] = i + 1;
    else segments.push([i, i + 1, corpus.classes[i]!]);
  }
  return segments;
}

export async function runCoinbaseIngestBench(overrides: Partial<CoinbaseIngestBenchOptions> = {}): Promise<CoinbaseIngestReport> {
  const options = { ...defaultCoinbaseIngestBenchOptions, ...overrides };
  const startedAt = new Date().toISOString();
  const config = defaultConfig();
  const metrics = createMetrics({ engine: 'bench', version: 'bench', exchanges: ['coinbase'], defaultMetrics: false });
  const corpus = loadCoinbaseCorpus();
  const segments = segmentsOf(corpus);
  let sink = 0;

  const timed = (into: Float64Array, each: (i: number) => void): void => {
    let t = process.hrtime.bigint();
    for (const [start, end, cls] of segments) {
      for (let i = start; i < end; i++) each(i);
      const now = process.hrtime.bigint();
      into[cls] += Number(now - t);
      t = now;
    }
  };
  const passes: Record<VariantId, Pass> = {
    json: ({ frames }, into) => timed(into, (i) => {
      if (JSON.parse(frames[i]!) !== null) sink++;
    }),
    parse: ({ frames }, into) => timed(into, (i) => {
      if (parseCoinbaseFrame(frames[i]!).kind !== 'unknown') sink++;
    }),
    session: ({ frames }, into) => {
      const session = newCoinbaseSession(config);
      session.onOpen(0);
      timed(into, (i) => drained(session.onFrame(frames[i]!, 0), (output) => {
        sink += output.events.length;
      }));
    },
    store: ({ frames }, into) => {
      const session = newCoinbaseSession(config);
      const store = newCoinbaseStore(config);
      session.onOpen(0);
      timed(into, (i) => drained(session.onFrame(frames[i]!, 0), (output) => {
        for (const event of output.events) {
          const outcome = applyVenueEvent(store, 'coinbase', event);
          if (outcome.failure !== undefined) throw new IntegrityAlarm(outcome.failure.message);
        }
      }));
      checkBooks(store);
    },
    ingest: ({ frames, bytes }, into) => {
      const store = newCoinbaseStore(config);
      const probe = new CoinbaseProbe();
      const driver = newCoinbaseDriver(config, store, metrics, probe);
      timed(into, (i) => driver.frame(frames[i]!, bytes[i]!));
      if (probe.failures > 0) throw new IntegrityAlarm(`ingest pass: ${probe.firstFailure}`);
      checkBooks(store);
    },
  };

  const total = corpus.frames.length;
  options.log(`coinbase ingest bench: ${total} frames (${corpus.count.snapshot} level2 snapshots), ${options.passes} passes × `
    + `${COINBASE_VARIANTS.length} variants × (${options.warmupRounds} warm-up + ${options.rounds}) rounds`);
  const rounds: Record<VariantId, ClassTimes>[] = [];
  for (let round = 0; round < options.warmupRounds + options.rounds; round++) {
    const result = {} as Record<VariantId, ClassTimes>;
    for (let k = 0; k < COINBASE_VARIANTS.length; k++) {
      const id = COINBASE_VARIANTS[(k + round) % COINBASE_VARIANTS.length]!;
      const ns = new Float64Array(CLASSES.length);
      for (let p = 0; p < options.passes; p++) passes[id](corpus, ns);
      const per = (value: number, frames: number) => value / 1000 / (options.passes * frames);
      result[id] = { steady: per(ns[0]!, corpus.count.steady), snapshot: per(ns[1]!, corpus.count.snapshot),
        all: per(ns[0]! + ns[1]!, total) };
    }
    const measured = round >= options.warmupRounds;
    if (measured) rounds.push(result);
    options.log(`${measured ? `round ${round - options.warmupRounds + 1}/${options.rounds}` : `warm-up ${round + 1}`}: `
      + COINBASE_VARIANTS.map((id) => `${id} ${result[id].all.toFixed(2)}`).join(', ')
      + ` µs/frame; (b)/(a) ${(result.ingest.all / result.json.all).toFixed(2)}×`);
  }
  if (sink === 0) throw new Error('bench: nothing was measured');

  const variants = Object.fromEntries(COINBASE_VARIANTS.map((id) => [id, {
    steady: median(rounds.map((r) => r[id].steady)), snapshot: median(rounds.map((r) => r[id].snapshot)),
    all: median(rounds.map((r) => r[id].all)),
  }])) as Record<VariantId, ClassTimes>;
  const ratio = (cls: keyof ClassTimes) => variants.ingest[cls] / variants.json[cls];
  const memory = measureBookMemory(corpus);
  const { log: _log, outDir, ...recorded } = options;
  const report: CoinbaseIngestReport = {
    startedAt, node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cpuCount: cpus().length, options: recorded,
    frames: { ...corpus.count, bytes: corpus.bytes.reduce((sum, each) => sum + each, 0) },
    variants,
    ratios: { all: ratio('all'), steady: ratio('steady'), snapshot: ratio('snapshot'), target: TARGET_INGEST_RATIO,
      withinTarget: ratio('all') <= TARGET_INGEST_RATIO && ratio('steady') <= TARGET_INGEST_RATIO },
    memory,
    loop: undefined,
    file: null,
  };
  printCoinbaseIngestReport(report, options.log);
  if (options.loop) {
    report.loop = await runCoinbaseLoopBench({ log: options.log });
  }
  if (outDir !== null) {
    mkdirSync(outDir, { recursive: true });
    report.file = join(outDir, `ingest-coinbase-${startedAt.slice(0, 10)}.json`);
    writeFileSync(report.file, `${JSON.stringify(report, null, 2)}\n`);
    options.log(`wrote ${report.file}`);
  }
  return report;
}

function printCoinbaseIngestReport(report: CoinbaseIngestReport, log: (line: string) => void): void {
  log('');
  log(`Coinbase ingest, median of ${report.options.rounds} rounds (${report.node}, ${report.cpu} × ${report.cpuCount})`);
  const rows: string[][] = [['variant', 'all frames µs', 'steady µs', 'snapshot ms', '× json (all)', '× json (steady)']];
  for (const id of COINBASE_VARIANTS) {
    const v = report.variants[id];
    rows.push([id, v.all.toFixed(2), v.steady.toFixed(2), (v.snapshot / 1000).toFixed(2),
      (v.all / report.variants.json.all).toFixed(2), (v.steady / report.variants.json.steady).toFixed(2)]);
  }
  printTable(rows, log);
  log(`(b)/(a) = ${report.ratios.all.toFixed(2)}× over all frames, ${report.ratios.steady.toFixed(2)}× steady state, `
    + `${report.ratios.snapshot.toFixed(2)}× on the level2 snapshots (target ≤ ${report.ratios.target}×: `
    + `${report.ratios.withinTarget ? 'met' : 'MISSED'})`);
  log(`memory: a ${report.memory.levels}-level book holds ${(report.memory.bytesPerBook / 1_048_576).toFixed(1)} MB of heap `
    + `(${Math.round(report.memory.bytesPerLevel)} bytes per level)`);
}
