// One side of an order book: levels kept in a sorted array, found by binary search. Prices sort by numeric value
// but keep the venue's exact text. The array runs worst → best, so the best level is the last element: changes near
// the top of the book (where nearly all of them happen) move only the few levels above them, which keeps a
// 27,000-level Coinbase side as cheap to update as a 25-level Kraken one.
import type { LevelText } from '../core/model.ts';

export interface BookSideOptions {
  /**
   * Once levels were cut away (`truncate`), ignore changes to prices beyond the worst level kept: the side then stays
   * exactly the venue's book down to that price, instead of letting a level learned later stand in for real levels
   * that were cut and never changed. For venues whose snapshot is the whole book and whose updates reach every
   * level; a venue that itself keeps a depth window (Kraken) sends the level entering it and must not use this.
   */
  readonly exactPrefix?: boolean;
}

export class BookSide {
  /** Sort keys, descending: price for asks, -price for bids, so the last element is always the best level. */
  private readonly keys: number[] = [];
  private readonly levels: LevelText[] = [];
  private readonly sign: 1 | -1;
  private readonly exactPrefix: boolean;
  /** exactPrefix: the key of the worst level kept by the last cut (Infinity: nothing was cut). */
  private bound = Infinity;
  /** Best-first index of the best level changed since `resetChanges()` (Infinity: none). */
  private lowestTouched = 0;
  /** Removals of a price this side did not hold (venues send some: Coinbase ~1 per second per product). */
  absentRemovals = 0;
  /** Increments on every change of the side: a reader that saw version V holds the same levels while it is V. */
  version = 0;

  constructor(readonly side: 'bids' | 'asks', options: BookSideOptions = {}) {
    this.sign = side === 'bids' ? -1 : 1;
    this.exactPrefix = options.exactPrefix ?? false;
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
    if (key > this.bound) return true;
    const keys = this.keys;
    const index = this.lowerBound(key);
    const found = index < keys.length && keys[index] === key;
    if (sizeValue === 0) {
      if (found) {
        this.touch(keys.length - 1 - index);
        keys.splice(index, 1);
        this.levels.splice(index, 1);
      } else {
        this.absentRemovals++;
      }
    } else if (found) {
      this.levels[index] = level;
      this.touch(keys.length - 1 - index);
    } else {
      this.touch(keys.length - index);
      keys.splice(index, 0, key);
      this.levels.splice(index, 0, level);
    }
    return true;
  }

  /**
   * Replace the whole side with `levels` (a snapshot) in one pass instead of one insert per level: a 46,000-level
   * snapshot costs milliseconds, in any order. A later level at the same price wins, as with `setLevel`; zero sizes
   * are left out. Returns false if any level was malformed (the others are kept).
   */
  load(levels: readonly LevelText[]): boolean {
    this.clear();
    const count = levels.length;
    const sortKeys = new Float64Array(count);
    const zero = new Uint8Array(count);
    let ok = true;
    let ascending = true;
    let descending = true;
    let previous = NaN;
    for (let i = 0; i < count; i++) {
      const [price, size] = levels[i]!;
      const priceValue = Number(price);
      const sizeValue = Number(size);
      if (!Number.isFinite(priceValue) || !Number.isFinite(sizeValue) || sizeValue < 0 || price === '' || size === '') {
        ok = false;
        sortKeys[i] = NaN;
        continue;
      }
      const key = this.sign * priceValue;
      if (key <= previous) ascending = false;
      if (key >= previous) descending = false;
      previous = key;
      sortKeys[i] = key;
      zero[i] = sizeValue === 0 ? 1 : 0;
    }
    if (ascending) {
      for (let i = count - 1; i >= 0; i--) this.keep(sortKeys, zero, levels, i);
    } else if (descending) {
      for (let i = 0; i < count; i++) this.keep(sortKeys, zero, levels, i);
    } else {
      const order: number[] = [];
      for (let i = 0; i < count; i++) if (!Number.isNaN(sortKeys[i]!)) order.push(i);
      order.sort((a, b) => sortKeys[b]! - sortKeys[a]! || a - b);
      // Of several levels at one price, the last in the input wins (it comes last in its run).
      for (let j = 0; j < order.length; j++) {
        const i = order[j]!;
        if (j + 1 < order.length && sortKeys[order[j + 1]!] === sortKeys[i]) continue;
        this.keep(sortKeys, zero, levels, i);
      }
    }
    return ok;
  }

  clear(): void {
    this.version++;
    this.keys.length = 0;
    this.levels.length = 0;
    this.lowestTouched = 0;
    this.bound = Infinity;
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
    const excess = this.levels.length - depth;
    if (excess <= 0) return;
    this.version++;
    this.keys.splice(0, excess);
    this.levels.splice(0, excess);
    if (this.exactPrefix) this.bound = this.keys[0] ?? -Infinity;
    if (depth < this.lowestTouched) this.lowestTouched = depth;
  }

  /** The best `count` levels, best first (a copy of the references, safe to keep). */
  top(count: number): LevelText[] {
    const { levels } = this;
    const take = Math.min(count, levels.length);
    const out = new Array<LevelText>(take);
    for (let i = 0, j = levels.length - 1; i < take; i++, j--) out[i] = levels[j]!;
    return out;
  }

  best(): LevelText | undefined {
    return this.levels[this.levels.length - 1];
  }

  /** Numeric price of the best level, or undefined when the side is empty. */
  bestPrice(): number | undefined {
    const key = this.keys[this.keys.length - 1];
    return key === undefined ? undefined : this.sign * key;
  }

  /** The level `index` places from the best (0: the best). */
  at(index: number): LevelText | undefined {
    return index < 0 ? undefined : this.levels[this.levels.length - 1 - index];
  }

  /** Appends level `i` of a load (worst first) unless it was malformed or has size zero. */
  private keep(sortKeys: Float64Array, zero: Uint8Array, levels: readonly LevelText[], i: number): void {
    const key = sortKeys[i]!;
    if (Number.isNaN(key) || zero[i] === 1) return;
    this.keys.push(key);
    this.levels.push(levels[i]!);
  }

  private touch(bestFirstIndex: number): void {
    this.version++;
    if (bestFirstIndex < this.lowestTouched) this.lowestTouched = bestFirstIndex;
  }

  /** First index whose key is ≤ `key` (keys descend). */
  private lowerBound(key: number): number {
    const keys = this.keys;
    let low = 0;
    let high = keys.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (keys[mid]! > key) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
