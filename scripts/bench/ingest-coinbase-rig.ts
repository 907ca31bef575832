// The pipeline pieces of the Coinbase ingest bench (ingest-coinbase.ts): the real capture as a corpus, a fresh
// session / store / SessionDriver per pass (sliced frames drained at once), and the end-of-pass check against the
// capture's .expected.json.
import { BookStore } from '../../src/book/book-store.ts';
import type { GatewayConfig } from '../../src/config/types.ts';
import { coinbaseAdapter } from '../../src/exchanges/coinbase/index.ts';
import type { SessionOutput, VenueSession } from '../../src/exchanges/types.ts';
import type { FeedEvent } from '../../src/feed/feed-events.ts';
import { createSessionDriver } from '../../src/feed/driver-harness.ts';
import type { SessionDriver } from '../../src/feed/session-driver.ts';
import type { GatewayMetrics } from '../../src/observability/metrics.ts';
import { coinbaseInstrument } from '../../src/sim/coinbase/instruments.ts';
import { CoinbaseMarket } from '../../src/sim/coinbase/market.ts';
import { readCoinbaseCapture } from '../../src/sim/coinbase/replay-capture.ts';
import {
  heartbeatFrame, l2Frame, rfc3339Micros, rfc3339Nanos, snapshotChanges, stamp, tradesFrame, type OutgoingFrame, type SimTrade,
} from '../../src/sim/coinbase/wire-format.ts';
import { COINBASE_CAPTURE, readExpected } from '../../test/support/coinbase-fixtures.ts';
import { IntegrityAlarm } from './ingest-pipeline.ts';

export const COINBASE_SYMBOLS: readonly string[] = ['BTC/USD', 'ETH/USD'];
/** Frames at least this long are the level2 snapshots (2.5 MB and 5 MB); the rest is steady state. */
const SNAPSHOT_BYTES = 1_000_000;

export const CLASSES = ['steady', 'snapshot'] as const;
export type FrameClass = (typeof CLASSES)[number];

export interface CoinbaseCorpus {
  readonly frames: readonly string[];
  readonly bytes: readonly number[];
  readonly classes: readonly number[];
  readonly count: Record<FrameClass, number>;
}

export function loadCoinbaseCorpus(): CoinbaseCorpus {
  const frames = readCoinbaseCapture(COINBASE_CAPTURE).frames.map((frame) => frame.text);
  const classes = frames.map((text) => (text.length >= SNAPSHOT_BYTES ? 1 : 0));
  return {
    frames, bytes: frames.map((text) => Buffer.byteLength(text)), classes,
    count: { steady: classes.filter((c) => c === 0).length, snapshot: classes.filter((c) => c === 1).length },
  };
}

export function newCoinbaseSession(config: GatewayConfig): VenueSession {
  const venue = config.exchanges.coinbase;
  return coinbaseAdapter.createSession({ symbols: COINBASE_SYMBOLS, bookDepth: venue.bookDepth, tradeSnapshot: venue.tradeSnapshot });
}


export function newCoinbaseStore(config: GatewayConfig): BookStore {
  const store = new BookStore({ tradeBufferSize: config.store.tradeBufferSize });
  for (const symbol of COINBASE_SYMBOLS) {
    store.register('coinbase', symbol, { depth: config.exchanges.coinbase.bookDepth, exactPrefix: coinbaseAdapter.wholeBook });
  }
  return store;
}

/** Every event of a frame, its slices included (the connector runs them on later turns; the bench at once). */
export function drained(output: SessionOutput, visit: (output: SessionOutput) => void): void {
  let each: SessionOutput | undefined = output;
  while (each !== undefined) {
    visit(each);
    each = each.next?.(0);
  }
}

export class CoinbaseProbe {
  failures = 0;
  firstFailure: string | undefined;
  readonly observe = (event: FeedEvent): void => {
    if (event.type === 'integrity_failure' || event.type === 'resync'
      || (event.type === 'session_report' && event.level !== 'debug')) {
      this.failures++;
      this.firstFailure ??= `${event.type}: ${JSON.stringify(event)}`;
    }
  };
}

export function newCoinbaseDriver(config: GatewayConfig, store: BookStore, metrics: GatewayMetrics, probe: CoinbaseProbe): SessionDriver {
  const venue = config.exchanges.coinbase;
  return createSessionDriver({
    adapter: coinbaseAdapter, config: { ...venue, symbols: COINBASE_SYMBOLS }, store, observe: probe.observe, metrics,
    end: (cause, detail) => {
      probe.failures++;
      probe.firstFailure ??= `driver ended the connection: ${cause} (${detail})`;
    },
    defer: (work) => work(),
  });
}

/** The books after a pass: live, with the capture's final level counts and top 5 (trailing zeros stripped). */
export function checkBooks(store: BookStore): void {
  const strip = (text: string): string => (text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text);
  for (const [productId, want] of Object.entries(readExpected().products)) {
    const symbol = productId.replace('-', '/');
    const view = store.get('coinbase', symbol);
    const book = view?.book;
    const top = (side: 'bids' | 'asks') => JSON.stringify(book?.topLevels(side, 5).map((level) => level.map(strip)));
    if (view?.state !== 'live' || book!.bids.size !== want.final_levels.bid || book!.asks.size !== want.final_levels.offer
      || top('bids') !== JSON.stringify(want.final_top5_bids) || top('asks') !== JSON.stringify(want.final_top5_offers)
      || book!.absentRemovals() !== want.removals_of_unknown_level) {
      throw new IntegrityAlarm(`coinbase ${symbol}: the book after the pass is not the capture's final book`);
    }
  }
}

/**
 * A long steady-state stream from the Coinbase simulator's market (the real capture has ~1,000 frames after its
 * snapshots): one connection's frames with consecutive sequence numbers, a BTC/USD book as deep as the real one
 * (23,000 levels a side, one 5 MB snapshot first), then level2 updates, 250 ms trade batches and heartbeats.
 */
export function recordSimulatorCorpus(steps: number, seed: number): { corpus: CoinbaseCorpus; market: CoinbaseMarket } {
  const market = new CoinbaseMarket(coinbaseInstrument('BTC/USD'), seed, { levelsPerSide: 23_000 });
  const outgoing: OutgoingFrame[] = [];
  const start = Date.UTC(2026, 7, 9, 21, 5, 48);
  const { bids, asks } = market.top(Number.MAX_SAFE_INTEGER);
  outgoing.push(l2Frame('snapshot', 'BTC-USD', snapshotChanges(bids, asks), rfc3339Micros(start), rfc3339Nanos(start)));
  let trades: SimTrade[] = [];
  for (let i = 1; i <= steps; i++) {
    const now = start + i * 50;
    const step = market.step(now);
    trades.push(...step.trades);
    outgoing.push(l2Frame('update', 'BTC-USD', step.changes, rfc3339Micros(now), rfc3339Nanos(now)));
    if (i % 5 === 0 && trades.length > 0) {
      outgoing.push(tradesFrame('update', trades, rfc3339Nanos(now)));
      trades = [];
    }
    if (i % 20 === 0) outgoing.push(heartbeatFrame(41_691 + i / 20, now, 41_691 + i / 20));
  }
  const frames = outgoing.map((frame, index) => stamp(frame, index));
  const classes = frames.map((text) => (text.length >= SNAPSHOT_BYTES ? 1 : 0));
  return {
    market,
    corpus: { frames, bytes: frames.map((text) => Buffer.byteLength(text)), classes,
      count: { steady: classes.filter((c) => c === 0).length, snapshot: classes.filter((c) => c === 1).length } },
  };
}

/** The BTC/USD book after a simulator-stream pass: live and equal to the simulator's true book. */
export function checkSimulatorBook(store: BookStore, market: CoinbaseMarket): void {
  const view = store.get('coinbase', 'BTC/USD');
  const truth = market.top(Number.MAX_SAFE_INTEGER);
  const book = view?.book;
  if (view?.state !== 'live' || JSON.stringify(book!.topLevels('bids', 100_000)) !== JSON.stringify(truth.bids)
    || JSON.stringify(book!.topLevels('asks', 100_000)) !== JSON.stringify(truth.asks)) {
    throw new IntegrityAlarm('coinbase simulator stream: the book after the pass is not the simulator\'s');
  }
}
