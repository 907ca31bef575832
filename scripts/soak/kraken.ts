// The Kraken side of the soak (`--venue kraken`, the default): the Kraken simulator as the market's truth and the
// gateway's upstream, the gateway's Kraken config scaled to simulator time, and the Kraken fault set.
import { startKrakenSimulator, type KrakenSimulator } from '../../src/sim/kraken/server.ts';
import type { SimTrade } from '../../src/sim/kraken/wire-format.ts';
import { SOAK_RECONNECT_DELAYS } from './gateway.ts';
import { krakenDetectionAt, planKrakenFault, runKrakenFault } from './kraken-faults.ts';
import type { GatewaySettings, MarketTruth, SoakVenue, TruthTrade } from './venue.ts';

/** Watchdog timings of the soak (schema minimums respected: the daemon validates its config). */
export const SOAK_KRAKEN_TIMINGS = {
  bookDepth: 25, pingIntervalMs: 1000, pongTimeoutMs: 1500, staleAfterMs: 3000, subscribeAckTimeoutMs: 1000,
  snapshotTimeoutMs: 1000, connectTimeoutMs: 1000,
} as const;

/** Kraken answers a trade subscription (snapshot: true, the gateway's default) with its last 50 trades. */
const KRAKEN_TRADE_REPLAY = 50;

const truthTrade = (trade: SimTrade): TruthTrade =>
  ({ id: trade.tradeId, price: trade.price, size: trade.size, side: trade.side, atMs: Date.parse(trade.timestamp) });

function krakenTruth(sim: KrakenSimulator): MarketTruth {
  return {
    trueBook: (symbol, depth) => sim.trueBook(symbol, depth),
    trades: (symbol) => sim.trades(symbol).map(truthTrade),
    lastTradeId: (symbol) => sim.trades(symbol).at(-1)?.tradeId,
    pauseMarket: () => sim.pauseMarket(),
    resumeMarket: () => sim.resumeMarket(),
  };
}

export async function startKrakenVenue(seed: number, symbols: readonly string[]): Promise<SoakVenue> {
  const sim = await startKrakenSimulator({ seed, symbols });
  return {
    name: 'kraken', truth: krakenTruth(sim), upstream: sim, staleAfterMs: SOAK_KRAKEN_TIMINGS.staleAfterMs,
    tradeReplay: KRAKEN_TRADE_REPLAY,
    exchangesConfig: (settings: GatewaySettings) => ({
      kraken: { enabled: true, url: sim.url, symbols: settings.symbols, ...SOAK_KRAKEN_TIMINGS,
        ...(settings.resyncBudget === undefined ? {} : { resyncBudget: settings.resyncBudget }),
        reconnect: { ...SOAK_RECONNECT_DELAYS, budgetAttempts: settings.budgetAttempts, budgetWindowMs: settings.budgetWindowMs } },
    }),
    planFault: planKrakenFault,
    detectionAt: krakenDetectionAt,
    runFault: (plan, ctx) => runKrakenFault(sim, plan, ctx, SOAK_KRAKEN_TIMINGS.staleAfterMs),
    outages: (watch) => watch.outagesPerReconnect(),
    connectAttempts: () => sim.connectionsAccepted + sim.handshakesRejected,
    finalChecks: () => [],
    counters: () => ({ connectionsAccepted: sim.connectionsAccepted, handshakesRejected: sim.handshakesRejected }),
    stop: () => sim.stop(),
  };
}
