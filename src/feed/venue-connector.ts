// All upstream connections of one venue: registers its books in the store, shards its symbols over
// connections of at most `maxSymbolsPerConnection` (the lower of the config and the venue's own limit), and owns
// what the venue limits per IP: the connect budget and the REST snapshot source.
import type { ExchangeId } from '../exchanges/registry.ts';
import { ConnectBudget } from './connect-budget.ts';
import type { RestConfig } from '../config/types.ts';
import {
  DEFAULT_REST_SNAPSHOT_LIMITS, RestSnapshotSource, type RestSnapshotLimits, type RestSnapshotStatus,
} from './rest-snapshot-source.ts';
import type { VenueDeps } from './connection-deps.ts';
import { UpstreamConnection } from './upstream-connection.ts';

export type VenueConnectorDeps = Omit<VenueDeps, 'snapshots'>;

export class VenueConnector {
  private readonly connections: UpstreamConnection[];
  private readonly snapshots: RestSnapshotSource | undefined;
  readonly exchange: ExchangeId;

  constructor(deps: VenueConnectorDeps) {
    const { adapter, config, store } = deps;
    this.exchange = adapter.exchange;
    for (const symbol of config.symbols) {
      store.register(adapter.exchange, symbol, {
        depth: config.bookDepth, checksum: adapter.bookChecksum, checksumLevels: adapter.bookChecksumLevels,
        exactPrefix: adapter.wholeBook,
      });
    }
    const shardSize = Math.max(1, Math.min(config.maxSymbolsPerConnection, adapter.maxSymbolsPerConnection));
    const budget = new ConnectBudget(config.reconnect);
    this.snapshots = adapter.restSnapshot === undefined || config.restUrl === undefined ? undefined
      : new RestSnapshotSource({ exchange: adapter.exchange, baseUrl: config.restUrl, spec: adapter.restSnapshot,
        limits: restLimits(config.rest), observe: deps.observe, now: deps.now ?? Date.now, random: deps.random });
    const snapshots = this.snapshots;
    this.connections = shard(config.symbols, shardSize).map((symbols, index) => new UpstreamConnection({
      ...deps, exchange: adapter.exchange, id: index + 1, symbols, budget, snapshots,
    }));
  }

  start(): void {
    for (const connection of this.connections) connection.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.connections.map((connection) => connection.stop()));
    this.snapshots?.stop();
  }

  status(): Record<string, unknown>[] {
    return this.connections.map((connection) => connection.status());
  }

  connectionIds(): number[] {
    return this.connections.map((_connection, index) => index + 1);
  }

  /** REST snapshot budget and pause state, for venues that bridge books from REST snapshots. */
  restStatus(): RestSnapshotStatus | undefined {
    return this.snapshots?.status();
  }

  /** Why a symbol's book cannot be served because its connection cannot reach the venue, if that is so. */
  unreachableReason(symbol: string): string | undefined {
    for (const connection of this.connections) {
      const reason = connection.unreachableReason(symbol);
      if (reason !== undefined) return reason;
    }
    return undefined;
  }

  allLive(): boolean {
    return this.connections.every((connection) => connection.connectionState === 'live');
  }
}

function restLimits(rest: RestConfig | undefined): RestSnapshotLimits {
  if (rest === undefined) return DEFAULT_REST_SNAPSHOT_LIMITS;
  return { ...DEFAULT_REST_SNAPSHOT_LIMITS, requestTimeoutMs: rest.requestTimeoutMs, banPauseMinMs: rest.banPauseMinMs,
    weightShare: rest.weightSharePercent / 100 };
}

/**
 * At most `size` items per shard, as evenly as possible (51 by 50 → 26 + 25, not 50 + 1): a lone quiet symbol on a
 * connection of its own would trip the data-only staleness watchdog.
 */
export function shard<T>(items: readonly T[], size: number): T[][] {
  const count = Math.ceil(items.length / size);
  const shards: T[][] = [];
  for (let index = 0, start = 0; index < count; index++) {
    const end = start + Math.ceil((items.length - start) / (count - index));
    shards.push(items.slice(start, end));
    start = end;
  }
  return shards;
}
