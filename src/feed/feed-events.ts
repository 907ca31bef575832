// What the connector reports to observability (logs and metrics). One event per lifecycle change;
// nothing per frame — per-frame figures go through FeedMetrics counters.
import type { BookStatusReason } from '../core/model.ts';
import type { ExchangeId } from '../exchanges/registry.ts';
import type { ReportLevel, VenueChannel } from '../exchanges/types.ts';
import type { ReconnectCause } from './reconnect-policy.ts';

export type ConnectionState = 'idle' | 'connecting' | 'subscribing' | 'live' | 'backoff' | 'stopped';

interface ConnectionRef {
  readonly exchange: ExchangeId;
  readonly connection: number;
}

/** Venue-wide events (the REST snapshot source is shared by all of a venue's connections: its limits are per IP). */
interface VenueRef {
  readonly exchange: ExchangeId;
}

/** Why a connection is replaced before the venue closes it (make-before-break). */
export type RotationCause = 'lifetime' | 'server_shutdown';
/** `started`: the successor is connecting; the other phases end the rotation. */
export type RotationPhase = 'started' | 'handed_over' | 'timed_out' | 'failed';

export type FeedEvent =
  | (ConnectionRef & { readonly type: 'connection_state'; readonly state: ConnectionState; readonly previous: ConnectionState;
      readonly url: string })
  | (ConnectionRef & { readonly type: 'reconnect_scheduled'; readonly cause: ReconnectCause; readonly detail: string;
      readonly delayMs: number; readonly budgetWaitMs: number; readonly failures: number })
  | (ConnectionRef & { readonly type: 'handshake_rejected'; readonly status: number })
  /** The connection kept failing without staying up and pauses (`open`), or stayed up again (`closed`). */
  | (ConnectionRef & { readonly type: 'circuit_breaker'; readonly phase: 'open' | 'closed'; readonly pauseMs: number;
      readonly failures: number; readonly windowMs: number })
  /** An attempt failed before its socket opened and none has opened since (no route, DNS, firewall): said once a streak. */
  | (ConnectionRef & { readonly type: 'upstream_unreachable'; readonly url: string; readonly detail: string })
  /** Another connection of the venue took the free slot: this attempt waits rather than exceed the budget. */
  | (ConnectionRef & { readonly type: 'connect_budget_wait'; readonly waitMs: number; readonly used: number })
  | (ConnectionRef & { readonly type: 'venue_status'; readonly status: string; readonly degraded?: boolean })
  | (ConnectionRef & { readonly type: 'integrity_failure'; readonly symbol: string; readonly reason: BookStatusReason;
      readonly message: string; readonly expected?: number; readonly computed?: number })
  | (ConnectionRef & { readonly type: 'resync'; readonly symbol: string; readonly reason: BookStatusReason;
      /** Over budget: the connection is replaced instead. */
      readonly escalated: boolean;
      /** Over budget after a reconnect in this window: the book waits (not live) until then (epoch ms). */
      readonly retryAt?: number })
  | (ConnectionRef & { readonly type: 'subscription_failed'; readonly symbol?: string; readonly channel?: VenueChannel;
      readonly error: string })
  | (ConnectionRef & { readonly type: 'session_report'; readonly level: ReportLevel; readonly code: string;
      readonly message: string; readonly symbol?: string })
  | (ConnectionRef & { readonly type: 'trades_deduplicated'; readonly symbol: string; readonly count: number })
  /** A frame the connector could not hand to the session at all (sessions report unknown shapes themselves). */
  | (ConnectionRef & { readonly type: 'parse_error'; readonly message: string; readonly sample?: string })
  | (ConnectionRef & { readonly type: 'rotation'; readonly phase: RotationPhase; readonly cause: RotationCause;
      readonly detail?: string; readonly durationMs?: number })
  /** A REST snapshot was delivered. `usedWeight`: the IP's used weight per the venue's header, when it sent one. */
  | (VenueRef & { readonly type: 'snapshot_fetched'; readonly symbol: string; readonly status: number; readonly weight: number;
      readonly usedWeight?: number; readonly durationMs: number;
      /** Requests it took (1 = first try; 429/418 answers are not counted: they pause rather than fail). */
      readonly attempts: number })
  /**
   * A REST snapshot request failed. `status` 0: no HTTP answer (network error, timeout). With `retryInMs` it is retried
   * by the source; without, it was given up (non-retryable 4xx) and the requester told.
   */
  | (VenueRef & { readonly type: 'snapshot_failed'; readonly symbol: string; readonly status: number; readonly detail: string;
      readonly retryInMs?: number; readonly usedWeight?: number; readonly durationMs: number })
  /** The venue said slow down (429) or banned the IP (418): every REST request of the venue waits until `until`. */
  | (VenueRef & { readonly type: 'rest_rate_limited'; readonly symbol: string; readonly status: 429 | 418;
      readonly retryAfterMs: number;
      /** Epoch ms. */
      readonly until: number;
      /** The venue sent Retry-After (otherwise `retryAfterMs` is our own default). */
      readonly retryAfterSent: boolean; readonly usedWeight?: number });

/** Hot-path counters, called per frame: plain method calls, no event objects. */
export interface FeedMetrics {
  frameReceived(exchange: ExchangeId, bytes: number, processingSeconds: number): void;
  dataReceived(exchange: ExchangeId, connection: number, atMs: number): void;
}

export type FeedObserver = (event: FeedEvent) => void;
