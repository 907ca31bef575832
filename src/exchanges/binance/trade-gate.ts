// Trade ids of one symbol across the sessions of a chain: each trade id is emitted once. A successor holds its
// trades until its stream reaches the chain's last trade id (or the chain has none yet, or the book is handed
// over), so a trade is never emitted out of order nor twice while both connections carry the same stream.
import type { ChainLink } from './book-chain.ts';

interface Identified {
  /** Binance trade id (`t`). */
  readonly t: number;
}

const NONE: readonly never[] = [];

export class TradeGate<T extends Identified> {
  /** Dropped as already emitted (`t <= lastTradeId`). */
  duplicates = 0;
  private held: T[] | undefined;

  constructor(private readonly link: ChainLink, holding: boolean) {
    this.held = holding ? [] : undefined;
  }

  get holding(): boolean {
    return this.held !== undefined;
  }

  /** Trades to emit now, in order. */
  accept(trade: T): readonly T[] {
    const link = this.link;
    if (this.held !== undefined) {
      this.held.push(trade);
      if (link.lastTradeId >= 0 && this.held[0].t > link.lastTradeId + 1) return NONE;
      return this.open();
    }
    if (trade.t <= link.lastTradeId) {
      this.duplicates++;
      return NONE;
    }
    link.lastTradeId = trade.t;
    return [trade];
  }

  /** Stop holding: the held trades not yet emitted by the chain, in order. */
  open(): readonly T[] {
    const held = this.held;
    this.held = undefined;
    if (held === undefined || held.length === 0) return NONE;
    const fresh: T[] = [];
    for (const trade of held) {
      if (trade.t > this.link.lastTradeId) {
        this.link.lastTradeId = trade.t;
        fresh.push(trade);
      } else {
        this.duplicates++;
      }
    }
    return fresh;
  }
}
