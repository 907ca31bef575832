// What the connector reports to observability (logs and metrics). One event per lifecycle change;
// nothing per frame — per-frame figures go through FeedMetrics counters.
import type { BookStatusReason, ExchangeId } from '../core/model.ts';
import type { ReportLevel } from '../exchanges/types.ts';
import type { ReconnectCause } from './reconnect-policy.ts';

export type ConnectionState = 'idle' | 'connecting' | 'subscribing' | 'live' | 'backoff' | 'stopped';

interface ConnectionRef {
  readonly exchange: ExchangeId;
  readonly connection: number;
}

export type FeedEvent =
  | (ConnectionRef & { readonly type: 'connection_state'; readonly state: ConnectionState; readonly previous: ConnectionState;
      readonly url: string })
  | (ConnectionRef & { readonly type: 'reconnect_scheduled'; readonly cause: ReconnectCause; readonly detail: string;
      readonly delayMs: number; readonly budgetWaitMs: number; readonly failures: number })
  | (ConnectionRef & { readonly type: 'handshake_rejected'; readonly status: number })
  /** Another connection of the venue took the free slot: this attempt waits rather than exceed the budget. */
  | (ConnectionRef & { readonly type: 'connect_budget_wait'; readonly waitMs: number; readonly used: number })
  | (ConnectionRef & { readonly type: 'venue_status'; readonly system: string })
  | (ConnectionRef & { readonly type: 'integrity_failure'; readonly symbol: string; readonly reason: BookStatusReason;
      readonly message: string; readonly expected?: number; readonly computed?: number })
  | (ConnectionRef & { readonly type: 'resync'; readonly symbol: string; readonly reason: BookStatusReason;
      /** Over budget: the connection is replaced instead. */
      readonly escalated: boolean;
      /** Over budget after a reconnect in this window: the book waits (not live) until then (epoch ms). */
      readonly retryAt?: number })
  | (ConnectionRef & { readonly type: 'subscription_failed'; readonly symbol?: string; readonly error: string })
  | (ConnectionRef & { readonly type: 'session_report'; readonly level: ReportLevel; readonly code: string;
      readonly message: string; readonly symbol?: string })
  | (ConnectionRef & { readonly type: 'trades_deduplicated'; readonly symbol: string; readonly count: number })
  /** A frame the connector could not hand to the session at all (sessions report unknown shapes themselves). */
  | (ConnectionRef & { readonly type: 'parse_error'; readonly message: string; readonly sample?: string });

/** Hot-path counters, called per frame: plain method calls, no event objects. */
export interface FeedMetrics {
  frameReceived(exchange: ExchangeId, bytes: number, processingSeconds: number): void;
  dataReceived(exchange: ExchangeId, connection: number, atMs: number): void;
}

export type FeedObserver = (event: FeedEvent) => void;
