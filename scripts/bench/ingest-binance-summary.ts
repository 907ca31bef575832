// Medians, ratios and stage breakdown of ingest-binance.ts rounds, per corpus entry and over the real captures.
import { CLASS_NAMES, type ClassName, type CorpusEntry, OTHER, SNAPSHOT, STEADY } from './ingest-binance-corpus.ts';
import type { BinanceIngestBenchOptions } from './ingest-binance-options.ts';
import type { EntryFacts } from './ingest-binance-rig.ts';
import type { BenchPlatform } from './platform.ts';

export const BINANCE_VARIANTS = ['json', 'parse', 'session', 'store', 'ingest'] as const;
export type BinanceVariantId = (typeof BINANCE_VARIANTS)[number];

/** One round: per variant (and the empty `clock` loop), per corpus entry, ns per frame class. */
export type RoundTimes = Record<BinanceVariantId | 'clock', Float64Array[]>;

/** Frames of every class together, or of one class. */
export type Scope = 'all' | ClassName;
export const SCOPES: readonly Scope[] = ['all', ...CLASS_NAMES];
const SCOPE_CLASSES: Record<Scope, readonly number[]> = {
  all: [STEADY, SNAPSHOT, OTHER], steady: [STEADY], snapshot: [SNAPSHOT], other: [OTHER],
};

export interface Spread {
  /** Ratio of the medians. */
  readonly median: number | null;
  /** The same ratio round by round. */
  readonly min: number | null;
  readonly max: number | null;
}

/** Median µs per frame by scope (null: no frame of that class), and the rounds behind the all/steady medians. */
export type VariantFigures = Record<Scope, number | null> & {
  readonly allRounds: number[];
  readonly steadyRounds: (number | null)[];
};

export interface Breakdown {
  readonly parse: number | null;
  readonly session: number | null;
  readonly store: number | null;
  readonly driver: number | null;
}

export interface GroupSummary {
  readonly entries: string[];
  /** Frames per pass over the group. */
  readonly frames: Record<Scope, number>;
  readonly variants: Record<BinanceVariantId, VariantFigures>;
  /** ingest / json. */
  readonly ratios: Record<Scope, Spread>;
  /** Each stage as the difference of the medians of consecutive variants, µs per frame. */
  readonly breakdown: { readonly all: Breakdown; readonly steady: Breakdown };
  /** The timing loop alone (one clock read per run of same-class frames), µs per frame; included in every figure. */
  readonly clockMicrosPerFrame: Record<Scope, number | null>;
}

export interface BinanceIngestReport extends BenchPlatform {
  startedAt: string;
  options: Omit<BinanceIngestBenchOptions, 'log' | 'outDir'>;
  corpus: (Record<ClassName, number> & EntryFacts & {
    name: string; source: CorpusEntry['source']; symbols: readonly string[]; frames: number;
    kinds: Readonly<Record<string, number>>; snapshotBytes: number; spanMs?: number;
  })[];
  /** The real captures together: the headline figures. */
  captures: GroupSummary;
  perCorpus: Record<string, GroupSummary>;
  verification: {
    passesVerified: number; booksVerified: number; framesCounted: number; ingestFramesInMetrics: number; checks: string;
  };
  file: string | null;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const minus = (x: number | null, y: number | null): number | null => (x === null || y === null ? null : x - y);

function group(rounds: readonly RoundTimes[], corpus: readonly CorpusEntry[], indices: readonly number[],
  passes: number): GroupSummary {
  const frames = Object.fromEntries(SCOPES.map((scope) => [scope,
    indices.reduce((sum, e) => sum + SCOPE_CLASSES[scope].reduce((n, cls) => n + corpus[e].counts[cls], 0), 0)])) as Record<Scope, number>;
  /** µs per frame of one variant in one round, or null when the scope has no frame. */
  const perFrame = (round: RoundTimes, id: BinanceVariantId | 'clock', scope: Scope): number | null => {
    if (frames[scope] === 0) return null;
    let ns = 0;
    for (const e of indices) for (const cls of SCOPE_CLASSES[scope]) ns += round[id][e][cls];
    return ns / 1000 / (passes * frames[scope]);
  };
  const at = (id: BinanceVariantId | 'clock', scope: Scope): number | null =>
    (frames[scope] === 0 ? null : median(rounds.map((round) => perFrame(round, id, scope)!)));
  const variants = Object.fromEntries(BINANCE_VARIANTS.map((id) => [id, {
    ...Object.fromEntries(SCOPES.map((scope) => [scope, at(id, scope)])) as Record<Scope, number | null>,
    allRounds: rounds.map((round) => perFrame(round, id, 'all')!),
    steadyRounds: rounds.map((round) => perFrame(round, id, 'steady')),
  }])) as Record<BinanceVariantId, VariantFigures>;
  const spread = (scope: Scope): Spread => {
    if (frames[scope] === 0) return { median: null, min: null, max: null };
    const ratios = rounds.map((round) => perFrame(round, 'ingest', scope)! / perFrame(round, 'json', scope)!);
    return { median: variants.ingest[scope]! / variants.json[scope]!, min: Math.min(...ratios), max: Math.max(...ratios) };
  };
  const breakdown = (scope: 'all' | 'steady'): Breakdown => ({
    parse: variants.parse[scope], session: minus(variants.session[scope], variants.parse[scope]),
    store: minus(variants.store[scope], variants.session[scope]), driver: minus(variants.ingest[scope], variants.store[scope]),
  });
  return {
    entries: indices.map((e) => corpus[e].name), frames, variants,
    ratios: Object.fromEntries(SCOPES.map((scope) => [scope, spread(scope)])) as Record<Scope, Spread>,
    breakdown: { all: breakdown('all'), steady: breakdown('steady') },
    clockMicrosPerFrame: Object.fromEntries(SCOPES.map((scope) => [scope, at('clock', scope)])) as Record<Scope, number | null>,
  };
}

export function summarize(rounds: readonly RoundTimes[], corpus: readonly CorpusEntry[], passes: number):
  Pick<BinanceIngestReport, 'captures' | 'perCorpus'> {
  const captures = corpus.flatMap((entry, e) => (entry.source === 'capture' ? [e] : []));
  return {
    captures: group(rounds, corpus, captures, passes),
    perCorpus: Object.fromEntries(corpus.map((entry, e) => [entry.name, group(rounds, corpus, [e], passes)])),
  };
}
