// Readers for the Coinbase fixtures in test/fixtures/coinbase (formats in its SOURCES.md). Frame text comes back
// verbatim. The capture reader is runtime code (the replay server plays it back), so tests share it from src/.
import { readFileSync } from 'node:fs';
import { readCoinbaseCapture, type CoinbaseCapture } from '../../src/sim/coinbase/replay-capture.ts';

export const COINBASE_FIXTURES = new URL('../fixtures/coinbase/', import.meta.url);
export const COINBASE_CAPTURE = new URL('capture-2026-08-09-advtrade-btc-eth.jsonl.gz', COINBASE_FIXTURES);

export interface ExpectedProduct {
  readonly snapshot_sequence_num: number;
  readonly snapshot_levels: { readonly bid: number; readonly offer: number };
  readonly snapshot_frame_bytes: number;
  readonly update_events: number;
  readonly level_changes: number;
  readonly removals_of_unknown_level: number;
  readonly last_sequence_num: number;
  readonly final_levels: { readonly bid: number; readonly offer: number };
  readonly final_top5_bids: readonly (readonly [string, string])[];
  readonly final_top5_offers: readonly (readonly [string, string])[];
  readonly crossed: boolean;
}

export interface ExpectedCapture {
  readonly sequence_num_first: number;
  readonly sequence_num_last: number;
  readonly sequence_gaps: number;
  readonly heartbeats: { readonly first_counter: number; readonly last_counter: number; readonly count: number };
  readonly products: Readonly<Record<string, ExpectedProduct>>;
}

let cached: CoinbaseCapture | undefined;

/** The 2026-08-09 capture (1,030 frames); read once per process (it is 8 MB unpacked). */
export function readRealCapture(): CoinbaseCapture {
  cached ??= readCoinbaseCapture(COINBASE_CAPTURE);
  return cached;
}

export function readExpected(): ExpectedCapture {
  return JSON.parse(readFileSync(new URL('capture-2026-08-09-advtrade-btc-eth.expected.json', COINBASE_FIXTURES), 'utf8')) as ExpectedCapture;
}

/** `real-frames-misc.jsonl`: `{source, raw}` per line. */
export function readMiscFrames(): { readonly source: string; readonly raw: string }[] {
  return readFileSync(new URL('real-frames-misc.jsonl', COINBASE_FIXTURES), 'utf8').split('\n').filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { source: string; raw: string });
}

export function readDocsExamples(): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL('docs-examples.json', COINBASE_FIXTURES), 'utf8')) as Record<string, unknown>;
}
