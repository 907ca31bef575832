// Binance spot payloads, printed with the key order of real frames (binance-spot.md §4, testnet capture 2026-09-13).
import type { LevelText } from '../../core/model.ts';
import type { SimBookTicker, SimTrade } from './market.ts';

export interface DepthEvent {
  readonly eventTime: number;
  readonly symbol: string;
  readonly firstId: number;
  readonly lastId: number;
  readonly bids: readonly LevelText[];
  readonly asks: readonly LevelText[];
}

const levels = (side: readonly LevelText[]) => JSON.stringify(side);

export function depthUpdatePayload(event: DepthEvent): string {
  return `{"e":"depthUpdate","E":${event.eventTime},"s":"${event.symbol}","U":${event.firstId},"u":${event.lastId},` +
    `"b":${levels(event.bids)},"a":${levels(event.asks)}}`;
}

export function tradePayload(symbol: string, trade: SimTrade, eventTime: number): string {
  return `{"e":"trade","E":${eventTime},"s":"${symbol}","t":${trade.id},"p":"${trade.price}","q":"${trade.qty}",` +
    `"T":${trade.time},"m":${trade.buyerIsMaker},"M":true}`;
}

export function bookTickerPayload(symbol: string, ticker: SimBookTicker): string {
  return `{"u":${ticker.updateId},"s":"${symbol}","b":"${ticker.bid[0]}","B":"${ticker.bid[1]}",` +
    `"a":"${ticker.ask[0]}","A":"${ticker.ask[1]}"}`;
}

export function depthSnapshotBody(snapshot: { lastUpdateId: number; bids: readonly LevelText[]; asks: readonly LevelText[] }): string {
  return `{"lastUpdateId":${snapshot.lastUpdateId},"bids":${levels(snapshot.bids)},"asks":${levels(snapshot.asks)}}`;
}

export function serverShutdownPayload(eventTime: number): string {
  return `{"e":"serverShutdown","E":${eventTime}}`;
}

/** The combined-stream envelope: `{"stream":"<name>","data":<payload>}`. */
export function combinedFrame(stream: string, payload: string): string {
  return `{"stream":"${stream}","data":${payload}}`;
}

export const SERVER_SHUTDOWN_STREAM = '!serverShutdown';

/** Cut a frame mid-way, as a broken proxy would: invalid JSON hiding real book changes. */
export function truncateFrame(frame: string): string {
  return frame.slice(0, Math.floor(frame.length / 2));
}
