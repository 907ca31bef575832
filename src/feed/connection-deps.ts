// What a venue's connections are built from: the venue's shared parts and one connection slot's own. A ground-floor
// file, so the layers that receive these (socket session, driver, snapshot requests) do not import the slot itself.
import type { BookStore } from '../book/book-store.ts';
import type { VenueConfig } from '../config/types.ts';
import type { ExchangeId } from '../exchanges/registry.ts';
import type { VenueAdapter } from '../exchanges/types.ts';
import type { FrameRecorder } from '../observability/flight-recorder.ts';
import type { ConnectBudget } from './connect-budget.ts';
import type { FeedMetrics, FeedObserver } from './feed-events.ts';
import type { RestSnapshotSource } from './rest-snapshot-source.ts';

/** What a venue's connections share (the venue connector hands it to each). */
export interface VenueDeps {
  readonly adapter: VenueAdapter<ExchangeId>;
  readonly config: VenueConfig;
  readonly store: BookStore;
  readonly observe: FeedObserver;
  readonly metrics: FeedMetrics;
  readonly now?: () => number;
  readonly random?: () => number;
  /**
   * Waits between attempts (reconnect backoff, connect-budget waits); resolves early when `signal` aborts. Default:
   * a real timer. Tests pass a fake clock's, so backoff and budget logic run without waiting.
   */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** REST depth snapshots, one source per venue (its weight limit is per IP). */
  readonly snapshots?: RestSnapshotSource;
  /** The flight recorder: every frame a session sees, with its receive time. */
  readonly recorder?: FrameRecorder;
}

export interface UpstreamConnectionDeps extends VenueDeps {
  readonly exchange: ExchangeId;
  readonly id: number;
  readonly symbols: readonly string[];
  /** The venue's connection-attempt budget, shared by all its connections. */
  readonly budget: ConnectBudget;
}
