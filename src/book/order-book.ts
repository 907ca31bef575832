// An L2 order book of exact decimal strings. Pure: the store and the simulator both use it.
import type { LevelText } from '../core/model.ts';
import { BookSide, type BookSideOptions } from './book-side.ts';

export class OrderBook {
  readonly bids: BookSide;
  readonly asks: BookSide;

  constructor(options: BookSideOptions = {}) {
    this.bids = new BookSide('bids', options);
    this.asks = new BookSide('asks', options);
  }

  /** Replace the whole book (a snapshot). Returns false if any level was malformed. */
  replace(bids: readonly LevelText[], asks: readonly LevelText[]): boolean {
    const bidsOk = this.bids.load(bids);
    return this.asks.load(asks) && bidsOk;
  }

  /** Apply levels strictly in order: bids, then asks. Size "0" deletes; anything else replaces. */
  apply(bids: readonly LevelText[], asks: readonly LevelText[]): boolean {
    let ok = true;
    for (const level of bids) ok = this.bids.setLevel(level) && ok;
    for (const level of asks) ok = this.asks.setLevel(level) && ok;
    return ok;
  }

  truncate(depth: number): void {
    this.bids.truncate(depth);
    this.asks.truncate(depth);
  }

  topLevels(side: 'bids' | 'asks', count: number): LevelText[] {
    return this[side].top(count);
  }

  /** Changes with every change of that side (see BookSide.version). */
  sideVersion(side: 'bids' | 'asks'): number {
    return this[side].version;
  }

  /** Best bid at or above best ask: a book known to be wrong. */
  isCrossed(): boolean {
    const bid = this.bids.bestPrice();
    const ask = this.asks.bestPrice();
    return bid !== undefined && ask !== undefined && bid >= ask;
  }

  /** Best-first index of the best level changed on either side since `resetChanges()`; Infinity when none. */
  lowestChangedIndex(): number {
    return Math.min(this.bids.lowestChangedIndex(), this.asks.lowestChangedIndex());
  }

  resetChanges(): void {
    this.bids.resetChanges();
    this.asks.resetChanges();
  }

  /** Removals of prices the book did not hold, both sides, since it was created. */
  absentRemovals(): number {
    return this.bids.absentRemovals + this.asks.absentRemovals;
  }

  clear(): void {
    this.bids.clear();
    this.asks.clear();
  }
}
