import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseBinanceFrame, streamKind, type BinanceFrame } from '../../src/exchanges/binance/parse.ts';
import { binanceRestSnapshot } from '../../src/exchanges/binance/spec.ts';
import { observedErrorFrames, readDocsExamples, readFixture, readFixtureLines } from '../support/binance-fixtures.ts';
import { binanceSession, codes } from '../support/binance-replay.ts';

const { examples, templates } = readDocsExamples();
const example = (title: string): string => {
  assert.ok(title in examples, `docs example "${title}"`);
  return JSON.stringify(examples[title]);
};
const kind = (text: string): string => parseBinanceFrame(text).kind;

describe('binance parse: stream payloads', () => {
  it('historical 2019 trades with the since-removed b/a order ids parse as trades', () => {
    const [first, second, ticker] = readFixtureLines('historical-2019-trade-format-with-b-a.jsonl').map(parseBinanceFrame);
    assert.deepEqual(first, { kind: 'trade', message: { e: 'trade', E: 1554076800945, s: 'BNBBTC', t: 40756030, p: '0.00426990',
      q: '33.82000000', b: 133829535, a: 133829504, T: 1554076800940, m: false, M: true } });
    assert.equal(second!.kind === 'trade' && second!.message.m, true);
    assert.deepEqual(ticker, { kind: 'unused', stream: 'bookTicker' });
    const output = binanceSession(['BNB/BTC']).onFrame(readFixtureLines('historical-2019-trade-format-with-b-a.jsonl')[1]!, 0);
    assert.deepEqual(output.events, [{ type: 'trades', symbol: 'BNB/BTC', snapshot: false, trades: [{ tradeId: '60276726',
      price: '0.00219650', size: '6.48000000', side: 'sell', exchangeTime: '2019-09-01T00:00:01.034Z' }] }]);
  });

  it('documented depthUpdate and trade, raw and wrapped in a combined stream', () => {
    const depth = example('Diff. Depth Stream');
    assert.deepEqual(parseBinanceFrame(depth), { kind: 'depth', message: { e: 'depthUpdate', E: 1672515782136, s: 'BNBBTC', U: 157,
      u: 160, b: [['0.0024', '10']], a: [['0.0026', '100']] } });
    assert.deepEqual(parseBinanceFrame(`{"stream":"bnbbtc@depth@100ms","data":${depth}}`), parseBinanceFrame(depth));
    const trade = parseBinanceFrame(example('Trade Streams'));
    assert.equal(trade.kind === 'trade' && trade.message.t, 12345);
    assert.deepEqual(parseBinanceFrame(`{"stream":"bnbbtc@trade","data":${example('Trade Streams')}}`), trade);
  });

  it('every other documented stream is an unused stream, never unknown', () => {
    const unused: Record<string, string> = {
      'Aggregate Trade Streams': 'aggTrade', 'Block Trade Streams': 'blockTrade', 'Reference Price Streams': 'referencePrice',
      'Kline/Candlestick Streams for UTC': 'kline', 'Kline/Candlestick Streams with timezone offset': 'kline',
      'Individual Symbol Mini Ticker Stream': '24hrMiniTicker', 'Individual Symbol Ticker Streams': '24hrTicker',
      'Individual Symbol Rolling Window Statistics Streams': '1hTicker', 'Individual Symbol Book Ticker Streams': 'bookTicker',
      'Average Price': 'avgPrice', 'Partial Book Depth Streams': 'partialDepth',
    };
    for (const [title, stream] of Object.entries(unused)) assert.deepEqual(parseBinanceFrame(example(title)), { kind: 'unused', stream }, title);
    assert.deepEqual(parseBinanceFrame(`{"stream":"!miniTicker@arr","data":${example('All Market Mini Tickers Stream')}}`),
      { kind: 'unused', stream: '!miniTicker@arr' });
    assert.deepEqual(parseBinanceFrame(`{"stream":"bnbbtc@depth5@100ms","data":${example('Partial Book Depth Streams')}}`),
      { kind: 'unused', stream: 'depth5@100ms' });
    assert.deepEqual([streamKind('btcusdt@kline_1m'), streamKind('!serverShutdown')], ['kline_1m', '!serverShutdown']);
  });

  it('serverShutdown in both documented forms', () => {
    const want: BinanceFrame = { kind: 'shutdown', message: { e: 'serverShutdown', E: 1770123456789 } };
    assert.deepEqual(parseBinanceFrame(example('Server Shutdown / `raw` stream:')), want);
    assert.deepEqual(parseBinanceFrame(example('Server Shutdown / `combined` stream:')), want);
  });

  it('a stream the gateway uses with a wrong shape is malformed; invalid JSON too', () => {
    const depth = parseBinanceFrame('{"stream":"bnbbtc@depth@100ms","data":{"e":"depthUpdate","E":1,"s":"BNBBTC","U":1,"u":2,"b":[[1,2]],"a":[]}}');
    assert.deepEqual([depth.kind, depth.kind === 'unknown' && depth.malformed], ['unknown', true]);
    const cut = parseBinanceFrame(example('Diff. Depth Stream').slice(0, 40));
    assert.ok(cut.kind === 'unknown' && cut.malformed && cut.reason.startsWith('invalid JSON'));
    const stranger = parseBinanceFrame('{"foo":1}');
    assert.deepEqual(stranger, { kind: 'unknown', malformed: false, reason: 'neither a stream payload, a control reply nor an error' });
  });
});

describe('binance parse: control replies and errors', () => {
  it('documented responses: result null / list / boolean, with their ids', () => {
    for (const [title, id] of [['Subscribe to a stream / Response', 1], ['Unsubscribe to a stream / Response', 312],
      ['Listing Subscriptions / Response', 3], ['Setting Properties / Response', 5], ['Retrieving Properties / Response', 2]] as const) {
      const frame = parseBinanceFrame(example(title));
      assert.equal(frame.kind, 'result', title);
      assert.equal(frame.kind === 'result' && frame.message.id, id, title);
    }
    const list = parseBinanceFrame(example('Listing Subscriptions / Response'));
    assert.deepEqual(list.kind === 'result' && list.message.result, ['btcusdt@aggTrade']);
  });

  it('nested errors as observed on the wire, id number or null', () => {
    const frames = observedErrorFrames();
    assert.equal(frames.length, 4);
    const parsed = frames.map(parseBinanceFrame);
    assert.deepEqual(parsed.map((frame) => frame.kind), ['error', 'error', 'error', 'error']);
    assert.deepEqual(parsed[3], { kind: 'error', message: { error: { code: 2, msg: 'Invalid request' }, id: null } });
    assert.deepEqual(parsed[2], { kind: 'error', message: { error: { code: 4, msg: 'Too many subscriptions' }, id: 1 } });
  });

  it('every flat error of the documented table, with an id, a null id or none', () => {
    assert.equal(templates.length, 9);
    for (const { message_template: template } of templates) {
      for (const id of ['7', 'null']) {
        const text = template.replace('"id": %s', `"id": ${id}`).replaceAll('%s', '1');
        const frame = parseBinanceFrame(text);
        assert.equal(frame.kind, 'error', text);
        assert.ok(frame.kind === 'error' && !('error' in frame.message) && typeof frame.message.code === 'number', text);
      }
    }
  });

  it('the WS-API 418 ban response (nested error, string id) is an error, not a crash', () => {
    assert.equal(kind(example('WebSocket API 418 ban response')), 'error');
  });
});

describe('binance parse: the synthetic snapshot frame', () => {
  it('carries the REST body verbatim under the Binance symbol name', () => {
    const body = readFixture('testnet-2026-09-13-btcusdt-depth-limit100.json');
    const frame = binanceRestSnapshot.frame('BTC/USDT', body);
    assert.equal(frame, `{"mgwSnapshot":"BTCUSDT","data":${body}}`);
    const parsed = parseBinanceFrame(frame);
    assert.ok(parsed.kind === 'snapshot');
    assert.deepEqual([parsed.venueSymbol, parsed.message.lastUpdateId, parsed.message.bids.length, parsed.message.asks.length],
      ['BTCUSDT', 1801494, 100, 100]);
    const documented = parseBinanceFrame(binanceRestSnapshot.frame('BNB/BTC', example('REST GET /api/v3/depth / Response')));
    assert.deepEqual(documented, { kind: 'snapshot', venueSymbol: 'BNBBTC', message: { lastUpdateId: 1027024,
      bids: [['4.00000000', '431.00000000']], asks: [['4.00000200', '12.00000000']] } });
  });

  it('a REST error body inside it is snapshot_invalid with the code', () => {
    assert.deepEqual(parseBinanceFrame(binanceRestSnapshot.frame('BTC/USDT', '{"code":-1121,"msg":"Invalid symbol."}')),
      { kind: 'snapshot_invalid', venueSymbol: 'BTCUSDT', reason: 'REST error code -1121: Invalid symbol.' });
  });

  it('a session handles every documented example without throwing and without unknown_message', () => {
    const session = binanceSession(['BNB/BTC', 'BTC/USDT']);
    for (const [title, value] of Object.entries(examples)) {
      if (title.endsWith('/ Request') || title.startsWith('All Market')) continue;
      const output = session.onFrame(JSON.stringify(value), 0);
      assert.ok(!codes(output).some((code) => code.startsWith('warn:unknown') || code.startsWith('warn:malformed')), title);
    }
  });
});
