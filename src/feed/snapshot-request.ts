// Asks the venue's REST snapshot source for one book and feeds the answer into the session's stream as the synthetic
// frame the adapter defines, so a snapshot is processed (and measured) like any frame a recording would replay.
import type { VenueAdapter } from '../exchanges/types.ts';
import type { FeedObserver } from './feed-events.ts';
import type { RestSnapshotSource } from './rest-snapshot-source.ts';
import type { UpstreamConnectionDeps } from './connection-deps.ts';

export interface SnapshotRequestDeps extends Pick<UpstreamConnectionDeps, 'exchange' | 'id' | 'config'> {
  readonly adapter: VenueAdapter;
  readonly snapshots: RestSnapshotSource | undefined;
  readonly observe: FeedObserver;
}

export function requestSnapshot(deps: SnapshotRequestDeps, symbol: string, handlers: {
  /** The synthetic frame to feed the session; dropped by the handler when its connection has ended. */
  readonly frame: (text: string, bytes: number) => void;
  /** The venue refused for good (e.g. unknown symbol): the source logged why. */
  readonly refused: () => void;
}): void {
  const { snapshots, adapter, exchange, id, config } = deps;
  const spec = adapter.restSnapshot;
  if (snapshots === undefined || spec === undefined) {
    deps.observe({ type: 'session_report', exchange, connection: id, level: 'error', code: 'no_snapshot_source',
      message: `${exchange} asked for a REST snapshot of ${symbol}; no snapshot source is configured`, symbol });
    return;
  }
  snapshots.request(symbol, config.bookDepth, {
    deliver: (body) => handlers.frame(spec.frame(symbol, body), body.length),
    fail: () => handlers.refused(),
  });
}
