// All upstream connections of one venue: registers its books in the store and shards its symbols over
// connections of at most `maxSymbolsPerConnection` (the lower of the config and the venue's own limit).
import type { ExchangeId } from '../core/model.ts';
import { ConnectBudget } from './connect-budget.ts';
import { UpstreamConnection, type VenueDeps } from './upstream-connection.ts';

export type VenueConnectorDeps = VenueDeps;

export class VenueConnector {
  private readonly connections: UpstreamConnection[];
  readonly exchange: ExchangeId;

  constructor(deps: VenueConnectorDeps) {
    const { adapter, config, store } = deps;
    this.exchange = adapter.exchange;
    for (const symbol of config.symbols) {
      store.register(adapter.exchange, symbol, {
        depth: config.bookDepth, checksum: adapter.bookChecksum, checksumLevels: adapter.bookChecksumLevels,
      });
    }
    const shardSize = Math.max(1, Math.min(config.maxSymbolsPerConnection, adapter.maxSymbolsPerConnection));
    const budget = new ConnectBudget(config.reconnect);
    this.connections = shard(config.symbols, shardSize).map((symbols, index) => new UpstreamConnection({
      ...deps, exchange: adapter.exchange, id: index + 1, symbols, budget,
    }));
  }

  start(): void {
    for (const connection of this.connections) connection.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.connections.map((connection) => connection.stop()));
  }

  status(): Record<string, unknown>[] {
    return this.connections.map((connection) => connection.status());
  }

  allLive(): boolean {
    return this.connections.every((connection) => connection.connectionState === 'live');
  }
}

export function shard<T>(items: readonly T[], size: number): T[][] {
  const shards: T[][] = [];
  for (let start = 0; start < items.length; start += size) shards.push(items.slice(start, start + size));
  return shards;
}
