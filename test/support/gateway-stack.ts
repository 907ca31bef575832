// A real gateway (createGateway) against the Kraken simulator on port 0, with watchdog timings short enough
// for tests. Integration tests connect real `ws` bots to `wsUrl`.
import { createGateway, type Gateway } from '../../src/gateway.ts';
import { loadConfig } from '../../src/config/load.ts';
import type { GatewayConfig, VenueConfig } from '../../src/config/types.ts';
import { startKrakenSimulator, type KrakenSimulator, type KrakenSimulatorOptions } from '../../src/sim/kraken/server.ts';

export interface Stack {
  readonly sim: KrakenSimulator;
  readonly gateway: Gateway;
  readonly config: GatewayConfig;
  readonly wsUrl: string;
  readonly httpUrl: string;
  stop(): Promise<void>;
}

export type KrakenOverrides = Partial<Omit<VenueConfig, 'reconnect'>> & { reconnect?: Partial<VenueConfig['reconnect']> };

export function testConfig(krakenUrl: string, kraken: KrakenOverrides = {}): GatewayConfig {
  const loaded = loadConfig({ argv: [], env: {} });
  if (!loaded.ok) throw loaded.error;
  const defaults = loaded.config;
  return {
    ...defaults,
    server: { ...defaults.server, port: 0 },
    exchanges: {
      ...defaults.exchanges,
      kraken: {
        ...defaults.exchanges.kraken,
        url: krakenUrl, symbols: ['BTC/USD', 'ETH/USD'], bookDepth: 25,
        pingIntervalMs: 500, pongTimeoutMs: 1_500, staleAfterMs: 3_000, subscribeAckTimeoutMs: 1_000,
        snapshotTimeoutMs: 1_000, connectTimeoutMs: 1_000,
        ...kraken,
        reconnect: { ...defaults.exchanges.kraken.reconnect, minDelayMs: 20, maxDelayMs: 300, maintenanceDelayMs: 300, rateLimitedDelayMs: 300,
          ...kraken.reconnect },
      },
    },
  };
}

export async function startStack(options: { sim?: KrakenSimulatorOptions; kraken?: KrakenOverrides } = {}): Promise<Stack> {
  const sim = await startKrakenSimulator({ seed: 42, ...options.sim });
  const config = testConfig(sim.url, options.kraken);
  const gateway = createGateway(config);
  const { port } = await gateway.start();
  return {
    sim, gateway, config,
    wsUrl: `ws://127.0.0.1:${port}/v1/ws`,
    httpUrl: `http://127.0.0.1:${port}`,
    async stop() {
      await gateway.stop();
      await sim.stop();
    },
  };
}

/** Sum of a counter's samples in the gateway's registry (all label sets, or those matching `labels`). */
export async function metricValue(gateway: Gateway, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = gateway.metrics.registry.getSingleMetric(name);
  if (metric === undefined) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  return values
    .filter((sample) => Object.entries(labels).every(([key, value]) => String(sample.labels[key]) === value))
    .reduce((sum, sample) => sum + sample.value, 0);
}
