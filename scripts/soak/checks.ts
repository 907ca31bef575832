// The soak's checks: waiting for recovery, every bot's book (and the gateway's own) against the simulator's
// true book with the market paused, trades caught up, and the whole-run trade sequence per trades bot.
import type { SoakBot } from './bot.ts';
import type { SoakGateway } from './gateway.ts';
import type { OutageWindow } from './upstream.ts';
import type { Level, MarketTruth, Sides, TruthTrade } from './venue.ts';

const POLL_MS = 5;
/** Sampling slack of the outage windows (UpstreamWatch samples every 5 ms; trade times are the simulator's clock). */
const OUTAGE_MARGIN_MS = 100;

export async function waitUntil(condition: () => boolean | Promise<boolean>, deadlineMs: number,
  nowMs: () => number): Promise<boolean> {
  const until = nowMs() + deadlineMs;
  for (;;) {
    if (await condition()) return true;
    if (nowMs() >= until) return false;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Every bot sees every symbol live (book bots: with a snapshot since the last non-live status). */
export function botsLive(bots: readonly SoakBot[]): boolean {
  return bots.every((bot) => bot.allLive());
}

/** Bots all live, then /readyz agrees. Resolves with the time it first held, or undefined at the deadline. */
export async function waitAllLive(bots: readonly SoakBot[], gateway: SoakGateway, deadlineMs: number,
  nowMs: () => number, also: () => boolean = () => true): Promise<number | undefined> {
  let at: number | undefined;
  const ok = await waitUntil(async () => {
    if (!also() || !botsLive(bots)) return false;
    const seenAt = nowMs();
    if (!(await gateway.ready())) return false;
    at = seenAt;
    return true;
  }, deadlineMs, nowMs);
  return ok ? at : undefined;
}

export interface TruthCheck {
  readonly booksMatched: boolean;
  readonly tradesCaughtUp: boolean;
  /** Time from pausing the market to everything matching (or to the deadline). */
  readonly settleMs: number;
  /** When the market was paused: every trade up to here should have reached every trades bot. */
  readonly pausedAtMs: number;
  readonly bookMismatches: string[];
  /** The gateway's own book (/v1/books, depth 25) vs truth: tells a fan-out bug from an ingest bug. */
  readonly gatewayMismatches: string[];
  /** Trades bots missing the market's latest trade of a symbol. */
  readonly tradeLags: TradeLag[];
}

export interface TradeLag {
  readonly bot: string;
  readonly symbol: string;
  readonly lastReceived: number | undefined;
  readonly marketLast: number;
}

/** One line per symbol: how many trades bots lag and where one of them stands. */
export function describeTradeLags(lags: readonly TradeLag[], tradesBots: number): string[] {
  const symbols = [...new Set(lags.map((lag) => lag.symbol))];
  return symbols.map((symbol) => {
    const of = lags.filter((lag) => lag.symbol === symbol);
    const first = of[0]!;
    return `${symbol} at ${of.length} of ${tradesBots} trades bots (e.g. ${first.bot}: last trade ${first.lastReceived ?? 'none'}, market's last ${first.marketLast})`;
  });
}

function sameLevels(a: readonly Level[], b: readonly Level[]): boolean {
  return a.length === b.length && a.every((level, i) => level[0] === b[i]![0] && level[1] === b[i]![1]);
}

function firstDifference(side: string, have: readonly Level[], truth: readonly Level[]): string {
  for (let i = 0; i < Math.max(have.length, truth.length); i++) {
    const h = have[i];
    const t = truth[i];
    if (h?.[0] !== t?.[0] || h?.[1] !== t?.[1]) {
      return `${side}[${i}] had ${h === undefined ? 'nothing' : `${h[0]}×${h[1]}`}, truth ${t === undefined ? 'nothing' : `${t[0]}×${t[1]}`}`
        + ` (${have.length} vs ${truth.length} levels)`;
    }
  }
  return `${side} equal`;
}

function compareBook(label: string, have: Sides, truth: Sides): string | undefined {
  if (sameLevels(have.bids, truth.bids) && sameLevels(have.asks, truth.asks)) return undefined;
  const side = sameLevels(have.bids, truth.bids) ? firstDifference('asks', have.asks, truth.asks)
    : firstDifference('bids', have.bids, truth.bids);
  return `${label}: ${side}`;
}

/**
 * The id of the market's last trade a trades bot must hold: the very last (a venue that replays recent trades on
 * a new subscription), or, for a venue without replay, the last one not made inside an outage window: trades the
 * gateway could not receive are allowed missing (it may still have caught a later one, so "at least").
 */
function dueTradeIds(sim: MarketTruth, symbols: readonly string[], outages: readonly OutageWindow[] | undefined): Map<string, number | undefined> {
  const due = new Map<string, number | undefined>();
  for (const symbol of symbols) {
    if (outages === undefined || outages.length === 0) {
      due.set(symbol, sim.lastTradeId(symbol));
      continue;
    }
    const trades = sim.trades(symbol);
    let last: number | undefined;
    for (let i = trades.length - 1; i >= 0 && last === undefined; i--) {
      const at = trades[i]!.atMs;
      if (!outages.some((w) => at >= w.fromMs - OUTAGE_MARGIN_MS && at <= w.toMs + OUTAGE_MARGIN_MS)) last = trades[i]!.id;
    }
    due.set(symbol, last);
  }
  return due;
}

/**
 * Pauses the simulator's market, waits (bounded) until every bot's book at its depth equals sim.trueBook and
 * every trades bot holds the market's latest trade (with `outages`: the latest made outside them), records what
 * still differs, and resumes the market.
 */
export async function checkAgainstTruth(sim: MarketTruth, bots: readonly SoakBot[], gateway: SoakGateway,
  symbols: readonly string[], nowMs: () => number, outages?: () => readonly OutageWindow[], deadlineMs = 1500): Promise<TruthCheck> {
  sim.pauseMarket();
  const pausedAt = nowMs();
  try {
    const due = dueTradeIds(sim, symbols, outages?.());
    const bookProblems = (): string[] => {
      const out: string[] = [];
      for (const bot of bots) {
        const depth = bot.role.depth;
        if (depth === undefined) continue;
        for (const symbol of symbols) {
          const problem = compareBook(`${bot.label} ${symbol}`, bot.book(symbol)!, sim.trueBook(symbol, depth));
          if (problem !== undefined) out.push(problem);
        }
      }
      return out;
    };
    const tradeProblems = (): TradeLag[] => {
      const out: TradeLag[] = [];
      for (const bot of bots) {
        if (!bot.role.trades) continue;
        for (const symbol of symbols) {
          const want = due.get(symbol);
          const have = bot.lastTradeId(symbol);
          if (want !== undefined && (have === undefined || have < want)) out.push({ bot: bot.label, symbol, lastReceived: have, marketLast: want });
        }
      }
      return out;
    };
    await waitUntil(() => bookProblems().length === 0 && tradeProblems().length === 0, deadlineMs, nowMs);
    const settleMs = nowMs() - pausedAt;
    const bookMismatches = bookProblems();
    const tradeLags = tradeProblems();
    const gatewayMismatches: string[] = [];
    for (const symbol of symbols) {
      const book = await gateway.book(symbol, 25);
      const problem = compareBook(`gateway /v1/books ${symbol} (${book.state})`, book, sim.trueBook(symbol, 25));
      if (problem !== undefined) gatewayMismatches.push(problem);
    }
    return { booksMatched: bookMismatches.length === 0, tradesCaughtUp: tradeLags.length === 0, settleMs, pausedAtMs: pausedAt, bookMismatches,
      gatewayMismatches, tradeLags };
  } finally {
    sim.resumeMarket();
  }
}

export interface TradeAnalysis {
  readonly tradesReceived: number;
  readonly duplicates: number;
  readonly outOfOrder: number;
  /** Received trades whose price, size or side differ from the simulator's trade of that id (or no such id). */
  readonly contentMismatches: number;
  /** Missing ids the gateway should have delivered: while connected, or within the venue's replay. */
  readonly lost: number;
  /** Missing ids during a reconnect, beyond the venue's trade replay (Kraken 50, Binance none): allowed, reported. */
  readonly missingDuringOutage: number;
  /** Of `lost`: during a reconnect, but covered by the venue's replay on the new connection. */
  readonly missingWithinReplay: number;
  /** The venue's trade replay on a new subscription that the figures assume. */
  readonly venueReplay: number;
  readonly details: string[];
}

const MAX_DETAILS = 30;

/**
 * Per trades bot and symbol, from the bot's first trade on (the gateway replays no history to a new
 * subscriber) until `untilMs` (the last time the market was paused and every trade had to have arrived):
 * each trade once, in the simulator's order (ids increase), as the simulator made it; a gap in the simulator's
 * id sequence only where the missing trades happened inside an outage window and beyond the venue's replay of its
 * last `venueReplay` trades to a new subscription (Kraken 50; Binance 0: every trade of an outage is excused).
 */
export function analyzeTrades(sim: MarketTruth, bots: readonly SoakBot[], symbols: readonly string[],
  outages: readonly OutageWindow[], untilMs: number | undefined, venueReplay: number): TradeAnalysis {
  let tradesReceived = 0, duplicates = 0, outOfOrder = 0, contentMismatches = 0, lost = 0, missingDuringOutage = 0;
  let missingWithinReplay = 0;
  const details: string[] = [];
  const detail = (text: string): void => {
    if (details.length < MAX_DETAILS) details.push(text);
  };
  // A missing trade is excused only if it happened during an outage AND at least `venueReplay` newer trades existed by
  // the outage's end: the resubscribe (at or before that end) replayed that many, which then could not include it.
  const excused = (trade: TruthTrade, lastIdAt: (atMs: number) => number): 'outage' | 'replayed' | undefined => {
    const atMs = trade.atMs;
    const window = outages.find((w) => atMs >= w.fromMs - OUTAGE_MARGIN_MS && atMs <= w.toMs + OUTAGE_MARGIN_MS);
    if (window === undefined) return undefined;
    return lastIdAt(window.toMs + OUTAGE_MARGIN_MS) - trade.id >= venueReplay ? 'outage' : 'replayed';
  };
  const classifyGap = (label: string, from: number, to: number, simTrades: ReadonlyMap<number, TruthTrade>,
    lastIdAt: (atMs: number) => number): void => {
    let gapLost = 0;
    let replayed = 0;
    for (let id = from + 1; id < to; id++) {
      const missing = simTrades.get(id);
      const excuse = missing === undefined ? undefined : excused(missing, lastIdAt);
      if (excuse === 'outage') missingDuringOutage++;
      else gapLost++;
      if (excuse === 'replayed') replayed++;
    }
    if (gapLost > 0) {
      lost += gapLost;
      missingWithinReplay += replayed;
      detail(`${label}: ${gapLost} trade(s) after ${from}${Number.isFinite(to) ? ` and before ${to}` : ''} lost: ${replayed} in an outage`
        + ` but within the venue's ${venueReplay}-trade replay, ${gapLost - replayed} while connected`);
    }
  };
  for (const symbol of symbols) {
    const all = sim.trades(symbol);
    const simTrades = new Map(all.map((trade) => [trade.id, trade]));
    const times = all.map((trade) => trade.atMs);
    /** Id of the market's last trade at `atMs` (trades are in time order): binary search. */
    const lastIdAt = (atMs: number): number => {
      let low = 0;
      let high = times.length;
      while (low < high) {
        const mid = (low + high) >>> 1;
        if (times[mid]! <= atMs) low = mid + 1;
        else high = mid;
      }
      return low === 0 ? 0 : all[low - 1]!.id;
    };
    // The market's last trade by the last full check: everything up to it must have been delivered.
    const lastDue = untilMs === undefined ? undefined : lastIdAt(untilMs);
    for (const bot of bots) {
      const received = bot.trades.get(symbol);
      if (received === undefined) continue;
      tradesReceived += received.length;
      const seen = new Set<number>();
      let previous: number | undefined;
      for (const trade of received) {
        const label = `${bot.label} ${symbol} trade ${trade.id}`;
        if (seen.has(trade.id)) {
          duplicates++;
          detail(`${label}: received twice`);
        }
        seen.add(trade.id);
        const truth = simTrades.get(trade.id);
        if (truth === undefined || truth.price !== trade.price || truth.size !== trade.size || truth.side !== trade.side) {
          contentMismatches++;
          detail(`${label}: ${trade.price}×${trade.size} ${trade.side}, market ${truth === undefined ? 'has no such trade'
            : `${truth.price}×${truth.size} ${truth.side}`}`);
        }
        if (previous !== undefined && trade.id <= previous) {
          outOfOrder++;
          detail(`${label}: after ${previous}`);
        }
        if (previous !== undefined && trade.id > previous + 1) classifyGap(`${bot.label} ${symbol}`, previous, trade.id, simTrades, lastIdAt);
        previous = previous === undefined ? trade.id : Math.max(previous, trade.id);
      }
      if (previous !== undefined && lastDue !== undefined && lastDue > previous) {
        classifyGap(`${bot.label} ${symbol} (never received)`, previous, lastDue + 1, simTrades, lastIdAt);
      }
    }
  }
  return { tradesReceived, duplicates, outOfOrder, contentMismatches, lost, missingDuringOutage,
    missingWithinReplay, venueReplay, details };
}
