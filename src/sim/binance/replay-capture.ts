// Reads a Binance capture (fixtures/binance/SOURCES.md): JSONL lines `{"recv_ts","src":"ws-open"|"ws"|"rest",
// "url"?,"raw"}` in receive order. Frame text stays verbatim.
import { readFileSync } from 'node:fs';

export type CaptureEntry =
  | { readonly kind: 'ws'; readonly recvTs: number; readonly text: string; readonly stream: string | undefined }
  | { readonly kind: 'rest'; readonly recvTs: number; readonly symbol: string; readonly body: string; readonly ordinal: number };

export interface BinanceCapture {
  /** The recorded connect URL, if the capture has one. */
  readonly openUrl: string | undefined;
  readonly entries: readonly CaptureEntry[];
  /** Venue symbols, in order of first appearance (REST snapshots and `s` of stream payloads). */
  readonly symbols: readonly string[];
  /** Recorded REST bodies per venue symbol, in order. */
  readonly snapshots: ReadonlyMap<string, readonly string[]>;
}

interface CaptureLine {
  readonly recv_ts?: unknown;
  readonly src?: unknown;
  readonly url?: unknown;
  readonly raw?: unknown;
}

export function readBinanceCapture(path: string | URL): BinanceCapture {
  return parseBinanceCapture(readFileSync(path, 'utf8'));
}

export function parseBinanceCapture(text: string): BinanceCapture {
  let openUrl: string | undefined;
  const entries: CaptureEntry[] = [];
  const symbols = new Set<string>();
  const snapshots = new Map<string, string[]>();
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    const entry = JSON.parse(line) as CaptureLine;
    const recvTs = typeof entry.recv_ts === 'number' ? entry.recv_ts : 0;
    if (entry.src === 'ws-open') {
      openUrl ??= typeof entry.url === 'string' ? entry.url : undefined;
    } else if (entry.src === 'ws' && typeof entry.raw === 'string') {
      const { stream, symbol } = frameIdentity(entry.raw);
      if (symbol !== undefined) symbols.add(symbol);
      entries.push({ kind: 'ws', recvTs, text: entry.raw, stream });
    } else if (entry.src === 'rest' && typeof entry.raw === 'string' && typeof entry.url === 'string') {
      const symbol = new URL(entry.url).searchParams.get('symbol');
      if (symbol === null) throw new RangeError(`capture line ${index + 1}: REST url without symbol`);
      symbols.add(symbol);
      const bodies = snapshots.get(symbol) ?? [];
      entries.push({ kind: 'rest', recvTs, symbol, body: entry.raw, ordinal: bodies.length });
      bodies.push(entry.raw);
      snapshots.set(symbol, bodies);
    }
  }
  return { openUrl, entries, symbols: [...symbols], snapshots };
}

function frameIdentity(text: string): { stream: string | undefined; symbol: string | undefined } {
  const frame = JSON.parse(text) as { stream?: unknown; data?: unknown; s?: unknown };
  const payload = (typeof frame.data === 'object' && frame.data !== null ? frame.data : frame) as { s?: unknown };
  return {
    stream: typeof frame.stream === 'string' ? frame.stream : undefined,
    symbol: typeof payload.s === 'string' ? payload.s : undefined,
  };
}
