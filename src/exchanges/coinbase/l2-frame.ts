// Fast path for `l2_data` frames in the compact layout Coinbase sends live:
// {"channel":"l2_data","timestamp":"…","sequence_num":N,"events":[{"type":"…","product_id":"…","updates":[
//   {"side":"bid","event_time":"…","price_level":"…","new_quantity":"…"},…]}]}
// Scans the text once and builds the same CoinbaseL2Message that the JSON.parse path builds and checks (level2
// updates are three frames in four). Any other byte sequence (whitespace, another key order, `client_id`, escapes,
// extra keys, invalid JSON) returns undefined: the caller takes the general path.
import type { CoinbaseL2Event, CoinbaseL2Message, CoinbaseLevelUpdate } from './messages.ts';

const HEAD = '{"channel":"l2_data","timestamp":"';
const SEQUENCE = '","sequence_num":';
const EVENTS = ',"events":[';
const EVENT_TYPE = '{"type":"';
const PRODUCT = '","product_id":"';
const UPDATES = '","updates":[';
const SIDE = '{"side":"';
const EVENT_TIME = '","event_time":"';
const PRICE = '","price_level":"';
const QUANTITY = '","new_quantity":"';

export function parseCompactL2Frame(text: string): CoinbaseL2Message | undefined {
  if (!text.startsWith(HEAD)) return undefined;
  let i = HEAD.length;
  const timestampEnd = plainStringEnd(text, i);
  if (timestampEnd < 0 || !text.startsWith(SEQUENCE, timestampEnd)) return undefined;
  const timestamp = text.slice(i, timestampEnd);
  i = timestampEnd + SEQUENCE.length;
  const sequenceEnd = digitsEnd(text, i);
  if (sequenceEnd === i || sequenceEnd - i > 15 || (text.charCodeAt(i) === 48 && sequenceEnd - i > 1)
    || !text.startsWith(EVENTS, sequenceEnd)) return undefined;
  const sequence = Number(text.slice(i, sequenceEnd));
  i = sequenceEnd + EVENTS.length;
  const events: CoinbaseL2Event[] = [];
  for (;;) {
    if (!text.startsWith(EVENT_TYPE, i)) return undefined;
    i += EVENT_TYPE.length;
    const typeEnd = plainStringEnd(text, i);
    if (typeEnd < 0 || !text.startsWith(PRODUCT, typeEnd)) return undefined;
    const type = text.slice(i, typeEnd);
    i = typeEnd + PRODUCT.length;
    const productEnd = plainStringEnd(text, i);
    if (productEnd < 0 || !text.startsWith(UPDATES, productEnd)) return undefined;
    const productId = text.slice(i, productEnd);
    const updates: CoinbaseLevelUpdate[] = [];
    i = scanLevels(text, productEnd + UPDATES.length, text.length, updates);
    if (i < 0 || text.charCodeAt(i) !== 93 || text.charCodeAt(i + 1) !== 125) return undefined;
    events.push({ type: type as CoinbaseL2Event['type'], product_id: productId, updates });
    i += 2;
    const next = text.charCodeAt(i);
    if (next === 93) break;
    if (next !== 44) return undefined;
    i++;
  }
  if (i + 2 !== text.length || text.charCodeAt(i + 1) !== 125) return undefined;
  return { channel: 'l2_data', timestamp, sequence_num: sequence, events };
}

/**
 * Level objects from `start`, separated by commas, until `]` or until `stopAfter` is passed: the index of the `]` (or
 * of the comma after the last level read when stopped early), or -1 when the text is not in the compact layout.
 */
export function scanLevels(text: string, start: number, stopAfter: number, out: CoinbaseLevelUpdate[]): number {
  let i = start;
  if (text.charCodeAt(i) === 93) return i;
  for (;;) {
    if (!text.startsWith(SIDE, i)) return -1;
    i += SIDE.length;
    let side: 'bid' | 'offer';
    if (text.startsWith('bid', i)) {
      side = 'bid';
      i += 3;
    } else if (text.startsWith('offer', i)) {
      side = 'offer';
      i += 5;
    } else {
      return -1;
    }
    if (!text.startsWith(EVENT_TIME, i)) return -1;
    i += EVENT_TIME.length;
    const timeEnd = plainStringEnd(text, i);
    if (timeEnd < 0 || !text.startsWith(PRICE, timeEnd)) return -1;
    const eventTime = text.slice(i, timeEnd);
    i = timeEnd + PRICE.length;
    const priceEnd = plainStringEnd(text, i);
    if (priceEnd < 0 || !text.startsWith(QUANTITY, priceEnd)) return -1;
    const price = text.slice(i, priceEnd);
    i = priceEnd + QUANTITY.length;
    const quantityEnd = plainStringEnd(text, i);
    if (quantityEnd < 0 || text.charCodeAt(quantityEnd + 1) !== 125) return -1;
    out.push({ side, event_time: eventTime, price_level: price, new_quantity: text.slice(i, quantityEnd) });
    i = quantityEnd + 2;
    const next = text.charCodeAt(i);
    if (next === 93) return i;
    if (next !== 44) return -1;
    if (i >= stopAfter) return i;
    i++;
  }
}

function digitsEnd(text: string, start: number): number {
  let i = start;
  for (let c = text.charCodeAt(i); c >= 48 && c <= 57; c = text.charCodeAt(++i));
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
