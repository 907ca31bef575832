// The level2 side of one Coinbase connection: `l2_data` events → book snapshots and updates (`offer` is the ask side),
// which products have had their snapshot on this connection, and resubscriptions of single books. A snapshot replaces
// the product's book; an update before a product's snapshot (or after a resubscribe, until the new snapshot) belongs
// to no book the gateway holds and is dropped. Level changes pass through as sent: removals of levels the book does
// not hold are normal on Coinbase (~1 per second per product) and the store counts them.
import type { LevelText } from '../../core/model.ts';
import { reportAction } from '../session-output.ts';
import type { SessionOutput } from '../types.ts';
import type { CoinbaseL2Event, CoinbaseLevelUpdate } from './messages.ts';
import type { CoinbaseSubscriptions } from './subscriptions.ts';
import type { CoinbaseSymbolTable } from './symbols.ts';

interface ProductBook {
  readonly symbol: string;
  /** Its snapshot arrived on this connection and no resubscribe is under way. */
  synced: boolean;
  /** When a resubscribe was asked for (the session's `now`), while its snapshot is awaited. */
  resubscribedAt: number | undefined;
  /** Updates dropped because no snapshot was held. */
  dropped: number;
}

/** A snapshot being read in slices: levels so far, per side. */
export interface SnapshotBuild {
  readonly productId: string;
  readonly bids: LevelText[];
  readonly asks: LevelText[];
  exchangeTime: string;
}

/** A resubscribe whose snapshot has not come after this long may be asked for again. */
const RESUBSCRIBE_STUCK_MS = 30_000;

export class CoinbaseL2Books {
  private readonly books = new Map<string, ProductBook>();
  /** Products named in frames this connection did not subscribe (reported once each). */
  private readonly strangers = new Set<string>();

  constructor(private readonly table: CoinbaseSymbolTable, private readonly subscriptions: CoinbaseSubscriptions) {
    for (const productId of table.productIds) {
      this.books.set(productId, { symbol: table.symbolOf(productId)!, synced: false, resubscribedAt: undefined, dropped: 0 });
    }
  }

  /** One `l2_data` event (a small snapshot, or an update); `frameTime` is the envelope's timestamp. */
  onEvent(event: CoinbaseL2Event, frameTime: string, out: SessionOutput): void {
    if (event.type === 'snapshot') {
      const build = this.startSnapshot(event.product_id, frameTime, out);
      if (build === undefined) return;
      addLevels(build, event.updates);
      this.finishSnapshot(build, out);
      return;
    }
    if (event.type !== 'update') {
      out.actions.push(reportAction('debug', 'unknown_message', `coinbase l2_data event type "${event.type}" ignored`));
      return;
    }
    const book = this.bookOf(event.product_id, out);
    if (book === undefined) return;
    if (!book.synced) {
      if (book.dropped++ === 0) {
        out.actions.push(reportAction('debug', 'update_without_snapshot', `coinbase ${book.symbol}: level2 updates before `
          + 'its snapshot dropped (they belong to a subscription being replaced)', book.symbol));
      }
      return;
    }
    const bids: LevelText[] = [];
    const asks: LevelText[] = [];
    const { updates } = event;
    for (let i = 0; i < updates.length; i++) {
      const update = updates[i]!;
      (update.side === 'bid' ? bids : asks).push([update.price_level, update.new_quantity]);
    }
    out.events.push({ type: 'book_update', symbol: book.symbol, bids, asks, exchangeTime: exchangeTimeOf(updates, frameTime) });
  }

  /** A snapshot begins: undefined when its product is not one this connection carries. */
  startSnapshot(productId: string, frameTime: string, out: SessionOutput): SnapshotBuild | undefined {
    if (this.bookOf(productId, out) === undefined) return undefined;
    return { productId, bids: [], asks: [], exchangeTime: frameTime };
  }

  /** Every level of the snapshot is in: the book is replaced. */
  finishSnapshot(build: SnapshotBuild, out: SessionOutput): void {
    const book = this.books.get(build.productId)!;
    book.synced = true;
    book.resubscribedAt = undefined;
    book.dropped = 0;
    this.subscriptions.confirmByData('level2', build.productId, out);
    out.events.push({ type: 'book_snapshot', symbol: book.symbol, bids: build.bids, asks: build.asks,
      exchangeTime: build.exchangeTime });
  }

  /** Unsubscribe and subscribe the product's level2 again: a new snapshot follows on the same connection. */
  resubscribe(symbol: string, now: number, out: SessionOutput): void {
    const productId = this.table.productOf(symbol);
    const book = productId === undefined ? undefined : this.books.get(productId);
    if (book === undefined) {
      out.actions.push(reportAction('warn', 'resync_unknown_symbol',
        `coinbase: resync requested for ${symbol}, which this connection does not carry`, symbol));
      return;
    }
    if (book.resubscribedAt !== undefined && now - book.resubscribedAt < RESUBSCRIBE_STUCK_MS) {
      out.actions.push(reportAction('debug', 'resync_in_progress', `coinbase ${symbol}: resubscribe already under way`, symbol));
      return;
    }
    book.synced = false;
    book.resubscribedAt = now;
    out.actions.push(...this.subscriptions.resubscribe('level2', productId!));
  }

  /** The product's snapshot arrived on this connection and no resubscribe is under way (tests, diagnostics). */
  synced(symbol: string): boolean {
    const productId = this.table.productOf(symbol);
    return productId !== undefined && this.books.get(productId)?.synced === true;
  }

  private bookOf(productId: string, out: SessionOutput): ProductBook | undefined {
    const book = this.books.get(productId);
    if (book === undefined && !this.strangers.has(productId)) {
      this.strangers.add(productId);
      out.actions.push(reportAction('warn', 'unexpected_symbol',
        `coinbase sent level2 data for ${productId}, which this connection did not subscribe`));
    }
    return book;
  }
}

/** Appends one slice of snapshot levels to the build. */
export function addLevels(build: SnapshotBuild, updates: readonly CoinbaseLevelUpdate[]): void {
  const { bids, asks } = build;
  for (let i = 0; i < updates.length; i++) {
    const update = updates[i]!;
    (update.side === 'bid' ? bids : asks).push([update.price_level, update.new_quantity]);
  }
  build.exchangeTime = exchangeTimeOf(updates, build.exchangeTime);
}

/** The matching engine's time of the event's last change (snapshot levels share one), else `fallback`. */
function exchangeTimeOf(updates: readonly CoinbaseLevelUpdate[], fallback: string): string {
  const time: unknown = updates[updates.length - 1]?.event_time;
  return typeof time === 'string' ? time : fallback;
}
