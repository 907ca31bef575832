import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExchangeId } from '../../src/exchanges/registry.ts';
import { diffWindow } from '../../src/server/book-window.ts';
import {
  normalizeSymbol, parseCommand, PROTOCOL_ERRORS, type BookCatalog, type ParseResult, type ProtocolErrorCode,
} from '../../src/server/protocol.ts';
import {
  formatGatewayTime, serializeAck, serializeBookSnapshot, serializeBookUpdate, serializeError, serializePong,
  serializeShutdown, serializeStatus, serializeTrade,
} from '../../src/server/serializers.ts';

const HELD: Record<string, number> = { 'kraken BTC/USD': 10, 'kraken ETH/USD': 25, 'kraken DOGE/USD': 5, 'binance BTC/USDT': 1000 };
const catalog: BookCatalog = {
  exchanges: () => ['kraken', 'binance'],
  heldDepth: (exchange: ExchangeId, symbol: string) => HELD[`${exchange} ${symbol}`],
};

const parse = (value: unknown): ParseResult => parseCommand(typeof value === 'string' ? value : JSON.stringify(value), false, catalog);

function assertError(result: ParseResult, code: ProtocolErrorCode, id?: number | string, message?: RegExp): void {
  assert.equal(result.ok, false, `expected ${code}`);
  if (result.ok) return;
  assert.equal(result.error.code, code);
  assert.equal(result.error.id, id);
  if (message !== undefined) assert.match(result.error.message, message);
}

const sub = { op: 'subscribe', id: 1, channel: 'book', exchange: 'kraken', symbol: 'BTC/USD' };

describe('protocol: parsing bot frames', () => {
  it('parses the README.md protocol examples', () => {
    assert.deepEqual(parse({ ...sub, depth: 10 }), { ok: true,
      command: { op: 'subscribe', id: 1, channel: 'book', exchange: 'kraken', symbol: 'BTC/USD', depth: 10 } });
    assert.deepEqual(parse({ op: 'subscribe', id: 2, channel: 'trades', exchange: 'binance', symbol: 'BTC/USDT' }), { ok: true,
      command: { op: 'subscribe', id: 2, channel: 'trades', exchange: 'binance', symbol: 'BTC/USDT', depth: undefined } });
    assert.deepEqual(parse({ op: 'unsubscribe', id: 3, channel: 'book', exchange: 'kraken', symbol: 'BTC/USD' }), { ok: true,
      command: { op: 'unsubscribe', id: 3, channel: 'book', exchange: 'kraken', symbol: 'BTC/USD' } });
    assert.deepEqual(parse({ op: 'ping', id: 4 }), { ok: true, command: { op: 'ping', id: 4 } });
    assert.deepEqual(parse({ op: 'ping', id: 'req-7' }), { ok: true, command: { op: 'ping', id: 'req-7' } });
  });

  it('defaults book depth to 10 capped at the held depth, and validates explicit depths', () => {
    const depthOf = (result: ParseResult): unknown => (result.ok && result.command.op === 'subscribe' ? result.command.depth : result);
    assert.equal(depthOf(parse(sub)), 10);
    assert.equal(depthOf(parse({ ...sub, symbol: 'DOGE/USD' })), 5);
    assert.equal(depthOf(parse({ ...sub, symbol: 'ETH/USD', depth: 25 })), 25);
    assert.equal(depthOf(parse({ ...sub, depth: 1 })), 1);
    for (const depth of [0, 11, -1, 2.5, '5', null, true, 1e9]) {
      assertError(parse({ ...sub, depth }), 'invalid_depth', 1, /depth must be an integer from 1 to 10/);
    }
    assertError(parse({ ...sub, channel: 'trades', depth: 5 }), 'invalid_depth', 1, /book channel only/);
  });

  it('normalizes symbols to upper-case BASE/QUOTE and rejects venue names', () => {
    assert.equal(normalizeSymbol('btc/usd'), 'BTC/USD');
    assert.equal(normalizeSymbol('Eth/Usd'), 'ETH/USD');
    for (const venueName of ['XBTUSD', 'BTCUSDT', 'BTC-USD', 'btc_usd', 'BTC/', '/USD', 'BTC/USD/X', ' BTC/USD', '']) {
      assert.equal(normalizeSymbol(venueName), undefined, venueName);
    }
    const lower = parse({ ...sub, symbol: 'btc/usd' });
    assert.ok(lower.ok && lower.command.op === 'subscribe' && lower.command.symbol === 'BTC/USD');
    assertError(parse({ ...sub, symbol: 'XBT/USD' }), 'unknown_symbol', 1, /^kraken has no configured symbol XBT\/USD$/);
    assertError(parse({ ...sub, symbol: 'BTC-USD' }), 'unknown_symbol', 1, /symbols are BASE\/QUOTE/);
  });

  it('answers every error code with the id when the frame had one', () => {
    assertError(parseCommand('{"op":"ping"', false, catalog), 'invalid_json');
    assertError(parseCommand('{"op":"ping","id":1}', true, catalog), 'binary_not_supported');
    for (const value of [[], 'x', 42, null]) assertError(parse(JSON.stringify(value)), 'invalid_message');
    assertError(parse({ op: 'ping' }), 'invalid_message', undefined, /id must be/);
    assertError(parse({ op: 'ping', id: 1.5 }), 'invalid_message');
    assertError(parse({ op: 'ping', id: '' }), 'invalid_message');
    assertError(parse({ op: 'ping', id: 'x'.repeat(65) }), 'invalid_message');
    assertError(parse({ id: 7 }), 'invalid_message', 7, /op must be a string/);
    assertError(parse({ op: 'subscribe', id: 7, exchange: 'kraken', symbol: 'BTC/USD' }), 'invalid_message', 7, /channel/);
    assertError(parse({ ...sub, exchange: 3 }), 'invalid_message', 1, /exchange/);
    assertError(parse({ ...sub, symbol: ['BTC/USD'] }), 'invalid_message', 1, /symbol/);
    assertError(parse({ op: 'auth', id: 8 }), 'unknown_op', 8, /unknown op "auth"/);
    assertError(parse({ ...sub, channel: 'ticker' }), 'unknown_channel', 1, /unknown channel "ticker"/);
    assertError(parse({ ...sub, exchange: 'coinbase' }), 'unknown_exchange', 1, /configured: kraken, binance/);
    assertError(parse({ ...sub, exchange: 'Kraken' }), 'unknown_exchange', 1);
    assertError(parse({ ...sub, symbol: 'DOGE/EUR' }), 'unknown_symbol', 1, /^kraken has no configured symbol DOGE\/EUR$/);
    assertError(parse({ ...sub, id: 'a', depth: 0 }), 'invalid_depth', 'a');
  });

  it('documents every code it can produce, and clips echoed bot text', () => {
    assert.deepEqual(Object.keys(PROTOCOL_ERRORS).sort(), [
      'already_subscribed', 'binary_not_supported', 'invalid_depth', 'invalid_json', 'invalid_message',
      'message_too_large', 'not_subscribed', 'too_many_subscriptions', 'unknown_channel', 'unknown_exchange', 'unknown_op', 'unknown_symbol',
    ]);
    const result = parse({ op: 'x'.repeat(4_000), id: 1 });
    assert.ok(!result.ok && result.error.message.length < 120);
    assertError(parse({ op: 'ping', id: 1, padding: 'x'.repeat(5_000) }), 'message_too_large');
  });
});

describe('protocol: gateway → bot serializers (exact text, README.md field order)', () => {
  const gatewayTime = '2026-11-25T10:00:00.123789Z';

  it('formats gatewayTime with microseconds from the injected clock value', () => {
    assert.equal(formatGatewayTime(Date.UTC(2026, 10, 25, 10, 0, 0, 123) + 0.789), gatewayTime);
    assert.equal(formatGatewayTime(Date.UTC(2026, 10, 25, 10, 0, 0, 0)), '2026-11-25T10:00:00.000000Z');
    assert.equal(formatGatewayTime(Date.UTC(2026, 10, 25, 10, 0, 0, 5) + 0.001), '2026-11-25T10:00:00.005001Z');
    assert.equal(formatGatewayTime(Date.UTC(2026, 10, 25, 10, 0, 0, 999) + 0.9996), '2026-11-25T10:00:01.000000Z');
  });

  it('serializes every message type', () => {
    assert.equal(serializeAck(1), '{"type":"ack","id":1}');
    assert.equal(serializeAck('a"b'), '{"type":"ack","id":"a\\"b"}');
    assert.equal(serializePong(4), '{"type":"pong","id":4}');
    assert.equal(serializeError({ id: 1, code: 'unknown_symbol', message: 'kraken has no configured symbol DOGE/EUR' }),
      '{"type":"error","id":1,"code":"unknown_symbol","message":"kraken has no configured symbol DOGE/EUR"}');
    assert.equal(serializeError({ code: 'invalid_json', message: 'bad' }), '{"type":"error","code":"invalid_json","message":"bad"}');
    assert.equal(serializeBookSnapshot({ exchange: 'kraken', symbol: 'BTC/USD', seq: 41, depth: 10,
      bids: [['45283.5', '0.10000000']], asks: [['45285.2', '0.00100000']],
      exchangeTime: '2026-11-25T10:00:00.123456Z', receivedTime: '2026-11-25T10:00:00.123601Z', gatewayTime }),
    '{"type":"book_snapshot","exchange":"kraken","symbol":"BTC/USD","seq":41,"depth":10,'
      + '"bids":[["45283.5","0.10000000"]],"asks":[["45285.2","0.00100000"]],'
      + '"exchangeTime":"2026-11-25T10:00:00.123456Z","receivedTime":"2026-11-25T10:00:00.123601Z",'
      + '"gatewayTime":"2026-11-25T10:00:00.123789Z"}');
    assert.equal(serializeBookUpdate({ exchange: 'kraken', symbol: 'BTC/USD', seq: 42, bids: [['45283.5', '0']], asks: [],
      exchangeTime: 'E', receivedTime: 'R', gatewayTime }),
    `{"type":"book_update","exchange":"kraken","symbol":"BTC/USD","seq":42,"bids":[["45283.5","0"]],"asks":[],"exchangeTime":"E","receivedTime":"R","gatewayTime":"${gatewayTime}"}`);
    assert.equal(serializeTrade('kraken', 'BTC/USD', 7,
      { tradeId: '4665906', price: '45283.5', size: '0.00010000', side: 'buy', exchangeTime: 'E' }, 'R', gatewayTime),
    `{"type":"trade","exchange":"kraken","symbol":"BTC/USD","seq":7,"tradeId":"4665906","price":"45283.5","size":"0.00010000","side":"buy","exchangeTime":"E","receivedTime":"R","gatewayTime":"${gatewayTime}"}`);
    assert.equal(serializeStatus('kraken', 'BTC/USD', 'resyncing', 'checksum_mismatch'),
      '{"type":"status","exchange":"kraken","symbol":"BTC/USD","state":"resyncing","reason":"checksum_mismatch"}');
    assert.equal(serializeStatus('kraken', 'BTC/USD', 'awaiting-snapshot', undefined),
      '{"type":"status","exchange":"kraken","symbol":"BTC/USD","state":"awaiting-snapshot","reason":"starting"}');
    assert.equal(serializeShutdown('kraken', 'BTC/USD'),
      '{"type":"status","exchange":"kraken","symbol":"BTC/USD","state":"shutting_down","reason":"shutting_down"}');
    assert.equal(serializeShutdown(), '{"type":"status","state":"shutting_down","reason":"shutting_down"}');
  });

  it('writes book and trade messages exactly as JSON.stringify would, whatever the venue text', () => {
    const nasty = ['', 'plain', 'q"uote', 'back\\slash', 'nl\n', '\u0000\u001f', '\u2028\u2029', 'é€😀', '\ud800', 'a\udc00b', '</script>'];
    for (const a of nasty) {
      for (const b of nasty) {
        const fields = { exchange: 'kraken' as const, symbol: a, seq: 7, bids: [[a, b], ['1.0', b]] as [string, string][],
          asks: [[b, a]] as [string, string][], exchangeTime: b, receivedTime: a, gatewayTime };
        assert.equal(serializeBookUpdate(fields), JSON.stringify({ type: 'book_update', exchange: 'kraken', symbol: a, seq: 7,
          bids: fields.bids, asks: fields.asks, exchangeTime: b, receivedTime: a, gatewayTime }));
        assert.equal(serializeBookSnapshot({ ...fields, depth: 3 }), JSON.stringify({ type: 'book_snapshot', exchange: 'kraken',
          symbol: a, seq: 7, depth: 3, bids: fields.bids, asks: fields.asks, exchangeTime: b, receivedTime: a, gatewayTime }));
        const trade = { tradeId: a, price: b, size: a, side: 'sell' as const, exchangeTime: b };
        assert.equal(serializeTrade('binance', b, 9, trade, a, gatewayTime), JSON.stringify({ type: 'trade', exchange: 'binance',
          symbol: b, seq: 9, tradeId: a, price: b, size: a, side: 'sell', exchangeTime: b, receivedTime: a, gatewayTime }));
      }
    }
  });

  it('escapes venue text instead of breaking the frame', () => {
    const text = serializeBookUpdate({ exchange: 'kraken', symbol: 'BTC/USD', seq: 1, bids: [['1\n', '2"']], asks: [],
      exchangeTime: '', receivedTime: gatewayTime, gatewayTime });
    assert.deepEqual((JSON.parse(text) as { bids: unknown }).bids, [['1\n', '2"']]);
  });
});

describe('book window diff', () => {
  it('removes first, then adds the level that enters the window', () => {
    const a = ['100.0', '1'] as const;
    const b = ['99.5', '2'] as const;
    const c = ['99.0', '3'] as const;
    assert.deepEqual(diffWindow('bids', [a, b], [b, c]), [['100.0', '0'], c]);
    assert.deepEqual(diffWindow('bids', [a, b], [a, b]), []);
    assert.deepEqual(diffWindow('bids', [a, b], [['100.0', '1'], b]), [], 'same text, new tuple');
    assert.deepEqual(diffWindow('bids', [a, b], [['100.0', '5'], b]), [['100.0', '5']]);
    assert.deepEqual(diffWindow('asks', [c, b], [b]), [['99.0', '0']]);
    assert.deepEqual(diffWindow('asks', [], [c, b]), [c, b]);
    assert.deepEqual(diffWindow('bids', [['100.00', '1']], [['100.0', '1']]), [['100.00', '0'], ['100.0', '1']],
      'same price written differently: remove the old text before setting the new');
  });
});
