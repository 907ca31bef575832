import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseKrakenFrame } from '../../src/exchanges/kraken/parse.ts';
import { isRecord } from '../../src/sim/json-value.ts';
import { frameKind } from '../../src/sim/kraken/wire-read.ts';
import { readKrakenCaptureFrames, readKrakenDoc } from '../support/kraken-fixtures.ts';
import { krakenHarness } from '../support/kraken-harness.ts';
import { waitFor } from '../support/wait-for.ts';

const { simulator, client } = krakenHarness({ seed: 11, snapshotDelayMs: 20 });

/** Keys (in order) of every object, arrays by their first element: `{channel:string,data:[{…}]}`. */
function shape(value: unknown): string {
  if (Array.isArray(value)) return value.length === 0 ? '[]' : `[${shape(value[0])}]`;
  if (isRecord(value)) return `{${Object.entries(value).map(([key, item]) => `${key}:${shape(item)}`).join(',')}}`;
  return typeof value;
}

const shapeOf = (text: string) => shape(JSON.parse(text));
const realBtc = readKrakenCaptureFrames('crossbook_kraken_btcusd_d10_l2.frames.jsonl');
const firstReal = (predicate: (frame: string) => boolean) => {
  const frame = realBtc.find(predicate);
  assert.ok(frame !== undefined);
  return frame;
};

describe('Kraken simulator: protocol', () => {
  it('sends status first, with a 64-bit connection_id printed as an integer literal', async () => {
    const sim = await simulator();
    const bot = await client(sim);
    await waitFor(() => bot.frames.length > 0);
    const status = bot.frames[0] ?? '';
    assert.match(status, /^\{"channel":"status","type":"update","data":\[\{"version":"2\.0\.10","system":"online","api_version":"v2","connection_id":\d+\}\]\}$/);
    assert.ok(BigInt(/"connection_id":(\d+)/.exec(status)?.[1] ?? '0') > 2n ** 53n);
    assert.equal(sim.connectionCount, 1);
    assert.equal(sim.connectionsAccepted, 1);
  });

  it('acks one per symbol with req_id, rejects unknown pairs, bad depth, duplicates and unknown unsubscribes', async () => {
    const sim = await simulator();
    const bot = await client(sim);
    bot.subscribe('book', ['BTC/USD', 'ETH/USD', 'XDG/USD'], { depth: 10 }, 1);
    bot.subscribe('book', ['BTC/USD'], { depth: 27 }, 2);
    await bot.waitForFrame((frame) => frameKind(frame) === 'book:snapshot' && frame.includes('ETH/USD'));
    bot.subscribe('book', ['BTC/USD'], { depth: 25 }, 3);
    bot.unsubscribe('trade', ['BTC/USD'], {}, 4);
    bot.unsubscribe('book', ['ETH/USD'], {}, 5);
    await bot.roundTrip();
    const responses = bot.frames.filter((frame) => frame.startsWith('{"method":"subscribe"') ||
      frame.startsWith('{"method":"unsubscribe"') || frame.startsWith('{"error"'));
    const fields = responses.map((text) => {
      const value = JSON.parse(text) as Record<string, unknown>;
      const result = isRecord(value.result) ? value.result : {};
      return [value.method, value.req_id, value.success, result.symbol ?? value.symbol, value.error ?? result.depth];
    });
    assert.deepEqual(fields, [
      ['subscribe', 1, true, 'BTC/USD', 10],
      ['subscribe', 1, true, 'ETH/USD', 10],
      ['subscribe', 1, false, 'XDG/USD', 'Currency pair not supported XDG/USD'],
      ['subscribe', 2, false, undefined, 'Subscription depth not supported'],
      ['subscribe', 3, false, 'BTC/USD', 'Already subscribed'],
      ['subscribe', 4, false, 'BTC/USD', 'Subscription Not Found'],
      ['unsubscribe', 5, true, 'ETH/USD', 10],
    ]);
    for (const response of responses) assert.match(response, /"time_in":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z","time_out":"[^"]+\.\d{6}Z"\}$/);
    assert.equal(bot.tracked('BTC/USD').snapshots, 1, 'a duplicate subscribe sends no new snapshot');
    assert.ok(bot.frames.indexOf(responses[0] ?? '') < bot.frames.findIndex((f) => frameKind(f) === 'book:snapshot'));
    assert.equal(sim.subscribeRequests('BTC/USD', 'book'), 3);
    assert.equal(sim.subscribeRequests('XDG/USD'), 1);
    assert.equal(sim.unsubscribeRequests('ETH/USD', 'book'), 1);
    const ethFrames = () => bot.frames.filter((frame) => frame.includes('"symbol":"ETH/USD"') && frame.startsWith('{"channel":"book"')).length;
    const ethBefore = ethFrames();
    const btcBefore = bot.updates('BTC/USD');
    await waitFor(() => bot.updates('BTC/USD') >= btcBefore + 20);
    assert.equal(ethFrames(), ethBefore, 'no book frames after the unsubscribe ack');
  });

  it('serves books whose checksums all verify over 200+ updates, equal to the true book at a paused moment', async () => {
    const sim = await simulator({ updateIntervalMs: 5, symbols: ['BTC/USD', 'ETH/USD', 'XRP/USD'] });
    const a = await client(sim);
    const b = await client(sim);
    a.subscribe('book', ['BTC/USD', 'XRP/USD'], { depth: 10 });
    a.subscribe('book', ['ETH/USD'], { depth: 100 });
    b.subscribe('book', ['BTC/USD'], { depth: 25 });
    const enough = () => ['BTC/USD', 'XRP/USD', 'ETH/USD'].every((symbol) => a.updates(symbol) >= 200) && b.updates('BTC/USD') >= 200;
    await waitFor(enough, 20_000, 'updates');
    sim.pauseMarket();
    await Promise.all([a.roundTrip(), b.roundTrip()]);
    for (const [bot, symbol, depth] of [[a, 'BTC/USD', 10], [a, 'XRP/USD', 10], [a, 'ETH/USD', 100], [b, 'BTC/USD', 25]] as const) {
      const tracked = bot.tracked(symbol);
      assert.equal(tracked.checksumMismatches, 0, `${symbol} d${depth}`);
      assert.equal(tracked.checksumMatches, tracked.updates + tracked.snapshots);
      assert.deepEqual(
        { bids: tracked.book.topLevels('bids', 2000), asks: tracked.book.topLevels('asks', 2000) },
        sim.trueBook(symbol, depth), `${symbol} d${depth} equals the true book`);
    }
    assert.deepEqual(a.errors, []);
    const updates = a.ofKind('book:update');
    assert.ok(updates.every((frame) => frame.includes('"bids":[]') || frame.includes('"asks":[]')), 'one side per update');
    assert.ok(updates.some((frame) => /"qty":0\.00000000\}/.test(frame)), 'deletes printed as 0.00000000');
    sim.resumeMarket();
  });

  it('prints frames with the key sets, key order and number format of real Kraken frames', async () => {
    const sim = await simulator({ updateIntervalMs: 5 });
    const bot = await client(sim);
    bot.subscribe('book', ['BTC/USD'], { depth: 10, snapshot: true });
    bot.subscribe('book', ['ETH/USD'], { depth: 1000 });
    bot.subscribe('instrument', undefined, {}, 79);
    bot.subscribe('trade', ['BTC/USD'], { snapshot: true }, 80);
    bot.subscribe('book', ['BTC/USD'], { depth: 5 });
    bot.subscribe('book', ['BTC/USD'], { depth: 10 }, 2);
    await waitFor(() => bot.updates('BTC/USD') > 30 && bot.ofKind('heartbeat').length > 0 &&
      bot.ofKind('book:update').some((frame) => frame.includes('"asks":[]') && frame.includes('BTC/USD')) &&
      bot.ofKind('book:update').some((frame) => frame.includes('"bids":[]') && frame.includes('BTC/USD')), 10_000);
    bot.unsubscribe('book', ['BTC/USD']);
    await bot.roundTrip();
    const sim1 = (predicate: (frame: string) => boolean) => bot.frames.find(predicate) ?? '';
    const updateWith = (side: 'bids' | 'asks') => (frame: string) =>
      frameKind(frame) === 'book:update' && frame.includes('BTC/USD') && !frame.includes(`"${side}":[]`);
    const pairs: Array<[string, string, string]> = [
      ['status', firstReal((f) => frameKind(f) === 'status:update'), sim1((f) => frameKind(f) === 'status:update')],
      ['subscribe ack', firstReal((f) => frameKind(f) === 'subscribe'), sim1((f) => frameKind(f) === 'subscribe' && f.includes('"depth":10') && !f.includes('req_id'))],
      ['snapshot', firstReal((f) => frameKind(f) === 'book:snapshot'), sim1((f) => frameKind(f) === 'book:snapshot' && f.includes('BTC/USD'))],
      ['bid update', firstReal(updateWith('bids')), sim1(updateWith('bids'))],
      ['ask update', firstReal(updateWith('asks')), sim1(updateWith('asks'))],
      ['heartbeat', firstReal((f) => f.includes('heartbeat')), sim1((f) => frameKind(f) === 'heartbeat')],
      ['unsubscribe ack', firstReal((f) => frameKind(f) === 'unsubscribe'), sim1((f) => frameKind(f) === 'unsubscribe')],
      ['depth error', errorFrame('Subscription depth not supported'), sim1((f) => f.includes('depth not supported'))],
      ['duplicate error', errorFrame('Already subscribed'), sim1((f) => f.includes('Already subscribed'))],
      ['pong', readKrakenDoc('pong_response.json'), sim1((f) => frameKind(f) === 'pong')],
      ['instrument ack', readKrakenDoc('instrument_subscribe_ack.json'), sim1((f) => f.includes('"channel":"instrument","snapshot"'))],
    ];
    for (const [name, real, ours] of pairs) assert.equal(shapeOf(ours), shapeOf(real), name);
    const instrument = JSON.parse(sim1((f) => frameKind(f) === 'instrument:snapshot')) as { data: { assets: unknown[]; pairs: unknown[] } };
    const docInstrument = JSON.parse(readKrakenDoc('instrument_snapshot.json')) as { data: { assets: unknown[]; pairs: unknown[] } };
    assert.equal(shape(instrument.data.pairs[0]), shape(docInstrument.data.pairs[0]), 'instrument pair (marginable)');
    assert.equal(shape(instrument.data.assets[0]), shape(docInstrument.data.assets[0]), 'instrument asset');
    assert.match(sim1((f) => frameKind(f) === 'instrument:snapshot'), /"qty_increment":1e-08,"price_precision":1,/);
    const trade = JSON.parse(sim1((f) => frameKind(f) === 'trade:snapshot')) as { data: unknown[] };
    assert.equal(trade.data.length, 50, 'trade snapshot = last 50 trades');
    assert.equal(shape(trade.data[0]), '{symbol:string,side:string,price:number,qty:number,ord_type:string,trade_id:number,timestamp:string}');
    for (const frame of [...bot.ofKind('book:snapshot'), ...bot.ofKind('book:update')].filter((f) => f.includes('BTC/USD'))) {
      for (const match of frame.matchAll(/"price":([^,]+),"qty":([^}]+)\}/g)) {
        assert.match(match[1] ?? '', /^\d+\.\d$/);
        assert.match(match[2] ?? '', /^\d+\.\d{8}$/);
      }
    }
    for (const frame of bot.frames) assert.notEqual(parseKrakenFrame(frame).kind, 'unknown', `gateway parser reads ${frame.slice(0, 120)}`);
  });

  it('answers ping with pong (req_id echoed) and sends heartbeats only once something is subscribed', async () => {
    const sim = await simulator({ heartbeatIntervalMs: 30 });
    const idle = await client(sim);
    const busy = await client(sim);
    busy.subscribe('trade', ['ETH/USD']);
    await waitFor(() => busy.ofKind('heartbeat').length >= 3);
    await idle.roundTrip();
    assert.equal(idle.ofKind('heartbeat').length, 0);
    assert.match(idle.ofKind('pong')[0] ?? '', /^\{"method":"pong","req_id":\d+,"time_in":"[^"]+Z","time_out":"[^"]+Z"\}$/);
  });

  it('streams trades with sequential ids per symbol that match sim.trades()', async () => {
    const sim = await simulator({ updateIntervalMs: 5, tradeProbability: 0.6 });
    const bot = await client(sim);
    bot.subscribe('trade', ['BTC/USD']);
    await waitFor(() => bot.ofKind('trade:update').length >= 20);
    const received = bot.ofKind('trade:update').flatMap((frame) =>
      (JSON.parse(frame) as { data: Array<{ trade_id: number; side: string }> }).data);
    const ids = received.map((trade) => trade.trade_id);
    ids.forEach((id, i) => assert.equal(id, (ids[0] ?? 0) + i));
    const truth = new Map(sim.trades('BTC/USD').map((trade) => [trade.tradeId, trade.side]));
    for (const trade of received) assert.equal(truth.get(trade.trade_id), trade.side);
    assert.equal(bot.ofKind('trade:snapshot').length, 0, 'trade snapshot defaults to false');
  });
});

function errorFrame(error: string): string {
  const entries = (JSON.parse(readKrakenDoc('errors_observed.json')) as { entries: Array<{ error: string; frame: string | null }> }).entries;
  const frame = entries.find((entry) => entry.error === error)?.frame;
  assert.ok(typeof frame === 'string', error);
  return frame;
}
