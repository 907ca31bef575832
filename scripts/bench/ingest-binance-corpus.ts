// The Binance ingest corpus for ingest-binance.ts: the real captures of test/fixtures/binance (every `ws`
// frame verbatim, every `rest` depth body as the adapter's synthetic snapshot frame, in capture order), and an
// optional longer steady-state stream recorded in-process from the seeded simulator market (no sockets), carrying
// only what the gateway subscribes (`@depth@100ms` + `@trade`). Each frame is classed once, untimed, by the adapter's
// own parser: `steady` (depthUpdate, trade), `snapshot` (REST snapshot frame), `other` (streams the gateway does not
// use: bookTicker, aggTrade, kline — present in the recordings, never subscribed live).
import { crc32Ascii } from '../../src/core/crc32.ts';
import { binanceRestSnapshot } from '../../src/exchanges/binance/spec.ts';
import { parseBinanceFrame } from '../../src/exchanges/binance/parse.ts';
import { BinanceMarket } from '../../src/sim/binance/market.ts';
import { binanceInstrument, DEFAULT_BINANCE_SIM_SYMBOLS } from '../../src/sim/binance/instruments.ts';
import { streamName } from '../../src/sim/binance/streams.ts';
import { combinedFrame, depthSnapshotBody, depthUpdatePayload, tradePayload } from '../../src/sim/binance/wire-format.ts';
import type { LevelText } from '../../src/core/model.ts';
import {
  listCaptures, normalizedSymbol, readCapture, readExpected, restSymbol,
} from '../../test/support/binance-fixtures.ts';
import { normalizeDecimal } from '../../test/support/binance-replay.ts';

export const STEADY = 0;
export const SNAPSHOT = 1;
export const OTHER = 2;
export type FrameClass = typeof STEADY | typeof SNAPSHOT | typeof OTHER;
export const CLASS_NAMES = ['steady', 'snapshot', 'other'] as const;
export type ClassName = (typeof CLASS_NAMES)[number];

/** A run of consecutive frames of one class: the unit of timing (one clock read per segment). */
export interface Segment {
  readonly start: number;
  readonly end: number;
  readonly cls: FrameClass;
}

/** What the book of one symbol must look like after every pass. */
export interface SymbolExpectation {
  readonly symbol: string;
  readonly finalUpdateId: number;
  /** Diff events applied after the bridge (book_update events). */
  readonly applied: number;
  readonly levels: { readonly bids: number; readonly asks: number };
  /** Normalized decimals (trailing zeros stripped), best first. */
  readonly top5Bids: readonly (readonly [string, string])[];
  readonly top5Asks: readonly (readonly [string, string])[];
}

export interface CorpusEntry {
  /** Capture file name, or `sim-…` for the simulator stream. */
  readonly name: string;
  readonly source: 'capture' | 'simulator';
  /** Normalized symbols (`NKN/USDT`), as configured. */
  readonly symbols: readonly string[];
  /** Verbatim frame text in arrival order; snapshot frames as `restSnapshot.frame(symbol, body)` builds them. */
  readonly frames: readonly string[];
  /** UTF-8 length of each frame (what the socket passes to driver.frame; a snapshot: its body length, as live). */
  readonly bytes: readonly number[];
  readonly classes: Uint8Array;
  readonly segments: readonly Segment[];
  /** For snapshot frames: the symbol and REST body the driver path gets delivered (it builds the frame itself). */
  readonly rest: ReadonlyMap<number, { readonly symbol: string; readonly body: string }>;
  /** Frames per class, indexed by FrameClass. */
  readonly counts: readonly [number, number, number];
  /** Frames per parser kind (`depth`, `trade`, `snapshot`, `unused`). */
  readonly kinds: Readonly<Record<string, number>>;
  readonly snapshotBytes: number;
  readonly expected: readonly SymbolExpectation[];
  /** Simulator only: market time covered (ms). */
  readonly spanMs?: number;
}

interface RawFrame {
  readonly text: string;
  readonly rest?: { readonly symbol: string; readonly body: string };
}

/** A fresh flat copy: frames built by concatenation are cons strings; the baseline should not pay the flattening. */
function flat(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

function build(name: string, source: CorpusEntry['source'], symbols: readonly string[], raw: readonly RawFrame[],
  expected: readonly SymbolExpectation[], spanMs?: number): CorpusEntry {
  const classes = new Uint8Array(raw.length);
  const kinds: Record<string, number> = {};
  const counts: [number, number, number] = [0, 0, 0];
  const rest = new Map<number, { symbol: string; body: string }>();
  let snapshotBytes = 0;
  raw.forEach((frame, i) => {
    const parsed = parseBinanceFrame(frame.text);
    if (parsed.kind === 'unknown' || parsed.kind === 'snapshot_invalid') {
      throw new Error(`bench: ${name} frame ${i + 1} does not parse (${parsed.kind}): ${frame.text.slice(0, 120)}`);
    }
    kinds[parsed.kind] = (kinds[parsed.kind] ?? 0) + 1;
    const cls: FrameClass = parsed.kind === 'depth' || parsed.kind === 'trade' ? STEADY
      : parsed.kind === 'snapshot' ? SNAPSHOT : OTHER;
    if ((cls === SNAPSHOT) !== (frame.rest !== undefined)) throw new Error(`bench: ${name} frame ${i + 1} misclassed`);
    if (frame.rest !== undefined) {
      rest.set(i, frame.rest);
      snapshotBytes += frame.text.length;
    }
    classes[i] = cls;
    counts[cls]++;
  });
  const segments: Segment[] = [];
  for (let i = 0; i < raw.length;) {
    let end = i + 1;
    while (end < raw.length && classes[end] === classes[i]) end++;
    segments.push({ start: i, end, cls: classes[i] as FrameClass });
    i = end;
  }
  const frames = raw.map((frame) => flat(frame.text));
  return {
    name, source, symbols, frames, bytes: frames.map((text, i) => (rest.has(i) ? rest.get(i)!.body.length : Buffer.byteLength(text))),
    classes, segments, rest, counts, kinds, snapshotBytes, expected, ...(spanMs === undefined ? {} : { spanMs }),
  };
}

/** Capture file names (`capture-*.jsonl`) matching any fragment; all when `fragments` is undefined. */
export function binanceCaptureNames(fragments?: readonly string[]): string[] {
  return listCaptures().filter((name) => fragments === undefined || fragments.some((each) => name.includes(each)));
}

export function loadBinanceCapture(name: string): CorpusEntry {
  const expectedByVenue = readExpected(name);
  const expected = Object.entries(expectedByVenue).map(([venueName, want]): SymbolExpectation => ({
    symbol: normalizedSymbol(venueName), finalUpdateId: want.final_update_id, applied: want.events_applied,
    levels: want.final_levels,
    top5Bids: want.final_top5_bids.map(([p, q]) => [normalizeDecimal(p), normalizeDecimal(q)] as const),
    top5Asks: want.final_top5_asks.map(([p, q]) => [normalizeDecimal(p), normalizeDecimal(q)] as const),
  }));
  const raw: RawFrame[] = [];
  for (const line of readCapture(name)) {
    if (line.src === 'ws') {
      raw.push({ text: line.raw! });
    } else if (line.src === 'rest') {
      const symbol = normalizedSymbol(restSymbol(line.url!));
      raw.push({ text: binanceRestSnapshot.frame(symbol, line.raw!), rest: { symbol, body: line.raw! } });
    }
  }
  return build(name, 'capture', expected.map((each) => each.symbol), raw, expected);
}

const SIM_INTERVAL_MS = 100;
const SIM_WARM_UP_STEPS = 60;
/** The REST answer arrives after this step's diff, with the book as of SIM_SNAPSHOT_BOOK_STEP. */
const SIM_SNAPSHOT_ARRIVES_STEP = 3;
const SIM_SNAPSHOT_BOOK_STEP = 1;
const SIM_START_MS = Date.UTC(2026, 0, 5, 14, 30);

const top5 = (levels: readonly LevelText[]): (readonly [string, string])[] =>
  levels.slice(0, 5).map(([p, q]) => [normalizeDecimal(p), normalizeDecimal(q)] as const);

/**
 * `steps` market steps (100 ms each) of every default simulator symbol, as the simulator's MarketFeed publishes
 * them to a connection subscribed to `@trade` + `@depth@100ms`: per step and symbol its trades, then one diff event.
 * Each symbol's REST snapshot (limit `depth`, the simulator's own body) is the book of step 1 arriving after step 3,
 * as a fetch sent at the first diff and answered later would: the session drops the diffs of steps 0–1 and replays
 * those of steps 2–3 from its buffer.
 */
export function recordSimulatorStream(steps: number, seed: number, depth: number): CorpusEntry {
  const instruments = DEFAULT_BINANCE_SIM_SYMBOLS.map(binanceInstrument);
  const markets = instruments.map((instrument) => {
    const market = new BinanceMarket(instrument, (seed ^ crc32Ascii(instrument.venueSymbol)) >>> 0);
    for (let i = 0; i < SIM_WARM_UP_STEPS; i++) market.step(SIM_START_MS - (SIM_WARM_UP_STEPS - i) * SIM_INTERVAL_MS);
    return market;
  });
  const raw: RawFrame[] = [];
  const applied = instruments.map(() => 0);
  for (let step = 0; step < steps; step++) {
    const now = SIM_START_MS + step * SIM_INTERVAL_MS;
    markets.forEach((market, m) => {
      const { venueSymbol, symbol } = instruments[m];
      const moved = market.step(now);
      for (const trade of moved.trades) {
        raw.push({ text: combinedFrame(streamName(venueSymbol, 'trade'), tradePayload(venueSymbol, trade, now)) });
      }
      raw.push({ text: combinedFrame(streamName(venueSymbol, 'depth@100ms'), depthUpdatePayload({
        eventTime: now, symbol: venueSymbol, firstId: moved.firstId, lastId: moved.lastId, bids: moved.bids, asks: moved.asks,
      })) });
      if (step > SIM_SNAPSHOT_BOOK_STEP) applied[m]++;
      if (step === SIM_SNAPSHOT_ARRIVES_STEP) {
        const body = depthSnapshotBody(market.pastSnapshot(SIM_SNAPSHOT_ARRIVES_STEP - SIM_SNAPSHOT_BOOK_STEP, depth));
        raw.push({ text: binanceRestSnapshot.frame(symbol, body), rest: { symbol, body } });
      }
    });
  }
  const expected = markets.map((market, m): SymbolExpectation => {
    const book = market.top(depth);
    return {
      symbol: instruments[m].symbol, finalUpdateId: market.updateId, applied: applied[m],
      levels: { bids: book.bids.length, asks: book.asks.length }, top5Bids: top5(book.bids), top5Asks: top5(book.asks),
    };
  });
  return build(`sim-seed${seed}-${instruments.length}sym-${steps}steps`, 'simulator', instruments.map((each) => each.symbol),
    raw, expected, steps * SIM_INTERVAL_MS);
}
