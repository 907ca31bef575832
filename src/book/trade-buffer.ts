// The trade dedup window of one (exchange, symbol): the last `capacity` venue trade ids, in a ring, with a Set for
// lookup. Only ids are kept, not the trades: a window of 1 000 costs ~40 bytes per id, not a trade object with its
// strings. Decimal ids up to 2^53 (Kraken's `trade_id`, Binance's `t`) are kept as numbers (no string retained);
// others (Coinbase's, synthetic ones) as the venue's text. After a reconnect Kraken resends its last 50 trades;
// those ids are still in the ring and are dropped.
import type { NormalizedTrade } from '../core/model.ts';

type TradeKey = number | string;

const MAX_NUMERIC_DIGITS = 15;

/** `'123'` → 123 (no leading zero, ≤ 15 digits: exact as a double); anything else stays text. */
function keyOf(tradeId: string): TradeKey {
  const length = tradeId.length;
  if (length === 0 || length > MAX_NUMERIC_DIGITS || (length > 1 && tradeId.charCodeAt(0) === 48)) return tradeId;
  let value = 0;
  for (let i = 0; i < length; i++) {
    const digit = tradeId.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return tradeId;
    value = value * 10 + digit;
  }
  return value;
}

export class TradeBuffer {
  private readonly ring: (TradeKey | undefined)[];
  private readonly ids = new Set<TradeKey>();
  private next = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`trade buffer capacity must be ≥ 1, got ${capacity}`);
    this.ring = new Array<TradeKey | undefined>(capacity);
  }

  /** Adds trades not seen before, in order; returns the ones that were new (the same array when all are). */
  add(trades: readonly NormalizedTrade[]): readonly NormalizedTrade[] {
    let fresh: NormalizedTrade[] | undefined;
    for (let index = 0; index < trades.length; index++) {
      const trade = trades[index]!;
      const key = keyOf(trade.tradeId);
      if (this.ids.has(key)) {
        fresh ??= trades.slice(0, index);
        continue;
      }
      const evicted = this.ring[this.next];
      if (evicted !== undefined) this.ids.delete(evicted);
      this.ring[this.next] = key;
      this.ids.add(key);
      this.next = (this.next + 1) % this.capacity;
      if (this.count < this.capacity) this.count++;
      fresh?.push(trade);
    }
    return fresh ?? trades;
  }

  /** Whether a trade id is in the window. */
  has(tradeId: string): boolean {
    return this.ids.has(keyOf(tradeId));
  }

  get size(): number {
    return this.count;
  }
}
