// The contract between the shared connector (src/feed) and a venue's pure protocol code.
import type { BookStatusReason, LevelText, NormalizedTrade } from '../core/model.ts';

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
  /**
   * Venue-wide engine state in the venue's own word (`status`: Kraken `online`, `maintenance`, `cancel_only`,
   * `post_only`) and what it means for the books: `degraded` true = not trading normally (books are held stale),
   * false = normal again (books are refetched), absent = no change.
   */
  | { readonly type: 'venue_status'; readonly status: string; readonly degraded?: boolean }
  | { readonly type: 'heartbeat' }
  | { readonly type: 'pong'; readonly reqId?: number }
  | { readonly type: 'instrument'; readonly symbol: string; readonly pricePrecision: number; readonly qtyPrecision: number }
  /**
   * Make-before-break: this (successor) session's stream continues the book where the predecessor left it, so the
   * book stays live with no snapshot; from now on only this session feeds it.
   */
  | { readonly type: 'book_continued'; readonly symbol: string }
  /** Every book of the predecessor now continues on this successor session: the predecessor can be closed. */
  | { readonly type: 'handover_complete' }
  /** The venue announced it will close this connection soon (Binance `serverShutdown`): rotate now. */
  | { readonly type: 'server_shutdown' };

export type VenueChannel = 'book' | 'trades';

export type ReportLevel = 'debug' | 'info' | 'warn' | 'error';

/** What a venue session asks the connector to do. */
export type SessionAction =
  | { readonly type: 'send'; readonly payload: string }
  | { readonly type: 'fetch-snapshot'; readonly symbol: string }
  | { readonly type: 'resync'; readonly symbol: string; readonly reason: BookStatusReason }
  | { readonly type: 'reconnect'; readonly reason: string }
  /**
   * The venue's stream on this connection can no longer be trusted as a whole (Coinbase: its per-connection
   * `sequence_num` skipped, repeated or went back): every book it feeds is invalid, and only a new connection starts a
   * trustworthy stream (a resubscribe on the same socket continues the broken count). The connector marks every such
   * book `resyncing` with `reason`, charges each to the resync budget and replaces the connection; `detail` is the
   * evidence, for the log.
   */
  | { readonly type: 'resync-connection'; readonly reason: BookStatusReason; readonly detail: string }
  | { readonly type: 'report'; readonly level: ReportLevel; readonly code: string; readonly message: string;
      readonly symbol?: string };

export interface SessionOutput {
  readonly events: VenueEvent[];
  readonly actions: SessionAction[];
  /**
   * The rest of this frame's work, to run on a later event-loop turn (a multi-MB snapshot read in slices, so one
   * venue's big frame does not hold up every other venue's bots). The connector runs it before any later frame of
   * the same connection, and keeps calling the `next` of what it returns.
   */
  readonly next?: (now: number) => SessionOutput;
}

export interface SessionOptions {
  /**
   * Make-before-break rotation: the session of the connection this one replaces. It keeps feeding the books until
   * this session's stream continues each book's chain (`book_continued`, then `handover_complete`).
   */
  readonly predecessor?: VenueSession;
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
  /** Application-level ping payload (only called when the adapter's heartbeat is `client-ping`). */
  ping(reqId: number, now: number): SessionOutput;
  /**
   * Successor only: the predecessor is gone (closed, or the handover took too long). Books not handed over yet
   * either continue here or are resynced (`resync` actions, reason `connection_lost`). `predecessorCurrent`: the
   * predecessor delivered everything sent before this session's stream began (a clean close, or frames after this
   * session's first one); if not, only a book whose diffs here connect to its chain may continue.
   */
  takeOver?(now: number, predecessorCurrent: boolean): SessionOutput;
  /**
   * Rotation: false while another session of the rotation feeds `symbol` (its resyncs and watchdogs are that
   * session's business). Absent: always true.
   */
  feeds?(symbol: string): boolean;
}

/** How a venue's REST depth snapshot is requested and fed back into the session's stream. */
export interface RestSnapshotSpec {
  /** Path and query under the configured REST base URL, and the request weight the venue charges for it. */
  request(symbol: string, limit: number): { readonly path: string; readonly weight: number };
  /**
   * The synthetic frame carrying a snapshot response body into `VenueSession.onFrame`, so live traffic, replays of
   * recordings and unit tests all go through the same stream.
   */
  frame(symbol: string, body: string): string;
  /** Response header with the IP's used request weight in the current window (lower case). */
  readonly usedWeightHeader: string;
  /** Request weight the venue allows per IP per window. */
  readonly weightLimit: { readonly perWindow: number; readonly windowMs: number };
}

/**
 * Verifies a venue checksum against the book after the update was applied and truncated.
 * `best(side, n)` yields up to n levels best-first.
 */
export interface BookChecksumView {
  topLevels(side: 'bids' | 'asks', count: number): readonly LevelText[];
}
export type BookChecksumFn = (book: BookChecksumView) => number;

/**
 * What the venue's `exchanges.<id>` config keys default to and allow, beyond what the adapter's own fields give
 * (URL, depths, symbols per connection, connect limit, lifetime). The config schema is built from these.
 */
export interface VenueConfigFacts {
  /** The venue's name in documentation and messages (`Kraken`). */
  readonly name: string;
  readonly enabled: boolean;
  readonly symbols: readonly string[];
  readonly bookDepth: number;
  /** When the venue takes no depth parameter (allowedBookDepths empty): the most levels the store may keep. */
  readonly maxBookDepth?: number;
  readonly bookDepthDoc: string;
  readonly tradeSnapshot: boolean;
  readonly staleAfterMs: number;
  readonly symbolStaleAfterMs: number;
  /** The gateway's default connect budget, well under `connectBudget` (default 60 per 10 minutes). */
  readonly defaultConnectBudget?: { readonly attempts: number; readonly windowMs: number };
  /** How the venue's connect limit is called in a config error (`Kraken's ban limit`). */
  readonly connectLimitName: string;
  /** REST snapshot venues: the default REST base URL and what to say about it. */
  readonly rest?: { readonly defaultUrl: string; readonly urlDoc: string };
  /** A venue-specific sentence appended to a key's documentation, by key name (`staleAfterMs`). */
  readonly keyNotes?: Readonly<Record<string, string>>;
}

export interface VenueAdapter<Id extends string = string> {
  readonly exchange: Id;
  readonly configFacts: VenueConfigFacts;
  /** Why a normalized symbol is wrong for this venue although well-formed (Kraken: a v1 asset name), if it is. */
  symbolProblem?(symbol: string): string | undefined;
  readonly defaultUrl: string;
  /** Valid venue book depths (Kraken: 10, 25, 100, 500, 1000); empty when the venue has no depth parameter (Coinbase). */
  readonly allowedBookDepths: readonly number[];
  /** Most symbols one connection may carry before the connector shards. */
  readonly maxSymbolsPerConnection: number;
  /**
   * A book over its resync budget gets one reconnect of its connection per window (default true). False where the
   * connection is not suspect (Binance: resyncs are REST snapshots; a reconnect would refetch every book): it waits.
   */
  readonly resyncEscalatesToReconnect?: boolean;
  /** Outgoing messages per connection: average per second and burst (requests, pings, pongs). */
  readonly outboundRate: { readonly perSecond: number; readonly burst: number };
  /** Connection attempts allowed per window per IP (Kraken: ~150 per 10 min). */
  readonly connectBudget: { readonly attempts: number; readonly windowMs: number };
  /** Checksum over the truncated book, when the venue sends one. */
  readonly bookChecksum?: BookChecksumFn;
  /** The checksum covers only the best N levels per side (Kraken: 10): deeper changes cannot alter it. */
  readonly bookChecksumLevels?: number;
  /**
   * `client-ping`: the gateway sends `session.ping()` and expects a `pong` event (Kraken). `server-ping`: the venue
   * sends WebSocket PING frames that the connector answers with the same payload; liveness is judged on data only.
   */
  readonly heartbeat: 'client-ping' | 'server-ping';
  /** The URL to open for one connection's symbols (Binance: streams in the combined-stream URL). Default: `url`. */
  connectUrl?(url: string, symbols: readonly string[]): string;
  /** REST depth snapshots, for venues whose books are bridged from one (Binance). */
  readonly restSnapshot?: RestSnapshotSpec;
  /** The venue closes a connection after this long (Binance: 24 h): the connector rotates before that. */
  readonly maxConnectionLifetimeMs?: number;
  /**
   * Largest frame the venue sends (Coinbase: a level2 snapshot is the whole book in one frame, 5 MB for BTC-USD and
   * growing). Bigger frames close the connection (1009). Default 64 MiB.
   */
  readonly maxFrameBytes?: number;
  /**
   * Snapshots carry the venue's whole book and updates reach every level (Coinbase level2: no depth parameter).
   * The store keeps `bookDepth` levels per side; when a snapshot is deeper, changes below the cut are ignored, so the
   * book stays exactly the venue's down to that price instead of letting a level learned later stand in for real
   * ones that were cut and never changed. Venues that keep a depth window themselves (Kraken) must leave this unset.
   */
  readonly wholeBook?: boolean;
  createSession(options: SessionOptions): VenueSession;
}
