import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createKrakenSession } from '../../src/exchanges/kraken/session.ts';
import type { SessionAction, SessionOptions, SessionOutput, VenueSession } from '../../src/exchanges/types.ts';
import {
  ETH_UPDATE_INDEX, KRAKEN_CAPTURES, readKrakenCaptureFrames, readKrakenDoc, readNdjsonCapture, readPythonSdkRecordingFrames,
  uncheckedEthUpdate,
} from '../support/kraken-fixtures.ts';

type Send = Extract<SessionAction, { type: 'send' }>;
type Report = Extract<SessionAction, { type: 'report' }>;
type Resync = Extract<SessionAction, { type: 'resync' }>;

const BTC = readKrakenCaptureFrames('crossbook_kraken_btcusd_d10_l2.frames.jsonl');
const ETH = readKrakenCaptureFrames('crossbook_kraken_ethusd_d25.frames.jsonl');
const MINA_SENT = readNdjsonCapture(new URL('depthcharge_kraken_minagbp_d25_20260816.ndjson', KRAKEN_CAPTURES)).sent;
const ERRORS = (JSON.parse(readKrakenDoc('errors_observed.json')) as { entries: { error: string; frame: string | null }[] })
  .entries;
const errorFrame = (error: string): string => ERRORS.find((entry) => entry.error === error)!.frame!;
const BTC_UNSUBSCRIBE_ACK = BTC.find((text) => text.startsWith('{"method":"unsubscribe"'))!;
const BTC_SUBSCRIBE_ACK = BTC[1]!;

/** The real `Already subscribed` frame (req_id 2, symbol BTC/USD) carrying another error text and req_id. */
function failureAck(error: string, reqId: number): string {
  return errorFrame('Already subscribed').replace('"Already subscribed"', JSON.stringify(error))
    .replace('"req_id":2', `"req_id":${reqId}`);
}

function session(symbols: string[], overrides: Partial<SessionOptions> = {}): VenueSession {
  return createKrakenSession({ symbols, bookDepth: 10, tradeSnapshot: false, ...overrides });
}

const sends = (output: SessionOutput): unknown[] =>
  output.actions.filter((action): action is Send => action.type === 'send').map((action) => JSON.parse(action.payload));
const reports = (output: SessionOutput): Report[] =>
  output.actions.filter((action): action is Report => action.type === 'report');
const resyncs = (output: SessionOutput): Resync[] =>
  output.actions.filter((action): action is Resync => action.type === 'resync');
const codes = (output: SessionOutput): string[] => reports(output).map((report) => `${report.level}:${report.code}`);

describe('kraken session: opening', () => {
  it('subscribes book (all symbols, one request), trade and instrument, each with its own req_id', () => {
    const output = session(['BTC/USD', 'ETH/USD'], { bookDepth: 25, tradeSnapshot: true }).onOpen(0);
    assert.deepEqual(output.events, []);
    assert.deepEqual(sends(output), [
      { method: 'subscribe', params: { channel: 'book', symbol: ['BTC/USD', 'ETH/USD'], depth: 25, snapshot: true }, req_id: 1 },
      { method: 'subscribe', params: { channel: 'trade', symbol: ['BTC/USD', 'ETH/USD'], snapshot: true }, req_id: 2 },
      { method: 'subscribe', params: { channel: 'instrument', snapshot: true }, req_id: 3 },
    ]);
  });

  it('sends what the real MINA/GBP client sent and the documented trade request, plus req_id', () => {
    assert.equal(MINA_SENT.length, 1);
    const [book] = sends(session(['MINA/GBP'], { bookDepth: 25 }).onOpen(0));
    assert.deepEqual(book, { ...JSON.parse(MINA_SENT[0]!.text), req_id: 1 });
    const [, trade] = sends(session(['MATIC/USD'], { tradeSnapshot: true }).onOpen(0));
    assert.deepEqual(trade, { ...JSON.parse(readKrakenDoc('trade_subscribe_request.json')), req_id: 2 });
  });

  it('reports a configured symbol that is not BASE/QUOTE and leaves it out', () => {
    const output = session(['btc/usd', 'ETH/USD']).onOpen(0);
    assert.deepEqual(codes(output), ['error:invalid_symbol']);
    assert.deepEqual((sends(output)[0] as { params: { symbol: string[] } }).params.symbol, ['ETH/USD']);
  });
});

describe('kraken session: acks', () => {
  it('success acks become subscribed / unsubscribed events for book and trades', () => {
    const btc = session(['BTC/USD']);
    assert.deepEqual(btc.onFrame(BTC_SUBSCRIBE_ACK, 0), { events: [{ type: 'subscribed', symbol: 'BTC/USD', channel: 'book' }], actions: [] });
    assert.deepEqual(btc.onFrame(BTC_UNSUBSCRIBE_ACK, 0).events, [{ type: 'unsubscribed', symbol: 'BTC/USD', channel: 'book' }]);
    const matic = session(['MATIC/USD']);
    assert.deepEqual(matic.onFrame(readKrakenDoc('trade_subscribe_ack.json'), 0).events,
      [{ type: 'subscribed', symbol: 'MATIC/USD', channel: 'trades' }]);
    const instrument = matic.onFrame(readKrakenDoc('instrument_subscribe_ack.json'), 0);
    assert.deepEqual([instrument.events, codes(instrument)], [[], ['debug:venue_warning']]);
  });

  it('Subscription depth not supported → subscribe_failed for the book request, with the allowed depths', () => {
    const btc = session(['BTC/USD'], { bookDepth: 27 });
    btc.onOpen(0);
    const output = btc.onFrame(errorFrame('Subscription depth not supported').replace('"method"', '"req_id":1,"method"'), 0);
    assert.deepEqual(output.events, [{ type: 'subscribe_failed', symbol: 'BTC/USD', channel: 'book',
      error: 'Subscription depth not supported (configured depth 27; allowed: 10, 25, 100, 500, 1000)' }]);
    assert.deepEqual(reports(output), [], 'the event is logged once by the connector; no second line');
  });

  it('an error naming no symbol fails every symbol of its request', () => {
    const both = session(['BTC/USD', 'ETH/USD'], { bookDepth: 27 });
    both.onOpen(0);
    const output = both.onFrame(errorFrame('Subscription depth not supported').replace('"method"', '"req_id":1,"method"'), 0);
    assert.deepEqual(output.events.map((event) => event.type === 'subscribe_failed' && [event.symbol, event.channel]),
      [['BTC/USD', 'book'], ['ETH/USD', 'book']]);
    const unmatched = both.onFrame(errorFrame('Subscription depth not supported'), 0);
    assert.deepEqual(unmatched.events.map((event) => event.type === 'subscribe_failed' && event.symbol), [undefined]);
  });

  it('Currency pair not supported, without req_id: failure event for the named pair, with the remedy', () => {
    const output = session(['BTC/USD']).onFrame(errorFrame('Currency pair not supported XDG/USD'), 0);
    assert.equal(output.events.length, 1);
    const [event] = output.events;
    assert.equal(event!.type === 'subscribe_failed' && event!.symbol, 'XDG/USD');
    assert.match(event!.type === 'subscribe_failed' ? event!.error : '', /Currency pair not supported XDG\/USD \(use the v2 name: BTC not XBT/);
  });

  it('Already subscribed is a handled value: a warn report, no failure event', () => {
    const output = session(['BTC/USD']).onFrame(errorFrame('Already subscribed'), 0);
    assert.deepEqual(output.events, []);
    assert.deepEqual(codes(output), ['warn:already_subscribed']);
    assert.equal(reports(output)[0]!.symbol, 'BTC/USD');
  });

  it('a failed trade subscribe names the trades channel', () => {
    const btc = session(['BTC/USD']);
    btc.onOpen(0);
    assert.deepEqual(btc.onFrame(failureAck('Exceeded msg rate', 2), 0).events,
      [{ type: 'subscribe_failed', error: 'Exceeded msg rate', symbol: 'BTC/USD', channel: 'trades' }]);
  });
});

describe('kraken session: resync', () => {
  it('unsubscribe → ack → subscribe, for that symbol only; not restarted while in progress', () => {
    const both = session(['BTC/USD', 'ETH/USD']);
    both.onOpen(0);
    const start = both.resync('BTC/USD', 'checksum_mismatch', 0);
    assert.deepEqual(sends(start), [{ method: 'unsubscribe', params: { channel: 'book', symbol: ['BTC/USD'], depth: 10 }, req_id: 4 }]);
    assert.deepEqual(sends(both.resync('BTC/USD', 'checksum_mismatch', 0)), []);

    const acked = both.onFrame(BTC_UNSUBSCRIBE_ACK, 0);
    assert.deepEqual(acked.events, [{ type: 'unsubscribed', symbol: 'BTC/USD', channel: 'book' }]);
    assert.deepEqual(sends(acked), [
      { method: 'subscribe', params: { channel: 'book', symbol: ['BTC/USD'], depth: 10, snapshot: true }, req_id: 5 },
    ]);
    assert.deepEqual(sends(both.resync('BTC/USD', 'checksum_mismatch', 0)), [], 'still in progress until the subscribe ack');

    const subscribed = both.onFrame(BTC_SUBSCRIBE_ACK, 0);
    assert.deepEqual([subscribed.events.length, subscribed.actions.length], [1, 0]);
    assert.equal(sends(both.resync('BTC/USD', 'snapshot_timeout', 0)).length, 1, 'a new resync may start');
  });

  it('book data arriving between the unsubscribe and its ack is dropped (it belongs to the subscription going away)', () => {
    const btc = session(['BTC/USD']);
    btc.onOpen(0);
    btc.resync('BTC/USD', 'snapshot_timeout', 0);
    const lateSnapshot = BTC.find((text) => text.startsWith('{"channel":"book","type":"snapshot"'))!;
    assert.deepEqual(btc.onFrame(lateSnapshot, 0).events, []);
    btc.onFrame(BTC_UNSUBSCRIBE_ACK, 0);
    assert.equal(btc.onFrame(lateSnapshot, 0).events[0]?.type, 'book_snapshot', 'after the ack, snapshots count again');
  });

  it('a resync whose acks never came back (a reply without req_id) can start again after 30 s', () => {
    const btc = session(['BTC/USD']);
    btc.onOpen(0);
    assert.equal(sends(btc.resync('BTC/USD', 'checksum_mismatch', 0)).length, 1);
    assert.deepEqual(sends(btc.resync('BTC/USD', 'checksum_mismatch', 29_999)), [], 'still in progress');
    assert.equal(sends(btc.resync('BTC/USD', 'checksum_mismatch', 30_000)).length, 1, 'considered lost: restarted');
    assert.deepEqual(sends(btc.resyncTrades('BTC/USD', 0)),
      [{ method: 'unsubscribe', params: { channel: 'trade', symbol: ['BTC/USD'] }, req_id: 6 }], 'trades resync the same way');
  });

  it('an unsolicited unsubscribe ack sends nothing', () => {
    assert.deepEqual(sends(session(['BTC/USD']).onFrame(BTC_UNSUBSCRIBE_ACK, 0)), []);
  });

  it('Subscription Not Found on the unsubscribe (ack says "subscribe", as observed) → subscribe anyway', () => {
    const btc = session(['BTC/USD', 'ETH/USD']);
    btc.onOpen(0);
    btc.resync('BTC/USD', 'malformed_frame', 0);
    const output = btc.onFrame(failureAck('Subscription Not Found', 4), 0);
    assert.deepEqual(output.events, []);
    assert.deepEqual(sends(output), [
      { method: 'subscribe', params: { channel: 'book', symbol: ['BTC/USD'], depth: 10, snapshot: true }, req_id: 5 },
    ]);
  });

  it('another unsubscribe failure (matched by req_id, labelled "subscribe") abandons the resync, no failure event', () => {
    const btc = session(['BTC/USD']);
    btc.onOpen(0);
    btc.resync('BTC/USD', 'checksum_mismatch', 0);
    const output = btc.onFrame(failureAck('Exceeded msg rate', 4), 0);
    assert.deepEqual([output.events, sends(output), codes(output)], [[], [], ['warn:unsubscribe_failed']]);
    assert.match(reports(output)[0]!.message, /Exceeded msg rate \(resync abandoned\)/);
    assert.equal(sends(btc.resync('BTC/USD', 'checksum_mismatch', 0)).length, 1);
  });

  it('Already subscribed in reply to the resync subscribe ends the resync', () => {
    const btc = session(['BTC/USD']);
    btc.onOpen(0);
    btc.resync('BTC/USD', 'checksum_mismatch', 0);
    btc.onFrame(BTC_UNSUBSCRIBE_ACK, 0);
    assert.deepEqual(codes(btc.onFrame(failureAck('Already subscribed', 5), 0)), ['warn:already_subscribed']);
    assert.equal(sends(btc.resync('BTC/USD', 'snapshot_timeout', 0)).length, 1);
  });

  it('a symbol the connection does not carry is reported, nothing sent', () => {
    const output = session(['BTC/USD']).resync('ETH/USD', 'checksum_mismatch', 0);
    assert.deepEqual([sends(output), codes(output)], [[], ['warn:resync_unknown_symbol']]);
  });
});

describe('kraken session: data', () => {
  it('book snapshot and update → one event per data element, levels in wire order', () => {
    const btc = session(['BTC/USD']);
    const [snapshot] = btc.onFrame(BTC[2]!, 0).events;
    assert.ok(snapshot?.type === 'book_snapshot');
    assert.deepEqual(snapshot.bids.slice(0, 2), [['63004.9', '0.01876947'], ['63003.3', '0.00005100']]);
    assert.deepEqual(snapshot.asks[0], ['63005.0', '2.07265551']);
    assert.deepEqual([snapshot.bids.length, snapshot.asks.length, snapshot.checksum, snapshot.exchangeTime],
      [10, 10, 2531248887, '2026-08-01T02:53:53.398143Z']);
    assert.deepEqual(btc.onFrame(BTC[4]!, 0), {
      events: [{ type: 'book_update', symbol: 'BTC/USD', bids: [], asks: [['63005.0', '2.08665551']],
        exchangeTime: '2026-08-01T02:53:53.646219Z', checksum: 2532652056 }],
      actions: [],
    });
  });

  it('book data for a symbol not configured is reported, not emitted', () => {
    const output = session(['ETH/USD']).onFrame(BTC[2]!, 0);
    assert.deepEqual([output.events, codes(output)], [[], ['warn:unexpected_symbol']]);
  });

  it('trade snapshot and update → trades events with string ids and the taker side', () => {
    const matic = session(['MATIC/USD'], { tradeSnapshot: true });
    assert.deepEqual(matic.onFrame(readKrakenDoc('trade_snapshot.json'), 0).events, [{
      type: 'trades', symbol: 'MATIC/USD', snapshot: true, trades: [
        { tradeId: '4665846', price: '0.5147', size: '6423.46326', side: 'buy', exchangeTime: '2023-09-25T07:48:36.925533Z' },
        { tradeId: '4665847', price: '0.5147', size: '1136.19677815', side: 'buy', exchangeTime: '2023-09-25T07:49:36.925603Z' },
      ],
    }]);
    assert.deepEqual(matic.onFrame(readKrakenDoc('trade_update.json'), 0).events, [{
      type: 'trades', symbol: 'MATIC/USD', snapshot: false,
      trades: [{ tradeId: '4665906', price: '0.5117', size: '40.0', side: 'sell', exchangeTime: '2023-09-25T07:49:37.708706Z' }],
    }]);
    const other = session(['BTC/USD']).onFrame(readKrakenDoc('trade_update.json'), 0);
    assert.deepEqual([other.events, codes(other)], [[], ['warn:unexpected_symbol']]);
  });

  it('status, heartbeat, pong and ping', () => {
    const eth = session(['ETH/USD']);
    const status = eth.onFrame(ETH[0]!, 0);
    assert.deepEqual(status.events, [{ type: 'venue_status', status: 'online', degraded: false }]);
    assert.match(reports(status)[0]!.message, /connection 15413894943188002760\)/);
    assert.deepEqual(eth.onFrame(readKrakenDoc('heartbeat.json'), 0), { events: [{ type: 'heartbeat' }], actions: [] });
    assert.deepEqual(eth.onFrame(readKrakenDoc('pong_response.json'), 0), { events: [{ type: 'pong', reqId: 101 }], actions: [] });
    assert.deepEqual(sends(eth.ping(101, 0)), [JSON.parse(readKrakenDoc('ping_request.json'))]);
  });
});

describe('kraken session: instrument precisions', () => {
  const INSTRUMENT = readKrakenDoc('instrument_snapshot.json');

  it('emits precisions for configured symbols only, once, and again when they change', () => {
    const btc = session(['BTC/USD', 'ETH/USD']);
    assert.deepEqual(btc.onFrame(INSTRUMENT, 0), {
      events: [{ type: 'instrument', symbol: 'BTC/USD', pricePrecision: 1, qtyPrecision: 8 }], actions: [],
    });
    assert.deepEqual(btc.onFrame(INSTRUMENT, 0).events, []);
    assert.deepEqual(btc.onFrame(readKrakenDoc('instrument_update.json'), 0).events, []);
    const changed = btc.onFrame(INSTRUMENT.replace('"price_precision": 1,', '"price_precision": 2,'), 0);
    assert.deepEqual(changed.events, [{ type: 'instrument', symbol: 'BTC/USD', pricePrecision: 2, qtyPrecision: 8 }]);
    assert.deepEqual(codes(changed), ['warn:precision_changed']);
  });

  it('wire text at the instrument precision passes; other text is stored as sent and noted once', () => {
    const btc = session(['BTC/USD']);
    btc.onFrame(INSTRUMENT, 0);
    for (const text of BTC) assert.deepEqual(codes(btc.onFrame(text, 0)).filter((code) => !code.startsWith('debug')), []);
    // The python-kraken-sdk recording lost trailing zeros (qty 0.001): re-serialised, it is off-precision text.
    const [init, update] = readPythonSdkRecordingFrames();
    const first = btc.onFrame(init!, 0);
    assert.deepEqual(codes(first), ['warn:precision_mismatch']);
    assert.ok(first.events[0]?.type === 'book_snapshot' && first.events[0].bids.some(([, qty]) => qty === '0.001'));
    assert.deepEqual(codes(btc.onFrame(update!, 0)), []);
  });
});

describe('kraken session: unknown and malformed frames', () => {
  it('an unrecognised channel → unknown_message report, no resync', () => {
    const output = session(['BTC/USD']).onFrame(readKrakenDoc('ticker_update.json'), 0);
    assert.deepEqual([output.events, codes(output), resyncs(output)], [[], ['warn:unknown_message'], []]);
  });

  it('a malformed book frame naming its symbol → malformed_frame report + resync of that symbol', () => {
    const output = session(['BTC/USD', 'ETH/USD']).onFrame(BTC[4]!.slice(0, 120), 0);
    assert.deepEqual(codes(output), ['warn:malformed_frame']);
    assert.deepEqual(resyncs(output), [{ type: 'resync', symbol: 'BTC/USD', reason: 'malformed_frame' }]);
    const badShape = session(['BTC/USD', 'ETH/USD']).onFrame(BTC[4]!.replace('"price":63005.0', '"price":null'), 0);
    assert.deepEqual(resyncs(badShape).map((action) => action.symbol), ['BTC/USD']);
  });

  it('a real update without its checksum (one quantity changed) → no book event: malformed_frame report + resync', () => {
    const eth = session(['BTC/USD', 'ETH/USD'], { bookDepth: 25 });
    const original = eth.onFrame(ETH[ETH_UPDATE_INDEX]!, 0);
    assert.deepEqual(original.events.map((event) => event.type), ['book_update'], 'the real frame is book data');
    const output = eth.onFrame(uncheckedEthUpdate(ETH), 0);
    assert.deepEqual(output.events, [], 'nothing reaches the book');
    assert.deepEqual(codes(output), ['warn:malformed_frame']);
    assert.deepEqual(resyncs(output), [{ type: 'resync', symbol: 'ETH/USD', reason: 'malformed_frame' }]);
  });

  it('a malformed book frame without a symbol → resync of every book on the connection', () => {
    const output = session(['BTC/USD', 'ETH/USD']).onFrame(BTC[4]!.slice(0, 40), 0);
    assert.deepEqual(resyncs(output).map((action) => action.symbol), ['BTC/USD', 'ETH/USD']);
  });

  it('a malformed frame that is not book data → report only', () => {
    const output = session(['ETH/USD']).onFrame(ETH[0]!.slice(0, 60), 0);
    assert.deepEqual([output.events, codes(output), resyncs(output)], [[], ['warn:malformed_frame'], []]);
  });
});
