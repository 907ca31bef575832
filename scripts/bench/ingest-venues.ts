// `npm run bench -- ingest [--venue kraken|binance|coinbase|all] [options]`: the ingest benchmark of each venue,
// Kraken, Binance, then Coinbase. Options shared by all: --rounds, --warmup, --passes, --out. Kraken and Binance:
// --captures (file name fragments; with --venue all each of them must have a match). Kraken only: --clients,
// --book-depth. Binance only: --synthetic-steps, --seed. Coinbase only: --no-loop (skip the event-loop bench).
import { parseArgs } from 'node:util';
import { binanceCaptureNames } from './ingest-binance-corpus.ts';
import { type CoinbaseIngestBenchOptions, runCoinbaseIngestBench } from './ingest-coinbase.ts';
import type { BinanceIngestBenchOptions } from './ingest-binance-options.ts';
import { runBinanceIngestBench } from './ingest-binance.ts';
import { CAPTURE_SPECS } from './ingest-pipeline.ts';
import { parseIngestArgs, runIngestBench } from './ingest.ts';
import type { IngestBenchOptions } from './ingest-types.ts';

export const INGEST_VENUES = ['kraken', 'binance', 'coinbase', 'all'] as const;
export type IngestVenue = (typeof INGEST_VENUES)[number];

export interface IngestCommand {
  readonly venue: IngestVenue;
  readonly kraken: Partial<IngestBenchOptions>;
  readonly binance: Partial<BinanceIngestBenchOptions>;
  readonly coinbase: Partial<CoinbaseIngestBenchOptions>;
}

const SHARED = ['rounds', 'warmup', 'passes', 'captures', 'out'] as const;
const KRAKEN_ONLY = ['clients', 'book-depth'] as const;
const BINANCE_ONLY = ['synthetic-steps', 'seed'] as const;
const COINBASE_ONLY = ['no-loop'] as const;
/** The simulator stream needs its snapshot (after step 3) and some steady state after it. */
const MIN_SYNTHETIC_STEPS = 10;

function count(name: string, text: string, min: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be an integer ≥ ${min}, got "${text}"`);
  return value;
}

/** Throws on a bad option (bench.ts prints it with the usage, exit 2). */
export function parseIngestCommand(argv: readonly string[]): IngestCommand {
  const { values: parsed } = parseArgs({ args: [...argv], options: {
    ...Object.fromEntries(['venue', ...SHARED, ...KRAKEN_ONLY, ...BINANCE_ONLY].map((name) => [name, { type: 'string' as const }])),
    'no-loop': { type: 'boolean' as const },
  } });
  const values: Readonly<Record<string, unknown>> = parsed;
  const given = (name: string): string | undefined => {
    const value: unknown = values[name];
    return typeof value === 'string' ? value : undefined;
  };
  const venueText = given('venue') ?? 'all';
  if (!(INGEST_VENUES as readonly string[]).includes(venueText)) {
    throw new Error(`--venue must be one of ${INGEST_VENUES.join(', ')}; got "${venueText}"`);
  }
  const venue = venueText as IngestVenue;
  const kraken = venue === 'kraken' || venue === 'all';
  const binance = venue === 'binance' || venue === 'all';
  const coinbase = venue === 'coinbase' || venue === 'all';
  const present = (name: string): boolean => values[name] !== undefined;
  for (const [names, runs, only] of [[KRAKEN_ONLY, kraken, 'kraken'], [BINANCE_ONLY, binance, 'binance'],
    [COINBASE_ONLY, coinbase, 'coinbase']] as const) {
    for (const name of names) {
      if (present(name) && !runs) throw new Error(`--${name} applies to the ${only} ingest bench only (--venue ${venue})`);
    }
  }
  if (venue === 'coinbase' && present('captures')) throw new Error('--captures applies to the kraken and binance ingest benches');
  const fragments = given('captures')?.split(',').filter((each) => each !== '');
  if (fragments !== undefined) {
    if (kraken && !CAPTURE_SPECS.some((spec) => fragments.some((each) => spec.file.includes(each)))) {
      throw new Error(`--captures ${fragments.join(',')} matches no Kraken capture (${CAPTURE_SPECS.map((s) => s.file).join(', ')}); `
        + 'add --venue binance?');
    }
    if (binance && binanceCaptureNames(fragments).length === 0) {
      throw new Error(`--captures ${fragments.join(',')} matches no Binance capture (${binanceCaptureNames().join(', ')}); `
        + 'add --venue kraken?');
    }
  }
  // Kraken options go through the Kraken bench's own parser (same checks and messages as its CLI).
  const krakenArgs = [...SHARED, ...KRAKEN_ONLY].flatMap((name) => {
    const value = given(name);
    return value === undefined ? [] : [`--${name}`, value];
  });
  const b: { -readonly [K in keyof BinanceIngestBenchOptions]?: BinanceIngestBenchOptions[K] } = {};
  const text = { rounds: given('rounds'), warmup: given('warmup'), passes: given('passes'), steps: given('synthetic-steps'),
    seed: given('seed') };
  if (text.rounds !== undefined) b.rounds = count('rounds', text.rounds, 1);
  if (text.warmup !== undefined) b.warmupRounds = count('warmup', text.warmup, 0);
  if (text.passes !== undefined) b.passes = count('passes', text.passes, 1);
  if (text.steps !== undefined) {
    b.syntheticSteps = count('synthetic-steps', text.steps, 0);
    if (b.syntheticSteps > 0 && b.syntheticSteps < MIN_SYNTHETIC_STEPS) {
      throw new Error(`--synthetic-steps must be 0 (no simulator stream) or ≥ ${MIN_SYNTHETIC_STEPS}, got "${text.steps}"`);
    }
  }
  if (text.seed !== undefined) b.seed = count('seed', text.seed, 0);
  if (fragments !== undefined) b.captures = fragments;
  const out = given('out');
  if (out !== undefined) b.outDir = out;
  const c: { -readonly [K in keyof CoinbaseIngestBenchOptions]?: CoinbaseIngestBenchOptions[K] } = {};
  if (b.rounds !== undefined) c.rounds = b.rounds;
  if (b.warmupRounds !== undefined) c.warmupRounds = b.warmupRounds;
  if (b.passes !== undefined) c.passes = b.passes;
  if (out !== undefined) c.outDir = out;
  if (values['no-loop'] === true) c.loop = false;
  return { venue, kraken: kraken ? parseIngestArgs(krakenArgs) : {}, binance: b, coinbase: c };
}

export async function runIngestCommand(command: IngestCommand): Promise<void> {
  if (command.venue === 'kraken' || command.venue === 'all') await runIngestBench(command.kraken);
  if (command.venue === 'binance' || command.venue === 'all') await runBinanceIngestBench(command.binance);
  if (command.venue === 'coinbase' || command.venue === 'all') await runCoinbaseIngestBench(command.coinbase);
}
