// Steps every symbol's market on one timer and fans the result out: trades and bookTickers as they happen, one
// `@depth@100ms` event per step, and `@depth` events that aggregate a 1000 ms window of steps. Fault knobs that
// shape depth frames (gap, duplicate, truncation) are applied here.
import { crc32Ascii } from '../../core/crc32.ts';
import type { BinanceConnection } from './connection.ts';
import { StreamFrame } from './connection.ts';
import type { BinanceFaults, DepthStreamKind } from './faults.ts';
import type { BinanceInstrument } from './instruments.ts';
import { BinanceMarket, sortedChanges, type MarketStep } from './market.ts';
import type { ResolvedBinanceOptions } from './options.ts';
import { streamName } from './streams.ts';
import { bookTickerPayload, depthUpdatePayload, tradePayload, type DepthEvent } from './wire-format.ts';

const WARM_UP_STEPS = 60;

interface SlowWindow {
  firstId: number;
  lastId: number;
  steps: number;
  readonly bids: Map<string, string>;
  readonly asks: Map<string, string>;
}

export class SymbolFeed {
  readonly market: BinanceMarket;
  readonly streams: Readonly<Record<'depth' | 'depth@100ms' | 'trade' | 'bookTicker', string>>;
  readonly previous = new Map<DepthStreamKind, string>();
  slow: SlowWindow | undefined;

  constructor(readonly instrument: BinanceInstrument, seed: number, options: ResolvedBinanceOptions) {
    this.market = new BinanceMarket(instrument, seed, {
      levelsPerSide: options.levelsPerSide, tradeProbability: options.tradeProbability,
    });
    const now = Date.now() - WARM_UP_STEPS * options.updateIntervalMs;
    for (let i = 0; i < WARM_UP_STEPS; i++) this.market.step(now + i * options.updateIntervalMs);
    const name = (kind: 'depth' | 'depth@100ms' | 'trade' | 'bookTicker') => streamName(instrument.venueSymbol, kind);
    this.streams = { depth: name('depth'), 'depth@100ms': name('depth@100ms'), trade: name('trade'), bookTicker: name('bookTicker') };
  }
}

export class MarketFeed {
  private readonly feeds = new Map<string, SymbolFeed>();
  private readonly slowSteps: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: ResolvedBinanceOptions,
    private readonly faults: BinanceFaults,
    private readonly connections: ReadonlySet<BinanceConnection>,
  ) {
    for (const instrument of options.instruments) {
      const seed = (options.seed ^ crc32Ascii(instrument.venueSymbol)) >>> 0;
      this.feeds.set(instrument.venueSymbol, new SymbolFeed(instrument, seed, options));
    }
    this.slowSteps = Math.max(1, Math.round(options.slowDepthIntervalMs / options.updateIntervalMs));
  }

  start(): void {
    this.timer ??= setInterval(() => this.tick(), this.options.updateIntervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  get venueSymbols(): string[] {
    return [...this.feeds.keys()];
  }

  /** By venue name (`BTCUSDT`) or normalized name (`BTC/USDT`). */
  find(symbol: string): SymbolFeed | undefined {
    const direct = this.feeds.get(symbol.toUpperCase());
    if (direct !== undefined) return direct;
    return [...this.feeds.values()].find((feed) => feed.instrument.symbol === symbol.toUpperCase());
  }

  feed(symbol: string): SymbolFeed {
    const feed = this.find(symbol);
    if (feed === undefined) throw new RangeError(`binance simulator does not serve ${symbol}`);
    return feed;
  }

  tick(): void {
    if (this.faults.marketPaused) return;
    for (const feed of this.feeds.values()) this.tickSymbol(feed, Date.now());
  }

  private tickSymbol(feed: SymbolFeed, now: number): void {
    const venueSymbol = feed.instrument.venueSymbol;
    if (this.faults.takeGap(venueSymbol)) {
      // The skipped step changes the true book but no depth event carries it; its trades still go out.
      this.flushSlow(feed, now);
      const skipped = feed.market.step(now);
      this.publishTrades(feed, skipped, now);
    }
    const step = feed.market.step(now);
    this.publishTrades(feed, step, now);
    for (const ticker of step.tickers) {
      this.publish(new StreamFrame(feed.streams.bookTicker, bookTickerPayload(venueSymbol, ticker)));
    }
    this.publishDepth(feed, 'depth@100ms', {
      eventTime: now, symbol: venueSymbol, firstId: step.firstId, lastId: step.lastId, bids: step.bids, asks: step.asks,
    });
    this.accumulateSlow(feed, step);
    if (feed.slow !== undefined && feed.slow.steps >= this.slowSteps) this.flushSlow(feed, now);
  }

  private publishTrades(feed: SymbolFeed, step: MarketStep, now: number): void {
    for (const trade of step.trades) {
      this.publish(new StreamFrame(feed.streams.trade, tradePayload(feed.instrument.venueSymbol, trade, now)));
    }
  }

  private accumulateSlow(feed: SymbolFeed, step: MarketStep): void {
    feed.slow ??= { firstId: step.firstId, lastId: step.lastId, steps: 0, bids: new Map(), asks: new Map() };
    feed.slow.lastId = step.lastId;
    feed.slow.steps++;
    for (const [price, qty] of step.bids) feed.slow.bids.set(price, qty);
    for (const [price, qty] of step.asks) feed.slow.asks.set(price, qty);
  }

  private flushSlow(feed: SymbolFeed, now: number): void {
    const slow = feed.slow;
    if (slow === undefined) return;
    feed.slow = undefined;
    this.publishDepth(feed, 'depth', {
      eventTime: now, symbol: feed.instrument.venueSymbol, firstId: slow.firstId, lastId: slow.lastId,
      bids: sortedChanges(slow.bids, -1), asks: sortedChanges(slow.asks, 1),
    });
  }

  private publishDepth(feed: SymbolFeed, kind: DepthStreamKind, event: DepthEvent): void {
    const venueSymbol = feed.instrument.venueSymbol;
    const stream = feed.streams[kind];
    const previous = feed.previous.get(kind);
    if (this.faults.takeDuplicate(venueSymbol, kind) && previous !== undefined) this.publish(new StreamFrame(stream, previous));
    const payload = depthUpdatePayload(event);
    feed.previous.set(kind, payload);
    this.publish(new StreamFrame(stream, payload, this.faults.takeTruncation(venueSymbol, kind)));
  }

  private publish(frame: StreamFrame): void {
    for (const connection of this.connections) {
      if (connection.isOpen && connection.has(frame.stream)) connection.sendStream(frame);
    }
  }
}

