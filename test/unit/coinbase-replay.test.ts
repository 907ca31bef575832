// The real 2026-08-09 Advanced Trade capture (1,030 frames, every channel interleaved on one connection) through the
// Coinbase session and the store: every figure of its .expected.json comes out, with no resync and no warning.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CoinbaseSession } from '../../src/exchanges/coinbase/session.ts';
import type { VenueEvent } from '../../src/exchanges/types.ts';
import { readExpected, readRealCapture } from '../support/coinbase-fixtures.ts';
import { coinbaseFeed } from '../support/coinbase-feed.ts';

const SYMBOLS: Record<string, string> = { 'BTC-USD': 'BTC/USD', 'ETH-USD': 'ETH/USD' };

/** The expected file strips trailing zeros from decimals. */
function normalized(text: string): string {
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

describe('coinbase session: the real capture replays to the documented books', () => {
  const capture = readRealCapture();
  const expected = readExpected();
  const feed = coinbaseFeed(Object.values(SYMBOLS));
  const perFrame = capture.frames.map((frame) => feed.frame(frame.text));
  const session = feed.session as CoinbaseSession;

  it('has the recorded frames and sequence range, with no break', () => {
    assert.equal(capture.frames.length, 1030);
    const sequences = capture.frames.map((frame) => (JSON.parse(frame.text) as { sequence_num: number }).sequence_num);
    assert.equal(sequences[0], expected.sequence_num_first);
    assert.equal(sequences.at(-1), expected.sequence_num_last);
    assert.equal(session.nextSequence, expected.sequence_num_last + 1, 'every frame passed the sequence check');
    assert.equal(feed.actions.filter((action) => action.type === 'resync-connection').length, expected.sequence_gaps);
    const loud = feed.actions.filter((action) => action.type === 'report' && action.level !== 'debug');
    assert.deepEqual(loud, []);
  });

  it('subscribes one channel per message at open, heartbeats included', () => {
    const sent = feed.actions.filter((action) => action.type === 'send').map((action) => action.type === 'send' && JSON.parse(action.payload));
    assert.deepEqual(sent, [
      { type: 'subscribe', product_ids: ['BTC-USD', 'ETH-USD'], channel: 'level2' },
      { type: 'subscribe', product_ids: ['BTC-USD', 'ETH-USD'], channel: 'market_trades' },
      { type: 'subscribe', channel: 'heartbeats' },
    ]);
  });

  it('counts the heartbeats and ignores ticker and candles without touching a book', () => {
    assert.equal(feed.events.filter((event) => event.type === 'heartbeat').length, expected.heartbeats.count);
    assert.deepEqual(Object.fromEntries(session.ignoredFrames()), { candles: 6, ticker: 160 });
  });

  for (const [productId, symbol] of Object.entries(SYMBOLS)) {
    const product = expected.products[productId]!;
    it(`${productId}: snapshot, updates, removals of unknown levels, final book`, () => {
      const snapshotFrame = capture.frames.find((frame) => frame.text.includes(`"snapshot","product_id":"${productId}","updates"`))!;
      assert.equal(Buffer.byteLength(snapshotFrame.text), product.snapshot_frame_bytes);
      assert.equal((JSON.parse(snapshotFrame.text) as { sequence_num: number }).sequence_num, product.snapshot_sequence_num);
      const snapshot = feed.events.find((event): event is Extract<VenueEvent, { type: 'book_snapshot' }> =>
        event.type === 'book_snapshot' && event.symbol === symbol)!;
      assert.deepEqual({ bid: snapshot.bids.length, offer: snapshot.asks.length }, product.snapshot_levels);
      const updates = feed.events.filter((event): event is Extract<VenueEvent, { type: 'book_update' }> =>
        event.type === 'book_update' && event.symbol === symbol);
      assert.equal(updates.length, product.update_events);
      assert.equal(updates.reduce((sum, update) => sum + update.bids.length + update.asks.length, 0), product.level_changes);

      const view = feed.store.get('coinbase', symbol)!;
      assert.equal(view.state, 'live');
      assert.equal(view.book.absentRemovals(), product.removals_of_unknown_level);
      assert.deepEqual({ bid: view.book.bids.size, offer: view.book.asks.size }, product.final_levels);
      const top = (side: 'bids' | 'asks') => view.book.topLevels(side, 5).map(([price, size]) => [normalized(price), normalized(size)]);
      assert.deepEqual(top('bids'), product.final_top5_bids);
      assert.deepEqual(top('asks'), product.final_top5_offers);
      assert.equal(view.book.isCrossed(), product.crossed);
      assert.equal(view.version, 1 + product.update_events);
    });
  }

  it('reads the 5 MB and 2.5 MB snapshots in slices, one event-loop turn each', () => {
    const sliced = perFrame.filter((output) => output.events.some((event) => event.type === 'book_snapshot'));
    assert.equal(sliced.length, 2);
    const btc = capture.frames.findIndex((frame) => frame.text.length > 5_000_000);
    const fresh = coinbaseFeed(['BTC/USD']).session;
    for (const frame of capture.frames.slice(0, btc)) fresh.onFrame(frame.text, 0);
    let output = fresh.onFrame(capture.frames[btc]!.text, 0);
    let turns = 1;
    while (output.next !== undefined) {
      assert.equal(output.events.some((event) => event.type === 'book_snapshot'), false, 'the book is replaced at the end only');
      output = output.next(0);
      turns++;
    }
    assert.ok(turns >= 20 && turns <= 24, `${turns} turns for 5 MB in 256 KB slices`);
    assert.equal(output.events.filter((event) => event.type === 'book_snapshot').length, 1);
  });

  it('trades: 59 frames, the 100-trade snapshots oldest first, every side the taker\'s', () => {
    const trades = feed.events.filter((event): event is Extract<VenueEvent, { type: 'trades' }> => event.type === 'trades');
    const snapshots = trades.filter((event) => event.snapshot);
    assert.deepEqual(snapshots.map((event) => [event.symbol, event.trades.length]), [['BTC/USD', 100], ['ETH/USD', 100]]);
    for (const snapshot of snapshots) {
      const ids = snapshot.trades.map((trade) => Number(trade.tradeId));
      assert.deepEqual(ids, [...ids].sort((a, b) => a - b), 'oldest first');
    }
    const first = JSON.parse(capture.frames[9]!.text) as { events: { trades: { trade_id: string; side: string }[] }[] };
    const wire = first.events[0]!.trades[0]!;
    const normalizedTrade = trades.flatMap((event) => event.trades).find((trade) => trade.tradeId === wire.trade_id)!;
    assert.equal(wire.side, 'SELL', 'the maker sold');
    assert.equal(normalizedTrade.side, 'buy', 'so the taker bought');
    const ids = new Set(trades.flatMap((event) => event.trades.map((trade) => `${event.symbol}:${trade.tradeId}`)));
    assert.equal(ids.size, trades.reduce((sum, event) => sum + event.trades.length, 0), 'no trade twice');
  });
});
