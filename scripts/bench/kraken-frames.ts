// Kraken v2 book frames for the benchmarks, built before any clock starts: (1) generated BTC/USD depth-25 updates,
// each with a valid CRC32 and a `timestamp` that encodes the frame's index (T0 + index µs), so a bot can tell which
// frame a message covers; (2) the real captures in test/fixtures/kraken/captures/, one snapshot + its updates.
import { readFileSync } from 'node:fs';
import type { LevelText } from '../../src/core/model.ts';
import { krakenChecksum } from '../../src/exchanges/kraken/checksum.ts';
import { bookFrame, rfc3339Micros } from '../../src/sim/kraken/wire-format.ts';

export interface KrakenFrameSet {
  readonly symbol: string;
  readonly depth: number;
  readonly snapshot: string;
  /** Book updates, encoded once (UTF-8). */
  readonly updates: readonly Buffer[];
}

/** Frame i's timestamp is T0 + i µs. */
export const FRAME_T0_MS = Date.UTC(2026, 0, 1);

export function frameIndexOf(timestamp: string): number {
  // `2026-01-01T00:00:00.123456Z`: whole ms from Date.parse, the µs digit triple after them.
  const ms = Date.parse(`${timestamp.slice(0, 23)}Z`);
  return (ms - FRAME_T0_MS) * 1000 + Number(timestamp.slice(23, 26));
}

const TICK_UNITS = 1; // price precision 1: 0.1
const MID_UNITS = 600_000; // 60000.0

const price = (units: number) => `${Math.floor(units / 10)}.${units % 10}`;
const qty = (lots: number) => `${Math.floor(lots / 1e8)}.${String(lots % 1e8).padStart(8, '0')}`;

/** Deterministic xorshift, so every run sends the same frames. */
function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

/** `count` updates of a 25-level BTC/USD book: each changes the size of one level (so the window changes). */
export function generatedFrames(count: number, seed = 1): KrakenFrameSet {
  const depth = 25;
  const next = random(seed);
  const bids: LevelText[] = [];
  const asks: LevelText[] = [];
  for (let i = 0; i < depth; i++) {
    bids.push([price(MID_UNITS - i * TICK_UNITS), qty(1 + Math.floor(next() * 5e8))]);
    asks.push([price(MID_UNITS + (i + 1) * TICK_UNITS), qty(1 + Math.floor(next() * 5e8))]);
  }
  const view = { topLevels: (side: 'bids' | 'asks', n: number) => (side === 'bids' ? bids : asks).slice(0, n) };
  const timestamp = (index: number) => rfc3339Micros(FRAME_T0_MS + index / 1000);
  const snapshot = bookFrame('snapshot', { symbol: 'BTC/USD', bids, asks, checksum: krakenChecksum(view), timestamp: timestamp(0) });
  const updates: Buffer[] = [];
  for (let index = 1; index <= count; index++) {
    const side = next() < 0.5 ? bids : asks;
    // Top levels change more often, as on a real book.
    const level = Math.min(depth - 1, Math.floor(next() ** 2 * depth));
    const changed: LevelText = [side[level]![0], qty(1 + Math.floor(next() * 5e8))];
    side[level] = changed;
    const frame = bookFrame('update', { symbol: 'BTC/USD', bids: side === bids ? [changed] : [],
      asks: side === asks ? [changed] : [], checksum: krakenChecksum(view), timestamp: timestamp(index) });
    updates.push(Buffer.from(frame));
  }
  return { symbol: 'BTC/USD', depth, snapshot, updates };
}

export const KRAKEN_CAPTURES: Readonly<Record<string, string>> = {
  ethusd: 'crossbook_kraken_ethusd_d25.frames.jsonl',
  xrpusd: 'crossbook_kraken_xrpusd_d25.frames.jsonl',
  btcusd: 'crossbook_kraken_btcusd_d10_l2.frames.jsonl',
};

/** The first book snapshot of a capture and the updates after it (book channel only, in capture order). */
export function captureFrames(repoRoot: string, name: string): KrakenFrameSet {
  const file = KRAKEN_CAPTURES[name];
  if (file === undefined) throw new Error(`unknown Kraken capture ${name} (known: ${Object.keys(KRAKEN_CAPTURES).join(', ')})`);
  const lines = readFileSync(`${repoRoot}/test/fixtures/kraken/captures/${file}`, 'utf8').split('\n').filter((line) => line.length > 0);
  let snapshot: string | undefined;
  let symbol = '';
  let depth = 0;
  const updates: Buffer[] = [];
  for (const line of lines) {
    const message = JSON.parse(line) as { channel?: string; type?: string; data?: { symbol: string; bids: unknown[] }[] };
    if (message.channel !== 'book') continue;
    if (message.type === 'snapshot') {
      if (snapshot !== undefined) break; // a resubscription: one clean pass is enough
      snapshot = line;
      symbol = message.data?.[0]?.symbol ?? '';
      depth = message.data?.[0]?.bids.length ?? 0;
    } else if (snapshot !== undefined) {
      updates.push(Buffer.from(line));
    }
  }
  if (snapshot === undefined) throw new Error(`${file}: no book snapshot`);
  return { symbol, depth, snapshot, updates };
}
