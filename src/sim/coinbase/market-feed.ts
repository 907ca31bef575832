// Steps each product's market on a timer and fans the result out: one level2 update event per step to the
// connections whose snapshot went out, trades batched every `tradeBatchMs` into one market_trades update per
// connection (several products in one event, as live). Snapshots are cut from the same true book, whole.
import { crc32Ascii } from '../../core/crc32.ts';
import type { CoinbaseSimConnection } from './connection.ts';
import type { CoinbaseFaults } from './faults.ts';
import { CoinbaseMarket } from './market.ts';
import type { ResolvedCoinbaseOptions } from './options.ts';
import {
  l2Frame, rfc3339Micros, rfc3339Nanos, snapshotChanges, tradesFrame, type OutgoingFrame, type SimTrade,
} from './wire-format.ts';

const WARM_UP_STEPS = 300;
/** Trades in a market_trades snapshot (obs: 100 per product, newest first). */
export const TRADE_SNAPSHOT_SIZE = 100;

export class CoinbaseMarketFeed {
  private readonly markets = new Map<string, CoinbaseMarket>();
  private readonly timers: NodeJS.Timeout[] = [];
  /** Trades since the last batch, per product. */
  private pendingTrades = new Map<string, SimTrade[]>();

  constructor(
    private readonly options: ResolvedCoinbaseOptions,
    private readonly faults: CoinbaseFaults,
    private readonly connections: ReadonlySet<CoinbaseSimConnection>,
  ) {
    for (const instrument of options.instruments) {
      const seed = (options.seed ^ crc32Ascii(instrument.productId)) >>> 0;
      const market = new CoinbaseMarket(instrument, seed, {
        levelsPerSide: options.levelsPerSide(instrument.productId), tradeProbability: options.tradeProbability,
      });
      // History before start-up, so the first trade snapshot has its 100 trades.
      const start = Date.now() - WARM_UP_STEPS * options.updateIntervalMs;
      for (let i = 0; i < WARM_UP_STEPS; i++) market.step(start + i * options.updateIntervalMs);
      this.markets.set(instrument.productId, market);
    }
  }

  start(): void {
    for (const productId of this.markets.keys()) {
      this.timers.push(setInterval(() => this.tick(productId), this.options.updateIntervalMs));
    }
    this.timers.push(setInterval(() => this.flushTrades(), this.options.tradeBatchMs));
  }

  stop(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers.length = 0;
  }

  has(productId: string): boolean {
    return this.markets.has(productId);
  }

  market(productId: string): CoinbaseMarket {
    const market = this.markets.get(productId);
    if (market === undefined) throw new RangeError(`coinbase simulator does not serve ${productId}`);
    return market;
  }

  /** The whole book in one frame (bids best first, then offers), as Coinbase sends it. */
  snapshotFrame(productId: string, nowMs: number): OutgoingFrame {
    const market = this.market(productId);
    const { bids, asks } = market.top(Number.MAX_SAFE_INTEGER);
    return l2Frame('snapshot', productId, snapshotChanges(bids, asks), rfc3339Micros(nowMs), rfc3339Nanos(nowMs));
  }

  /** The product's last 100 trades, newest first. */
  tradeSnapshotFrame(productId: string, nowMs: number): OutgoingFrame {
    const recent = this.market(productId).trades().slice(-TRADE_SNAPSHOT_SIZE).reverse();
    return tradesFrame('snapshot', recent, rfc3339Nanos(nowMs));
  }

  /** One market step of one product and its level2 fan-out. */
  tick(productId: string): void {
    if (this.faults.marketPaused || this.faults.isQuiet(productId)) return;
    const now = Date.now();
    const step = this.market(productId).step(now + (performance.now() % 1));
    if (step.trades.length > 0) {
      const pending = this.pendingTrades.get(productId);
      if (pending === undefined) this.pendingTrades.set(productId, [...step.trades]);
      else pending.push(...step.trades);
    }
    if (step.changes.length === 0) return;
    const outgoing = l2Frame('update', productId, step.changes, rfc3339Micros(now), rfc3339Nanos(now));
    for (const connection of this.connections) {
      if (connection.liveBooks.has(productId) && connection.has('level2', productId)) {
        connection.sendData(outgoing, 'level2', [productId], now);
      }
    }
  }

  /** The trades of the last batch window: one market_trades update per connection, its subscribed products only. */
  flushTrades(): void {
    if (this.pendingTrades.size === 0) return;
    const batch = this.pendingTrades;
    this.pendingTrades = new Map();
    const now = Date.now();
    for (const connection of this.connections) {
      const products = [...batch.keys()].filter((productId) => connection.has('market_trades', productId));
      if (products.length === 0) continue;
      const trades = products.flatMap((productId) => batch.get(productId)!);
      connection.sendData(tradesFrame('update', trades, rfc3339Nanos(now)), 'market_trades', products, now);
    }
  }
}
