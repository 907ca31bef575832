// Every configured book and its recent trades, with the per-book state machine of src/README.md:
// awaiting-snapshot → live → stale → resyncing → live. A book known to be wrong is never left live.
import type { BookState, BookStatusReason, LevelText, NormalizedTrade } from '../core/model.ts';
import type { ExchangeId } from '../exchanges/registry.ts';
import type { BookChecksumFn } from '../exchanges/types.ts';
import { OrderBook } from './order-book.ts';
import { TradeBuffer } from './trade-buffer.ts';

export interface BookKey {
  readonly exchange: ExchangeId;
  readonly symbol: string;
}

export interface BookView extends BookKey {
  readonly state: BookState;
  readonly reason: BookStatusReason | undefined;
  /** Levels held per side (the venue subscription depth). */
  readonly depth: number;
  /** Read-only for everyone but the store. */
  readonly book: OrderBook;
  readonly exchangeTime: string;
  /** When the gateway received the venue frame last applied (epoch ms, fractional; 0 before any). */
  readonly receivedAt: number;
  /** Increments on every applied venue message. */
  readonly version: number;
}

export type BookChange = 'snapshot' | 'update';

export interface StoreListener {
  bookChanged?(view: BookView, change: BookChange): void;
  bookStateChanged?(view: BookView, previous: BookState): void;
  /** `receivedAt`: when the gateway received the venue frame that carried them (epoch ms). */
  tradesAdded?(key: BookKey, trades: readonly NormalizedTrade[], receivedAt: number): void;
  /** The book as it failed verification, just before it is cleared (incident bundles keep it). */
  bookFailed?(view: BookView, reason: IntegrityFailureReason): void;
}

export type IntegrityFailureReason = Extract<BookStatusReason, 'checksum_mismatch' | 'crossed_book' | 'malformed_frame'>;

export type ApplyResult =
  | { readonly ok: true; readonly applied: boolean }
  | { readonly ok: false; readonly reason: IntegrityFailureReason; readonly message: string;
      readonly expected?: number; readonly computed?: number };

export interface BookRegistration {
  /**
   * Levels per side kept and served (bots subscribe to 1..depth). Cutting every update back to it keeps the book a
   * prefix of the venue's: levels learned from diffs below it could skip real levels that never changed.
   */
  readonly depth: number;
  readonly checksum?: BookChecksumFn;
  /** The checksum covers only the best N levels: an update deeper than that keeps the last verified value. */
  readonly checksumLevels?: number;
  /**
   * The venue's snapshots are its whole book (VenueAdapter.wholeBook): once a snapshot was cut to `depth`, changes
   * below the cut are ignored, so the book stays exactly the venue's down to the worst level kept.
   */
  readonly exactPrefix?: boolean;
}

interface BookEntry {
  exchange: ExchangeId;
  symbol: string;
  state: BookState;
  reason: BookStatusReason | undefined;
  depth: number;
  book: OrderBook;
  exchangeTime: string;
  receivedAt: number;
  version: number;
  checksum: BookChecksumFn | undefined;
  checksumLevels: number;
  /** The book's checksum as of the last verification (undefined: recompute). */
  verifiedChecksum: number | undefined;
  trades: TradeBuffer;
}

const APPLIED: ApplyResult = { ok: true, applied: true };
const IGNORED: ApplyResult = { ok: true, applied: false };

export function bookKeyText(exchange: ExchangeId, symbol: string): string {
  return `${exchange}:${symbol}`;
}

export class BookStore {
  /** exchange → symbol → entry, so a lookup on the hot path builds no key string. */
  private readonly entries = new Map<ExchangeId, Map<string, BookEntry>>();
  private readonly all: BookEntry[] = [];
  private readonly listeners: StoreListener[] = [];

  constructor(private readonly options: { readonly tradeBufferSize: number }) {}

  register(exchange: ExchangeId, symbol: string, registration: BookRegistration): void {
    if (this.find(exchange, symbol) !== undefined) return;
    let bySymbol = this.entries.get(exchange);
    if (bySymbol === undefined) this.entries.set(exchange, bySymbol = new Map());
    const entry: BookEntry = {
      exchange, symbol, state: 'awaiting-snapshot', reason: undefined, depth: registration.depth,
      book: new OrderBook({ exactPrefix: registration.exactPrefix }), exchangeTime: '', receivedAt: 0, version: 0,
      checksum: registration.checksum,
      checksumLevels: registration.checksumLevels ?? Infinity, verifiedChecksum: undefined,
      trades: new TradeBuffer(this.options.tradeBufferSize),
    };
    bySymbol.set(symbol, entry);
    this.all.push(entry);
  }

  addListener(listener: StoreListener): () => void {
    this.listeners.push(listener);
    return () => {
      const index = this.listeners.indexOf(listener);
      if (index !== -1) this.listeners.splice(index, 1);
    };
  }

  get(exchange: ExchangeId, symbol: string): BookView | undefined {
    return this.find(exchange, symbol);
  }

  has(exchange: ExchangeId, symbol: string): boolean {
    return this.find(exchange, symbol) !== undefined;
  }

  list(): BookView[] {
    return [...this.all];
  }

  /** A full book from the venue. Verified before it goes live. */
  applySnapshot(exchange: ExchangeId, symbol: string, bids: readonly LevelText[], asks: readonly LevelText[],
    exchangeTime: string, checksum?: number, receivedAt = 0): ApplyResult {
    const entry = this.require(exchange, symbol);
    const wellFormed = entry.book.replace(bids, asks);
    const result = this.verify(entry, wellFormed, checksum);
    if (!result.ok) return this.fail(entry, result);
    entry.exchangeTime = exchangeTime;
    entry.receivedAt = receivedAt;
    entry.version++;
    this.setEntryState(entry, 'live', 'snapshot');
    for (const listener of this.listeners) listener.bookChanged?.(entry, 'snapshot');
    return APPLIED;
  }

  /** An incremental update; ignored unless the book is live (e.g. in-flight updates during a resync). */
  applyUpdate(exchange: ExchangeId, symbol: string, bids: readonly LevelText[], asks: readonly LevelText[],
    exchangeTime: string, checksum?: number, receivedAt = 0): ApplyResult {
    const entry = this.require(exchange, symbol);
    if (entry.state !== 'live') return IGNORED;
    const wellFormed = entry.book.apply(bids, asks);
    const result = this.verify(entry, wellFormed, checksum);
    if (!result.ok) return this.fail(entry, result);
    entry.exchangeTime = exchangeTime;
    entry.receivedAt = receivedAt;
    entry.version++;
    for (const listener of this.listeners) listener.bookChanged?.(entry, 'update');
    return APPLIED;
  }

  /** Stale, resyncing or awaiting-snapshot, with the reason bots will see. */
  setState(exchange: ExchangeId, symbol: string, state: BookState, reason: BookStatusReason): void {
    this.setEntryState(this.require(exchange, symbol), state, reason);
  }

  /** New trades only (deduplicated by venue trade id), in order. */
  addTrades(exchange: ExchangeId, symbol: string, trades: readonly NormalizedTrade[], receivedAt = 0): readonly NormalizedTrade[] {
    const entry = this.require(exchange, symbol);
    const fresh = entry.trades.add(trades);
    if (fresh.length > 0) for (const listener of this.listeners) listener.tradesAdded?.(entry, fresh, receivedAt);
    return fresh;
  }

  private verify(entry: BookEntry, wellFormed: boolean, checksum: number | undefined): ApplyResult {
    if (!wellFormed) {
      return { ok: false, reason: 'malformed_frame', message: `malformed level in ${entry.exchange} ${entry.symbol}` };
    }
    entry.book.truncate(entry.depth);
    if (entry.book.isCrossed()) {
      const bid = entry.book.bids.best()?.[0];
      const ask = entry.book.asks.best()?.[0];
      return { ok: false, reason: 'crossed_book', message: `best bid ${bid} ≥ best ask ${ask} (${entry.exchange} ${entry.symbol})` };
    }
    if (entry.checksum !== undefined) {
      // A venue that checksums its books sends one with every message: without it the data cannot be verified.
      if (checksum === undefined) {
        return { ok: false, reason: 'malformed_frame', message: `no checksum on ${entry.exchange} ${entry.symbol} book data` };
      }
      const book = entry.book;
      const computed = entry.verifiedChecksum !== undefined && book.lowestChangedIndex() >= entry.checksumLevels
        ? entry.verifiedChecksum
        : entry.checksum(book);
      book.resetChanges();
      entry.verifiedChecksum = computed;
      if (computed !== checksum) {
        return { ok: false, reason: 'checksum_mismatch', expected: checksum, computed,
          message: `expected checksum ${checksum}, computed ${computed} (${entry.exchange} ${entry.symbol})` };
      }
    }
    return APPLIED;
  }

  private fail(entry: BookEntry, result: Extract<ApplyResult, { ok: false }>): ApplyResult {
    for (const listener of this.listeners) listener.bookFailed?.(entry, result.reason);
    entry.book.clear();
    entry.verifiedChecksum = undefined;
    entry.version++;
    this.setEntryState(entry, 'resyncing', result.reason);
    return result;
  }

  private setEntryState(entry: BookEntry, state: BookState, reason: BookStatusReason): void {
    if (entry.state === state && entry.reason === reason) return;
    const previous = entry.state;
    entry.state = state;
    entry.reason = reason;
    for (const listener of this.listeners) listener.bookStateChanged?.(entry, previous);
  }

  private find(exchange: ExchangeId, symbol: string): BookEntry | undefined {
    return this.entries.get(exchange)?.get(symbol);
  }

  private require(exchange: ExchangeId, symbol: string): BookEntry {
    const entry = this.find(exchange, symbol);
    if (entry === undefined) throw new Error(`book ${exchange} ${symbol} is not registered`);
    return entry;
  }
}
