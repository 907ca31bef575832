import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseKrakenFrame, type KrakenFrame } from '../../src/exchanges/kraken/parse.ts';
import {
  KRAKEN_DOCS, listKrakenCaptures, readKrakenCaptureFrames, readKrakenDoc, readLines, withoutChecksum,
} from '../support/kraken-fixtures.ts';

const BTC = readKrakenCaptureFrames('crossbook_kraken_btcusd_d10_l2.frames.jsonl');
const ETH = readKrakenCaptureFrames('crossbook_kraken_ethusd_d25.frames.jsonl');
const XRP = readKrakenCaptureFrames('crossbook_kraken_xrpusd_d25.frames.jsonl');

interface ErrorEntry { readonly error: string; readonly frame: string | null }
const ERRORS = (JSON.parse(readKrakenDoc('errors_observed.json')) as { entries: ErrorEntry[] }).entries;

function parseAs<Kind extends KrakenFrame['kind']>(text: string, kind: Kind): Extract<KrakenFrame, { kind: Kind }> {
  const frame = parseKrakenFrame(text);
  assert.equal(frame.kind, kind, `expected ${kind}, got ${JSON.stringify(frame).slice(0, 200)}`);
  return frame as Extract<KrakenFrame, { kind: Kind }>;
}

function firstFrame(frames: readonly string[], needle: string): string {
  const found = frames.find((text) => text.includes(needle));
  assert.ok(found !== undefined, `no frame contains ${needle}`);
  return found;
}

describe('parseKrakenFrame: status, heartbeat, pong', () => {
  it('keeps a connection_id above 2^53 exact (wire and pretty-printed doc)', () => {
    const wire = parseAs(ETH[0]!, 'status').message;
    assert.deepEqual(wire.data, [{ version: '2.0.10', system: 'online', api_version: 'v2', connection_id: '15413894943188002760' }]);
    assert.equal(wire.type, 'update');
    const doc = parseAs(readKrakenDoc('status_update.json'), 'status').message;
    assert.equal(doc.data[0]!.connection_id, '13834774380200032777');
    assert.ok(Number(doc.data[0]!.connection_id) > Number.MAX_SAFE_INTEGER);
  });

  it('heartbeat and pong', () => {
    assert.deepEqual(parseAs(readKrakenDoc('heartbeat.json'), 'heartbeat').message, { channel: 'heartbeat' });
    const pong = parseAs(readKrakenDoc('pong_response.json'), 'pong').message;
    assert.equal(pong.req_id, 101);
    assert.equal(pong.time_out, '2023-09-24T14:10:23.799703Z');
  });
});

describe('parseKrakenFrame: subscription acks', () => {
  it('per-symbol success acks, with and without req_id and warnings', () => {
    const acks = [...readLines(new URL('book_subscribe_acks.jsonl', KRAKEN_DOCS)),
      ...readLines(new URL('book_unsubscribe_acks.jsonl', KRAKEN_DOCS))].map((text) => parseAs(text, 'ack').message);
    assert.deepEqual(acks.map((ack) => [ack.method, ack.success, ack.success && ack.result.symbol]), [
      ['subscribe', true, 'ALGO/USD'], ['subscribe', true, 'MATIC/USD'],
      ['unsubscribe', true, 'ALGO/USD'], ['unsubscribe', true, 'MATIC/USD'],
    ]);
    const instrument = parseAs(readKrakenDoc('instrument_subscribe_ack.json'), 'ack').message;
    assert.ok(instrument.success);
    assert.equal(instrument.req_id, 79);
    assert.deepEqual(instrument.result.warnings, ['tick_size is deprecated, use price_increment']);
    const wire = parseAs(BTC[1]!, 'ack').message;
    assert.ok(wire.success);
    assert.deepEqual(wire.result, { channel: 'book', depth: 10, snapshot: true, symbol: 'BTC/USD' });
  });

  it('every failure frame in errors_observed.json: error text, optional symbol and req_id, no result', () => {
    const frames = ERRORS.filter((entry) => entry.frame !== null);
    assert.equal(frames.length, 3);
    const parsed = frames.map((entry) => {
      const ack = parseAs(entry.frame!, 'ack').message;
      assert.ok(!ack.success);
      assert.equal(ack.error, entry.error);
      assert.ok(!('result' in ack));
      return [ack.method, ack.symbol, ack.req_id];
    });
    assert.deepEqual(parsed, [
      ['subscribe', undefined, undefined],
      ['subscribe', 'XDG/USD', undefined],
      ['subscribe', 'BTC/USD', 2],
    ]);
  });
});

describe('parseKrakenFrame: book', () => {
  it('keeps price and qty tokens as the exact wire text', () => {
    const book = parseAs(BTC[2]!, 'book').message;
    assert.equal(book.type, 'snapshot');
    const data = book.data[0]!;
    assert.equal(data.symbol, 'BTC/USD');
    assert.deepEqual(data.bids[0], { price: '63004.9', qty: '0.01876947' });
    assert.deepEqual(data.bids[1], { price: '63003.3', qty: '0.00005100' });
    assert.deepEqual(data.asks[0], { price: '63005.0', qty: '2.07265551' });
    assert.equal(data.bids.length, 10);
    assert.equal(data.checksum, 2531248887);
    assert.equal(data.timestamp, '2026-08-01T02:53:53.398143Z');
    assert.equal(parseAs(firstFrame(XRP, '"type":"snapshot"'), 'book').message.data[0]!.bids[0]!.price, '1.08100');
  });

  it('deletes keep their 0.00000000 text; updates keep wire order', () => {
    const update = parseAs(firstFrame(ETH, '"qty":0.00000000'), 'book').message;
    assert.equal(update.type, 'update');
    const levels = [...update.data[0]!.bids, ...update.data[0]!.asks];
    assert.ok(levels.some((level) => level.qty === '0.00000000'));
    assert.ok(levels.every((level) => /^\d+\.\d{2}$/.test(level.price) && /^\d+\.\d{8}$/.test(level.qty)));
  });

  it('string-valued prices of the checksum guide stay as they are', () => {
    const data = parseAs(readKrakenDoc('book_checksum_guide_btcusd_snapshot.json'), 'book').message.data[0]!;
    assert.deepEqual(data.asks[0], { price: '45285.2', qty: '0.00100000' });
    assert.equal(data.timestamp, undefined);
  });
});

describe('parseKrakenFrame: trade and instrument', () => {
  it('trade snapshot and update: exact price/qty text, numeric trade_id', () => {
    const snapshot = parseAs(readKrakenDoc('trade_snapshot.json'), 'trade').message;
    assert.equal(snapshot.type, 'snapshot');
    assert.equal(snapshot.data.length, 2);
    assert.deepEqual(snapshot.data[0], {
      symbol: 'MATIC/USD', side: 'buy', price: '0.5147', qty: '6423.46326', ord_type: 'limit', trade_id: 4665846,
      timestamp: '2023-09-25T07:48:36.925533Z',
    });
    const update = parseAs(readKrakenDoc('trade_update.json'), 'trade').message;
    assert.equal(update.type, 'update');
    assert.deepEqual([update.data[0]!.side, update.data[0]!.qty, update.data[0]!.trade_id], ['sell', '40.0', 4665906]);
  });

  it('instrument: data is an object, precisions are integers, increments in exponent notation decode', () => {
    const snapshot = parseAs(readKrakenDoc('instrument_snapshot.json'), 'instrument').message;
    assert.equal(snapshot.type, 'snapshot');
    assert.deepEqual(snapshot.data.assets.map((asset) => asset.id), ['USD', 'BTC', 'XRP']);
    assert.deepEqual(snapshot.data.pairs.map((pair) => [pair.symbol, pair.price_precision, pair.qty_precision]),
      [['BTC/USD', 1, 8], ['MATIC/GBP', 4, 8]]);
    assert.equal(snapshot.data.pairs[0]!.qty_increment, 1e-8);
    assert.equal(snapshot.data.pairs[1]!.price_increment, 0.0001);
    const update = parseAs(readKrakenDoc('instrument_update.json'), 'instrument').message;
    assert.deepEqual([update.type, update.data.assets.length, update.data.pairs.length], ['update', 1, 0]);
  });
});

describe('parseKrakenFrame: every field the gateway reads is checked', () => {
  // Real frames (captures and documentation examples) with one field the gateway relies on given the wrong shape: each
  // must be reported malformed, not passed on half-read. `\s*` lets one pattern match wire and pretty-printed text.
  const TRADE = readKrakenDoc('trade_update.json');
  const INSTRUMENT = readKrakenDoc('instrument_snapshot.json');
  const PONG = readKrakenDoc('pong_response.json');
  const FAILURE = ERRORS.find((entry) => entry.error === 'Already subscribed')!.frame!;
  const ACK = ETH[1]!;
  const STATUS = ETH[0]!;
  const cases: [string, string, RegExp, string][] = [
    ['trade: side', TRADE, /"side":\s*"sell"/, '"side":"hold"'],
    ['trade: symbol', TRADE, /"symbol":\s*"MATIC\/USD"/, '"symbol":7'],
    ['trade: price', TRADE, /"price":\s*0\.5117/, '"price":null'],
    ['trade: qty', TRADE, /"qty":\s*40\.0/, '"qty":null'],
    ['trade: trade_id', TRADE, /"trade_id":\s*4665906/, '"trade_id":"4665906"'],
    ['trade: timestamp', TRADE, /"timestamp":\s*"2023-09-25T07:49:37.708706Z"/, '"timestamp":1'],
    ['trade: an element that is not an object', TRADE, /"data":\s*\[/, '"data":[null,'],
    ['trade: data not an array', TRADE, /"data":\s*\[/, '"data":7,"was":['],
    ['status: system', STATUS, /"system":"online"/, '"system":1'],
    ['status: connection_id', STATUS, /"connection_id":\d+/, '"connection_id":true'],
    ['status: symbol-less element', STATUS, /"data":\[/, '"data":[7,'],
    ['instrument: type', INSTRUMENT, /"type":\s*"snapshot"/, '"type":"x"'],
    ['instrument: data not an object', INSTRUMENT, /"data":\s*\{/, '"data":7,"was":{'],
    ['instrument: assets', INSTRUMENT, /"assets":\s*\[/, '"assets":7,"was":['],
    ['instrument: pairs', INSTRUMENT, /"pairs":\s*\[/, '"pairs":7,"was":['],
    ['instrument: asset id', INSTRUMENT, /"id":\s*"USD"/, '"id":1'],
    ['instrument: an asset that is not an object', INSTRUMENT, /"assets":\s*\[/, '"assets":[1,'],
    ['instrument: pair symbol', INSTRUMENT, /"symbol":\s*"[A-Z]+\/[A-Z]+"/, '"symbol":1'],
    ['instrument: a pair that is not an object', INSTRUMENT, /"pairs":\s*\[/, '"pairs":[1,'],
    ['instrument: price_precision', INSTRUMENT, /"price_precision":\s*\d+/, '"price_precision":1.5'],
    ['instrument: qty_precision', INSTRUMENT, /"qty_precision":\s*\d+/, '"qty_precision":"8"'],
    ['pong: req_id', PONG, /"req_id":\s*101/, '"req_id":"101"'],
    ['pong: error', PONG, /"req_id":\s*101/, '"req_id":101,"error":7'],
    ['ack: req_id', ACK, /"success":true/, '"success":true,"req_id":"7"'],
    ['ack: result channel', ACK, /"channel":"book"/, '"channel":7'],
    ['ack: result symbol', ACK, /"symbol":"ETH\/USD"/, '"symbol":7'],
    ['ack: result depth', ACK, /"depth":25/, '"depth":"25"'],
    ['ack: result snapshot', ACK, /"snapshot":true/, '"snapshot":"true"'],
    ['ack: warnings not a list', ACK, /"symbol":"ETH\/USD"/, '"symbol":"ETH/USD","warnings":"deprecated"'],
    ['ack: a warning that is not text', ACK, /"symbol":"ETH\/USD"/, '"symbol":"ETH/USD","warnings":["fine",7]'],
    ['ack: success without a result', ACK, /"result":\{[^}]*\},/, ''],
    ['ack: success neither true nor false', ACK, /"success":true/, '"success":"yes"'],
    ['failure ack: error', FAILURE, /"error":"Already subscribed"/, '"error":7'],
    ['failure ack: symbol', FAILURE, /"symbol":"BTC\/USD"/, '"symbol":7'],
    ['book: a level that is null', ETH[3]!, /"bids":\[\]/, '"bids":[null]'],
    ['book: a level that is a number', ETH[3]!, /"bids":\[\]/, '"bids":[7]'],
    ['book: bids not a list', ETH[3]!, /"bids":\[\]/, '"bids":{}'],
    ['book: qty', ETH[3]!, /"qty":0\.00000000/, '"qty":null'],
    ['book: symbol', ETH[3]!, /"symbol":"ETH\/USD"/, '"symbol":7'],
  ];
  /** The shape check that must refuse each kind (a broken frame that is no longer JSON would say `invalid JSON`). */
  const REASONS: Record<string, string> = {
    trade: 'trade message with an unexpected shape', status: 'status message with an unexpected shape',
    instrument: 'instrument message with an unexpected shape', pong: 'pong with an unexpected shape',
    ack: 'subscribe response with an unexpected shape', 'failure ack': 'subscribe response with an unexpected shape',
    book: 'book message with an unexpected shape',
  };

  for (const [name, frame, field, replacement] of cases) {
    it(name, () => {
      assert.notEqual(parseKrakenFrame(frame).kind, 'unknown', 'the real frame parses');
      const broken = frame.replace(field, replacement);
      assert.notEqual(broken, frame, 'the field is in the frame');
      const reason = REASONS[name.slice(0, name.indexOf(':'))];
      assert.deepEqual(parseKrakenFrame(broken), { kind: 'unknown', malformed: true, reason }, broken.slice(0, 160));
    });
  }

  it('JSON that is not an object is malformed; an object with neither channel nor method is only unknown', () => {
    for (const text of ['[]', 'null', '7', '"x"']) {
      assert.deepEqual(parseKrakenFrame(text), { kind: 'unknown', malformed: true, reason: 'not a JSON object' }, text);
    }
    assert.deepEqual(parseKrakenFrame('{"event":"x"}'), { kind: 'unknown', malformed: false, reason: 'neither "channel" nor "method"' });
    const invalid = parseKrakenFrame(ETH[3]!.slice(0, 40));
    assert.deepEqual([invalid.kind, invalid.kind === 'unknown' && invalid.malformed], ['unknown', true], 'invalid JSON is malformed');
  });

  it('a pong that carries an error text is still a pong', () => {
    const pong = parseKrakenFrame(PONG.replace(/"req_id":\s*101/, '"req_id":101,"error":"Exceeded msg rate"'));
    assert.deepEqual(pong, { kind: 'pong', message: { method: 'pong', req_id: 101, error: 'Exceeded msg rate',
      time_in: '2023-09-24T14:10:23.799685Z', time_out: '2023-09-24T14:10:23.799703Z' } });
  });
});

describe('parseKrakenFrame: unknown and malformed, never throws', () => {
  it('book data without a checksum is malformed: Kraken sends one on every snapshot and update', () => {
    for (const text of [ETH[2]!, ETH[3]!]) {
      assert.equal(parseKrakenFrame(text).kind, 'book', 'the real frame parses');
      assert.deepEqual(parseKrakenFrame(withoutChecksum(text)),
        { kind: 'unknown', malformed: true, reason: 'book message with an unexpected shape' });
    }
  });

  it('channels and methods the gateway does not use are unknown, not malformed', () => {
    const expectations: [string, RegExp][] = [
      ['ticker_snapshot.json', /unknown channel "ticker"/], ['ohlc_update.json', /unknown channel "ohlc"/],
      ['balances_snapshot.json', /unknown channel "balances"/], ['ping_request.json', /unknown method "ping"/],
    ];
    for (const [file, reason] of expectations) {
      const frame = parseAs(readKrakenDoc(file), 'unknown');
      assert.equal(frame.malformed, false, file);
      assert.match(frame.reason, reason);
    }
  });

  it('invalid JSON, a non-object and a known channel with a bad shape are malformed', () => {
    const update = BTC[4]!;
    const truncated = parseAs(update.slice(0, 120), 'unknown');
    assert.equal(truncated.malformed, true);
    assert.match(truncated.reason, /^invalid JSON/);
    assert.equal(parseAs(`[${update}]`, 'unknown').reason, 'not a JSON object');
    const badLevel = parseAs(update.replace('"price":63005.0', '"price":null'), 'unknown');
    assert.deepEqual([badLevel.malformed, badLevel.reason], [true, 'book message with an unexpected shape']);
    const badType = parseAs(update.replace('"type":"update"', '"type":"delta"'), 'unknown');
    assert.equal(badType.malformed, true);
    const badAck = parseAs(BTC[1]!.replace('"success":true', '"success":"yes"'), 'unknown');
    assert.deepEqual([badAck.malformed, badAck.reason], [true, 'subscribe response with an unexpected shape']);
  });

  it('every frame of every wire capture and every docs example parses without throwing', () => {
    const counts = new Map<string, number>();
    for (const text of BTC) {
      const { kind } = parseKrakenFrame(text);
      counts.set(kind, (counts.get(kind) ?? 0) + 1);
    }
    assert.deepEqual(Object.fromEntries(counts), { status: 1, ack: 15, book: 301, heartbeat: 60 });
    for (const name of listKrakenCaptures().filter((file) => !file.endsWith('.json'))) {
      for (const text of readKrakenCaptureFrames(name)) assert.notEqual(parseKrakenFrame(text).kind, 'unknown', name);
    }
    for (const name of readdirSync(KRAKEN_DOCS)) {
      const texts = name.endsWith('.jsonl') ? readLines(new URL(name, KRAKEN_DOCS)) : [readKrakenDoc(name)];
      for (const text of texts) assert.doesNotThrow(() => parseKrakenFrame(text), name);
    }
  });
});
