// State shared by the sessions of one shard across a make-before-break rotation: per symbol, which session feeds
// the book and where the book's update-id and trade-id chains stand. Pure data; the predecessor and its successor
// hold the same object, so the successor can see where the predecessor has got to.

/** `buffering`: diffs are buffered until a snapshot bridges them. `halted`: a gap was found, awaiting `resync()`. */
export type DepthPhase = 'buffering' | 'synced' | 'halted';

export interface ChainLink {
  /** Token of the session that feeds this book (`BookChain.join()`). */
  owner: number;
  phase: DepthPhase;
  /** The last update id applied to the book (meaningful while `synced`). */
  updateId: number;
  /** Highest trade id emitted for this symbol by any session of the chain; -1 before the first. */
  lastTradeId: number;
}

export class BookChain {
  private nextToken = 1;
  private readonly links = new Map<string, ChainLink>();

  /** A token for a new session on this chain. */
  join(): number {
    return this.nextToken++;
  }

  /** The symbol's link; a symbol new to the chain is created owned by `token`, awaiting its first snapshot. */
  link(symbol: string, token: number): ChainLink {
    let link = this.links.get(symbol);
    if (link === undefined) {
      link = { owner: token, phase: 'buffering', updateId: 0, lastTradeId: -1 };
      this.links.set(symbol, link);
    }
    return link;
  }
}
