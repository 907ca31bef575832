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

  /**
   * The book was handed over: stop holding unless the held trades jump ahead of the chain (the predecessor has not
   * delivered the trades between yet: `accept` releases them once it has). Trades to emit now.
   */
  release(): readonly T[] {
    const held = this.held;
    if (held === undefined) return NONE;
    if (held.length > 0 && this.link.lastTradeId >= 0 && held[0].t > this.link.lastTradeId + 1) return NONE;
    return this.open();
  }

  /** The ids between the chain's last trade and the first held one, if the held trades do not continue it. */
  missing(): { readonly from: number; readonly to: number } | undefined {
    const first = this.held?.[0];
    if (first === undefined || this.link.lastTradeId < 0 || first.t <= this.link.lastTradeId + 1) return undefined;
    return { from: this.link.lastTradeId + 1, to: first.t - 1 };
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
