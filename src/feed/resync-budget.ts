// How often one book may be resynced (unsubscribe → subscribe) before the connector stops hammering the venue.
// Kept per connection slot across reconnects, so a book that keeps failing cannot resync or reconnect forever:
// over budget → one reconnect per window; still over budget → the book waits (not live) until a slot frees.
// Pure: time is an argument.

export interface ResyncBudgetLimits {
  readonly resyncBudget: number;
  readonly resyncWindowMs: number;
  /**
   * Over budget, try one reconnect per window (default). False where a reconnect cannot repair one book and costs
   * every other book of the connection a snapshot (Binance: a gap on one symbol says nothing about the connection).
   */
  readonly escalate?: boolean;
}

export type ResyncVerdict =
  | { readonly verdict: 'resync' }
  /** Budget used: a fresh connection is cheaper for the venue than more resubscribes. */
  | { readonly verdict: 'escalate' }
  /** Budget used and a reconnect already tried in this window: retry at `retryAt`. */
  | { readonly verdict: 'defer'; readonly retryAt: number };

interface SymbolHistory {
  resyncs: number[];
  lastEscalation: number;
}

export class ResyncBudget {
  private readonly history = new Map<string, SymbolHistory>();

  constructor(private readonly limits: ResyncBudgetLimits) {}

  request(symbol: string, now: number): ResyncVerdict {
    const entry = this.entry(symbol);
    const windowStart = now - this.limits.resyncWindowMs;
    entry.resyncs = entry.resyncs.filter((time) => time > windowStart);
    if (entry.resyncs.length < this.limits.resyncBudget) {
      entry.resyncs.push(now);
      return { verdict: 'resync' };
    }
    if (this.limits.escalate !== false && entry.lastEscalation <= windowStart) {
      entry.lastEscalation = now;
      return { verdict: 'escalate' };
    }
    const oldest = entry.resyncs[entry.resyncs.length - this.limits.resyncBudget]!;
    return { verdict: 'defer', retryAt: oldest + this.limits.resyncWindowMs + 1 };
  }

  /** Resyncs of `symbol` within the window ending at `now`. */
  used(symbol: string, now: number): number {
    return this.entry(symbol).resyncs.filter((time) => time > now - this.limits.resyncWindowMs).length;
  }

  private entry(symbol: string): SymbolHistory {
    let entry = this.history.get(symbol);
    if (entry === undefined) {
      entry = { resyncs: [], lastEscalation: -Infinity };
      this.history.set(symbol, entry);
    }
    return entry;
  }
}
