// Seeded random-walk L2 market for one Binance symbol. Pure: no timers, time is an argument.
// Every market event (a maker add/resize/cancel, one fill of a taker order, a far-book top-up) takes the next
// update id, as on Binance where `u - U + 1` counts engine changes. A step groups a few events: the feed turns one
// step into one diff-depth event (absolute quantities, last value per price), trades and bookTickers.
import { OrderBook } from '../../book/order-book.ts';
import type { LevelText } from '../../core/model.ts';
import { SeededRandom } from '../seeded-random.ts';
import { formatUnits, parseUnits, ZERO_QTY } from './fixed8.ts';
import type { BinanceInstrument } from './instruments.ts';
import { restingLots } from '../resting-size.ts';

export type BookSideName = 'bids' | 'asks';

export interface BookView {
  readonly bids: readonly LevelText[];
  readonly asks: readonly LevelText[];
}

export interface BookSnapshot extends BookView {
  readonly lastUpdateId: number;
}

export interface SimTrade {
  readonly id: number;
  readonly price: string;
  readonly qty: string;
  /** Epoch ms. */
  readonly time: number;
  /** Binance `m`: true when the taker sold. */
  readonly buyerIsMaker: boolean;
}

export interface SimBookTicker {
  readonly updateId: number;
  readonly bid: LevelText;
  readonly ask: LevelText;
}

export interface MarketStep {
  readonly firstId: number;
  readonly lastId: number;
  /** Net change per price over the step: bids best first, then asks best first. */
  readonly bids: readonly LevelText[];
  readonly asks: readonly LevelText[];
  readonly trades: readonly SimTrade[];
  /** The top of book after each event that changed it. */
  readonly tickers: readonly SimBookTicker[];
}

export interface MarketOptions {
  readonly levelsPerSide?: number;
  readonly tradeProbability?: number;
  /** Past books kept for stale snapshots. */
  readonly historyLength?: number;
  readonly tradeHistoryLimit?: number;
}

const SIDES: readonly BookSideName[] = ['bids', 'asks'];
const NEAR_TOP = 30;

export class BinanceMarket {
  private readonly book = new OrderBook();
  private readonly random: SeededRandom;
  private readonly levelsPerSide: number;
  private readonly tradeProbability: number;
  private readonly historyLength: number;
  private readonly tradeHistoryLimit: number;
  private readonly tradeLog: SimTrade[] = [];
  private readonly history: BookSnapshot[] = [];
  private changes = { bids: new Map<string, string>(), asks: new Map<string, string>() };
  private eventChanged = false;
  private tickers: SimBookTicker[] = [];
  private trades: SimTrade[] = [];
  private nextTradeId: number;
  private id: number;

  constructor(readonly instrument: BinanceInstrument, seed: number, options: MarketOptions = {}) {
    this.random = new SeededRandom(seed);
    this.levelsPerSide = options.levelsPerSide ?? 1000;
    this.tradeProbability = options.tradeProbability ?? 0.3;
    this.historyLength = options.historyLength ?? 40;
    this.tradeHistoryLimit = options.tradeHistoryLimit ?? 100_000;
    this.id = this.random.int(1_000_000, 900_000_000);
    this.nextTradeId = this.random.int(100_000, 90_000_000);
    this.seedBook();
  }

  /** The last update id: the book as it is now. */
  get updateId(): number {
    return this.id;
  }

  /** Advance by a few market events at wall time `nowMs`. */
  step(nowMs: number): MarketStep {
    const firstId = this.id + 1;
    this.changes = { bids: new Map(), asks: new Map() };
    this.tickers = [];
    this.trades = [];
    if (this.random.chance(this.tradeProbability)) this.takerOrder(nowMs);
    const events = 1 + this.random.rank(8, 1.5);
    for (let i = 0; i < events; i++) this.event(() => this.makerEvent());
    // Binance never sends an empty diff event: make sure the step changed something.
    if (this.id < firstId) {
      const side = this.random.pick(SIDES);
      this.event(() => this.resizeLevel(side, Math.min(this.random.rank(NEAR_TOP, 3), this.book[side].size - 1)));
    }
    if (this.random.chance(0.08)) this.event(() => this.phantomDelete());
    for (const side of SIDES) this.topUp(side);
    this.recordHistory();
    this.tradeLog.push(...this.trades);
    if (this.tradeLog.length > this.tradeHistoryLimit) this.tradeLog.splice(0, this.tradeLog.length - this.tradeHistoryLimit);
    return {
      firstId, lastId: this.id, bids: sortedChanges(this.changes.bids, -1), asks: sortedChanges(this.changes.asks, 1),
      trades: this.trades, tickers: this.tickers,
    };
  }

  top(depth: number): BookView {
    return { bids: this.book.topLevels('bids', depth), asks: this.book.topLevels('asks', depth) };
  }

  snapshot(limit: number): BookSnapshot {
    return { lastUpdateId: this.id, ...this.top(limit) };
  }

  /** A book from `stepsBack` steps ago (the oldest kept if history is shorter), cut to `limit`. */
  pastSnapshot(stepsBack: number, limit: number): BookSnapshot {
    const past = this.history[Math.max(0, this.history.length - 1 - stepsBack)];
    if (past === undefined) return this.snapshot(limit);
    return { lastUpdateId: past.lastUpdateId, bids: past.bids.slice(0, limit), asks: past.asks.slice(0, limit) };
  }

  allTrades(): readonly SimTrade[] {
    return this.tradeLog;
  }

  private seedBook(): void {
    const start = Math.round(this.instrument.startPriceUnits / this.instrument.tickUnits);
    let bid = start - this.random.int(1, 3);
    let ask = start;
    for (let i = 0; i < this.levelsPerSide; i++) {
      if (bid > 0) this.book.bids.set(this.priceText(bid), this.qtyText(this.randomLots()));
      this.book.asks.set(this.priceText(ask), this.qtyText(this.randomLots()));
      bid -= this.gap();
      ask += this.gap();
    }
  }

  /** Run one engine event; it takes an update id only if it produced a change. */
  private event(action: () => void): void {
    const bid = this.book.bids.best();
    const ask = this.book.asks.best();
    this.eventChanged = false;
    action();
    if (!this.eventChanged) return;
    this.id++;
    const newBid = this.book.bids.best();
    const newAsk = this.book.asks.best();
    if (newBid !== undefined && newAsk !== undefined && (newBid !== bid || newAsk !== ask)) {
      this.tickers.push({ updateId: this.id, bid: newBid, ask: newAsk });
    }
  }

  private makerEvent(): void {
    const side = this.random.pick(SIDES);
    const roll = this.random.next();
    if (this.spreadTicks() > 2 * this.instrument.maxGapTicks) this.addLevel(side, 0);
    else if (roll < 0.3) this.addLevel(side, this.random.rank(NEAR_TOP, 2.5));
    else if (roll < 0.6) this.resizeLevel(side, this.random.rank(NEAR_TOP, 3));
    else if (roll < 0.85) this.deleteLevel(side, this.random.rank(NEAR_TOP, 4));
    else this.deepEvent(side);
  }

  private deepEvent(side: BookSideName): void {
    const rank = this.random.int(0, Math.max(0, this.book[side].size - 1));
    const roll = this.random.next();
    if (roll < 0.5) this.resizeLevel(side, rank);
    else if (roll < 0.75) this.deleteLevel(side, rank);
    else this.addLevel(side, rank);
  }

  /** A cancel of a price that has no level: Binance sends such deletes; clients must ignore them. */
  private phantomDelete(): void {
    const side = this.random.pick(SIDES);
    const worst = this.levelAt(side, this.book[side].size - 1);
    if (worst === undefined) return;
    const ticks = worst.ticks + (side === 'bids' ? -1 : 1) * this.random.int(1, 50);
    if (ticks <= 0) return;
    this.changes[side].set(this.priceText(ticks), ZERO_QTY);
    this.eventChanged = true;
  }

  private resizeLevel(side: BookSideName, rank: number): void {
    const level = this.levelAt(side, rank);
    if (level !== undefined) this.set(side, level.ticks, this.randomLots());
  }

  private deleteLevel(side: BookSideName, rank: number): void {
    const level = this.levelAt(side, rank);
    if (level !== undefined) this.set(side, level.ticks, 0);
  }

  /** A new level just better than the level at `rank` (rank 0: inside the spread). Never crosses the book. */
  private addLevel(side: BookSideName, rank: number): void {
    const sign = side === 'bids' ? 1 : -1;
    const worseLevel = this.levelAt(side, rank);
    const betterLevel = rank === 0 ? this.levelAt(side === 'bids' ? 'asks' : 'bids', 0) : this.levelAt(side, rank - 1);
    if (betterLevel === undefined) return;
    const worse = worseLevel === undefined ? betterLevel.ticks - sign * (this.instrument.maxGapTicks + 1) : worseLevel.ticks;
    const room = Math.abs(betterLevel.ticks - worse) - 1;
    if (room < 1) return;
    const ticks = worse + sign * this.random.int(1, room);
    if (ticks > 0) this.set(side, ticks, this.randomLots());
  }

  /** A taker order sweeping one or more levels; every fill is one event and one trade. */
  private takerOrder(nowMs: number): void {
    const takerBuys = this.random.chance(0.5);
    const side: BookSideName = takerBuys ? 'asks' : 'bids';
    const fills = 1 + this.random.rank(3, 0.4);
    for (let i = 0; i < fills; i++) {
      this.event(() => {
        const best = this.levelAt(side, 0);
        if (best === undefined) return;
        const whole = i < fills - 1 || this.random.chance(0.35) || best.lots < 2;
        const filled = whole ? best.lots : Math.max(1, Math.floor(best.lots * (0.05 + 0.9 * this.random.next())));
        this.set(side, best.ticks, best.lots - filled);
        this.trades.push({
          id: this.nextTradeId++, price: this.priceText(best.ticks), qty: this.qtyText(filled), time: nowMs,
          buyerIsMaker: !takerBuys,
        });
      });
    }
  }

  /** Keep the depth near `levelsPerSide`: top up far from the top, cancel far levels when it grows. */
  private topUp(side: BookSideName): void {
    while (this.book[side].size < this.levelsPerSide) {
      const worst = this.levelAt(side, this.book[side].size - 1);
      if (worst === undefined) return;
      const ticks = worst.ticks + (side === 'bids' ? -this.gap() : this.gap());
      if (ticks <= 0) return;
      this.event(() => this.set(side, ticks, this.randomLots()));
    }
    while (this.book[side].size > this.levelsPerSide + 20) {
      this.event(() => this.deleteLevel(side, this.book[side].size - 1));
    }
  }

  private set(side: BookSideName, ticks: number, lots: number): void {
    const price = this.priceText(ticks);
    const qty = lots === 0 ? ZERO_QTY : this.qtyText(lots);
    this.book[side].set(price, qty);
    this.changes[side].set(price, qty);
    this.eventChanged = true;
  }

  private recordHistory(): void {
    this.history.push(this.snapshot(this.levelsPerSide + 20));
    if (this.history.length > this.historyLength) this.history.shift();
  }

  private levelAt(side: BookSideName, rank: number): { ticks: number; lots: number } | undefined {
    const level = this.book[side].at(rank);
    if (level === undefined) return undefined;
    return { ticks: (parseUnits(level[0]) ?? 0) / this.instrument.tickUnits, lots: (parseUnits(level[1]) ?? 0) / this.instrument.lotUnits };
  }

  private spreadTicks(): number {
    const bid = this.levelAt('bids', 0);
    const ask = this.levelAt('asks', 0);
    return bid === undefined || ask === undefined ? 0 : ask.ticks - bid.ticks;
  }

  private gap(): number {
    return this.random.int(1, this.instrument.maxGapTicks);
  }

  private randomLots(): number {
    return restingLots(this.random, this.instrument.minLots, this.instrument.maxLots);
  }

  private priceText(ticks: number): string {
    return formatUnits(ticks * this.instrument.tickUnits);
  }

  private qtyText(lots: number): string {
    return formatUnits(lots * this.instrument.lotUnits);
  }
}

/** Net changes of one side, best first (bids: descending price). */
export function sortedChanges(changes: ReadonlyMap<string, string>, sign: 1 | -1): LevelText[] {
  const levels = [...changes].map(([price, qty]): LevelText => [price, qty]);
  return levels.sort((a, b) => sign * (Number(a[0]) - Number(b[0])));
}
