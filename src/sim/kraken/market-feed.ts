// Steps each symbol's market on a timer and fans the result out: per book depth the window Kraken would send
// (book-window.ts), trades to trade subscribers. Snapshots are cut from the same true book.
import { crc32Ascii } from '../../core/crc32.ts';
import type { LevelText } from '../../core/model.ts';
import { windowedUpdate } from './book-window.ts';
import { subscriptionKey, type SimConnection } from './connection.ts';
import { corruptChecksum, truncateFrame, type FaultState } from './faults.ts';
import { KrakenMarket, type BookView, type MarketBatch } from './market.ts';
import type { ResolvedSimulatorOptions } from './options.ts';
import { bookFrame, rfc3339Micros, tradeFrame, type SimTrade } from './wire-format.ts';

const WARM_UP_STEPS = 400;

/** Epoch milliseconds with a sub-millisecond fraction (Kraken timestamps carry microseconds). */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}

export class MarketFeed {
  private readonly markets = new Map<string, KrakenMarket>();
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly options: ResolvedSimulatorOptions,
    private readonly faults: FaultState,
    private readonly connections: ReadonlySet<SimConnection>,
  ) {
    for (const instrument of options.instruments) {
      const seed = (options.seed ^ crc32Ascii(instrument.symbol)) >>> 0;
      const market = new KrakenMarket(instrument, seed, {
        levelsPerSide: options.levelsPerSide, tradeProbability: options.tradeProbability,
      });
      // History before start-up, so a trade snapshot has its 50 trades from the first subscription on.
      const warmUpStart = preciseNow() - WARM_UP_STEPS * options.updateIntervalMs;
      for (let i = 0; i < WARM_UP_STEPS; i++) market.step(warmUpStart + i * options.updateIntervalMs);
      this.markets.set(instrument.symbol, market);
    }
  }

  start(): void {
    for (const symbol of this.markets.keys()) {
      this.timers.push(setInterval(() => this.tick(symbol), this.options.updateIntervalMs));
    }
  }

  stop(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers.length = 0;
  }

  has(symbol: string): boolean {
    return this.markets.has(symbol);
  }

  market(symbol: string): KrakenMarket {
    const market = this.markets.get(symbol);
    if (market === undefined) throw new RangeError(`kraken simulator does not serve ${symbol}`);
    return market;
  }

  bookSnapshotFrame(symbol: string, depth: number): string {
    const market = this.market(symbol);
    const top = market.top(depth);
    return bookFrame('snapshot', {
      symbol, bids: top.bids, asks: top.asks, checksum: this.outgoingChecksum(symbol, market.checksum()),
      timestamp: rfc3339Micros(preciseNow()),
    });
  }

  tradeSnapshotFrame(symbol: string): string {
    return tradeFrame('snapshot', symbol, this.market(symbol).recentTrades(50));
  }

  trades(symbol: string): SimTrade[] {
    return [...this.market(symbol).trades()];
  }

  /** One market step and its fan-out: one book message per market event and depth, trades per step. */
  tick(symbol: string): void {
    if (this.faults.marketPaused) return;
    const market = this.market(symbol);
    const books = this.liveSubscribers(symbol, 'book');
    const maxDepth = Math.max(0, ...books.keys());
    let before = market.top(maxDepth);
    const step = market.step(preciseNow(), maxDepth);
    const tradeSubscribers = this.liveSubscribers(symbol, 'trade').get(0) ?? [];
    if (step.trades.length > 0 && tradeSubscribers.length > 0) {
      const frame = tradeFrame('update', symbol, step.trades);
      for (const connection of tradeSubscribers) connection.send(frame);
    }
    for (const batch of step.batches) {
      if (books.size > 0) this.sendBatch(symbol, batch, before, books, market.zeroQty);
      before = batch.top;
    }
  }

  private sendBatch(
    symbol: string, batch: MarketBatch, before: BookView, books: ReadonlyMap<number, SimConnection[]>, zeroQty: string,
  ): void {
    const outgoing: Array<{ bids: LevelText[]; asks: LevelText[]; connections: SimConnection[] }> = [];
    for (const [depth, connections] of books) {
      const sent = windowedUpdate(cut(before, depth), batch.changes, cut(batch.top, depth), depth, zeroQty);
      if (sent.bids.length + sent.asks.length > 0) outgoing.push({ ...sent, connections });
    }
    if (outgoing.length === 0) return;
    const checksum = this.outgoingChecksum(symbol, batch.checksum);
    const truncate = this.faults.takeTruncation(symbol);
    for (const { bids, asks, connections } of outgoing) {
      const frame = bookFrame('update', { symbol, bids, asks, checksum, timestamp: batch.timestamp });
      for (const connection of connections) connection.send(truncate ? truncateFrame(frame) : frame);
    }
  }

  private outgoingChecksum(symbol: string, checksum: number): number {
    return this.faults.takeCorruption(symbol) ? corruptChecksum(checksum) : checksum;
  }

  /** Connections with a live, non-silent subscription to `symbol` on `channel`, grouped by book depth. */
  private liveSubscribers(symbol: string, channel: 'book' | 'trade'): Map<number, SimConnection[]> {
    const groups = new Map<number, SimConnection[]>();
    for (const connection of this.connections) {
      const subscription = connection.subscriptions.get(subscriptionKey(channel, symbol));
      if (subscription === undefined || !subscription.live || subscription.silent || !connection.isOpen) continue;
      const group = groups.get(subscription.depth);
      if (group === undefined) groups.set(subscription.depth, [connection]);
      else group.push(connection);
    }
    return groups;
  }
}

function cut(view: BookView, depth: number): BookView {
  return { bids: view.bids.slice(0, depth), asks: view.asks.slice(0, depth) };
}
