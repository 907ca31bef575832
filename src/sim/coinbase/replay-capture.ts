// Reads a Coinbase Advanced Trade capture (test/fixtures/coinbase/SOURCES.md): cryptofeed v3 "format 2" JSONL,
// gzip-compressed. Frame text stays verbatim; only `recv` records are server frames.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

export interface CoinbaseCapturedFrame {
  /** Local clock when the record was written, epoch seconds. */
  readonly ts: number;
  readonly text: string;
}

export interface CoinbaseCapture {
  /** The address the recording client connected to. */
  readonly address: string | undefined;
  /** What the recording client sent, in order (its subscribes). */
  readonly sent: readonly string[];
  /** What the server sent, in order. */
  readonly frames: readonly CoinbaseCapturedFrame[];
}

interface CaptureRecord {
  readonly t?: unknown;
  readonly ts?: unknown;
  readonly addr?: unknown;
  readonly data?: unknown;
}

/** A `.jsonl.gz` capture (or a plain `.jsonl`). */
export function readCoinbaseCapture(path: string | URL): CoinbaseCapture {
  const bytes = readFileSync(path);
  const gzipped = bytes[0] === 0x1f && bytes[1] === 0x8b;
  return parseCoinbaseCapture((gzipped ? gunzipSync(bytes) : bytes).toString('utf8'));
}

export function parseCoinbaseCapture(text: string): CoinbaseCapture {
  let address: string | undefined;
  const sent: string[] = [];
  const frames: CoinbaseCapturedFrame[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const record = JSON.parse(line) as CaptureRecord;
    if (record.t === 'connect' && typeof record.addr === 'string') address ??= record.addr;
    if (typeof record.data !== 'string') continue;
    if (record.t === 'send') sent.push(record.data);
    else if (record.t === 'recv') frames.push({ ts: typeof record.ts === 'number' ? record.ts : 0, text: record.data });
  }
  return { address, sent, frames };
}
