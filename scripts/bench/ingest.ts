// Ingest benchmark: cost per upstream frame of the gateway's ingest path against bare JSON.parse, on the real
// Kraken captures. Every variant runs in the same process, interleaved round by round (the order rotates each
// round), after warm-up rounds; the median round is reported. Variants (ingest-pipeline.ts builds them):
//   json     (a) JSON.parse(text)                                   — the baseline
//   parse        parseKrakenFrame(text)                              — stage: quote number tokens + JSON.parse + shape checks
//   session      session.onFrame(text, t)                            — stage: + translation to normalized events
//   store        + applyVenueEvent(store, …) per event               — stage: + book apply, truncate, crossed check, CRC32
//   ingest   (b) SessionDriver.frame(text, bytes)                     — what UpstreamConnection runs per frame (+ tracker,
//                                                                     timing and prom-client metrics)
//   fanout   (c) (b) + Fanout (N clients: book depth 10 + trades) with its end-of-turn flush run after every frame
// Every checksum is verified (a mismatch throws IntegrityAlarm and the bench exits non-zero).
// Usage: node --import tsx scripts/bench/ingest.ts [--rounds 5] [--warmup 2] [--passes 30] [--clients 4]
//        [--captures btcusd,ethusd] [--out bench/results]
// Binance: ingest-binance.ts; `npm run bench -- ingest [--venue kraken|binance|all]` runs either or both.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { applyVenueEvent } from '../../src/book/book-sync.ts';
import { parseKrakenFrame } from '../../src/exchanges/kraken/parse.ts';
import {
  type Capture, type CaptureFacts, DriverProbe, IntegrityAlarm, defaultConfig, loadCaptures, newDriver, newFanout,
  newMetrics, newSession, newStore, verifyCapture,
} from './ingest-pipeline.ts';
import { printIngestReport } from './ingest-report.ts';
import { benchPlatform } from './platform.ts';
import {
  defaultIngestBenchOptions, type IngestBenchOptions, type IngestBenchReport, TARGET_INGEST_RATIO, VARIANTS, type VariantId,
  type VariantResult,
} from './ingest-types.ts';

type Pass = (capture: Capture, facts: CaptureFacts) => number;

function elapsedNs(start: bigint): number {
  return Number(process.hrtime.bigint() - start);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export async function runIngestBench(overrides: Partial<IngestBenchOptions> = {}): Promise<IngestBenchReport> {
  const options = { ...defaultIngestBenchOptions, ...overrides };
  const startedAt = new Date().toISOString();
  const config = defaultConfig();
  const metrics = newMetrics();
  const captures = loadCaptures(options.captures);
  if (captures.length === 0) throw new Error(`bench: no capture matches ${options.captures?.join(',')}`);
  const facts = new Map(captures.map((capture) => [capture, verifyCapture(config, capture)]));
  let verifiedInTimedPasses = 0;
  let mismatches = 0;
  const fanoutTraffic = { frames: 0, bytes: 0, passes: 0 };
  let sink = 0;

  const checkDriverPass = (capture: Capture, probe: DriverProbe, version: number | undefined, expected: CaptureFacts): void => {
    mismatches += probe.checksumMismatches;
    if (probe.integrityFailures > 0 || probe.warnings > 0 || version !== expected.finalVersion) {
      throw new IntegrityAlarm(`${capture.file}: ${probe.integrityFailures} integrity failures `
        + `(${probe.checksumMismatches} checksum mismatches), ${probe.warnings} warnings, book version ${version} `
        + `(expected ${expected.finalVersion}); first: ${probe.firstFailure ?? 'none'}`);
    }
    verifiedInTimedPasses += expected.checksummed;
  };

  const passes: Record<VariantId, Pass> = {
    json({ frames }) {
      const start = process.hrtime.bigint();
      for (let i = 0; i < frames.length; i++) if (JSON.parse(frames[i]) !== null) sink++;
      return elapsedNs(start);
    },
    parse({ frames }) {
      const start = process.hrtime.bigint();
      for (let i = 0; i < frames.length; i++) if (parseKrakenFrame(frames[i]).kind !== 'unknown') sink++;
      return elapsedNs(start);
    },
    session(capture) {
      const session = newSession(capture);
      const { frames } = capture;
      const start = process.hrtime.bigint();
      for (let i = 0; i < frames.length; i++) sink += session.onFrame(frames[i], Date.now()).events.length;
      return elapsedNs(start);
    },
    store(capture, expected) {
      const session = newSession(capture);
      const store = newStore(config, capture);
      const { frames } = capture;
      const start = process.hrtime.bigint();
      for (let i = 0; i < frames.length; i++) {
        for (const event of session.onFrame(frames[i], Date.now()).events) {
          const outcome = applyVenueEvent(store, 'kraken', event);
          if (outcome.failure !== undefined) throw new IntegrityAlarm(`${capture.file}: ${outcome.failure.message}`);
        }
      }
      const ns = elapsedNs(start);
      const version = store.get('kraken', capture.symbol)?.version;
      if (version !== expected.finalVersion) throw new IntegrityAlarm(`${capture.file}: book version ${version}, expected ${expected.finalVersion}`);
      verifiedInTimedPasses += expected.checksummed;
      return ns;
    },
    ingest(capture, expected) {
      const store = newStore(config, capture);
      const probe = new DriverProbe();
      const driver = newDriver(config, capture, store, metrics, probe);
      const { frames, bytes } = capture;
      const start = process.hrtime.bigint();
      for (let i = 0; i < frames.length; i++) driver.frame(frames[i], bytes[i]);
      const ns = elapsedNs(start);
      checkDriverPass(capture, probe, store.get('kraken', capture.symbol)?.version, expected);
      return ns;
    },
    fanout(capture, expected) {
      const store = newStore(config, capture);
      const probe = new DriverProbe();
      const rig = newFanout(config, capture, store, metrics, options.clients, options.clientBookDepth);
      const driver = newDriver(config, capture, store, metrics, probe);
      rig.endTurn();
      const before = rig.clients.map((client) => client.frames);
      const beforeBytes = rig.clients.map((client) => client.bytes);
      const { frames, bytes } = capture;
      const start = process.hrtime.bigint();
      for (let i = 0; i < frames.length; i++) {
        driver.frame(frames[i], bytes[i]);
        rig.endTurn();
      }
      const ns = elapsedNs(start);
      checkDriverPass(capture, probe, store.get('kraken', capture.symbol)?.version, expected);
      const got = rig.clients.map((client, i) => client.frames - before[i]);
      if (got.some((count) => count !== got[0]) || got[0] === 0) {
        throw new Error(`bench: fan-out clients received unequal or no frames: ${got.join(', ')}`);
      }
      fanoutTraffic.frames += got[0];
      fanoutTraffic.bytes += rig.clients[0].bytes - beforeBytes[0];
      fanoutTraffic.passes++;
      rig.fanout.stop();
      return ns;
    },
  };

  const totalFrames = captures.reduce((sum, capture) => sum + capture.frames.length, 0);
  options.log(`ingest bench: ${captures.length} captures, ${totalFrames} frames, ${options.passes} passes × `
    + `${VARIANTS.length} variants × (${options.warmupRounds} warm-up + ${options.rounds}) rounds`);
  const rounds: { total: Record<VariantId, number>; perCapture: Record<VariantId, Record<string, number>> }[] = [];
  for (let round = 0; round < options.warmupRounds + options.rounds; round++) {
    const measured = round >= options.warmupRounds;
    const total = {} as Record<VariantId, number>;
    const perCapture = {} as Record<VariantId, Record<string, number>>;
    for (let k = 0; k < VARIANTS.length; k++) {
      const id = VARIANTS[(k + round) % VARIANTS.length];
      let ns = 0;
      perCapture[id] = {};
      for (const capture of captures) {
        let captureNs = 0;
        for (let p = 0; p < options.passes; p++) captureNs += passes[id](capture, facts.get(capture)!);
        perCapture[id][capture.file] = captureNs / 1000 / (options.passes * capture.frames.length);
        ns += captureNs;
      }
      total[id] = ns / 1000 / (options.passes * totalFrames);
    }
    if (measured) rounds.push({ total, perCapture });
    options.log(`${measured ? `round ${round - options.warmupRounds + 1}/${options.rounds}` : `warm-up ${round + 1}`}: `
      + VARIANTS.map((id) => `${id} ${total[id].toFixed(3)}`).join(', ') + ' µs/frame; '
      + `(b)/(a) ${(total.ingest / total.json).toFixed(2)}×, (c)/(a) ${(total.fanout / total.json).toFixed(2)}×`);
  }

  const variants: VariantResult[] = VARIANTS.map((id) => {
    const roundsMicros = rounds.map((r) => r.total[id]);
    const micros = median(roundsMicros);
    return {
      id, microsPerFrame: micros, framesPerSecond: 1e6 / micros, roundsMicrosPerFrame: roundsMicros,
      perCapture: Object.fromEntries(captures.map((c) => [c.file, median(rounds.map((r) => r.perCapture[id][c.file]))])),
    };
  });
  const at = (id: VariantId): number => variants.find((v) => v.id === id)!.microsPerFrame;
  const spread = (id: VariantId): { min: number; max: number } => {
    const ratios = rounds.map((r) => r.total[id] / r.total.json);
    return { min: Math.min(...ratios), max: Math.max(...ratios) };
  };
  const { log: _log, outDir, ...recorded } = options;
  const report: IngestBenchReport = {
    startedAt, ...benchPlatform(), options: recorded,
    corpus: captures.map((c) => ({ file: c.file, symbol: c.symbol, depth: c.depth, frames: c.frames.length,
      prelude: c.prelude.length, ...facts.get(c)! })),
    variants,
    ratios: {
      ingestOverJson: at('ingest') / at('json'), ingestOverJsonRounds: spread('ingest'),
      fanoutOverJson: at('fanout') / at('json'), fanoutOverJsonRounds: spread('fanout'),
      target: TARGET_INGEST_RATIO, withinTarget: at('ingest') / at('json') <= TARGET_INGEST_RATIO,
    },
    breakdown: {
      parse: at('parse'), session: at('session') - at('parse'), store: at('store') - at('session'),
      driver: at('ingest') - at('store'), fanout: at('fanout') - at('ingest'),
    },
    checksums: { verifiedInTimedPasses, mismatches, perPass: captures.reduce((s, c) => s + facts.get(c)!.checksummed, 0) },
    fanout: {
      clients: options.clients, bookDepth: options.clientBookDepth,
      framesPerClientPerPass: fanoutTraffic.frames / Math.max(1, fanoutTraffic.passes) * captures.length,
      bytesPerClientPerPass: fanoutTraffic.bytes / Math.max(1, fanoutTraffic.passes) * captures.length,
      flush: 'Fanout end-of-turn flush (its `schedule` hook) run synchronously after every frame: one frame per '
        + 'event-loop turn, as at Kraken rates (frames ms apart); no coalescing across frames',
    },
    file: null,
  };
  if (mismatches !== 0) throw new IntegrityAlarm(`${mismatches} checksum mismatches`);
  if (sink === 0) throw new Error('bench: nothing was measured');
  printIngestReport(report, options.log);
  if (outDir !== null) {
    mkdirSync(outDir, { recursive: true });
    report.file = join(outDir, `ingest-${startedAt.slice(0, 10)}.json`);
    writeFileSync(report.file, `${JSON.stringify(report, null, 2)}\n`);
    options.log(`wrote ${report.file}`);
  }
  return report;
}

export function parseIngestArgs(argv: readonly string[]): Partial<IngestBenchOptions> {
  const { values } = parseArgs({ args: [...argv], options: {
    rounds: { type: 'string' }, warmup: { type: 'string' }, passes: { type: 'string' }, clients: { type: 'string' },
    'book-depth': { type: 'string' }, captures: { type: 'string' }, out: { type: 'string' },
  } });
  const count = (name: string, text: string, min: number): number => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be an integer ≥ ${min}, got "${text}"`);
    return value;
  };
  const overrides: { -readonly [K in keyof IngestBenchOptions]?: IngestBenchOptions[K] } = {};
  if (values.rounds !== undefined) overrides.rounds = count('rounds', values.rounds, 1);
  if (values.warmup !== undefined) overrides.warmupRounds = count('warmup', values.warmup, 0);
  if (values.passes !== undefined) overrides.passes = count('passes', values.passes, 1);
  if (values.clients !== undefined) overrides.clients = count('clients', values.clients, 1);
  if (values['book-depth'] !== undefined) overrides.clientBookDepth = count('book-depth', values['book-depth'], 1);
  if (values.captures !== undefined) overrides.captures = values.captures.split(',');
  if (values.out !== undefined) overrides.outDir = values.out;
  return overrides;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runIngestBench(parseIngestArgs(process.argv.slice(2))).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
