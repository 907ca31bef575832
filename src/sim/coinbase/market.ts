// Seeded random-walk L2 market for one Coinbase product. Pure: no timers, time is an argument.
// Makers add, resize and cancel levels (mostly near the top, sometimes deep); takers sweep the best levels, each fill
// a trade whose printed side is the maker's; now and then a removal names a price the book does not hold, as
// Coinbase's feed does. A step's changes are netted per price (Coinbase never repeats a price within an event).
import { OrderBook } from '../../book/order-book.ts';
import type { LevelText } from '../../core/model.ts';
import { SeededRandom } from '../seeded-random.ts';
import type { CoinbaseInstrument } from './instruments.ts';
import { decimalText, rfc3339Micros, type SimLevelChange, type SimTrade } from './wire-format.ts';
import { restingLots } from '../resting-size.ts';

type BookSideName = 'bids' | 'asks';

export interface MarketStep {
  /** Net change per price, in the order first touched. */
  readonly changes: readonly SimLevelChange[];
  readonly trades: readonly SimTrade[];
}

export interface MarketOptions {
  /** Levels kept per side of the true book (a snapshot sends them all). */
  readonly levelsPerSide?: number;
  readonly tradeProbability?: number;
  readonly tradeHistoryLimit?: number;
}

const SIDES: readonly BookSideName[] = ['bids', 'asks'];
const NEAR_TOP = 40;

export class CoinbaseMarket {
  readonly book = new OrderBook();
  private readonly random: SeededRandom;
  private readonly levelsPerSide: number;
  private readonly tradeProbability: number;
  private readonly tradeHistoryLimit: number;
  private readonly tradeLog: SimTrade[] = [];
  private readonly scale: number;
  private changes = new Map<string, SimLevelChange>();
  private nextTradeId: number;

  constructor(readonly instrument: CoinbaseInstrument, seed: number, options: MarketOptions = {}) {
    this.random = new SeededRandom(seed);
    this.levelsPerSide = options.levelsPerSide ?? 1000;
    this.tradeProbability = options.tradeProbability ?? 0.3;
    this.tradeHistoryLimit = options.tradeHistoryLimit ?? 100_000;
    this.scale = 10 ** instrument.priceDecimals;
    this.nextTradeId = this.random.int(100_000_000, 900_000_000);
    this.seedBook();
  }

  /** Advance by a few market events at wall time `nowMs`. */
  step(nowMs: number): MarketStep {
    this.changes = new Map();
    const trades = this.random.chance(this.tradeProbability) ? this.takerOrder(nowMs) : [];
    const events = 1 + this.random.rank(6, 1.2);
    for (let i = 0; i < events; i++) this.makerEvent();
    if (this.random.chance(0.05)) this.phantomRemoval();
    for (const side of SIDES) this.topUp(side);
    if (this.changes.size === 0) this.resizeLevel(this.random.pick(SIDES), this.random.rank(NEAR_TOP, 3));
    this.tradeLog.push(...trades);
    if (this.tradeLog.length > this.tradeHistoryLimit) this.tradeLog.splice(0, this.tradeLog.length - this.tradeHistoryLimit);
    return { changes: [...this.changes.values()], trades };
  }

  top(depth: number): { bids: LevelText[]; asks: LevelText[] } {
    return { bids: this.book.topLevels('bids', depth), asks: this.book.topLevels('asks', depth) };
  }

  /** Every trade so far (up to the history limit), oldest first. */
  trades(): readonly SimTrade[] {
    return this.tradeLog;
  }

  private seedBook(): void {
    const bids: LevelText[] = [];
    const asks: LevelText[] = [];
    let bid = this.instrument.startTicks;
    let ask = bid + this.random.int(1, 3);
    for (let i = 0; i < this.levelsPerSide; i++) {
      if (bid > 0) bids.push([this.priceText(bid), this.sizeText(this.randomLots())]);
      asks.push([this.priceText(ask), this.sizeText(this.randomLots())]);
      bid -= this.gap();
      ask += this.gap();
    }
    this.book.replace(bids, asks);
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

  /**
   * Activity below the top, log-uniform over the best third of the side: in the real capture the median change sat
   * ~220 levels deep, one in ten beyond ~2,800, the deepest ~9,000 of 27,000.
   */
  private deepEvent(side: BookSideName): void {
    const size = this.book[side].size;
    const rank = Math.min(Math.max(0, size - 1), Math.floor(Math.exp(this.random.next() * Math.log(Math.max(2, size / 3)))));
    const roll = this.random.next();
    if (roll < 0.5) this.resizeLevel(side, rank);
    else if (roll < 0.75) this.deleteLevel(side, rank);
    else this.addLevel(side, rank);
  }

  /** A removal of a price with no level (Coinbase sends ~1 per second per product; clients must shrug it off). */
  private phantomRemoval(): void {
    const side = this.random.pick(SIDES);
    const best = this.levelAt(side, 0);
    if (best === undefined) return;
    const sign = side === 'bids' ? -1 : 1;
    for (let attempt = 0; attempt < 5; attempt++) {
      const ticks = best.ticks + sign * this.random.int(1, 500);
      const price = this.priceText(Math.max(1, ticks));
      if (this.book[side].at(0) !== undefined && !this.holds(side, price) && !this.changes.has(`${side}:${price}`)) {
        this.changes.set(`${side}:${price}`, { side: side === 'bids' ? 'bid' : 'offer', price, quantity: '0' });
        return;
      }
    }
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

  /** A taker order sweeping one or more levels; every fill is a trade printed with the maker's side. */
  private takerOrder(nowMs: number): SimTrade[] {
    const takerBuys = this.random.chance(0.5);
    const side: BookSideName = takerBuys ? 'asks' : 'bids';
    const fills = 1 + this.random.rank(3, 0.4);
    const trades: SimTrade[] = [];
    for (let i = 0; i < fills; i++) {
      const best = this.levelAt(side, 0);
      if (best === undefined) break;
      const whole = i < fills - 1 || this.random.chance(0.35) || best.lots < 2;
      const filled = whole ? best.lots : Math.max(1, Math.floor(best.lots * (0.05 + 0.9 * this.random.next())));
      this.set(side, best.ticks, best.lots - filled);
      trades.push({
        tradeId: String(this.nextTradeId++), productId: this.instrument.productId, price: this.priceText(best.ticks),
        size: this.sizeText(filled), time: rfc3339Micros(nowMs), makerSide: takerBuys ? 'SELL' : 'BUY',
      });
    }
    return trades;
  }

  /** Keep the depth near `levelsPerSide`: top up far from the top, cancel far levels when it grows. */
  private topUp(side: BookSideName): void {
    while (this.book[side].size < this.levelsPerSide) {
      const worst = this.levelAt(side, this.book[side].size - 1);
      if (worst === undefined) return;
      const ticks = worst.ticks + (side === 'bids' ? -this.gap() : this.gap());
      if (ticks <= 0) return;
      this.set(side, ticks, this.randomLots());
    }
    while (this.book[side].size > this.levelsPerSide + 20) this.deleteLevel(side, this.book[side].size - 1);
  }

  private set(side: BookSideName, ticks: number, lots: number): void {
    const price = this.priceText(ticks);
    const quantity = lots === 0 ? '0' : this.sizeText(lots);
    this.book[side].set(price, quantity);
    this.changes.set(`${side}:${price}`, { side: side === 'bids' ? 'bid' : 'offer', price, quantity });
  }

  private holds(side: BookSideName, price: string): boolean {
    const ticks = this.ticksOf(price);
    const bookSide = this.book[side];
    let low = 0;
    let high = bookSide.size;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const midTicks = this.ticksOf(bookSide.at(mid)![0]);
      if (midTicks === ticks) return true;
      if (side === 'bids' ? midTicks > ticks : midTicks < ticks) low = mid + 1;
      else high = mid;
    }
    return false;
  }

  private levelAt(side: BookSideName, rank: number): { ticks: number; lots: number } | undefined {
    const level = this.book[side].at(rank);
    if (level === undefined) return undefined;
    return { ticks: this.ticksOf(level[0]), lots: Math.round(Number(level[1]) * 10 ** this.instrument.sizeDecimals) };
  }

  private ticksOf(price: string): number {
    return Math.round(Number(price) * this.scale);
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
    return decimalText(ticks, this.instrument.priceDecimals);
  }

  private sizeText(lots: number): string {
    return decimalText(lots, this.instrument.sizeDecimals);
  }
}
