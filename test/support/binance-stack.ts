// A real gateway (createGateway) against the Binance simulator on port 0 — WebSocket streams and REST snapshots —
// with watchdog timings short enough for tests. Integration tests connect real `ws` bots to `wsUrl`.
import assert from 'node:assert/strict';
import type { VenueConfig, GatewayConfig } from '../../src/config/types.ts';
import {
  startBinanceSimulator, type BinanceSimulator, type BinanceSimulatorOptions,
} from '../../src/sim/binance/server.ts';
import type { Bot } from './downstream-harness.ts';
import { startGatewayStack, testDefaults, testReconnect, type GatewayStack } from './venue-stack.ts';
import { waitFor } from './wait-for.ts';

export type BinanceStack = GatewayStack<BinanceSimulator>;

export type BinanceOverrides = Partial<Omit<VenueConfig, 'reconnect'>> & {
  reconnect?: Partial<VenueConfig['reconnect']>;
};

export function binanceTestConfig(sim: { url: string; restUrl: string }, binance: BinanceOverrides = {}): GatewayConfig {
  const defaults = testDefaults();
  return {
    ...defaults,
    exchanges: {
      ...defaults.exchanges,
      kraken: { ...defaults.exchanges.kraken, enabled: false },
      binance: {
        ...defaults.exchanges.binance,
        enabled: true, url: sim.url, restUrl: sim.restUrl, symbols: ['BTC/USDT', 'ETH/USDT'], bookDepth: 1000,
        staleAfterMs: 3_000, subscribeAckTimeoutMs: 2_000, snapshotTimeoutMs: 3_000, connectTimeoutMs: 1_000,
        ...binance,
        reconnect: testReconnect(defaults.exchanges.binance.reconnect, binance.reconnect),
      },
    },
  };
}

export async function startBinanceStack(options: { sim?: BinanceSimulatorOptions; binance?: BinanceOverrides } = {}):
  Promise<BinanceStack> {
  // Diffs every 25 ms instead of Binance's 100 ms: tests that wait for N updates wait a quarter of the time.
  const sim = await startBinanceSimulator({ seed: 42, symbols: ['BTC/USDT', 'ETH/USDT'], updateIntervalMs: 25, ...options.sim });
  return startGatewayStack('binance', sim, binanceTestConfig(sim, options.binance));
}

export async function subscribeBinance(bot: Bot, channel: 'book' | 'trades', symbol: string, id: number, depth?: number):
  Promise<void> {
  const request = depth === undefined
    ? { op: 'subscribe', id, channel, exchange: 'binance', symbol }
    : { op: 'subscribe', id, channel, exchange: 'binance', symbol, depth };
  assert.deepEqual(await bot.request(request), { type: 'ack', id });
}

/** The bot received every simulator trade of `symbol` from its first one on, in order, exactly once. */
export async function assertTradesExactlyOnce(stack: BinanceStack, bot: Bot, symbol: string): Promise<number> {
  stack.sim.pauseMarket();
  try {
    const simIds = stack.sim.trades(symbol).map((trade) => String(trade.id));
    const receivedIds = (): string[] => bot.messages()
      .filter((m) => m.type === 'trade' && m.symbol === symbol).map((m) => m.tradeId as string);
    await waitFor(() => receivedIds().at(-1) === simIds.at(-1), 5_000, `last ${symbol} trade arrives`).catch((error: unknown) => {
      throw new Error(`${String(error)}; simulator ${simIds.slice(-5).join(' ')}, bot ${receivedIds().slice(-5).join(' ')}`);
    });
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
