// Everything an operator should see, as typed events: one event → one log line at the right level + the right
// metric (observer.ts). Per-frame figures never become events (GatewayMetrics methods take them directly).
//
// The connector's FeedEvent (src/feed/feed-events.ts) is part of the union as is, so `observer.observe` can be
// handed to the feed as its FeedObserver without any mapping.
import type { BookState, BookStatusReason } from '../core/model.ts';
import type { ExchangeId } from '../exchanges/registry.ts';
import type { FeedEvent } from '../feed/feed-events.ts';


/** A book changed state (BookStore's bookStateChanged listener). */
export interface BookStateEvent {
  readonly type: 'book_state';
  readonly exchange: ExchangeId;
  readonly symbol: string;
  readonly state: BookState;
  readonly previous?: BookState;
  readonly reason?: BookStatusReason;
}


export type ServerEvent =
  | { readonly type: 'server_listening'; readonly engine: string; readonly host: string; readonly port: number }
  | { readonly type: 'shutdown'; readonly reason: string; readonly phase: 'begin' | 'complete' };

// Bot connections are observed by the downstream server itself (one line per connect/close, first protocol error
// per client per minute) and counted through its DownstreamMetrics port.
export type GatewayEvent = FeedEvent | BookStateEvent | ServerEvent;

export type GatewayEventType = GatewayEvent['type'];
