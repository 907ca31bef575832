import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { binanceAdapter } from '../../src/exchanges/binance/index.ts';
import { snapshotWeight } from '../../src/exchanges/binance/spec.ts';
import { BinanceSymbolTable, toBinanceSymbol } from '../../src/exchanges/binance/symbols.ts';
import { readCapture } from '../support/binance-fixtures.ts';
import { binanceSession, codes, sends } from '../support/binance-replay.ts';

describe('binance adapter', () => {
  it('venue values', () => {
    const { exchange, defaultUrl, allowedBookDepths, maxSymbolsPerConnection, outboundRate, connectBudget, heartbeat,
      maxConnectionLifetimeMs, bookChecksum, restSnapshot } = binanceAdapter;
    assert.deepEqual({ exchange, defaultUrl, allowedBookDepths, maxSymbolsPerConnection, outboundRate, connectBudget, heartbeat,
      maxConnectionLifetimeMs, bookChecksum }, {
      exchange: 'binance', defaultUrl: 'wss://stream.binance.com:9443/stream', allowedBookDepths: [5, 10, 20, 50, 100, 500, 1000, 5000],
      maxSymbolsPerConnection: 512, outboundRate: { perSecond: 4, burst: 1 }, connectBudget: { attempts: 300, windowMs: 300_000 },
      heartbeat: 'server-ping', maxConnectionLifetimeMs: 86_400_000, bookChecksum: undefined,
    });
    assert.equal(restSnapshot!.usedWeightHeader, 'x-mbx-used-weight-1m');
    assert.deepEqual(restSnapshot!.weightLimit, { perWindow: 6000, windowMs: 60_000 });
  });

  it('connectUrl: both streams of every valid symbol in the combined-stream URL', () => {
    const connectUrl = binanceAdapter.connectUrl!;
    assert.equal(connectUrl('wss://stream.binance.com:9443/stream', ['BTC/USDT', 'eth/usdt', 'ETH/USDT']),
      'wss://stream.binance.com:9443/stream?streams=btcusdt@depth@100ms/btcusdt@trade/ethusdt@depth@100ms/ethusdt@trade');
    assert.equal(connectUrl('ws://127.0.0.1:9000/stream?timeUnit=millisecond', ['BNB/BTC']),
      'ws://127.0.0.1:9000/stream?timeUnit=millisecond&streams=bnbbtc@depth@100ms/bnbbtc@trade');
    assert.equal(connectUrl('ws://127.0.0.1:9000/stream', ['nope']), 'ws://127.0.0.1:9000/stream');
  });

  it('the stream names are the ones a real recorder used', () => {
    const open = readCapture('capture-2021-10-12-spot-4sym.jsonl')[0]!;
    const streams = new URL(open.url!).searchParams.get('streams')!.split('/');
    assert.ok(streams.includes('nknusdt@depth@100ms'));
    assert.ok(binanceAdapter.connectUrl!('wss://x/stream', ['NKN/USDT']).endsWith('streams=nknusdt@depth@100ms/nknusdt@trade'));
  });

  it('restSnapshot.request: path and weight by limit (binance-spot.md §5)', () => {
    const request = binanceAdapter.restSnapshot!.request;
    assert.deepEqual(request('BTC/USDT', 5000), { path: '/api/v3/depth?symbol=BTCUSDT&limit=5000', weight: 250 });
    assert.deepEqual(request('AAVEUP/USDT', 1000), { path: '/api/v3/depth?symbol=AAVEUPUSDT&limit=1000', weight: 50 });
    assert.deepEqual([1, 100, 101, 500, 501, 1000, 1001, 5000].map(snapshotWeight), [5, 5, 25, 25, 50, 50, 250, 250]);
    assert.deepEqual(binanceAdapter.allowedBookDepths.map((limit) => request('BNB/BTC', limit).weight), [5, 5, 5, 5, 5, 25, 50, 250]);
  });
});

describe('binance symbols', () => {
  it('BTC/USDT ⇄ BTCUSDT ⇄ btcusdt for configured symbols only', () => {
    const table = new BinanceSymbolTable(['BTC/USDT', 'AAVEUP/USDT', 'BTC/USDT', 'btc/usdt', 'BTCUSDT', 'BT/CUSDT']);
    assert.deepEqual(table.symbols, ['BTC/USDT', 'AAVEUP/USDT']);
    assert.deepEqual(table.invalid, ['btc/usdt', 'BTCUSDT']);
    assert.deepEqual(table.ambiguous, ['BT/CUSDT']);
    assert.equal(table.symbolOf('AAVEUPUSDT'), 'AAVEUP/USDT');
    assert.equal(table.symbolOfStream('aaveupusdt'), 'AAVEUP/USDT');
    assert.equal(table.venueNameOf('BTC/USDT'), 'BTCUSDT');
    assert.equal(table.streamSymbolOf('BTC/USDT'), 'btcusdt');
    assert.equal(table.symbolOf('ETHUSDT'), undefined);
    assert.deepEqual([toBinanceSymbol('ETH/BTC'), toBinanceSymbol('ETH-BTC'), toBinanceSymbol('eth/btc')], ['ETHBTC', undefined, undefined]);
  });
});

describe('binance session: trade resubscription', () => {
  it('UNSUBSCRIBE → ack → SUBSCRIBE → ack → subscribed, each request with a fresh id', () => {
    const session = binanceSession(['BTC/USDT', 'ETH/USDT']);
    const start = session.resyncTrades('ETH/USDT', 0);
    assert.deepEqual(sends(start), [{ method: 'UNSUBSCRIBE', params: ['ethusdt@trade'], id: 1 }]);
    assert.deepEqual(codes(session.resyncTrades('ETH/USDT', 1000)), ['debug:resync_in_progress']);
    const unsubscribed = session.onFrame('{"result":null,"id":1}', 0);
    assert.deepEqual(unsubscribed.events, [{ type: 'unsubscribed', symbol: 'ETH/USDT', channel: 'trades' }]);
    assert.deepEqual(sends(unsubscribed), [{ method: 'SUBSCRIBE', params: ['ethusdt@trade'], id: 2 }]);
    assert.deepEqual(session.onFrame('{"result":null,"id":2}', 0), { events: [{ type: 'subscribed', symbol: 'ETH/USDT', channel: 'trades' }], actions: [] });
    assert.deepEqual(codes(session.onFrame('{"result":null,"id":2}', 0)), ['debug:unexpected_response'], 'settled once');
    assert.deepEqual(sends(session.resyncTrades('ETH/USDT', 2000)), [{ method: 'UNSUBSCRIBE', params: ['ethusdt@trade'], id: 3 }]);
  });

  it('an error reply matching a pending id → subscribe_failed; id null or unknown → warn report', () => {
    const session = binanceSession(['BTC/USDT']);
    session.resyncTrades('BTC/USDT', 0);
    assert.deepEqual(session.onFrame('{"error":{"code":2,"msg":"Invalid request: invalid stream"},"id":1}', 0),
      { events: [{ type: 'subscribe_failed', symbol: 'BTC/USDT', channel: 'trades', error: 'code 2: Invalid request: invalid stream' }], actions: [] });
    session.resyncTrades('BTC/USDT', 0);
    session.onFrame('{"result":null,"id":2}', 0);
    assert.deepEqual(session.onFrame('{"code": 2, "msg": "Invalid request: too many parameters", "id": 3}', 0).events,
      [{ type: 'subscribe_failed', symbol: 'BTC/USDT', channel: 'trades', error: 'code 2: Invalid request: too many parameters' }], 'flat form');
    const unmatched = session.onFrame('{"error":{"code":2,"msg":"Invalid request"},"id":null}', 0);
    assert.deepEqual([unmatched.events, codes(unmatched)], [[], ['warn:venue_error']]);
    assert.match((unmatched.actions[0] as { message: string }).message, /code 2: Invalid request \(request id null/);
    assert.deepEqual(codes(session.onFrame('{"error":{"code":4,"msg":"Too many subscriptions"},"id":99}', 0)), ['warn:venue_error']);
  });

  it('a stuck resubscription starts again after 30 s; an unknown symbol is reported', () => {
    const session = binanceSession(['BTC/USDT']);
    session.resyncTrades('BTC/USDT', 0);
    assert.deepEqual(sends(session.resyncTrades('BTC/USDT', 30_000)), [{ method: 'UNSUBSCRIBE', params: ['btcusdt@trade'], id: 2 }]);
    assert.deepEqual(codes(session.resyncTrades('DOGE/USDT', 0)), ['warn:resync_unknown_symbol']);
  });

  it('a book resync sends nothing (the diff stream stays subscribed) and asks for a snapshot at once', () => {
    assert.deepEqual(binanceSession(['BTC/USDT']).resync('BTC/USDT', 'sequence_gap', 0),
      { events: [], actions: [{ type: 'fetch-snapshot', symbol: 'BTC/USDT' }] });
  });
});
