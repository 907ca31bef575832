// The simulator's deep "true" book for one symbol, changed level by level and cut into batches: one batch per
// market event, one side per batch — Kraken never mixed bids and asks in one update in any capture we have.
// Prices are integer ticks and sizes integer units, printed at the instrument's precision.
import { OrderBook } from '../../book/order-book.ts';
import type { LevelText } from '../../core/model.ts';
import { krakenChecksum } from '../../exchanges/kraken/checksum.ts';
import type { KrakenInstrument } from './instruments.ts';
import { formatFixed, parseFixed, rfc3339Micros } from './wire-format.ts';

export type BookSideName = 'bids' | 'asks';

/** One level change of the true book. `rank` is the level's index in its side at that moment (0 = best). */
export interface LevelChange {
  readonly side: BookSideName;
  readonly price: string;
  /** Zero text (`0.00000000`) deletes. */
  readonly qty: string;
  readonly rank: number;
}

export interface BookView {
  readonly bids: readonly LevelText[];
  readonly asks: readonly LevelText[];
}

/** Changes of one market event, with the state right after it. */
export interface MarketBatch {
  readonly side: BookSideName;
  /** In the order they happened: unsorted, and one price may change several times. */
  readonly changes: readonly LevelChange[];
  /** CRC of the true top 10 after the batch. */
  readonly checksum: number;
  /** The true top `windowDepth` (as passed to `begin`) after the batch. */
  readonly top: BookView;
  readonly timestamp: string;
}

/** Distinct engine events get distinct microsecond timestamps. */
const BATCH_SPACING_MS = 0.013;

export class TrueBook {
  readonly book = new OrderBook();
  /** A delete's size text (`0.00000000`). */
  readonly zeroQty: string;
  private changes: LevelChange[] = [];
  private batches: MarketBatch[] = [];
  private windowDepth = 0;
  private nowMs = 0;

  constructor(readonly instrument: KrakenInstrument) {
    this.zeroQty = formatFixed(0, instrument.qtyPrecision);
  }

  begin(nowMs: number, windowDepth: number): void {
    this.nowMs = nowMs;
    this.windowDepth = windowDepth;
    this.changes = [];
    this.batches = [];
  }

  /** Close the current event; returns its timestamp (also used for trades of that event). */
  endBatch(): string {
    const timestamp = rfc3339Micros(this.nowMs + this.batches.length * BATCH_SPACING_MS);
    const first = this.changes[0];
    if (first !== undefined) {
      this.batches.push({
        side: first.side, changes: this.changes, checksum: this.checksum(), top: this.top(this.windowDepth), timestamp,
      });
    }
    this.changes = [];
    return timestamp;
  }

  finish(): MarketBatch[] {
    this.endBatch();
    const batches = this.batches;
    this.batches = [];
    return batches;
  }

  /** Set a level (units 0 deletes) without recording it: for building the initial book. */
  place(side: BookSideName, ticks: number, units: number): void {
    this.book[side].set(this.priceText(ticks), units === 0 ? this.zeroQty : this.qtyText(units));
  }

  set(side: BookSideName, ticks: number, units: number): void {
    const price = this.priceText(ticks);
    const qty = units === 0 ? this.zeroQty : this.qtyText(units);
    const rankBefore = this.rankOf(side, ticks);
    this.book[side].set(price, qty);
    const rank = units === 0 ? rankBefore : this.rankOf(side, ticks);
    this.changes.push({ side, price, qty, rank });
  }

  top(depth: number): BookView {
    return { bids: this.book.topLevels('bids', depth), asks: this.book.topLevels('asks', depth) };
  }

  checksum(): number {
    return krakenChecksum(this.book);
  }

  size(side: BookSideName): number {
    return this.book[side].size;
  }

  /** Price ticks and size units of the level at `rank`, if any. */
  levelAt(side: BookSideName, rank: number): { ticks: number; units: number } | undefined {
    const level = this.book[side].at(rank);
    return level === undefined ? undefined : { ticks: this.ticks(level[0]), units: this.units(level[1]) };
  }

  priceText(ticks: number): string {
    return formatFixed(ticks, this.instrument.pricePrecision);
  }

  qtyText(units: number): string {
    return formatFixed(units, this.instrument.qtyPrecision);
  }

  /** Index of `ticks` in the side if present, else where it would be inserted. */
  private rankOf(side: BookSideName, ticks: number): number {
    const bookSide = this.book[side];
    const sign = side === 'bids' ? -1 : 1;
    let low = 0;
    let high = bookSide.size;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const level = bookSide.at(mid);
      if (level !== undefined && sign * this.ticks(level[0]) < sign * ticks) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private ticks(price: string): number {
    const ticks = parseFixed(price, this.instrument.pricePrecision);
    if (ticks === undefined) throw new RangeError(`price ${price} is not at precision ${this.instrument.pricePrecision}`);
    return ticks;
  }

  private units(qty: string): number {
    const units = parseFixed(qty, this.instrument.qtyPrecision);
    if (units === undefined) throw new RangeError(`qty ${qty} is not at precision ${this.instrument.qtyPrecision}`);
    return units;
  }
}
