// A real gateway (createGateway) against the Kraken simulator on port 0, with watchdog timings short enough
// for tests. Integration tests connect real `ws` bots to `wsUrl`.
import type { GatewayConfig, VenueConfig } from '../../src/config/types.ts';
import type { Gateway, GatewayDeps } from '../../src/gateway.ts';
import { startKrakenSimulator, type KrakenSimulator, type KrakenSimulatorOptions } from '../../src/sim/kraken/server.ts';
import { startGatewayStack, testDefaults, testReconnect, type GatewayStack } from './venue-stack.ts';

export type Stack = GatewayStack<KrakenSimulator>;

export type KrakenOverrides = Partial<Omit<VenueConfig, 'reconnect'>> & { reconnect?: Partial<VenueConfig['reconnect']> };

export function testConfig(krakenUrl: string, kraken: KrakenOverrides = {}): GatewayConfig {
  const defaults = testDefaults();
  return {
    ...defaults,
    exchanges: {
      ...defaults.exchanges,
      kraken: {
        ...defaults.exchanges.kraken,
        url: krakenUrl, symbols: ['BTC/USD', 'ETH/USD'], bookDepth: 25,
        pingIntervalMs: 500, pongTimeoutMs: 1_500, staleAfterMs: 3_000, subscribeAckTimeoutMs: 1_000,
        snapshotTimeoutMs: 1_000, connectTimeoutMs: 1_000,
        ...kraken,
        reconnect: testReconnect(defaults.exchanges.kraken.reconnect, kraken.reconnect),
      },
    },
  };
}

export async function startStack(options: { sim?: KrakenSimulatorOptions; kraken?: KrakenOverrides; deps?: GatewayDeps } = {}):
  Promise<Stack> {
  // A market 2.5× livelier than the simulator's default (50 ms): tests that wait for N updates wait less.
  const sim = await startKrakenSimulator({ seed: 42, updateIntervalMs: 20, ...options.sim });
  return startGatewayStack('kraken', sim, testConfig(sim.url, options.kraken), options.deps);
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
