// The Coinbase session on real frames and on real frames with one thing changed (a frame left out, repeated or
// swapped, a product missing from an ack): the sequence rule, acks that trail data, error frames, resubscriptions.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CoinbaseSession } from '../../src/exchanges/coinbase/session.ts';
import type { SessionAction, SessionOutput, VenueEvent } from '../../src/exchanges/types.ts';
import { readDocsExamples, readMiscFrames, readRealCapture } from '../support/coinbase-fixtures.ts';
import { coinbaseFeed, drain } from '../support/coinbase-feed.ts';

const SYMBOLS = ['BTC/USD', 'ETH/USD'];
const frames = readRealCapture().frames.map((frame) => frame.text);
/** The BTC-USD and ETH-USD snapshots are frames 13 and 21. */
const BTC_SNAPSHOT = 13;

/** A real frame with some fields changed (re-serialized: only for tests that do not depend on the exact text). */
function edited(text: string, change: (frame: Record<string, unknown>) => void): string {
  const frame = JSON.parse(text) as Record<string, unknown>;
  change(frame);
  return JSON.stringify(frame);
}

function withSequence(text: string, sequence: number): string {
  return edited(text, (frame) => {
    frame.sequence_num = sequence;
  });
}

function resyncs(actions: readonly SessionAction[]): Extract<SessionAction, { type: 'resync-connection' }>[] {
  return actions.filter((action): action is Extract<SessionAction, { type: 'resync-connection' }> => action.type === 'resync-connection');
}

function sends(output: SessionOutput): unknown[] {
  return output.actions.filter((action) => action.type === 'send').map((action) => action.type === 'send' && JSON.parse(action.payload));
}

function eventsOf<T extends VenueEvent['type']>(events: readonly VenueEvent[], type: T): Extract<VenueEvent, { type: T }>[] {
  return events.filter((event): event is Extract<VenueEvent, { type: T }> => event.type === type);
}

describe('coinbase session: one sequence number per connection', () => {
  it('a frame left out breaks the stream for every book: one resync-connection, then nothing more is used', () => {
    const feed = coinbaseFeed(SYMBOLS);
    for (const text of frames.slice(0, 40)) feed.frame(text);
    assert.deepEqual(resyncs(feed.actions), []);
    const output = feed.frame(frames[41]!);
    assert.deepEqual(resyncs(output.actions), [{ type: 'resync-connection', reason: 'sequence_gap',
      detail: 'coinbase sequence_num jumped from 39 to 41 (1 frame(s) lost)' }]);
    assert.deepEqual(output.events, []);
    const after = frames.slice(42, 200).map((text) => feed.frame(text));
    assert.ok(after.every((each) => each.events.length === 0 && each.actions.length === 0), 'a broken stream feeds nothing');
    assert.deepEqual(drain(feed.session.resync('BTC/USD', 'crossed_book', 0)).actions, [], 'no resubscribe on a broken stream');
  });

  it('a repeated frame and a reordered pair break it too (a resubscribe would not restart the count)', () => {
    const repeated = coinbaseFeed(SYMBOLS);
    for (const text of frames.slice(0, 41)) repeated.frame(text);
    assert.match(resyncs(repeated.frame(frames[40]!).actions)[0]!.detail, /sequence_num 40 arrived when 41 was due/);
    const reordered = coinbaseFeed(SYMBOLS);
    for (const text of frames.slice(0, 40)) reordered.frame(text);
    assert.equal(resyncs(reordered.frame(frames[41]!).actions).length, 1, 'the later frame first is a gap');
  });

  it('a new connection must start at 0', () => {
    const feed = coinbaseFeed(SYMBOLS);
    assert.match(resyncs(feed.frame(frames[5]!).actions)[0]!.detail, /first frame carried sequence_num 5, not 0/);
  });

  it('an unreadable frame breaks the stream (it may have carried any channel\'s data)', () => {
    const feed = coinbaseFeed(SYMBOLS);
    for (const text of frames.slice(0, 30)) feed.frame(text);
    const output = feed.frame(frames[30]!.slice(0, 100));
    assert.equal(resyncs(output.actions)[0]!.reason, 'malformed_frame');
    assert.ok(output.actions.some((action) => action.type === 'report' && action.code === 'malformed_frame'));
  });

  it('error frames carry no sequence number and do not count', () => {
    const feed = coinbaseFeed(SYMBOLS);
    const error = readMiscFrames().find((frame) => frame.raw.includes('failure to subscribe'))!.raw;
    feed.frame(error);
    for (const text of frames.slice(0, 30)) feed.frame(text);
    assert.deepEqual(resyncs(feed.actions), []);
  });
});

describe('coinbase session: subscriptions', () => {
  it('data before its ack: subscribed once, ahead of the data, and the later ack adds nothing', () => {
    const feed = coinbaseFeed(SYMBOLS);
    for (const text of frames.slice(0, 27)) feed.frame(text);
    const types = feed.events.filter((event) => event.type !== 'heartbeat')
      .map((event) => `${event.type}${'symbol' in event ? ` ${event.symbol}` : ''}${event.type === 'subscribed' ? ` ${event.channel}` : ''}`);
    assert.deepEqual(types.slice(0, 4), ['subscribed BTC/USD trades', 'trades BTC/USD', 'subscribed ETH/USD trades', 'trades ETH/USD']);
    assert.equal(types.indexOf('subscribed BTC/USD book') + 1, types.indexOf('book_snapshot BTC/USD'));
    assert.equal(eventsOf(feed.events, 'subscribed').length, 4, 'the acks at seq 24 and 26 confirm nothing new');
  });

  it('a product missing from the first ack listing its channel failed (Coinbase has no per-product error)', () => {
    const feed = coinbaseFeed([...SYMBOLS, 'DOGE/USD']);
    for (const text of frames.slice(0, 27)) feed.frame(text);
    const failed = eventsOf(feed.events, 'subscribe_failed').map((event) => [event.symbol, event.channel]);
    assert.deepEqual(failed, [['DOGE/USD', 'trades'], ['DOGE/USD', 'book']]);
    assert.match(eventsOf(feed.events, 'subscribe_failed')[0]!.error, /^DOGE-USD: coinbase did not list it/);
  });

  it('an error frame fails the oldest request still waiting, per symbol', () => {
    const feed = coinbaseFeed(SYMBOLS);
    const error = readMiscFrames().find((frame) => frame.raw.includes('authentication failure'))!.raw;
    const output = feed.frame(error);
    assert.deepEqual(output.events, [
      { type: 'subscribe_failed', symbol: 'BTC/USD', channel: 'book',
        error: 'BTC-USD: coinbase answered the level2 subscribe with "authentication failure"' },
      { type: 'subscribe_failed', symbol: 'ETH/USD', channel: 'book',
        error: 'ETH-USD: coinbase answered the level2 subscribe with "authentication failure"' },
    ]);
    feed.frame(error);
    feed.frame(error);
    const last = feed.frame(error);
    assert.equal(last.actions[0]?.type === 'report' && last.actions[0].code, 'venue_error', 'nothing left waiting');
  });

  it('a level2 resync resubscribes the one product; its updates are dropped until the new snapshot', () => {
    const feed = coinbaseFeed(SYMBOLS);
    for (const text of frames.slice(0, 30)) feed.frame(text);
    const resync = drain(feed.session.resync('BTC/USD', 'crossed_book', 1_000));
    assert.deepEqual(sends(resync), [
      { type: 'unsubscribe', product_ids: ['BTC-USD'], channel: 'level2' },
      { type: 'subscribe', product_ids: ['BTC-USD'], channel: 'level2' },
    ]);
    const again = drain(feed.session.resync('BTC/USD', 'crossed_book', 2_000));
    assert.equal(again.actions[0]?.type === 'report' && again.actions[0].code, 'resync_in_progress');
    const before = eventsOf(feed.events, 'book_update').length;
    for (const text of frames.slice(30, 60)) feed.frame(text);
    const updates = eventsOf(feed.events, 'book_update').slice(before);
    assert.ok(updates.length > 10 && updates.every((update) => update.symbol === 'ETH/USD'));
    assert.equal((feed.session as CoinbaseSession).isSynced('BTC/USD'), false);
    const snapshot = feed.frame(withSequence(frames[BTC_SNAPSHOT]!, 60));
    assert.deepEqual(eventsOf(snapshot.events, 'subscribed'), [{ type: 'subscribed', symbol: 'BTC/USD', channel: 'book' }]);
    assert.equal(eventsOf(snapshot.events, 'book_snapshot')[0]?.symbol, 'BTC/USD');
    assert.equal((feed.session as CoinbaseSession).isSynced('BTC/USD'), true);
  });

  it('a trades resync resubscribes market_trades for the product', () => {
    const feed = coinbaseFeed(SYMBOLS);
    assert.deepEqual(sends(feed.session.resyncTrades('ETH/USD', 0)), [
      { type: 'unsubscribe', product_ids: ['ETH-USD'], channel: 'market_trades' },
      { type: 'subscribe', product_ids: ['ETH-USD'], channel: 'market_trades' },
    ]);
  });

  it('without trade snapshots the 100 historical trades are dropped, the subscription still counts', () => {
    const feed = coinbaseFeed(SYMBOLS, { tradeSnapshot: false });
    for (const text of frames.slice(0, 10)) feed.frame(text);
    assert.deepEqual(eventsOf(feed.events, 'trades').map((event) => [event.snapshot, event.trades.length]), [[false, 1]]);
    assert.equal(eventsOf(feed.events, 'subscribed').length, 2);
  });

  it('an unknown channel is ignored and reported once; its frame still counts in the sequence', () => {
    const feed = coinbaseFeed(SYMBOLS);
    for (const text of frames.slice(0, 10)) feed.frame(text);
    const renamed = (index: number) => edited(frames[index]!, (frame) => {
      frame.channel = 'level3';
    });
    const first = feed.frame(renamed(10));
    assert.ok(first.actions.some((action) => action.type === 'report' && action.code === 'unknown_message' && action.level === 'warn'));
    assert.deepEqual(feed.frame(renamed(11)).actions, []);
    assert.deepEqual(resyncs(feed.frame(frames[12]!).actions), []);
  });
});

describe('coinbase session: documentation forms', () => {
  it('accepts the documented envelope (client_id, string heartbeat_counter, 1970 event_time)', () => {
    const messages = readDocsExamples().messages as Record<string, unknown>;
    const heartbeat = coinbaseFeed(SYMBOLS).frame(JSON.stringify(messages.heartbeats));
    assert.deepEqual(heartbeat.events, [{ type: 'heartbeat' }]);
    const level2 = coinbaseFeed(SYMBOLS).frame(JSON.stringify(messages['level2 (channel name on the wire is l2_data)']));
    const snapshot = eventsOf(level2.events, 'book_snapshot')[0]!;
    assert.equal(snapshot.symbol, 'BTC/USD');
    assert.ok(snapshot.bids.length > 0);
    assert.equal(snapshot.exchangeTime, '1970-01-01T00:00:00Z');
  });

  it('user-channel frames are not market data: ignored', () => {
    const user = readMiscFrames().find((frame) => frame.raw.startsWith('{"channel":"user"'))!.raw;
    const feed = coinbaseFeed(SYMBOLS);
    const output = feed.frame(user);
    assert.deepEqual(output.events, []);
    assert.equal((feed.session as CoinbaseSession).ignoredFrames().get('user'), 1);
  });

  it('a big snapshot in another layout is parsed whole, to the same book', () => {
    const text = frames[BTC_SNAPSHOT]!;
    const reordered = edited(text, (frame) => {
      const events = frame.events as Record<string, unknown>[];
      frame.events = events.map(({ updates, ...rest }) => ({ updates, ...rest }));
    });
    const run = (snapshot: string) => {
      const feed = coinbaseFeed(SYMBOLS);
      for (const each of frames.slice(0, BTC_SNAPSHOT)) feed.frame(each);
      const output = feed.session.onFrame(snapshot, 0);
      return { sliced: output.next !== undefined, book: eventsOf(drain(output).events, 'book_snapshot')[0]! };
    };
    const live = run(text);
    const other = run(reordered);
    assert.equal(live.sliced, true);
    assert.equal(other.sliced, false);
    assert.deepEqual(other.book, live.book);
  });
});
