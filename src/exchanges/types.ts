// The contract between the shared connector (src/feed) and a venue's pure protocol code.
import type { BookStatusReason, ExchangeId, LevelText, NormalizedTrade } from '../core/model.ts';

/** What a venue session tells the connector and the store. Symbols are normalized (`BTC/USD`). */
export type VenueEvent =
  | { readonly type: 'book_snapshot'; readonly symbol: string; readonly bids: LevelText[]; readonly asks: LevelText[];
      readonly exchangeTime: string; readonly checksum?: number }
  | { readonly type: 'book_update'; readonly symbol: string; readonly bids: LevelText[]; readonly asks: LevelText[];
      readonly exchangeTime: string; readonly checksum?: number }
  | { readonly type: 'trades'; readonly symbol: string; readonly trades: NormalizedTrade[]; readonly snapshot: boolean }
  | { readonly type: 'subscribed'; readonly symbol: string; readonly channel: VenueChannel }
  | { readonly type: 'unsubscribed'; readonly symbol: string; readonly channel: VenueChannel }
  | { readonly type: 'subscribe_failed'; readonly symbol?: string; readonly channel?: VenueChannel; readonly error: string }
  /** Venue-wide engine state: `online`, `maintenance`, `cancel_only`, `post_only`. */
  | { readonly type: 'venue_status'; readonly system: string }
  | { readonly type: 'heartbeat' }
  | { readonly type: 'pong'; readonly reqId?: number }
  | { readonly type: 'instrument'; readonly symbol: string; readonly pricePrecision: number; readonly qtyPrecision: number };

export type VenueChannel = 'book' | 'trades';

export type ReportLevel = 'debug' | 'info' | 'warn' | 'error';

/** What a venue session asks the connector to do. */
export type SessionAction =
  | { readonly type: 'send'; readonly payload: string }
  | { readonly type: 'fetch-snapshot'; readonly symbol: string }
  | { readonly type: 'resync'; readonly symbol: string; readonly reason: BookStatusReason }
  | { readonly type: 'reconnect'; readonly reason: string }
  | { readonly type: 'report'; readonly level: ReportLevel; readonly code: string; readonly message: string;
      readonly symbol?: string };

export interface SessionOutput {
  readonly events: VenueEvent[];
  readonly actions: SessionAction[];
}

export interface SessionOptions {
  /** Normalized symbols this connection carries (`BTC/USD`). */
  readonly symbols: readonly string[];
  /** Book depth subscribed at the venue. */
  readonly bookDepth: number;
  /** Ask the venue for its recent trades on subscribe (Kraken `snapshot:true`). */
  readonly tradeSnapshot: boolean;
}

/**
 * One upstream connection's protocol state. Pure: no I/O, time is an argument.
 * A new session object is created for every (re)connection.
 */
export interface VenueSession {
  /** Socket open: return the subscribe requests. */
  onOpen(now: number): SessionOutput;
  /** One text frame as received. */
  onFrame(text: string, receivedAt: number): SessionOutput;
  /** Start a per-symbol resync (Kraken: unsubscribe → ack → subscribe). */
  resync(symbol: string, reason: BookStatusReason, now: number): SessionOutput;
  /**
   * Subscribe again to one symbol's trades (unsubscribe first where a duplicate subscribe would be ignored): after
   * the venue rejected the subscription, or when the trade stream went silent.
   */
  resyncTrades(symbol: string, now: number): SessionOutput;
  /** Application-level ping payload. */
  ping(reqId: number, now: number): SessionOutput;
}

/**
 * Verifies a venue checksum against the book after the update was applied and truncated.
 * `best(side, n)` yields up to n levels best-first.
 */
export interface BookChecksumView {
  topLevels(side: 'bids' | 'asks', count: number): readonly LevelText[];
}
export type BookChecksumFn = (book: BookChecksumView) => number;

export interface VenueAdapter {
  readonly exchange: ExchangeId;
  readonly defaultUrl: string;
  /** Valid venue book depths (Kraken: 10, 25, 100, 500, 1000). */
  readonly allowedBookDepths: readonly number[];
  /** Most symbols one connection may carry before the connector shards. */
  readonly maxSymbolsPerConnection: number;
  /** Outgoing messages per connection: average per second and burst (requests, pings, pongs). */
  readonly outboundRate: { readonly perSecond: number; readonly burst: number };
  /** Connection attempts allowed per window per IP (Kraken: ~150 per 10 min). */
  readonly connectBudget: { readonly attempts: number; readonly windowMs: number };
  /** Checksum over the truncated book, when the venue sends one. */
  readonly bookChecksum?: BookChecksumFn;
  /** The checksum covers only the best N levels per side (Kraken: 10): deeper changes cannot alter it. */
  readonly bookChecksumLevels?: number;
  createSession(options: SessionOptions): VenueSession;
}
