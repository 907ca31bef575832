// One side of an order book: levels kept best-first in a sorted array, found by binary search.
// Prices sort by numeric value but keep the venue's exact text. Fast at depth 1000: a change costs
// a binary search plus one splice (a memmove of at most `depth` pointers).
import type { LevelText } from '../core/model.ts';

export class BookSide {
  /** Sort keys, ascending: price for asks, -price for bids, so index 0 is always the best level. */
  private readonly keys: number[] = [];
  private readonly levels: LevelText[] = [];
  private readonly sign: 1 | -1;
  /** Best-first index of the best level changed since `resetChanges()` (Infinity: none). */
  private lowestTouched = 0;

  constructor(readonly side: 'bids' | 'asks') {
    this.sign = side === 'bids' ? -1 : 1;
  }

  get size(): number {
    return this.levels.length;
  }

  /** Set or remove one level. A size that parses to 0 removes it. Returns false for a non-numeric price or size. */
  set(price: string, size: string): boolean {
    return this.setLevel([price, size]);
  }

  /** As `set`, keeping the caller's (immutable) tuple: no copy per level on the hot path. */
  setLevel(level: LevelText): boolean {
    const [price, size] = level;
    const priceValue = Number(price);
    const sizeValue = Number(size);
    if (!Number.isFinite(priceValue) || !Number.isFinite(sizeValue) || sizeValue < 0 || price === '' || size === '') {
      return false;
    }
    const key = this.sign * priceValue;
    const index = this.lowerBound(key);
    const found = index < this.keys.length && this.keys[index] === key;
    if (sizeValue === 0) {
      if (found) {
        this.keys.splice(index, 1);
        this.levels.splice(index, 1);
        if (index < this.lowestTouched) this.lowestTouched = index;
      }
    } else {
      if (found) {
        this.levels[index] = level;
      } else {
        this.keys.splice(index, 0, key);
        this.levels.splice(index, 0, level);
      }
      if (index < this.lowestTouched) this.lowestTouched = index;
    }
    return true;
  }

  clear(): void {
    this.keys.length = 0;
    this.levels.length = 0;
    this.lowestTouched = 0;
  }

  /**
   * Index of the best level that changed since `resetChanges()` (Infinity when nothing did). A checksum over the
   * top N levels is unchanged when this is ≥ N: deep updates need no recomputation.
   */
  lowestChangedIndex(): number {
    return this.lowestTouched;
  }

  resetChanges(): void {
    this.lowestTouched = Infinity;
  }

  /** Keep only the best `depth` levels. */
  truncate(depth: number): void {
    // pop, not `length =` (a runtime call): an update leaves at most a level or two beyond the depth.
    if (this.levels.length <= depth) return;
    while (this.levels.length > depth) {
      this.keys.pop();
      this.levels.pop();
    }
    if (depth < this.lowestTouched) this.lowestTouched = depth;
  }

  /** The best `count` levels, best first (a copy of the references, safe to keep). */
  top(count: number): LevelText[] {
    return this.levels.slice(0, count);
  }

  best(): LevelText | undefined {
    return this.levels[0];
  }

  /** Numeric price of the best level, or undefined when the side is empty. */
  bestPrice(): number | undefined {
    const key = this.keys[0];
    return key === undefined ? undefined : this.sign * key;
  }

  at(index: number): LevelText | undefined {
    return this.levels[index];
  }

  private lowerBound(key: number): number {
    let low = 0;
    let high = this.keys.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.keys[mid]! < key) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
