// A real gateway (createGateway) against the Binance simulator on port 0 — WebSocket streams and REST snapshots —
// with watchdog timings short enough for tests. Integration tests connect real `ws` bots to `wsUrl`.
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config/load.ts';
import type { BinanceVenueConfig, GatewayConfig } from '../../src/config/types.ts';
import { createGateway, type Gateway } from '../../src/gateway.ts';
import {
  startBinanceSimulator, type BinanceSimulator, type BinanceSimulatorOptions,
} from '../../src/sim/binance/server.ts';
import type { Bot } from './downstream-harness.ts';
import { waitFor } from './wait-for.ts';

export interface BinanceStack {
  readonly sim: BinanceSimulator;
  readonly gateway: Gateway;
  readonly config: GatewayConfig;
  readonly wsUrl: string;
  readonly httpUrl: string;
  stop(): Promise<void>;
}

export type BinanceOverrides = Partial<Omit<BinanceVenueConfig, 'reconnect'>> & {
  reconnect?: Partial<BinanceVenueConfig['reconnect']>;
};

export function binanceTestConfig(sim: { url: string; restUrl: string }, binance: BinanceOverrides = {}): GatewayConfig {
  const loaded = loadConfig({ argv: [], env: {} });
  if (!loaded.ok) throw loaded.error;
  const defaults = loaded.config;
  return {
    ...defaults,
    server: { ...defaults.server, port: 0 },
    exchanges: {
      ...defaults.exchanges,
      kraken: { ...defaults.exchanges.kraken, enabled: false },
      binance: {
        ...defaults.exchanges.binance,
        enabled: true, url: sim.url, restUrl: sim.restUrl, symbols: ['BTC/USDT', 'ETH/USDT'], bookDepth: 1000,
        staleAfterMs: 3_000, subscribeAckTimeoutMs: 2_000, snapshotTimeoutMs: 3_000, connectTimeoutMs: 1_000,
        ...binance,
        reconnect: { ...defaults.exchanges.binance.reconnect, minDelayMs: 20, maxDelayMs: 300, maintenanceDelayMs: 300,
          rateLimitedDelayMs: 300, ...binance.reconnect },
      },
    },
  };
}

export async function startBinanceStack(options: { sim?: BinanceSimulatorOptions; binance?: BinanceOverrides } = {}):
  Promise<BinanceStack> {
  const sim = await startBinanceSimulator({ seed: 42, symbols: ['BTC/USDT', 'ETH/USDT'], ...options.sim });
  const config = binanceTestConfig(sim, options.binance);
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

export async function subscribeBinance(bot: Bot, channel: 'book' | 'trades', symbol: string, id: number, depth?: number):
  Promise<void> {
  const request = depth === undefined
    ? { op: 'subscribe', id, channel, exchange: 'binance', symbol }
    : { op: 'subscribe', id, channel, exchange: 'binance', symbol, depth };
  assert.deepEqual(await bot.request(request), { type: 'ack', id });
}

/** Freeze the simulated market, let the last frames arrive, and compare the bot's book with the simulator's. */
export async function assertBinanceBookMatchesTruth(stack: BinanceStack, bot: Bot, symbol: string, depth: number):
  Promise<void> {
  stack.sim.pauseMarket();
  try {
    const truth = stack.sim.trueBook(symbol, depth);
    await waitFor(() => {
      bot.reference.consume(bot.client.received);
      const book = bot.reference.book('binance', symbol);
      return book !== undefined && JSON.stringify([book.bids, book.asks]) === JSON.stringify([truth.bids, truth.asks]);
    }, 5_000, `${symbol} depth ${depth} equals the simulator's book`);
  } finally {
    stack.sim.resumeMarket();
  }
}

/** The bot received every simulator trade of `symbol` from its first one on, in order, exactly once. */
export async function assertTradesExactlyOnce(stack: BinanceStack, bot: Bot, symbol: string): Promise<number> {
  stack.sim.pauseMarket();
  try {
    const simIds = stack.sim.trades(symbol).map((trade) => String(trade.id));
    const receivedIds = (): string[] => bot.messages()
      .filter((m) => m.type === 'trade' && m.symbol === symbol).map((m) => m.tradeId as string);
    await waitFor(() => receivedIds().at(-1) === simIds.at(-1), 5_000, `last ${symbol} trade arrives`);
    const ids = receivedIds();
    assert.equal(new Set(ids).size, ids.length, `no ${symbol} trade twice`);
    const first = simIds.indexOf(ids[0]!);
    assert.ok(first >= 0, 'the first trade is one the simulator made');
    assert.deepEqual(ids, simIds.slice(first), `every ${symbol} trade from the first on, in order, once`);
    return ids.length;
  } finally {
    stack.sim.resumeMarket();
  }
}
