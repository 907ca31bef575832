// Normalized vocabulary shared by every venue, the store and the downstream server.
// Venue wire names never appear here; only src/exchanges/<venue>/session.ts translates into these types.

/** Decimal strings exactly as the venue wrote them. Size "0" removes the level. */
export type LevelText = readonly [price: string, size: string];

export type Side = 'buy' | 'sell';

export type BookState = 'awaiting-snapshot' | 'live' | 'stale' | 'resyncing';

/** Why a book left `live` (published to bots in `status.reason`). Bounded set: used as a metric label. */
export type BookStatusReason =
  | 'subscribed'
  | 'snapshot'
  | 'checksum_mismatch'
  | 'sequence_gap'
  | 'crossed_book'
  | 'malformed_frame'
  | 'connection_lost'
  | 'stale_data'
  | 'subscribe_failed'
  | 'subscribe_timeout'
  | 'snapshot_timeout'
  | 'maintenance'
  /** The connection kept failing without staying up: it pauses (`reconnect.breakerPauseMs`) before trying again. */
  | 'circuit_open'
  | 'shutting_down';

export interface NormalizedTrade {
  /** Venue trade id, opaque text; dedup key per (exchange, symbol). */
  readonly tradeId: string;
  readonly price: string;
  readonly size: string;
  /** Taker (aggressor) side. */
  readonly side: Side;
  readonly exchangeTime: string;
}

/** `BTC/USD` in URLs is `BTC-USD`. */
export function symbolFromUrl(segment: string): string {
  return segment.replace('-', '/').toUpperCase();
}
