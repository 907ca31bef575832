// Binance frame text → typed wire message. Stateless, never throws. One JSON.parse per frame: prices and
// quantities are strings on the wire and ids stay below 2^53, so nothing needs the exact number text.
import type {
  BinanceControlError, BinanceControlResult, BinanceDepthSnapshot, BinanceDepthUpdate, BinanceServerShutdown,
  BinanceTrade,
} from './messages.ts';
import { SNAPSHOT_FRAME_KEY } from './spec.ts';
import { isJsonObject, type JsonObject } from '../../core/json-shape.ts';

export type BinanceFrame =
  | { readonly kind: 'depth'; readonly message: BinanceDepthUpdate }
  | { readonly kind: 'trade'; readonly message: BinanceTrade }
  /** The gateway's synthetic REST snapshot frame; `venueSymbol` is `BTCUSDT`. */
  | { readonly kind: 'snapshot'; readonly venueSymbol: string; readonly message: BinanceDepthSnapshot }
  /** A snapshot frame whose body is not a depth snapshot (e.g. a REST error body); `reason` says what it was. */
  | { readonly kind: 'snapshot_invalid'; readonly venueSymbol: string; readonly reason: string }
  | { readonly kind: 'result'; readonly message: BinanceControlResult }
  | { readonly kind: 'error'; readonly message: BinanceControlError }
  | { readonly kind: 'shutdown'; readonly message: BinanceServerShutdown }
  /** A stream the gateway does not use (`bookTicker`, `aggTrade`, `kline_1m`, partial depth…), by kind. */
  | { readonly kind: 'unused'; readonly stream: string }
  /** `malformed`: not JSON, or a stream the gateway uses with an unexpected shape; otherwise just unrecognised. */
  | { readonly kind: 'unknown'; readonly malformed: boolean; readonly reason: string };

/** Streams whose payloads the gateway consumes: a shape mismatch there is malformed, not merely unused. */
const USED_STREAM = /@(?:depth(?:@\d+ms)?|trade)$/;

export function parseBinanceFrame(text: string): BinanceFrame {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return unknown(true, `invalid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!isJsonObject(value)) return unknown(!Array.isArray(value), 'not a JSON object');
  const stream = value.stream;
  if (typeof stream === 'string' && 'data' in value) return parsePayload(value.data, stream);
  return parsePayload(value, undefined);
}

/** `btcusdt@kline_1m` → `kline_1m`; `!serverShutdown`, `!miniTicker@arr` stay whole. */
export function streamKind(stream: string): string {
  const at = stream.indexOf('@');
  return stream.startsWith('!') || at === -1 ? stream : stream.slice(at + 1);
}

function parsePayload(payload: unknown, stream: string | undefined): BinanceFrame {
  if (!isJsonObject(payload)) {
    if (stream === undefined) return unknown(false, 'not a JSON object');
    return USED_STREAM.test(stream) ? unknown(true, `${stream} payload is not an object`) : unused(streamKind(stream));
  }
  const event = payload.e;
  if (typeof event === 'string') {
    switch (event) {
      case 'depthUpdate':
        return isDepthUpdate(payload)
          ? { kind: 'depth', message: payload as unknown as BinanceDepthUpdate }
          : unknown(true, 'depthUpdate with an unexpected shape');
      case 'trade':
        return isTrade(payload)
          ? { kind: 'trade', message: payload as unknown as BinanceTrade }
          : unknown(true, 'trade with an unexpected shape');
      case 'serverShutdown':
        return { kind: 'shutdown', message: { e: 'serverShutdown', E: typeof payload.E === 'number' ? payload.E : undefined } };
      default:
        if (stream !== undefined && USED_STREAM.test(stream)) return unknown(true, `"${event}" event on ${stream}`);
        return unused(stream === undefined ? event : streamKind(stream));
    }
  }
  if (stream !== undefined) {
    return USED_STREAM.test(stream) ? unknown(true, `${stream} payload with an unexpected shape`) : unused(streamKind(stream));
  }
  return parseUnwrapped(payload);
}

/** Objects with no `e` outside a stream wrapper: control replies, errors, our snapshot frame, unused raw payloads. */
function parseUnwrapped(payload: JsonObject): BinanceFrame {
  const snapshotSymbol = payload[SNAPSHOT_FRAME_KEY];
  if (typeof snapshotSymbol === 'string') return parseSnapshot(snapshotSymbol, payload.data);
  if ('result' in payload && 'id' in payload) {
    return isRequestId(payload.id)
      ? { kind: 'result', message: payload as unknown as BinanceControlResult }
      : unknown(true, 'control response with an unexpected id');
  }
  if ('error' in payload) {
    return isErrorBody(payload.error) && (payload.id === undefined || isRequestId(payload.id))
      ? { kind: 'error', message: payload as unknown as BinanceControlError }
      : unknown(true, 'error reply with an unexpected shape');
  }
  if (isErrorBody(payload) && (payload.id === undefined || isRequestId(payload.id))) {
    return { kind: 'error', message: payload as unknown as BinanceControlError };
  }
  if ('lastUpdateId' in payload && 'bids' in payload && 'asks' in payload) return unused('partialDepth');
  if ('u' in payload && 'B' in payload && 'A' in payload) return unused('bookTicker');
  return unknown(false, 'neither a stream payload, a control reply nor an error');
}

function parseSnapshot(venueSymbol: string, data: unknown): BinanceFrame {
  if (isJsonObject(data) && Number.isInteger(data.lastUpdateId) && isLevelList(data.bids) && isLevelList(data.asks)) {
    return { kind: 'snapshot', venueSymbol, message: data as unknown as BinanceDepthSnapshot };
  }
  const reason = isErrorBody(data) ? `REST error code ${data.code}: ${data.msg}` : 'body is not a depth snapshot';
  return { kind: 'snapshot_invalid', venueSymbol, reason };
}

function unknown(malformed: boolean, reason: string): BinanceFrame {
  return { kind: 'unknown', malformed, reason };
}

function unused(stream: string): BinanceFrame {
  return { kind: 'unused', stream };
}

function isRequestId(value: unknown): boolean {
  return value === null || typeof value === 'number' || typeof value === 'string';
}

function isErrorBody(value: unknown): value is JsonObject & { code: number; msg: string } {
  return isJsonObject(value) && typeof value.code === 'number' && typeof value.msg === 'string';
}

/** `[["price","qty"],…]`; a third element (2017-era `[]`) is tolerated. */
function isLevelList(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  for (let i = 0; i < value.length; i++) {
    const level: unknown = value[i];
    if (!Array.isArray(level) || level.length < 2 || typeof level[0] !== 'string' || typeof level[1] !== 'string') return false;
  }
  return true;
}

function isDepthUpdate(value: JsonObject): boolean {
  return typeof value.s === 'string' && typeof value.E === 'number' && Number.isInteger(value.U)
    && Number.isInteger(value.u) && isLevelList(value.b) && isLevelList(value.a);
}

function isTrade(value: JsonObject): boolean {
  return typeof value.s === 'string' && Number.isInteger(value.t) && typeof value.p === 'string'
    && typeof value.q === 'string' && typeof value.T === 'number' && typeof value.m === 'boolean';
}
