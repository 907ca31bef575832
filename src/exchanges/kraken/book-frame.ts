// Fast path for Kraken book frames in the compact layout Kraken sends:
// {"channel":"book","type":"update","data":[{"symbol":"…","bids":[{"price":N,"qty":N},…],"asks":[…],"checksum":N,"timestamp":"…"}]}
// Scans the text once, keeps every number token as its exact text, and builds the same KrakenBookMessage that
// parseKrakenFrame's generic path (quote tokens + JSON.parse + shape checks) builds. Any other byte sequence
// (whitespace, other key order, escapes, extra keys, invalid JSON) returns undefined: the caller takes the generic path.
import type { KrakenBookData, KrakenBookMessage, KrakenLevel } from './messages.ts';

const UPDATE = '{"channel":"book","type":"update","data":[';
const SNAPSHOT = '{"channel":"book","type":"snapshot","data":[';

export function parseCompactBookFrame(text: string): KrakenBookMessage | undefined {
  let type: 'update' | 'snapshot';
  let i: number;
  if (text.startsWith(UPDATE)) {
    type = 'update';
    i = UPDATE.length;
  } else if (text.startsWith(SNAPSHOT)) {
    type = 'snapshot';
    i = SNAPSHOT.length;
  } else {
    return undefined;
  }
  const data: KrakenBookData[] = [];
  for (;;) {
    if (!text.startsWith('{"symbol":"', i)) return undefined;
    i += 11;
    const symbolEnd = plainStringEnd(text, i);
    if (symbolEnd < 0) return undefined;
    const symbol = text.slice(i, symbolEnd);
    i = symbolEnd + 1;
    if (!text.startsWith(',"bids":[', i)) return undefined;
    const bids: KrakenLevel[] = [];
    i = levels(text, i + 9, bids);
    if (i < 0 || !text.startsWith(',"asks":[', i)) return undefined;
    const asks: KrakenLevel[] = [];
    i = levels(text, i + 9, asks);
    if (i < 0 || !text.startsWith(',"checksum":', i)) return undefined;
    i += 12;
    const checksumEnd = numberEnd(text, i);
    if (checksumEnd < 0) return undefined;
    const checksum = Number(text.slice(i, checksumEnd));
    i = checksumEnd;
    if (!text.startsWith(',"timestamp":"', i)) return undefined;
    i += 14;
    const timestampEnd = plainStringEnd(text, i);
    if (timestampEnd < 0 || text.charCodeAt(timestampEnd + 1) !== 125) return undefined;
    data.push({ symbol, bids, asks, checksum, timestamp: text.slice(i, timestampEnd) });
    i = timestampEnd + 2;
    const next = text.charCodeAt(i);
    if (next === 93) break;
    if (next !== 44) return undefined;
    i++;
  }
  return i + 2 === text.length && text.charCodeAt(i + 1) === 125 ? { channel: 'book', type, data } : undefined;
}

/** `{"price":N,"qty":N}` items after `[`; the index after `]`, or -1. */
function levels(text: string, start: number, out: KrakenLevel[]): number {
  let i = start;
  if (text.charCodeAt(i) === 93) return i + 1;
  for (;;) {
    if (!text.startsWith('{"price":', i)) return -1;
    i += 9;
    const priceEnd = numberEnd(text, i);
    if (priceEnd < 0 || !text.startsWith(',"qty":', priceEnd)) return -1;
    const price = text.slice(i, priceEnd);
    i = priceEnd + 7;
    const qtyEnd = numberEnd(text, i);
    if (qtyEnd < 0 || text.charCodeAt(qtyEnd) !== 125) return -1;
    out.push({ price, qty: text.slice(i, qtyEnd) });
    const next = text.charCodeAt(qtyEnd + 1);
    if (next === 93) return qtyEnd + 2;
    if (next !== 44) return -1;
    i = qtyEnd + 2;
  }
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** End of the JSON number token at `start` (full JSON grammar), or -1. */
function numberEnd(text: string, start: number): number {
  let i = start;
  let c = text.charCodeAt(i);
  if (c === 45) c = text.charCodeAt(++i);
  if (c === 48) {
    c = text.charCodeAt(++i);
  } else if (c >= 49 && c <= 57) {
    do c = text.charCodeAt(++i); while (isDigit(c));
  } else {
    return -1;
  }
  if (c === 46) {
    c = text.charCodeAt(++i);
    if (!isDigit(c)) return -1;
    do c = text.charCodeAt(++i); while (isDigit(c));
  }
  if (c === 101 || c === 69) {
    c = text.charCodeAt(++i);
    if (c === 43 || c === 45) c = text.charCodeAt(++i);
    if (!isDigit(c)) return -1;
    do c = text.charCodeAt(++i); while (isDigit(c));
  }
  return i;
}

/** Index of the closing quote of a string without escapes or control characters starting at `start`, or -1. */
function plainStringEnd(text: string, start: number): number {
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) return i;
    if (c === 92 || c < 32) return -1;
  }
  return -1;
}
