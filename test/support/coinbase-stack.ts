// A real gateway (createGateway) against the Coinbase simulator on port 0, with watchdog timings short enough for
// tests. Integration tests connect real `ws` bots to `wsUrl`.
import assert from 'node:assert/strict';
import type { GatewayConfig, VenueConfig } from '../../src/config/types.ts';
import {
  startCoinbaseSimulator, type CoinbaseSimulator, type CoinbaseSimulatorOptions,
} from '../../src/sim/coinbase/server.ts';
import type { Bot } from './downstream-harness.ts';
import { startGatewayStack, testDefaults, testReconnect, type GatewayStack } from './venue-stack.ts';
import { waitFor } from './wait-for.ts';

export type CoinbaseStack = GatewayStack<CoinbaseSimulator>;

export type CoinbaseOverrides = Partial<Omit<VenueConfig, 'reconnect'>> & { reconnect?: Partial<VenueConfig['reconnect']> };

export function coinbaseTestConfig(url: string, coinbase: CoinbaseOverrides = {}): GatewayConfig {
  const defaults = testDefaults();
  return {
    ...defaults,
    exchanges: {
      ...defaults.exchanges,
      kraken: { ...defaults.exchanges.kraken, enabled: false },
      coinbase: {
        ...defaults.exchanges.coinbase,
        enabled: true, url, symbols: ['BTC/USD', 'ETH/USD'],
        staleAfterMs: 3_000, subscribeAckTimeoutMs: 2_000, snapshotTimeoutMs: 3_000, connectTimeoutMs: 1_000,
        ...coinbase,
        reconnect: testReconnect(defaults.exchanges.coinbase.reconnect, coinbase.reconnect),
      },
    },
  };
}

export async function startCoinbaseStack(options: { sim?: CoinbaseSimulatorOptions; coinbase?: CoinbaseOverrides } = {}):
  Promise<CoinbaseStack> {
  const sim = await startCoinbaseSimulator({ seed: 42, symbols: ['BTC/USD', 'ETH/USD'], ...options.sim });
  return startGatewayStack('coinbase', sim, coinbaseTestConfig(sim.url, options.coinbase));
}

export async function subscribeCoinbase(bot: Bot, channel: 'book' | 'trades', symbol: string, id: number, depth?: number):
  Promise<void> {
  const request = depth === undefined
    ? { op: 'subscribe', id, channel, exchange: 'coinbase', symbol }
    : { op: 'subscribe', id, channel, exchange: 'coinbase', symbol, depth };
  assert.deepEqual(await bot.request(request), { type: 'ack', id });
}

/**
 * The bot received every simulator trade of `symbol` from its first one on, in order, exactly once, each with the
 * taker's side (the simulator prints the maker's, as Coinbase does).
 */
export async function assertTradesExactlyOnce(stack: CoinbaseStack, bot: Bot, symbol: string): Promise<number> {
  stack.sim.pauseMarket();
  try {
    const simTrades = stack.sim.trades(symbol);
    const simIds = simTrades.map((trade) => trade.tradeId);
    const received = () => bot.messages().filter((m) => m.type === 'trade' && m.symbol === symbol);
    await waitFor(() => received().at(-1)?.tradeId === simIds.at(-1), 5_000, `last ${symbol} trade arrives`).catch((error: unknown) => {
      throw new Error(`${String(error)}; simulator ${simIds.slice(-5).join(' ')}, bot ${received().slice(-5).map((m) => m.tradeId).join(' ')}`);
    });
    const trades = received();
    const ids = trades.map((m) => m.tradeId as string);
    assert.equal(new Set(ids).size, ids.length, `no ${symbol} trade twice`);
    const first = simIds.indexOf(ids[0]!);
    assert.ok(first >= 0, 'the first trade is one the simulator made');
    assert.deepEqual(ids, simIds.slice(first), `every ${symbol} trade from the first on, in order, once`);
    const makerSide = new Map(simTrades.map((trade) => [trade.tradeId, trade.makerSide]));
    for (const trade of trades) {
      assert.equal(trade.side, makerSide.get(trade.tradeId as string) === 'BUY' ? 'sell' : 'buy', `taker side of ${String(trade.tradeId)}`);
    }
    return ids.length;
  } finally {
    stack.sim.resumeMarket();
  }
}
