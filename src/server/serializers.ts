// Downstream protocol v1, gateway → bot: one function per message type, fields in the exact order of
// README.md "Downstream protocol v1". Pure (no clock: gatewayTime is formatted from a time the caller passes in).
// Objects are built in field order and given to JSON.stringify, which keeps insertion order and escapes
// every string, so venue text can never break a frame.
import { IsoTimeFormatter } from '../core/iso-time.ts';
import type { BookState, BookStatusReason, LevelText, NormalizedTrade } from '../core/model.ts';
import type { ExchangeId } from '../exchanges/registry.ts';
import type { ProtocolError, RequestId } from './protocol.ts';

export type OutboundType = 'ack' | 'error' | 'pong' | 'book_snapshot' | 'book_update' | 'trade' | 'status';

/** `starting`: the book has had no state transition yet (registered, nothing received). */
export type StatusReason = BookStatusReason | 'starting';

/** State in a `status` message: a book state, or `shutting_down` when the gateway is about to close. */
export type StatusState = BookState | 'shutting_down';

const GATEWAY_TIME = new IsoTimeFormatter(6);

/** Epoch milliseconds (may be fractional) → `2026-11-25T10:00:00.123789Z` (microsecond precision). */
export function formatGatewayTime(epochMs: number): string {
  return GATEWAY_TIME.format(epochMs);
}

export function serializeAck(id: RequestId): string {
  return JSON.stringify({ type: 'ack', id });
}

/** `id` is omitted when the frame had none usable (invalid JSON, binary frame, missing id). */
export function serializeError(error: ProtocolError): string {
  return error.id === undefined
    ? JSON.stringify({ type: 'error', code: error.code, message: error.message })
    : JSON.stringify({ type: 'error', id: error.id, code: error.code, message: error.message });
}

export function serializePong(id: RequestId): string {
  return JSON.stringify({ type: 'pong', id });
}

export interface BookSnapshotFields {
  readonly exchange: ExchangeId;
  readonly symbol: string;
  readonly seq: number;
  readonly depth: number;
  readonly bids: readonly LevelText[];
  readonly asks: readonly LevelText[];
  readonly exchangeTime: string;
  /** When the gateway received the newest venue frame this message covers (UTC, µs). */
  readonly receivedTime: string;
  readonly gatewayTime: string;
}

export function serializeBookSnapshot(m: BookSnapshotFields): string {
  return JSON.stringify({
    type: 'book_snapshot', exchange: m.exchange, symbol: m.symbol, seq: m.seq, depth: m.depth,
    bids: m.bids, asks: m.asks, exchangeTime: m.exchangeTime, receivedTime: m.receivedTime, gatewayTime: m.gatewayTime,
  });
}

export type BookUpdateFields = Omit<BookSnapshotFields, 'depth'>;

export function serializeBookUpdate(m: BookUpdateFields): string {
  return JSON.stringify({
    type: 'book_update', exchange: m.exchange, symbol: m.symbol, seq: m.seq,
    bids: m.bids, asks: m.asks, exchangeTime: m.exchangeTime, receivedTime: m.receivedTime, gatewayTime: m.gatewayTime,
  });
}

export function serializeTrade(exchange: ExchangeId, symbol: string, seq: number, trade: NormalizedTrade,
  receivedTime: string, gatewayTime: string): string {
  return JSON.stringify({
    type: 'trade', exchange, symbol, seq, tradeId: trade.tradeId, price: trade.price, size: trade.size,
    side: trade.side, exchangeTime: trade.exchangeTime, receivedTime, gatewayTime,
  });
}

export function serializeStatus(exchange: ExchangeId, symbol: string, state: StatusState,
  reason: StatusReason | undefined): string {
  return JSON.stringify({ type: 'status', exchange, symbol, state, reason: reason ?? 'starting' });
}

/**
 * Sent once per subscribed symbol when the gateway shuts down. A client with no subscriptions receives
 * the symbol-less form (`exchange`/`symbol` omitted) so every connected bot learns of the shutdown.
 */
export function serializeShutdown(exchange?: ExchangeId, symbol?: string): string {
  return exchange === undefined || symbol === undefined
    ? JSON.stringify({ type: 'status', state: 'shutting_down', reason: 'shutting_down' })
    : serializeStatus(exchange, symbol, 'shutting_down', 'shutting_down');
}
