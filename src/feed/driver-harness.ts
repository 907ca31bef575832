// A SessionDriver on a socket-less connection, built from one options object: what benches, soaks and tests use
// to run a venue session exactly as a live connection does (the driver is the same; only the socket is absent).
// Everything not given is the connection's own default, or does nothing.
import type { BookStore } from '../book/book-store.ts';
import type { VenueConfig } from '../config/types.ts';
import type { ExchangeId } from '../exchanges/registry.ts';
import type { VenueAdapter } from '../exchanges/types.ts';
import type { ConnectionSignalSink } from './connection-signals.ts';
import type { FeedMetrics, FeedObserver } from './feed-events.ts';
import type { ReconnectCause } from './reconnect-policy.ts';
import { ResyncBudget } from './resync-budget.ts';
import type { RestSnapshotSource } from './rest-snapshot-source.ts';
import { SessionDriver } from './session-driver.ts';
import { VenueCondition } from './venue-condition.ts';

export interface DriverHarnessOptions {
  readonly adapter: VenueAdapter<ExchangeId>;
  readonly config: VenueConfig;
  readonly store: BookStore;
  readonly metrics: FeedMetrics;
  /** Default: config.symbols. */
  readonly symbols?: readonly string[];
  readonly id?: number;
  /** Default Date.now. */
  readonly now?: () => number;
  readonly observe?: FeedObserver;
  readonly snapshots?: RestSnapshotSource;
  readonly send?: (payload: string, urgent: boolean) => void;
  readonly end?: (cause: ReconnectCause, detail: string, notBefore?: number) => void;
  readonly signal?: ConnectionSignalSink;
  /** Default setImmediate, as live. */
  readonly defer?: (work: () => void) => void;
  /** Call `opened()` (the socket is up and the subscribe requests go out). Default true. */
  readonly open?: boolean;
}

export function createSessionDriver(options: DriverHarnessOptions): SessionDriver {
  const { adapter, config } = options;
  const driver = new SessionDriver({
    exchange: adapter.exchange, id: options.id ?? 1, adapter, config, symbols: options.symbols ?? config.symbols,
    store: options.store, metrics: options.metrics, observe: options.observe ?? (() => undefined),
    now: options.now ?? Date.now, snapshots: options.snapshots,
    resyncBudget: new ResyncBudget({ ...config, escalate: adapter.resyncEscalatesToReconnect ?? true }),
    venue: new VenueCondition(),
    send: options.send ?? (() => undefined),
    end: options.end ?? (() => undefined),
    signal: options.signal ?? (() => undefined),
    ...(options.defer === undefined ? {} : { defer: options.defer }),
  });
  if (options.open ?? true) driver.opened();
  return driver;
}
