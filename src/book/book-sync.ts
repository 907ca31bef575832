// Applies a venue session's normalized events to the store and reports what happened, so the
// connector can resync a book that failed verification. Pure: no I/O, no clock (the receipt time is an argument).
import type { ExchangeId } from '../exchanges/registry.ts';
import type { VenueEvent } from '../exchanges/types.ts';
import type { ApplyResult, BookStore } from './book-store.ts';

export interface SyncOutcome {
  /** The event carried market data (book or trades): proof the feed is alive. */
  readonly data: boolean;
  readonly symbol?: string;
  /** Set when a book failed verification and is now `resyncing`. */
  readonly failure?: Extract<ApplyResult, { ok: false }>;
  /** A book snapshot was applied and the book is live. */
  readonly snapshotApplied?: boolean;
  readonly tradesAccepted?: number;
  readonly tradesDuplicated?: number;
}

const NOT_DATA: SyncOutcome = { data: false };

/** `receivedAt`: when the gateway received the frame that carried the event (epoch ms); bots see it as receivedTime. */
export function applyVenueEvent(store: BookStore, exchange: ExchangeId, event: VenueEvent, receivedAt = 0): SyncOutcome {
  switch (event.type) {
    case 'book_snapshot': {
      if (!store.has(exchange, event.symbol)) return NOT_DATA;
      const result = store.applySnapshot(exchange, event.symbol, event.bids, event.asks, event.exchangeTime, event.checksum, receivedAt);
      return result.ok
        ? { data: true, symbol: event.symbol, snapshotApplied: true }
        : { data: true, symbol: event.symbol, failure: result };
    }
    case 'book_update': {
      if (!store.has(exchange, event.symbol)) return NOT_DATA;
      const result = store.applyUpdate(exchange, event.symbol, event.bids, event.asks, event.exchangeTime, event.checksum,
        receivedAt);
      return result.ok ? { data: true, symbol: event.symbol } : { data: true, symbol: event.symbol, failure: result };
    }
    case 'trades': {
      if (!store.has(exchange, event.symbol)) return NOT_DATA;
      const accepted = store.addTrades(exchange, event.symbol, event.trades, receivedAt).length;
      return { data: true, symbol: event.symbol, tradesAccepted: accepted, tradesDuplicated: event.trades.length - accepted };
    }
    default:
      return NOT_DATA;
  }
}
