// What every venue's gateway stack shares: a test config built on loadConfig's defaults, a real gateway
// (createGateway) on port 0 in front of one simulated venue, and the check that a bot's book equals the simulator's
// true book. Each venue's stack (gateway-stack.ts, binance-stack.ts) keeps its own symbols and timings.
import { loadConfig } from '../../src/config/load.ts';
import type { GatewayConfig, ReconnectConfig } from '../../src/config/types.ts';
import type { LevelText } from '../../src/core/model.ts';
import type { ExchangeId } from '../../src/exchanges/registry.ts';
import { createGateway, type Gateway, type GatewayDeps } from '../../src/gateway.ts';
import type { Bot } from './downstream-harness.ts';
import { waitFor } from './wait-for.ts';

/** The simulator side of a stack: both venue simulators have these. */
export interface SimulatedVenue {
  trueBook(symbol: string, depth: number): { bids: LevelText[]; asks: LevelText[] };
  pauseMarket(): void;
  resumeMarket(): void;
  stop(): Promise<void>;
}

export interface GatewayStack<Sim extends SimulatedVenue> {
  readonly exchange: ExchangeId;
  readonly sim: Sim;
  readonly gateway: Gateway;
  readonly config: GatewayConfig;
  readonly wsUrl: string;
  readonly httpUrl: string;
  /** The gateway, then the simulator. */
  stop(): Promise<void>;
}

/** loadConfig's defaults (no argv, no env) with the bots' server on an ephemeral port. */
export function testDefaults(): GatewayConfig {
  const loaded = loadConfig({ argv: [], env: {} });
  if (!loaded.ok) throw loaded.error;
  const defaults = loaded.config;
  return { ...defaults, server: { ...defaults.server, port: 0 } };
}

/** A venue's default reconnect policy with delays short enough for tests; `overrides` win. */
export function testReconnect(defaults: ReconnectConfig, overrides: Partial<ReconnectConfig> = {}): ReconnectConfig {
  return { ...defaults, minDelayMs: 20, maxDelayMs: 300, maintenanceDelayMs: 300, rateLimitedDelayMs: 300,
    // Tests that fail connections on purpose must not trip the circuit breaker unless they are about it.
    breakerFailures: 10_000, ...overrides };
}

/** Start a gateway with `config` (which points `exchange` at `sim`) and hand back the running pair. */
export async function startGatewayStack<Sim extends SimulatedVenue>(exchange: ExchangeId, sim: Sim, config: GatewayConfig,
  deps: GatewayDeps = {}): Promise<GatewayStack<Sim>> {
  const gateway = createGateway(config, deps);
  const { port } = await gateway.start();
  return {
    exchange, sim, gateway, config,
    wsUrl: `ws://127.0.0.1:${port}/v1/ws`,
    httpUrl: `http://127.0.0.1:${port}`,
    async stop() {
      await gateway.stop();
      await sim.stop();
    },
  };
}

/** Freeze the simulated market, let the last frames arrive, and compare the bot's book with the simulator's. */
export async function assertBookMatchesTruth(stack: GatewayStack<SimulatedVenue>, bot: Bot, symbol: string, depth: number):
  Promise<void> {
  stack.sim.pauseMarket();
  try {
    const truth = stack.sim.trueBook(symbol, depth);
    await waitFor(() => {
      bot.reference.consume(bot.client.received);
      const book = bot.reference.book(stack.exchange, symbol);
      return book !== undefined && JSON.stringify([book.bids, book.asks]) === JSON.stringify([truth.bids, truth.asks]);
    }, 5_000, `${symbol} depth ${depth} equals the simulator's book`);
  } finally {
    stack.sim.resumeMarket();
  }
}
