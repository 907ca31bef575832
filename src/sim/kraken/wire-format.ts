// Kraken v2 channel frames written as text, byte-for-byte in the production shape (kraken-v2.md §1.1, §4, §5, §8):
// fixed key order, numbers as bare tokens at the instrument's precision with trailing zeros (`63005.0`,
// `0.00000000`), RFC 3339 µs timestamps. JSON.stringify cannot print `63005.0` or a 64-bit id, hence text.
import type { LevelText, Side } from '../../core/model.ts';
import type { KrakenAsset, KrakenInstrument } from './instruments.ts';

export const KRAKEN_SERVER_VERSION = '2.0.10';

export type KrakenSystemStatus = 'online' | 'maintenance' | 'cancel_only' | 'post_only';

export interface SimTrade {
  readonly tradeId: number;
  readonly price: string;
  readonly size: string;
  /** Taker side. */
  readonly side: Side;
  readonly ordType: 'limit' | 'market';
  readonly timestamp: string;
}

/** Non-negative integer units of 10^-precision → fixed-point text: (630050, 1) → `63005.0`, (0, 8) → `0.00000000`. */
export function formatFixed(units: number, precision: number): string {
  if (!Number.isSafeInteger(units) || units < 0) throw new RangeError(`not a non-negative safe integer: ${units}`);
  const digits = String(units).padStart(precision + 1, '0');
  return precision === 0 ? digits : `${digits.slice(0, -precision)}.${digits.slice(-precision)}`;
}

/** Exact inverse of formatFixed; undefined when the text is not printed at exactly that precision. */
export function parseFixed(text: string, precision: number): number | undefined {
  const pattern = precision === 0 ? /^\d+$/ : new RegExp(`^\\d+\\.\\d{${precision}}$`);
  return pattern.test(text) ? Number(text.replace('.', '')) : undefined;
}

/** Epoch milliseconds (fractional part = sub-ms) → `2026-08-01T02:53:53.646219Z`. */
export function rfc3339Micros(epochMs: number): string {
  const wholeMs = Math.floor(epochMs);
  const micros = Math.min(999, Math.floor((epochMs - wholeMs) * 1000));
  return `${new Date(wholeMs).toISOString().slice(0, -1)}${String(micros).padStart(3, '0')}Z`;
}

export function quote(text: string): string {
  return JSON.stringify(text);
}

/** `{"a":1,"b":"x"}` from entries whose values are already JSON text; undefined values are left out. */
export function jsonObject(entries: ReadonlyArray<readonly [string, string | undefined]>): string {
  const parts: string[] = [];
  for (const [key, value] of entries) if (value !== undefined) parts.push(`${quote(key)}:${value}`);
  return `{${parts.join(',')}}`;
}

export function statusFrame(system: KrakenSystemStatus, connectionId: bigint): string {
  return `{"channel":"status","type":"update","data":[${jsonObject([
    ['version', quote(KRAKEN_SERVER_VERSION)], ['system', quote(system)], ['api_version', quote('v2')],
    ['connection_id', connectionId.toString()],
  ])}]}`;
}

export const HEARTBEAT_FRAME = '{"channel":"heartbeat"}';

function levelsText(levels: readonly LevelText[]): string {
  return `[${levels.map(([price, qty]) => `{"price":${price},"qty":${qty}}`).join(',')}]`;
}

export interface BookFrameContent {
  readonly symbol: string;
  readonly bids: readonly LevelText[];
  readonly asks: readonly LevelText[];
  readonly checksum: number;
  readonly timestamp: string;
}

export function bookFrame(type: 'snapshot' | 'update', book: BookFrameContent): string {
  return `{"channel":"book","type":"${type}","data":[${jsonObject([
    ['symbol', quote(book.symbol)], ['bids', levelsText(book.bids)], ['asks', levelsText(book.asks)],
    ['checksum', String(book.checksum)], ['timestamp', quote(book.timestamp)],
  ])}]}`;
}

export function tradeFrame(type: 'snapshot' | 'update', symbol: string, trades: readonly SimTrade[]): string {
  const items = trades.map((trade) => jsonObject([
    ['symbol', quote(symbol)], ['side', quote(trade.side)], ['price', trade.price], ['qty', trade.size],
    ['ord_type', quote(trade.ordType)], ['trade_id', String(trade.tradeId)], ['timestamp', quote(trade.timestamp)],
  ]));
  return `{"channel":"trade","type":"${type}","data":[${items.join(',')}]}`;
}

function assetText(asset: KrakenAsset): string {
  return jsonObject([
    ['id', quote(asset.id)], ['status', quote('enabled')], ['precision', String(asset.precision)],
    ['precision_display', String(asset.precisionDisplay)], ['borrowable', String(asset.borrowable)],
    ['collateral_value', asset.collateralValue], ['margin_rate', asset.marginRate],
  ]);
}

function pairText(pair: KrakenInstrument): string {
  return jsonObject([
    ['symbol', quote(pair.symbol)], ['base', quote(pair.base)], ['quote', quote(pair.quote)], ['status', quote('online')],
    ['qty_precision', String(pair.qtyPrecision)], ['qty_increment', pair.qtyIncrement],
    ['price_precision', String(pair.pricePrecision)], ['cost_precision', String(pair.costPrecision)],
    ['marginable', String(pair.margin !== undefined)], ['has_index', 'true'], ['cost_min', pair.costMin],
    ['margin_initial', pair.margin?.marginInitial], ['position_limit_long', pair.margin?.positionLimitLong],
    ['position_limit_short', pair.margin?.positionLimitShort],
    ['tick_size', pair.priceIncrement], ['price_increment', pair.priceIncrement], ['qty_min', pair.qtyMin],
  ]);
}

export function instrumentFrame(
  type: 'snapshot' | 'update', assets: readonly KrakenAsset[], pairs: readonly KrakenInstrument[],
): string {
  return `{"channel":"instrument","type":"${type}","data":{"assets":[${assets.map(assetText).join(',')}],` +
    `"pairs":[${pairs.map(pairText).join(',')}]}}`;
}
