import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { handleControl, type ControlState } from '../../src/sim/binance/control.ts';
import { parseBinanceCapture } from '../../src/sim/binance/replay-capture.ts';
import { SnapshotGate } from '../../src/sim/binance/snapshot-gate.ts';
import { parseStreamName } from '../../src/sim/binance/streams.ts';
import { parseUpgradePath } from '../../src/sim/binance/upgrade-path.ts';

const state: ControlState = { streams: ['btcusdt@trade'], combined: false, maxStreams: 3 };
const reply = (text: string, over: Partial<ControlState> = {}) => handleControl(text, { ...state, ...over });

describe('Binance simulator control messages (pure)', () => {
  it('parses the stream-name grammar: fed, silent and malformed names', () => {
    assert.equal(parseStreamName('btcusdt@depth@100ms')?.kind, 'depth@100ms');
    assert.equal(parseStreamName('btcusdt@bookTicker')?.kind, 'bookTicker');
    assert.deepEqual(parseStreamName('btcusdt@kline_1m'), { name: 'btcusdt@kline_1m', symbol: 'btcusdt', kind: undefined });
    assert.equal(parseStreamName('!ticker_1h@arr')?.kind, undefined);
    for (const bad of ['BTCUSDT@trade', 'btcusdt@depth@250ms', 'btcusdt', '@trade', 'btcusdt@kline_7m', '!bookTicker']) {
      assert.equal(parseStreamName(bad), undefined, bad);
    }
  });

  it('acks, lists and changes properties', () => {
    assert.deepEqual(reply('{"method":"SUBSCRIBE","params":["ethusdt@depth","btcusdt@trade"],"id":1}'),
      { reply: '{"result":null,"id":1}', method: 'SUBSCRIBE', subscribe: ['ethusdt@depth'] });
    assert.equal(reply('{"method":"LIST_SUBSCRIPTIONS","id":"abc"}').reply, '{"result":["btcusdt@trade"],"id":"abc"}');
    assert.deepEqual(reply('{"method":"SET_PROPERTY","params":["combined",true],"id":5}').combined, true);
    assert.equal(reply('{"method":"GET_PROPERTY","params":["combined"],"id":2}').reply, '{"result":false,"id":2}');
    assert.deepEqual(reply('{"method":"UNSUBSCRIBE","params":["btcusdt@trade"],"id":312}').unsubscribe, ['btcusdt@trade']);
  });

  it('answers every error in the nested form', () => {
    const cases: Array<[string, string]> = [
      ['{"method":', '{"error":{"code":3,"msg":"Invalid JSON: expected value at line 1 column 1"},"id":null}'],
      ['{"method":"SUBSCRIBE","params":["btcusdt@nope"],"id":1}', '{"error":{"code":2,"msg":"Invalid request: invalid stream"},"id":1}'],
      ['{"method":"SET_PROPERTY","params":["combined",1],"id":2}', '{"error":{"code":1,"msg":"Invalid value type: expected Boolean"},"id":2}'],
      ['{"method":"GET_PROPERTY","params":["x"],"id":3}', '{"error":{"code":0,"msg":"Unknown property"},"id":3}'],
      ['{"method":"GET_PROPERTY","params":[7],"id":4}', '{"error":{"code":2,"msg":"Invalid request: property name must be a string"},"id":4}'],
      ['{"method":"SET_PROPERTY","params":["combined",true,1],"id":5}', '{"error":{"code":2,"msg":"Invalid request: too many parameters"},"id":5}'],
      ['{"method":"LIST_SUBSCRIPTIONS","id":{}}', '{"error":{"code":2,"msg":"Invalid request: request ID must be an unsigned integer"},"id":null}'],
      ['{"params":[],"id":6}', '{"error":{"code":2,"msg":"Invalid request: missing field `method` at line 1 column 20"},"id":6}'],
      ['{"method":"PING","id":7}', '{"error":{"code":2,"msg":"Invalid request: unknown variant `PING`, expected one of `SUBSCRIBE`, ' +
        '`UNSUBSCRIBE`, `LIST_SUBSCRIPTIONS`, `SET_PROPERTY`, `GET_PROPERTY` at line 1 column 16"},"id":7}'],
    ];
    for (const [request, expected] of cases) assert.equal(reply(request).reply, expected, request);
  });

  it('refuses streams past the cap with code 4 and a 1008 close', () => {
    const outcome = reply('{"method":"SUBSCRIBE","params":["a1usdt@trade","a2usdt@trade","a3usdt@trade"],"id":9}');
    assert.equal(outcome.reply, '{"error":{"code":4,"msg":"Too many subscriptions"},"id":9}');
    assert.deepEqual(outcome.close, { code: 1008, reason: 'Invalid request' });
    assert.equal(outcome.subscribe, undefined);
  });

  it('maps upgrade URLs to raw or combined connections', () => {
    assert.deepEqual(parseUpgradePath('/stream?streams=btcusdt@trade/ethusdt@depth', 5),
      { kind: 'accept', combined: true, streams: ['btcusdt@trade', 'ethusdt@depth'] });
    assert.deepEqual(parseUpgradePath('/ws/btcusdt@trade', 5), { kind: 'accept', combined: false, streams: ['btcusdt@trade'] });
    assert.deepEqual(parseUpgradePath('/ws', 5), { kind: 'accept', combined: false, streams: [] });
    assert.equal(parseUpgradePath('/api/v3/depth', 5).kind, 'refuse');
    assert.deepEqual(parseUpgradePath('/stream?streams=a1usdt@trade/a2usdt@trade', 1),
      { kind: 'refuse', status: 400, body: '{"code":4,"msg":"Too many subscriptions"}' });
  });
});

describe('Binance replay (pure parts)', () => {
  it('reads capture lines and numbers each symbol\'s recorded snapshots', () => {
    const capture = parseBinanceCapture([
      '{"recv_ts":1,"src":"ws-open","url":"wss://x/stream?streams=abcusdt@depth@100ms"}',
      '{"recv_ts":2,"src":"ws","raw":"{\\"stream\\":\\"abcusdt@depth@100ms\\",\\"data\\":{\\"e\\":\\"depthUpdate\\",\\"s\\":\\"ABCUSDT\\"}}"}',
      '{"recv_ts":3,"src":"rest","url":"https://x/api/v3/depth?symbol=ABCUSDT&limit=1000","raw":"{\\"lastUpdateId\\":1}"}',
      '{"recv_ts":4,"src":"rest","url":"https://x/api/v3/depth?symbol=ABCUSDT&limit=1000","raw":"{\\"lastUpdateId\\":2}"}',
    ].join('\n'));
    assert.equal(capture.openUrl, 'wss://x/stream?streams=abcusdt@depth@100ms');
    assert.deepEqual(capture.symbols, ['ABCUSDT']);
    assert.deepEqual(capture.entries.map((entry) => entry.kind === 'rest' ? entry.ordinal : entry.stream), ['abcusdt@depth@100ms', 0, 1]);
  });

  it('holds playback until the snapshot is requested, and an early request until playback gets there', async () => {
    const gate = new SnapshotGate(5000);
    let played = false;
    const playback = gate.reach('X', 0).then(() => {
      played = true;
    });
    await Promise.resolve();
    assert.equal(played, false);
    const first = gate.request('X', true);
    await playback;
    await first.ready;
    assert.equal(first.ordinal, 0);
    let answered = false;
    const early = gate.request('X', true);
    void early.ready.then(() => {
      answered = true;
    });
    await Promise.resolve();
    assert.equal(answered, false, 'snapshot 1 is not reached yet');
    await gate.reach('X', 1);
    await early.ready;
    assert.equal(early.ordinal, 1);
  });

  it('gives up waiting after maxWaitMs', async () => {
    const gate = new SnapshotGate(10);
    await gate.reach('Y', 0);
    await gate.request('Y', true).ready;
    gate.releaseAll();
  });
});
