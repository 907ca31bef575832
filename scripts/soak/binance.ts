// The Binance side of the soak (`--venue binance`): the Binance simulator (combined streams + REST depth) as the
// market's truth and the gateway's upstream, the gateway's Binance config scaled to simulator time (a lifetime
// rotation every few seconds, the venue's own lifetime cut a little later, short REST pauses), and the Binance faults.
import { startBinanceSimulator, type BinanceSimTrade, type BinanceSimulator } from '../../src/sim/binance/server.ts';
import { runBinanceFault, planBinanceFault } from './binance-faults.ts';
import type { BinanceFaultTimings } from './binance-upstream-faults.ts';
import { SOAK_RECONNECT_DELAYS } from './gateway.ts';
import { detectionByReason, type GatewaySettings, type MarketTruth, type SoakVenue, type TruthTrade } from './venue.ts';

/** Watchdogs and REST settings of the gateway (schema minimums respected: the daemon validates its config). */
export const SOAK_BINANCE_TIMINGS = {
  // Bots subscribe at most 25 levels: well inside the snapshot's 500 (weight 25, so resyncs fit the REST budget).
  bookDepth: 500, staleAfterMs: 3000, subscribeAckTimeoutMs: 1000, snapshotTimeoutMs: 5000, connectTimeoutMs: 1000,
  rotateAfterMs: 6000, handoverTimeoutMs: 3000,
} as const;

const SOAK_BINANCE_REST = { banPauseMinMs: 1000, requestTimeoutMs: 2000 } as const;

/** The venue cuts a connection this long after the gateway should have rotated it away. */
const LIFETIME_MARGIN_MS = 4000;
/** The venue's limit on messages from a client per second (rateLimitCloses beyond it). */
const VENUE_MESSAGES_PER_SECOND = 5;

const FAULT_TIMINGS: BinanceFaultTimings = {
  staleAfterMs: SOAK_BINANCE_TIMINGS.staleAfterMs, rotateAfterMs: SOAK_BINANCE_TIMINGS.rotateAfterMs,
  handoverTimeoutMs: SOAK_BINANCE_TIMINGS.handoverTimeoutMs, banPauseMinMs: SOAK_BINANCE_REST.banPauseMinMs,
  shutdownCloseAfterMs: 3000,
};

/** Binance `m` (buyer is maker) means the taker sold. */
const truthTrade = (trade: BinanceSimTrade): TruthTrade =>
  ({ id: trade.id, price: trade.price, size: trade.qty, side: trade.buyerIsMaker ? 'sell' : 'buy', atMs: trade.time });

/** The checks poll the last trade id while the market is paused: read (a copy of every trade) once per pause. */
function binanceTruth(sim: BinanceSimulator): MarketTruth {
  const whilePaused = new Map<string, number | undefined>();
  let paused = false;
  const lastTradeId = (symbol: string): number | undefined => sim.trades(symbol).at(-1)?.id;
  return {
    trueBook: (symbol, depth) => sim.trueBook(symbol, depth),
    trades: (symbol) => sim.trades(symbol).map(truthTrade),
    lastTradeId: (symbol) => {
      if (!paused) return lastTradeId(symbol);
      if (!whilePaused.has(symbol)) whilePaused.set(symbol, lastTradeId(symbol));
      return whilePaused.get(symbol);
    },
    pauseMarket: () => {
      sim.pauseMarket();
      paused = true;
    },
    resumeMarket: () => {
      paused = false;
      whilePaused.clear();
      sim.resumeMarket();
    },
  };
}

function exchangesConfig(sim: BinanceSimulator, settings: GatewaySettings): Record<string, unknown> {
  return {
    kraken: { enabled: false },
    binance: { enabled: true, url: sim.url, restUrl: sim.restUrl, symbols: settings.symbols, ...SOAK_BINANCE_TIMINGS,
      ...(settings.resyncBudget === undefined ? {} : { resyncBudget: settings.resyncBudget }),
      rest: SOAK_BINANCE_REST,
      reconnect: { ...SOAK_RECONNECT_DELAYS, budgetAttempts: settings.budgetAttempts, budgetWindowMs: settings.budgetWindowMs } },
  };
}

function finalChecks(sim: BinanceSimulator): string[] {
  const problems: string[] = [];
  if (sim.rateLimitCloses > 0) problems.push(`the simulator closed the gateway ${sim.rateLimitCloses} time(s) for its message rate (1008 Too many requests)`);
  if (sim.maxMessagesInOneSecond > VENUE_MESSAGES_PER_SECOND) {
    problems.push(`the gateway sent ${sim.maxMessagesInOneSecond} messages within one second on a connection (venue limit ${VENUE_MESSAGES_PER_SECOND})`);
  }
  if (sim.pongTimeoutCloses > 0) problems.push(`the simulator closed ${sim.pongTimeoutCloses} connection(s) for a missing pong`);
  return problems;
}

export async function startBinanceVenue(seed: number, symbols: readonly string[]): Promise<SoakVenue> {
  const sim = await startBinanceSimulator({
    seed, symbols, pingIntervalMs: 1000, pongTimeoutMs: 5000,
    connectionLifetimeMs: SOAK_BINANCE_TIMINGS.rotateAfterMs + LIFETIME_MARGIN_MS,
  });
  return {
    name: 'binance', truth: binanceTruth(sim), upstream: sim, staleAfterMs: SOAK_BINANCE_TIMINGS.staleAfterMs,
    tradeReplay: 0,
    exchangesConfig: (settings) => exchangesConfig(sim, settings),
    planFault: planBinanceFault,
    detectionAt: detectionByReason,
    runFault: (plan, ctx) => runBinanceFault(sim, plan, ctx, FAULT_TIMINGS),
    outages: (watch) => watch.outagesWhileNoneOpen(),
    // The simulator refuses no upgrade: every attempt is an accepted connection.
    connectAttempts: () => sim.connectionsAccepted,
    finalChecks: () => finalChecks(sim),
    counters: () => ({
      connectionsAccepted: sim.connectionsAccepted, restRequests: sim.restRequests, lifetimeCloses: sim.lifetimeCloses,
      rateLimitCloses: sim.rateLimitCloses, maxMessagesInOneSecond: sim.maxMessagesInOneSecond, pingsSent: sim.pingsSent,
      pongsMatched: sim.pongsMatched, pongTimeoutCloses: sim.pongTimeoutCloses,
    }),
    stop: () => sim.stop(),
  };
}
