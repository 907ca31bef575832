// Seeded random-walk L2 market for one symbol. Pure: no timers, time is an argument.
// Makers add, resize and cancel levels (mostly near the top, sometimes deep); takers sweep the best levels.
// Inside-spread inserts never cross the book; the depth is topped up far from the top.
import type { OrderBook } from '../../book/order-book.ts';
import type { Side } from '../../core/model.ts';
import { SeededRandom } from '../seeded-random.ts';
import type { KrakenInstrument } from './instruments.ts';
import { TrueBook, type BookSideName, type BookView, type MarketBatch } from './true-book.ts';
import { parseFixed, type SimTrade } from './wire-format.ts';

export type { BookSideName, BookView, LevelChange, MarketBatch } from './true-book.ts';

export interface MarketStep {
  readonly timestamp: string;
  /** One batch per market event, in order; each touches one side. */
  readonly batches: readonly MarketBatch[];
  readonly trades: readonly SimTrade[];
}

export interface MarketOptions {
  /** Levels kept on each side of the true book (must cover the largest subscribed depth). */
  readonly levelsPerSide?: number;
  /** Probability that a step contains a trade. */
  readonly tradeProbability?: number;
  /** Trades remembered for `trades()`; the oldest are dropped beyond this. */
  readonly tradeHistoryLimit?: number;
}

const SIDES: readonly BookSideName[] = ['bids', 'asks'];
const NEAR_TOP = 40;

export class KrakenMarket {
  private readonly truth: TrueBook;
  private readonly random: SeededRandom;
  private readonly levelsPerSide: number;
  private readonly tradeProbability: number;
  private readonly tradeHistoryLimit: number;
  private readonly tradeLog: SimTrade[] = [];
  private nextTradeId: number;

  constructor(readonly instrument: KrakenInstrument, seed: number, options: MarketOptions = {}) {
    this.truth = new TrueBook(instrument);
    this.random = new SeededRandom(seed);
    this.levelsPerSide = options.levelsPerSide ?? 1050;
    this.tradeProbability = options.tradeProbability ?? 0.25;
    this.tradeHistoryLimit = options.tradeHistoryLimit ?? 100_000;
    this.nextTradeId = this.random.int(1_000_000, 90_000_000);
    this.seedBook();
  }

  /** The true book (read it, never change it). */
  get book(): OrderBook {
    return this.truth.book;
  }

  get zeroQty(): string {
    return this.truth.zeroQty;
  }

  /**
   * Advance by a few market events at wall time `nowMs` (epoch ms, may be fractional). Each batch carries the
   * true top `windowDepth` after it, for cutting subscriber windows.
   */
  step(nowMs: number, windowDepth = 0): MarketStep {
    this.truth.begin(nowMs, windowDepth);
    const timestamp = this.truth.endBatch();
    const trades = this.random.chance(this.tradeProbability) ? this.trade() : [];
    const tradeTime = this.truth.endBatch();
    const timedTrades = trades.map((trade) => ({ ...trade, timestamp: tradeTime }));
    this.recordTrades(timedTrades);
    const events = 1 + this.random.rank(6, 0.9);
    for (let i = 0; i < events; i++) {
      this.randomEvent();
      this.truth.endBatch();
    }
    for (const side of SIDES) {
      this.replenish(side);
      this.truth.endBatch();
    }
    return { timestamp, batches: this.truth.finish(), trades: timedTrades };
  }

  top(depth: number): BookView {
    return this.truth.top(depth);
  }

  checksum(): number {
    return this.truth.checksum();
  }

  trades(): readonly SimTrade[] {
    return this.tradeLog;
  }

  recentTrades(count: number): SimTrade[] {
    return this.tradeLog.slice(-count);
  }

  private seedBook(): void {
    const start = parseFixed(this.instrument.startPrice, this.instrument.pricePrecision);
    if (start === undefined) throw new RangeError(`${this.instrument.symbol}: start price not at price precision`);
    let bid = start - this.random.int(1, 3);
    let ask = start;
    for (let i = 0; i < this.levelsPerSide; i++) {
      if (bid > 0) this.truth.place('bids', bid, this.randomUnits());
      this.truth.place('asks', ask, this.randomUnits());
      bid -= this.gap();
      ask += this.gap();
    }
  }

  private randomEvent(): void {
    const side = this.random.pick(SIDES);
    const roll = this.random.next();
    if (this.spreadTicks() > 2 * this.instrument.maxGapTicks) this.addLevel(side, 0);
    else if (roll < 0.27) this.addLevel(side, this.random.rank(NEAR_TOP, 2.5));
    else if (roll < 0.55) this.modifyLevel(side, this.random.rank(NEAR_TOP, 3));
    else if (roll < 0.75) this.deleteLevel(side, this.random.rank(NEAR_TOP, 4));
    else if (roll < 0.87) this.requote(side);
    else this.deepEvent(side);
  }

  /** A maker moving several orders on one side at once: one message with unsorted, possibly repeated prices. */
  private requote(side: BookSideName): void {
    const moves = this.random.int(2, 4);
    for (let i = 0; i < moves; i++) {
      const roll = this.random.next();
      const rank = this.random.rank(NEAR_TOP, 4);
      if (roll < 0.4) this.addLevel(side, rank);
      else if (roll < 0.7) this.modifyLevel(side, rank);
      else this.deleteLevel(side, rank);
    }
  }

  /** Activity far from the top: invisible to small depths, visible to depth 500/1000 subscribers. */
  private deepEvent(side: BookSideName): void {
    const rank = this.random.int(0, Math.max(0, this.truth.size(side) - 1));
    const roll = this.random.next();
    if (roll < 0.5) this.modifyLevel(side, rank);
    else if (roll < 0.75) this.deleteLevel(side, rank);
    else this.addLevel(side, rank);
  }

  private modifyLevel(side: BookSideName, rank: number): void {
    const level = this.truth.levelAt(side, rank);
    if (level === undefined) return;
    const repeats = this.random.chance(0.12) ? this.random.int(2, 5) : 1;
    for (let i = 0; i < repeats; i++) this.truth.set(side, level.ticks, this.randomUnits());
  }

  private deleteLevel(side: BookSideName, rank: number): void {
    const level = this.truth.levelAt(side, rank);
    if (level !== undefined) this.truth.set(side, level.ticks, 0);
  }

  /** A new level just better than the level at `rank` (rank 0: inside the spread). Never crosses the book. */
  private addLevel(side: BookSideName, rank: number): void {
    const sign = side === 'bids' ? 1 : -1;
    const worseLevel = this.truth.levelAt(side, rank);
    const betterLevel = rank === 0 ? this.truth.levelAt(side === 'bids' ? 'asks' : 'bids', 0) : this.truth.levelAt(side, rank - 1);
    if (betterLevel === undefined) return;
    const better = betterLevel.ticks;
    const worse = worseLevel === undefined ? better - sign * (this.instrument.maxGapTicks + 1) : worseLevel.ticks;
    const room = Math.abs(better - worse) - 1;
    if (room < 1) return;
    const price = worse + sign * this.random.int(1, room);
    if (price > 0) this.truth.set(side, price, this.randomUnits());
  }

  private replenish(side: BookSideName): void {
    while (this.truth.size(side) < this.levelsPerSide) {
      const worst = this.truth.levelAt(side, this.truth.size(side) - 1);
      if (worst === undefined) return;
      const price = worst.ticks + (side === 'bids' ? -this.gap() : this.gap());
      if (price <= 0) return;
      this.truth.set(side, price, this.randomUnits());
    }
  }

  /** A taker order sweeping one or more levels of the opposite side; each filled level is one trade. */
  private trade(): Array<Omit<SimTrade, 'timestamp'>> {
    const takerSide: Side = this.random.chance(0.5) ? 'buy' : 'sell';
    const bookSide: BookSideName = takerSide === 'buy' ? 'asks' : 'bids';
    const ordType = this.random.chance(0.7) ? 'market' : 'limit';
    const levels = 1 + this.random.rank(3, 0.4);
    const fills: Array<Omit<SimTrade, 'timestamp'>> = [];
    for (let i = 0; i < levels; i++) {
      const best = this.truth.levelAt(bookSide, 0);
      if (best === undefined) break;
      const whole = i < levels - 1 || this.random.chance(0.35) || best.units < 2;
      const filled = whole ? best.units : Math.max(1, Math.floor(best.units * (0.05 + 0.9 * this.random.next())));
      this.truth.set(bookSide, best.ticks, best.units - filled);
      fills.push({
        tradeId: this.nextTradeId++, price: this.truth.priceText(best.ticks), size: this.truth.qtyText(filled),
        side: takerSide, ordType,
      });
    }
    return fills;
  }

  private recordTrades(trades: readonly SimTrade[]): void {
    this.tradeLog.push(...trades);
    if (this.tradeLog.length > this.tradeHistoryLimit) this.tradeLog.splice(0, this.tradeLog.length - this.tradeHistoryLimit);
  }

  private spreadTicks(): number {
    const bid = this.truth.levelAt('bids', 0);
    const ask = this.truth.levelAt('asks', 0);
    return bid === undefined || ask === undefined ? 0 : ask.ticks - bid.ticks;
  }

  private gap(): number {
    return this.random.int(1, this.instrument.maxGapTicks);
  }

  /** Log-uniform size between the instrument's min and max, sometimes a round number like real resting orders. */
  private randomUnits(): number {
    const { minQty, maxQty, qtyPrecision } = this.instrument;
    const value = minQty * Math.exp(this.random.next() * Math.log(maxQty / minQty));
    const scale = 10 ** qtyPrecision;
    if (this.random.chance(0.25)) {
      const round = 10 ** Math.floor(Math.log10(value));
      return Math.max(1, Math.round(Math.round(value / round) * round * scale));
    }
    return Math.max(1, Math.round(value * scale));
  }
}
