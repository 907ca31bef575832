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
// two level2 snapshots) and `snapshot`. The capture holds ~1,000 steady frames, so a longer simulator stream (a
// BTC/USD book as deep as the real one, 5,000 market steps: level2 updates, trade batches, heartbeats) measures the
// steady state too, its book checked against the simulator's. Then coinbase-loop.ts measures the event loop while two
// 5 MB snapshots arrive.
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
import type { BookStore } from '../../src/book/book-store.ts';
import {
  checkBooks, checkSimulatorBook, CLASSES, CoinbaseProbe, type CoinbaseCorpus, drained, loadCoinbaseCorpus, newCoinbaseDriver,
  newCoinbaseSession, newCoinbaseStore, recordSimulatorCorpus,
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

const SIMULATOR_STEPS = 5_000;

interface NamedCorpus {
  readonly name: 'capture' | 'simulator';
  readonly corpus: CoinbaseCorpus;
  readonly segments: [number, number, number][];
  readonly check: (store: BookStore) => void;
}

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
  frames: { steady: number; snapshot: number; bytes: number; simulatorSteady: number };
  /** The real capture. */
  variants: Record<VariantId, ClassTimes>;
  /** The simulator stream: steady state. */
  simulator: Record<VariantId, ClassTimes>;
  ratios: { all: number; steady: number; snapshot: number; simulatorSteady: number; target: number; withinTarget: boolean };
  memory: { levels: number; bytesPerBook: number; bytesPerLevel: number };
  loop: CoinbaseLoopReport | undefined;
  file: string | null;
}

type Pass = (named: NamedCorpus, into: Float64Array) => void;

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
  const simulator = recordSimulatorCorpus(SIMULATOR_STEPS, 7);
  const corpora: NamedCorpus[] = [
    { name: 'capture', corpus, segments: segmentsOf(corpus), check: checkBooks },
    { name: 'simulator', corpus: simulator.corpus, segments: segmentsOf(simulator.corpus),
      check: (store) => checkSimulatorBook(store, simulator.market) },
  ];
  let sink = 0;

  const timed = (segments: readonly [number, number, number][], into: Float64Array, each: (i: number) => void): void => {
    let t = process.hrtime.bigint();
    for (const [start, end, cls] of segments) {
      for (let i = start; i < end; i++) each(i);
      const now = process.hrtime.bigint();
      into[cls] += Number(now - t);
      t = now;
    }
  };
  const passes: Record<VariantId, Pass> = {
    json: ({ corpus: { frames }, segments }, into) => timed(segments, into, (i) => {
      if (JSON.parse(frames[i]!) !== null) sink++;
    }),
    parse: ({ corpus: { frames }, segments }, into) => timed(segments, into, (i) => {
      if (parseCoinbaseFrame(frames[i]!).kind !== 'unknown') sink++;
    }),
    session: ({ corpus: { frames }, segments }, into) => {
      const session = newCoinbaseSession(config);
      session.onOpen(0);
      timed(segments, into, (i) => drained(session.onFrame(frames[i]!, 0), (output) => {
        sink += output.events.length;
      }));
    },
    store: ({ corpus: { frames }, segments, check }, into) => {
      const session = newCoinbaseSession(config);
      const store = newCoinbaseStore(config);
      session.onOpen(0);
      timed(segments, into, (i) => drained(session.onFrame(frames[i]!, 0), (output) => {
        for (const event of output.events) {
          const outcome = applyVenueEvent(store, 'coinbase', event);
          if (outcome.failure !== undefined) throw new IntegrityAlarm(outcome.failure.message);
        }
      }));
      check(store);
    },
    ingest: ({ corpus: { frames, bytes }, segments, check }, into) => {
      const store = newCoinbaseStore(config);
      const probe = new CoinbaseProbe();
      const driver = newCoinbaseDriver(config, store, metrics, probe);
      timed(segments, into, (i) => driver.frame(frames[i]!, bytes[i]!));
      if (probe.failures > 0) throw new IntegrityAlarm(`ingest pass: ${probe.firstFailure}`);
      check(store);
    },
  };

  options.log(`coinbase ingest bench: the capture's ${corpus.frames.length} frames (${corpus.count.snapshot} level2 snapshots) `
    + `and a ${simulator.corpus.frames.length}-frame simulator stream, ${options.passes} passes × `
    + `${COINBASE_VARIANTS.length} variants × (${options.warmupRounds} warm-up + ${options.rounds}) rounds`);
  const rounds: Record<NamedCorpus['name'], Record<VariantId, ClassTimes>>[] = [];
  for (let round = 0; round < options.warmupRounds + options.rounds; round++) {
    const result = { capture: {}, simulator: {} } as Record<NamedCorpus['name'], Record<VariantId, ClassTimes>>;
    for (let k = 0; k < COINBASE_VARIANTS.length; k++) {
      const id = COINBASE_VARIANTS[(k + round) % COINBASE_VARIANTS.length]!;
      for (const named of corpora) {
        const ns = new Float64Array(CLASSES.length);
        for (let p = 0; p < options.passes; p++) passes[id](named, ns);
        const per = (value: number, frames: number) => value / 1000 / (options.passes * Math.max(1, frames));
        const { count, frames } = named.corpus;
        result[named.name][id] = { steady: per(ns[0]!, count.steady), snapshot: per(ns[1]!, count.snapshot),
          all: per(ns[0]! + ns[1]!, frames.length) };
      }
    }
    const measured = round >= options.warmupRounds;
    if (measured) rounds.push(result);
    options.log(`${measured ? `round ${round - options.warmupRounds + 1}/${options.rounds}` : `warm-up ${round + 1}`}: `
      + COINBASE_VARIANTS.map((id) => `${id} ${result.capture[id].all.toFixed(2)}`).join(', ')
      + ` µs/frame; (b)/(a) ${(result.capture.ingest.all / result.capture.json.all).toFixed(2)}× capture, `
      + `${(result.simulator.ingest.steady / result.simulator.json.steady).toFixed(2)}× simulator steady state`);
  }
  if (sink === 0) throw new Error('bench: nothing was measured');

  const medians = (name: NamedCorpus['name']) => Object.fromEntries(COINBASE_VARIANTS.map((id) => [id, {
    steady: median(rounds.map((r) => r[name][id].steady)), snapshot: median(rounds.map((r) => r[name][id].snapshot)),
    all: median(rounds.map((r) => r[name][id].all)),
  }])) as Record<VariantId, ClassTimes>;
  const variants = medians('capture');
  const simulated = medians('simulator');
  const ratio = (cls: keyof ClassTimes) => variants.ingest[cls] / variants.json[cls];
  const simulatorSteady = simulated.ingest.steady / simulated.json.steady;
  const memory = measureBookMemory(corpus);
  const { log: _log, outDir, ...recorded } = options;
  const report: CoinbaseIngestReport = {
    startedAt, node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cpuCount: cpus().length, options: recorded,
    frames: { ...corpus.count, bytes: corpus.bytes.reduce((sum, each) => sum + each, 0),
      simulatorSteady: simulator.corpus.count.steady },
    variants,
    simulator: simulated,
    ratios: { all: ratio('all'), steady: ratio('steady'), snapshot: ratio('snapshot'), simulatorSteady,
      target: TARGET_INGEST_RATIO,
      withinTarget: ratio('all') <= TARGET_INGEST_RATIO && Math.min(ratio('steady'), simulatorSteady) <= TARGET_INGEST_RATIO },
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
  const rows: string[][] = [['variant', 'capture: all µs', 'steady µs', 'snapshot ms', '× json (all)', '× json (steady)',
    'simulator steady µs', '× json']];
  for (const id of COINBASE_VARIANTS) {
    const v = report.variants[id];
    const sim = report.simulator[id];
    rows.push([id, v.all.toFixed(2), v.steady.toFixed(2), (v.snapshot / 1000).toFixed(2),
      (v.all / report.variants.json.all).toFixed(2), (v.steady / report.variants.json.steady).toFixed(2),
      sim.steady.toFixed(2), (sim.steady / report.simulator.json.steady).toFixed(2)]);
  }
  printTable(rows, log);
  log(`(b)/(a) = ${report.ratios.all.toFixed(2)}× over the capture's ${report.frames.steady + report.frames.snapshot} frames `
    + `(${report.ratios.steady.toFixed(2)}× its ${report.frames.steady} steady ones, ${report.ratios.snapshot.toFixed(2)}× its `
    + `level2 snapshots), ${report.ratios.simulatorSteady.toFixed(2)}× over ${report.frames.simulatorSteady} steady simulator `
    + `frames (target ≤ ${report.ratios.target}×: ${report.ratios.withinTarget ? 'met' : 'MISSED'})`);
  log(`memory: a ${report.memory.levels}-level book holds ${(report.memory.bytesPerBook / 1_048_576).toFixed(1)} MB of heap `
    + `(${Math.round(report.memory.bytesPerLevel)} bytes per level)`);
}
