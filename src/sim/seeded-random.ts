// Deterministic PRNG (mulberry32) so a simulator run is reproducible from its seed.

export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new RangeError('pick from an empty list');
    return item;
  }

  /** Geometric-like rank in [0, max]: small ranks are much more likely (activity clusters at the top of a book). */
  rank(max: number, mean: number): number {
    const value = Math.floor(-Math.log(1 - this.next()) * mean);
    return Math.min(value, max);
  }

  /** A 64-bit unsigned integer. */
  uint64(): bigint {
    const high = BigInt(Math.floor(this.next() * 4294967296));
    const low = BigInt(Math.floor(this.next() * 4294967296));
    return (high << 32n) | low;
  }
}
