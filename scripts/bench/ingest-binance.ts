// Binance ingest benchmark: cost per upstream frame of the gateway's Binance ingest path against bare JSON.parse, on
// the real Binance captures (+ a longer seeded-simulator stream). Same method as the Kraken bench (ingest.ts):
// every variant in one process, interleaved round by round (the order rotates each round), after warm-up rounds;
// the median round is reported. Variants:
//   json     (a) JSON.parse(text)                                 — the baseline
//   parse        parseBinanceFrame(text)                           — stage: JSON.parse + shape checks
//   session      session.onFrame(text, t)                          — stage: + update-id bridging, normalized events
//   store        + applyVenueEvent(store, …) per event             — stage: + book apply (depth 5000), truncate, crossed check
//   ingest   (b) SessionDriver.frame(text, bytes)                   — what UpstreamConnection runs per frame (+ tracker,
//                                                                   timing, prom-client metrics); REST snapshots go
//                                                                   through the driver's own snapshot path
// Every pass starts a fresh session and store (update ids must advance) and must end with the books of the captures'
// `.expected.json` (top 5 per side, level counts, final update id): a mismatch throws and the bench exits non-zero.
// Frames are timed in runs of one class (one clock read per run), so the cost of depthUpdate/trade frames (steady
// state) is reported apart from the large REST snapshot frames and from streams the gateway never subscribes.
// Usage: node --import tsx scripts/bench/main.ts ingest --venue binance [--rounds 5] [--warmup 2] [--passes 50]
//        [--captures 10sym,spot-4sym] [--synthetic-steps 2000] [--out bench/results]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyVenueEvent } from '../../src/book/book-sync.ts';
import { parseBinanceFrame } from '../../src/exchanges/binance/parse.ts';
import { createMetrics } from '../../src/observability/metrics.ts';
import {
  binanceCaptureNames, CLASS_NAMES, type ClassName, type CorpusEntry, loadBinanceCapture, recordSimulatorStream, SNAPSHOT,
} from './ingest-binance-corpus.ts';
import {
  BINANCE_VARIANTS, type BinanceIngestReport, type BinanceVariantId, type RoundTimes, summarize,
} from './ingest-binance-summary.ts';
import { printBinanceIngestReport } from './ingest-binance-report.ts';
import {
  BinanceProbe, checkBooks, checkSession, type EntryFacts, newBinanceDriver, newBinanceSession, newBinanceStore,
  RecordingSnapshots, verifyEntry,
} from './ingest-binance-rig.ts';
import { type BinanceIngestBenchOptions, defaultBinanceIngestBenchOptions } from './ingest-binance-options.ts';
import { defaultConfig, IntegrityAlarm } from './ingest-pipeline.ts';
import { benchPlatform } from './platform.ts';

/** ns per class (steady, snapshot, other) added into `into`. */
type Pass = (entry: CorpusEntry, facts: EntryFacts, into: Float64Array) => void;

export async function runBinanceIngestBench(overrides: Partial<BinanceIngestBenchOptions> = {}): Promise<BinanceIngestReport> {
  const options = { ...defaultBinanceIngestBenchOptions, ...overrides };
  const startedAt = new Date().toISOString();
  const config = defaultConfig();
  const metrics = createMetrics({ engine: 'bench', version: 'bench', exchanges: ['binance'], defaultMetrics: false });
  const names = binanceCaptureNames(options.captures);
  if (names.length === 0) throw new Error(`bench: no Binance capture matches ${options.captures?.join(',')}`);
  const corpus = names.map(loadBinanceCapture);
  if (options.syntheticSteps > 0) corpus.push(recordSimulatorStream(options.syntheticSteps, options.seed, 5000));
  const facts = corpus.map((entry) => verifyEntry(config, entry));
  const verified = { passes: 0, books: 0, framesCounted: 0, ingestFrames: 0 };
  let sink = 0;

  const passes: Record<BinanceVariantId | 'clock', Pass> = {
    clock({ segments }, _facts, into) {
      let t = process.hrtime.bigint();
      for (const { start, end, cls } of segments) {
        for (let i = start; i < end; i++) sink++;
        const now = process.hrtime.bigint();
        into[cls] += Number(now - t);
        t = now;
      }
    },
    json({ frames, segments }, _facts, into) {
      let t = process.hrtime.bigint();
      for (const { start, end, cls } of segments) {
        for (let i = start; i < end; i++) if (JSON.parse(frames[i]) !== null) sink++;
        const now = process.hrtime.bigint();
        into[cls] += Number(now - t);
        t = now;
      }
      verified.framesCounted += frames.length;
    },
    parse(entry, _facts, into) {
      const { frames, segments } = entry;
      let bad = 0;
      let t = process.hrtime.bigint();
      for (const { start, end, cls } of segments) {
        for (let i = start; i < end; i++) {
          const kind = parseBinanceFrame(frames[i]).kind;
          if (kind === 'unknown' || kind === 'snapshot_invalid') bad++;
          else sink++;
        }
        const now = process.hrtime.bigint();
        into[cls] += Number(now - t);
        t = now;
      }
      if (bad > 0) throw new IntegrityAlarm(`${entry.name}: ${bad} frames did not parse`);
      verified.framesCounted += frames.length;
    },
    session(entry, expected, into) {
      const session = newBinanceSession(config, entry);
      const { frames, segments } = entry;
      let events = 0;
      let t = process.hrtime.bigint();
      for (const { start, end, cls } of segments) {
        for (let i = start; i < end; i++) events += session.onFrame(frames[i], Date.now()).events.length;
        const now = process.hrtime.bigint();
        into[cls] += Number(now - t);
        t = now;
      }
      if (events !== expected.events) throw new IntegrityAlarm(`${entry.name}: ${events} events, expected ${expected.events}`);
      checkSession(entry, session);
      sink += events;
      verified.framesCounted += frames.length;
      verified.passes++;
    },
    store(entry, expected, into) {
      const session = newBinanceSession(config, entry);
      const store = newBinanceStore(config, entry);
      const { frames, segments } = entry;
      let events = 0;
      let t = process.hrtime.bigint();
      for (const { start, end, cls } of segments) {
        for (let i = start; i < end; i++) {
          for (const event of session.onFrame(frames[i], Date.now()).events) {
            events++;
            const outcome = applyVenueEvent(store, 'binance', event);
            if (outcome.failure !== undefined) throw new IntegrityAlarm(`${entry.name}: ${outcome.failure.message}`);
          }
        }
        const now = process.hrtime.bigint();
        into[cls] += Number(now - t);
        t = now;
      }
      if (events !== expected.events) throw new IntegrityAlarm(`${entry.name}: ${events} events, expected ${expected.events}`);
      checkSession(entry, session);
      verified.books += checkBooks(entry, store);
      verified.framesCounted += frames.length;
      verified.passes++;
    },
    ingest(entry, _facts, into) {
      const store = newBinanceStore(config, entry);
      const probe = new BinanceProbe();
      const snapshots = new RecordingSnapshots(config);
      const driver = newBinanceDriver(config, entry, store, metrics, probe, snapshots);
      const { frames, bytes, segments, rest } = entry;
      let t = process.hrtime.bigint();
      for (const { start, end, cls } of segments) {
        if (cls === SNAPSHOT) {
          for (let i = start; i < end; i++) {
            const answer = rest.get(i)!;
            snapshots.answer(entry.name, answer.symbol, answer.body);
          }
        } else {
          for (let i = start; i < end; i++) driver.frame(frames[i], bytes[i]);
        }
        const now = process.hrtime.bigint();
        into[cls] += Number(now - t);
        t = now;
      }
      const symbols = entry.symbols.length;
      if (probe.failures > 0 || probe.live !== 1 || snapshots.requested !== symbols || snapshots.delivered !== symbols) {
        throw new IntegrityAlarm(`${entry.name}: driver pass with ${probe.failures} failures (first: ${probe.firstFailure ?? 'none'}), `
          + `live() called ${probe.live}×, ${snapshots.requested} snapshots requested and ${snapshots.delivered} delivered `
          + `(expected 1×, ${symbols}, ${symbols})`);
      }
      checkSession(entry, driver.session);
      verified.books += checkBooks(entry, store);
      verified.framesCounted += frames.length;
      verified.ingestFrames += frames.length;
      verified.passes++;
    },
  };

  const frameCount = corpus.reduce((sum, entry) => sum + entry.frames.length, 0);
  options.log(`binance ingest bench: ${corpus.length} corpus entries (${names.length} captures`
    + `${options.syntheticSteps > 0 ? ' + simulator stream' : ''}), ${frameCount} frames, ${options.passes} passes × `
    + `${BINANCE_VARIANTS.length} variants × (${options.warmupRounds} warm-up + ${options.rounds}) rounds`);
  const rounds: RoundTimes[] = [];
  const order: (BinanceVariantId | 'clock')[] = [...BINANCE_VARIANTS];
  for (let round = 0; round < options.warmupRounds + options.rounds; round++) {
    const times = {} as RoundTimes;
    for (let k = 0; k <= order.length; k++) {
      const id = k === order.length ? 'clock' : order[(k + round) % order.length];
      times[id] = corpus.map((entry, e) => {
        const into = new Float64Array(3);
        for (let p = 0; p < options.passes; p++) passes[id](entry, facts[e], into);
        return into;
      });
    }
    const measured = round >= options.warmupRounds;
    if (measured) rounds.push(times);
    const line = summarize([times], corpus, options.passes).captures;
    options.log(`${measured ? `round ${round - options.warmupRounds + 1}/${options.rounds}` : `warm-up ${round + 1}`}: `
      + BINANCE_VARIANTS.map((id) => `${id} ${line.variants[id].all?.toFixed(2)}`).join(', ') + ' µs/frame (captures); '
      + `ingest/json ${line.ratios.all.median?.toFixed(2)}×, steady ${line.ratios.steady.median?.toFixed(2)}×`);
  }

  const framesReceived = (await metrics.instruments.framesReceived.get()).values
    .find((value) => value.labels.exchange === 'binance')?.value ?? 0;
  if (framesReceived !== verified.ingestFrames) {
    throw new IntegrityAlarm(`mgw_upstream_frames_received_total{exchange="binance"} = ${framesReceived}, `
      + `but ${verified.ingestFrames} frames went through SessionDriver.frame`);
  }
  if (sink === 0) throw new Error('bench: nothing was measured');
  const summary = summarize(rounds, corpus, options.passes);
  const { log: _log, outDir, ...recorded } = options;
  const report: BinanceIngestReport = {
    startedAt, ...benchPlatform(), options: recorded,
    corpus: corpus.map((entry, e) => ({
      name: entry.name, source: entry.source, symbols: entry.symbols, frames: entry.frames.length,
      ...Object.fromEntries(entry.counts.map((count, cls) => [CLASS_NAMES[cls], count])) as Record<ClassName, number>,
      kinds: entry.kinds, snapshotBytes: entry.snapshotBytes, ...(entry.spanMs === undefined ? {} : { spanMs: entry.spanMs }),
      ...facts[e],
    })),
    ...summary,
    verification: {
      passesVerified: verified.passes, booksVerified: verified.books, framesCounted: verified.framesCounted,
      ingestFramesInMetrics: framesReceived,
      checks: 'every session/store/ingest pass: event count, per-symbol final update id and applied diffs, no gap; '
        + 'store/ingest: every book live with the expected level counts and top 5 per side; ingest: no warning, '
        + 'resync or integrity failure, one snapshot request per symbol answered, live() once; metrics frame count',
    },
    file: null,
  };
  printBinanceIngestReport(report, options.log);
  if (outDir !== null) {
    mkdirSync(outDir, { recursive: true });
    report.file = join(outDir, `ingest-binance-${startedAt.slice(0, 10)}.json`);
    writeFileSync(report.file, `${JSON.stringify(report, null, 2)}\n`);
    options.log(`wrote ${report.file}`);
  }
  return report;
}
