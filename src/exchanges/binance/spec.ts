// Binance Spot market streams: endpoint, limits and the requests the gateway sends (binance-spot.md §1–§5).
import type { RestSnapshotSpec } from '../types.ts';
import type { BinanceControlMethod, BinanceControlRequest } from './messages.ts';
import { BinanceSymbolTable, toBinanceSymbol } from './symbols.ts';

/** Combined-stream endpoint: every data frame comes wrapped as `{"stream":…,"data":…}` (§2.1). */
export const BINANCE_WS_URL = 'wss://stream.binance.com:9443/stream';
/** REST base URL for depth snapshots (data-api.binance.vision serves the same depth data). */
export const BINANCE_REST_URL = 'https://api.binance.com';

/** REST depth snapshot `limit` values with a documented weight step (§5); the book depth the gateway holds. */
export const BINANCE_BOOK_DEPTHS: readonly number[] = [5, 10, 20, 50, 100, 500, 1000, 5000];

/** 1024 streams per connection (§2.2), two per symbol (diff depth + trade). */
export const BINANCE_STREAMS_PER_CONNECTION = 1024;
export const BINANCE_STREAMS_PER_SYMBOL = 2;
export const BINANCE_MAX_SYMBOLS_PER_CONNECTION = BINANCE_STREAMS_PER_CONNECTION / BINANCE_STREAMS_PER_SYMBOL;

/**
 * The venue disconnects above 5 incoming messages per second, pings and pongs included (§2.2). A token bucket with
 * burst > 1 can exceed that within one second (gotcha 7): 4/s, burst 1, leaves room for the pongs.
 */
export const BINANCE_OUTBOUND_RATE = { perSecond: 4, burst: 1 } as const;

/** 300 connection attempts per 5 minutes per IP (§2.2). */
export const BINANCE_CONNECT_BUDGET = { attempts: 300, windowMs: 300_000 } as const;

/** The server closes every connection after 24 hours (§2.2). */
export const BINANCE_MAX_CONNECTION_LIFETIME_MS = 86_400_000;

export const BINANCE_DEPTH_PATH = '/api/v3/depth';
export const BINANCE_USED_WEIGHT_HEADER = 'x-mbx-used-weight-1m';
/** IP `REQUEST_WEIGHT` limit (§5; the live value is in exchangeInfo `rateLimits`). */
export const BINANCE_WEIGHT_LIMIT = { perWindow: 6000, windowMs: 60_000 } as const;

/** Key of the gateway's synthetic snapshot frame (messages.ts `BinanceSnapshotFrame`). */
export const SNAPSHOT_FRAME_KEY = 'mgwSnapshot';

export function depthStream(streamSymbol: string): string {
  return `${streamSymbol}@depth@100ms`;
}

export function tradeStream(streamSymbol: string): string {
  return `${streamSymbol}@trade`;
}

/** The combined-stream URL carrying both streams of every valid symbol; invalid symbols are left out. */
export function binanceConnectUrl(url: string, symbols: readonly string[]): string {
  const table = new BinanceSymbolTable(symbols);
  const streams: string[] = [];
  for (const symbol of table.symbols) {
    const streamSymbol = table.streamSymbolOf(symbol)!;
    streams.push(depthStream(streamSymbol), tradeStream(streamSymbol));
  }
  if (streams.length === 0) return url;
  return `${url}${url.includes('?') ? '&' : '?'}streams=${streams.join('/')}`;
}

/** Request weight of `GET /api/v3/depth` by `limit` (§5, since 2023-10-19). Above 5000 the venue clamps to 5000. */
export function snapshotWeight(limit: number): number {
  if (limit <= 100) return 5;
  if (limit <= 500) return 25;
  if (limit <= 1000) return 50;
  return 250;
}

export function controlRequest(method: BinanceControlMethod, params: readonly string[], id: number): string {
  const request: BinanceControlRequest = { method, params, id };
  return JSON.stringify(request);
}

function venueNameFor(symbol: string): string {
  return toBinanceSymbol(symbol) ?? encodeURIComponent(symbol.replace('/', ''));
}

export const binanceRestSnapshot: RestSnapshotSpec = {
  request(symbol, limit) {
    return { path: `${BINANCE_DEPTH_PATH}?symbol=${venueNameFor(symbol)}&limit=${limit}`, weight: snapshotWeight(limit) };
  },
  /** `body` is embedded verbatim: the frame replays byte for byte. */
  frame(symbol, body) {
    return `{"${SNAPSHOT_FRAME_KEY}":${JSON.stringify(venueNameFor(symbol))},"data":${body}}`;
  },
  usedWeightHeader: BINANCE_USED_WEIGHT_HEADER,
  weightLimit: BINANCE_WEIGHT_LIMIT,
};
