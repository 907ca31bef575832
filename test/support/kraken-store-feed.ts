// Drives a real BookStore with real Kraken capture frames through the real session and book-sync code.
import { applyVenueEvent } from '../../src/book/book-sync.ts';
import { BookStore, type BookView } from '../../src/book/book-store.ts';
import { OrderBook } from '../../src/book/order-book.ts';
import type { LevelText } from '../../src/core/model.ts';
import { krakenChecksum } from '../../src/exchanges/kraken/checksum.ts';
import { krakenAdapter } from '../../src/exchanges/kraken/index.ts';
import type { VenueSession } from '../../src/exchanges/types.ts';
import { readKrakenCaptureFrames, readKrakenDoc } from './kraken-fixtures.ts';

export const ETH_FRAMES = readKrakenCaptureFrames('crossbook_kraken_ethusd_d25.frames.jsonl');
export const BTC_FRAMES = readKrakenCaptureFrames('crossbook_kraken_btcusd_d10_l2.frames.jsonl');

export interface KrakenFeed {
  readonly store: BookStore;
  /** Feeds frames to the session and applies its events to the store; returns the book events applied. */
  feed(frames: readonly string[]): number;
}

/** Kraken ETH/USD held at depth 25 (and BTC/USD at 10 when asked), checksums verified by the store. */
export function krakenFeed(symbols: readonly ('ETH/USD' | 'BTC/USD')[] = ['ETH/USD']): KrakenFeed {
  const store = new BookStore({ tradeBufferSize: 200 });
  const sessions = new Map<string, VenueSession>();
  for (const symbol of symbols) {
    const depth = symbol === 'ETH/USD' ? 25 : 10;
    store.register('kraken', symbol, { depth, checksum: krakenAdapter.bookChecksum, checksumLevels: krakenAdapter.bookChecksumLevels });
    const session = krakenAdapter.createSession({ symbols: [symbol], bookDepth: depth, tradeSnapshot: false });
    session.onOpen(0);
    sessions.set(symbol, session);
  }
  return {
    store,
    feed(frames) {
      let applied = 0;
      for (const text of frames) {
        const symbol = text.includes('"symbol":"BTC/USD"') ? 'BTC/USD' : 'ETH/USD';
        const session = sessions.get(symbol) ?? sessions.values().next().value!;
        for (const event of session.onFrame(text, 0).events) {
          const outcome = applyVenueEvent(store, 'kraken', event, performance.timeOrigin + performance.now());
          if (outcome.failure !== undefined) throw new Error(`fixture frame failed verification: ${outcome.failure.message}`);
          if (event.type === 'book_snapshot' || event.type === 'book_update') applied++;
        }
      }
      return applied;
    },
  };
}

/** Kraken's documented trade snapshot and update frames, re-addressed to `symbol`. */
export function docTradeFrames(symbol: string): string[] {
  return ['trade_snapshot.json', 'trade_update.json'].map((name) => readKrakenDoc(name).replaceAll('MATIC/USD', symbol));
}

/**
 * The checksum Kraken would send with `bids`/`asks` applied to `view`'s book (or, for a snapshot, as the whole book):
 * tests that write synthetic levels into a checksummed book must send it, as the venue does.
 */
export function checksumAfter(view: BookView, bids: readonly LevelText[], asks: readonly LevelText[], snapshot = false): number {
  const book = new OrderBook();
  if (snapshot) book.replace(bids, asks);
  else {
    book.replace(view.book.topLevels('bids', view.depth), view.book.topLevels('asks', view.depth));
    book.apply(bids, asks);
  }
  book.truncate(view.depth);
  return krakenChecksum(book);
}
