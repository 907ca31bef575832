// What a connection's socket opening or ending means for the books it carries, as bots see it: a book left stale by
// the last socket is `resyncing (connection_lost)` once a new one opens; a socket that ends leaves its live and
// resyncing books `stale` with the cause, unless a successor feeds them on.
import type { BookStore } from '../book/book-store.ts';
import type { BookStatusReason } from '../core/model.ts';
import type { ExchangeId } from '../exchanges/registry.ts';
import type { ReconnectCause } from './reconnect-policy.ts';

/** How a socket's end leaves its books: `stale` (bots are told why), `retire` (a successor feeds them), `stop`. */
export type SocketEnd = 'stale' | 'retire' | 'stop';

/** Why books went stale, as bots see it, when the connection ended for one of these causes. */
const STALE_REASONS: Partial<Record<ReconnectCause, BookStatusReason>> = {
  stale_data: 'stale_data', subscribe_timeout: 'subscribe_timeout', snapshot_timeout: 'snapshot_timeout',
  maintenance: 'maintenance',
};

export function booksOnOpen(store: BookStore, exchange: ExchangeId, symbols: readonly string[]): void {
  for (const symbol of symbols) {
    if (store.get(exchange, symbol)?.state === 'stale') store.setState(exchange, symbol, 'resyncing', 'connection_lost');
  }
}

export function booksOnEnd(store: BookStore, exchange: ExchangeId, symbols: readonly string[], how: SocketEnd,
  cause: ReconnectCause): void {
  if (how === 'retire') return;
  // Replaced because its stream broke: the books are `resyncing` already, with the reason the session gave.
  if (how === 'stale' && cause === 'resync_connection') return;
  const reason = how === 'stop' ? 'shutting_down' : STALE_REASONS[cause] ?? 'connection_lost';
  for (const symbol of symbols) {
    const state = store.get(exchange, symbol)?.state;
    if (state === 'live' || state === 'resyncing') store.setState(exchange, symbol, 'stale', reason);
  }
}
