// Recent trades of one (exchange, symbol): a fixed-size ring with dedup by venue trade id.
// After a reconnect Kraken resends its last 50 trades; those ids are still in the ring and are dropped.
import type { NormalizedTrade } from '../core/model.ts';

export class TradeBuffer {
  private readonly ring: (NormalizedTrade | undefined)[];
  private readonly ids = new Set<string>();
  private next = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`trade buffer capacity must be ≥ 1, got ${capacity}`);
    this.ring = new Array<NormalizedTrade | undefined>(capacity);
  }

  /** Adds trades not seen before, in order; returns the ones that were new. */
  add(trades: readonly NormalizedTrade[]): NormalizedTrade[] {
    const fresh: NormalizedTrade[] = [];
    for (const trade of trades) {
      if (this.ids.has(trade.tradeId)) continue;
      const evicted = this.ring[this.next];
      if (evicted !== undefined) this.ids.delete(evicted.tradeId);
      this.ring[this.next] = trade;
      this.ids.add(trade.tradeId);
      this.next = (this.next + 1) % this.capacity;
      if (this.count < this.capacity) this.count++;
      fresh.push(trade);
    }
    return fresh;
  }

  /** The most recent `limit` trades, oldest first. */
  recent(limit: number): NormalizedTrade[] {
    const take = Math.min(limit, this.count);
    const out: NormalizedTrade[] = [];
    for (let i = take; i > 0; i--) {
      out.push(this.ring[(this.next - i + this.capacity) % this.capacity]!);
    }
    return out;
  }

  get size(): number {
    return this.count;
  }
}
