// Kraken v2 frame text → typed wire message. Stateless, never throws.
import type {
  KrakenAckMessage, KrakenBookMessage, KrakenHeartbeatMessage, KrakenInstrumentMessage, KrakenPongMessage,
  KrakenStatusMessage, KrakenTradeMessage,
} from './messages.ts';
import { parseCompactBookFrame } from './book-frame.ts';
import { isJsonObject, type JsonObject } from '../../core/json-shape.ts';

export type KrakenFrame =
  | { readonly kind: 'book'; readonly message: KrakenBookMessage }
  | { readonly kind: 'trade'; readonly message: KrakenTradeMessage }
  | { readonly kind: 'instrument'; readonly message: KrakenInstrumentMessage }
  | { readonly kind: 'status'; readonly message: KrakenStatusMessage }
  | { readonly kind: 'heartbeat'; readonly message: KrakenHeartbeatMessage }
  | { readonly kind: 'pong'; readonly message: KrakenPongMessage }
  /** subscribe/unsubscribe response; `message.success` tells success from failure. */
  | { readonly kind: 'ack'; readonly message: KrakenAckMessage }
  /** `malformed`: not JSON, or a known channel/method with an unexpected shape; otherwise just unrecognised. */
  | { readonly kind: 'unknown'; readonly malformed: boolean; readonly reason: string };

// JSON.parse would turn `0.00100000` into 0.001 (the checksum needs the text) and round connection ids
// above 2^53, so these number tokens are quoted before parsing. One regex pass costs far less than a
// reviver or a hand-written scanner. `\s*` only matters for pretty-printed documentation examples.
const EXACT_NUMBER_TOKEN = /("(?:price|qty|connection_id)":\s*)(-?\d[\d.eE+-]*)/g;

const HEARTBEAT: KrakenFrame = { kind: 'heartbeat', message: { channel: 'heartbeat' } };

/** Book frames in Kraken's compact wire layout take a one-pass scanner (~2× faster); anything else the JSON path. */
export function parseKrakenFrame(text: string): KrakenFrame {
  const book = parseCompactBookFrame(text);
  return book !== undefined ? { kind: 'book', message: book } : parseKrakenFrameJson(text);
}

/** The general path: quote exact number tokens, JSON.parse, check the shape. */
export function parseKrakenFrameJson(text: string): KrakenFrame {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(EXACT_NUMBER_TOKEN, '$1"$2"'));
  } catch (error) {
    return unknown(true, `invalid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!isJsonObject(value)) return unknown(true, 'not a JSON object');
  if (typeof value.channel === 'string') return parseChannelMessage(value.channel, value);
  if (typeof value.method === 'string') return parseResponse(value.method, value);
  return unknown(false, 'neither "channel" nor "method"');
}

function parseChannelMessage(channel: string, value: JsonObject): KrakenFrame {
  switch (channel) {
    case 'book':
      return isDataArray(value, isBookData)
        ? { kind: 'book', message: value as unknown as KrakenBookMessage }
        : unknown(true, 'book message with an unexpected shape');
    case 'trade':
      return isDataArray(value, isTrade)
        ? { kind: 'trade', message: value as unknown as KrakenTradeMessage }
        : unknown(true, 'trade message with an unexpected shape');
    case 'status':
      return isDataArray(value, isStatusData)
        ? { kind: 'status', message: value as unknown as KrakenStatusMessage }
        : unknown(true, 'status message with an unexpected shape');
    case 'instrument':
      return isDataType(value.type) && isInstrumentData(value.data)
        ? { kind: 'instrument', message: value as unknown as KrakenInstrumentMessage }
        : unknown(true, 'instrument message with an unexpected shape');
    case 'heartbeat':
      return HEARTBEAT;
    default:
      return unknown(false, `unknown channel "${channel}"`);
  }
}

function parseResponse(method: string, value: JsonObject): KrakenFrame {
  switch (method) {
    case 'subscribe':
    case 'unsubscribe':
      return isAck(value)
        ? { kind: 'ack', message: value as unknown as KrakenAckMessage }
        : unknown(true, `${method} response with an unexpected shape`);
    case 'pong':
      return isOptional(value.req_id, 'number') && isOptional(value.error, 'string')
        ? { kind: 'pong', message: value as unknown as KrakenPongMessage }
        : unknown(true, 'pong with an unexpected shape');
    default:
      return unknown(false, `unknown method "${method}"`);
  }
}

function unknown(malformed: boolean, reason: string): KrakenFrame {
  return { kind: 'unknown', malformed, reason };
}

function isOptional(value: unknown, type: 'string' | 'number' | 'boolean'): boolean {
  return value === undefined || typeof value === type;
}

function isDataType(value: unknown): boolean {
  return value === 'snapshot' || value === 'update';
}

function isDataArray(value: JsonObject, isElement: (element: unknown) => boolean): boolean {
  const data = value.data;
  if (!isDataType(value.type) || !Array.isArray(data)) return false;
  for (let i = 0; i < data.length; i++) if (!isElement(data[i])) return false;
  return true;
}

function isLevelList(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  for (let i = 0; i < value.length; i++) {
    const level: unknown = value[i];
    if (typeof level !== 'object' || level === null) return false;
    const { price, qty } = level as JsonObject;
    if (typeof price !== 'string' || typeof qty !== 'string') return false;
  }
  return true;
}

/**
 * Kraken sends a checksum on every book snapshot and update, and it is the only integrity signal the venue gives:
 * book data without one is malformed (resynced), never applied unverified.
 */
function isBookData(value: unknown): boolean {
  return isJsonObject(value) && typeof value.symbol === 'string' && isLevelList(value.bids) && isLevelList(value.asks)
    && typeof value.checksum === 'number' && isOptional(value.timestamp, 'string');
}

function isTrade(value: unknown): boolean {
  return isJsonObject(value) && typeof value.symbol === 'string' && (value.side === 'buy' || value.side === 'sell')
    && typeof value.price === 'string' && typeof value.qty === 'string' && typeof value.trade_id === 'number'
    && typeof value.timestamp === 'string';
}

function isStatusData(value: unknown): boolean {
  return isJsonObject(value) && typeof value.system === 'string' && isOptional(value.connection_id, 'string');
}

function isInstrumentData(value: unknown): boolean {
  if (!isJsonObject(value) || !Array.isArray(value.assets) || !Array.isArray(value.pairs)) return false;
  return value.assets.every((asset) => isJsonObject(asset) && typeof asset.id === 'string')
    && value.pairs.every((pair) => isJsonObject(pair) && typeof pair.symbol === 'string'
      && Number.isInteger(pair.price_precision) && Number.isInteger(pair.qty_precision));
}

function isAck(value: JsonObject): boolean {
  if (!isOptional(value.req_id, 'number')) return false;
  if (value.success === false) return typeof value.error === 'string' && isOptional(value.symbol, 'string');
  const result = value.result;
  return value.success === true && isJsonObject(result) && typeof result.channel === 'string'
    && isOptional(result.symbol, 'string') && isOptional(result.depth, 'number')
    && isOptional(result.snapshot, 'boolean')
    && (result.warnings === undefined || (Array.isArray(result.warnings)
      && result.warnings.every((warning) => typeof warning === 'string')));
}
