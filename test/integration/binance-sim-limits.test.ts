import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { binanceSimHarness } from '../support/binance-sim-harness.ts';
import { waitFor } from '../support/wait-for.ts';

const { simulator, client } = binanceSimHarness({ seed: 3, updateIntervalMs: 10 });

describe('Binance simulator: control messages and limits', () => {
  it('acks SUBSCRIBE/UNSUBSCRIBE/LIST_SUBSCRIPTIONS and the combined property; acks are never wrapped', async () => {
    const sim = await simulator();
    const bot = await client(`${sim.url}?streams=btcusdt@depth@100ms`);
    assert.deepEqual(await bot.request('SUBSCRIBE', ['ethusdt@trade', 'btcusdt@kline_1m', '!miniTicker@arr'], 1), { result: null, id: 1 });
    assert.deepEqual(await bot.request('UNSUBSCRIBE', ['btcusdt@depth@100ms'], 2), { result: null, id: 2 });
    assert.deepEqual(await bot.request('LIST_SUBSCRIPTIONS', undefined, 3),
      { result: ['ethusdt@trade', 'btcusdt@kline_1m', '!miniTicker@arr'], id: 3 });
    assert.deepEqual(await bot.request('GET_PROPERTY', ['combined'], 4), { result: true, id: 4 });
    assert.deepEqual(await bot.request('SET_PROPERTY', ['combined', false], 5), { result: null, id: 5 });
    const after = bot.frames.length;
    await bot.waitForFrame((frame) => bot.frames.indexOf(frame) >= after && frame.startsWith('{"e":"trade"'), 5000, 'bare trade');
    assert.ok(!bot.frames.slice(after).some((frame) => frame.includes('depthUpdate')), 'no depth after UNSUBSCRIBE');
    assert.ok(!bot.messages().some((message) => JSON.stringify(message).includes('kline')), 'acked but never fed');
    assert.equal(sim.maxMessagesInOneSecond, 5);
    assert.equal(sim.subscribeRequests(), 1);
    assert.equal(sim.subscribeRequests('ethusdt@trade'), 1);
    assert.equal(sim.rateLimitCloses, 0);
  });

  it('answers bad requests with nested errors', async () => {
    const sim = await simulator();
    const bot = await client(`${sim.url}`);
    bot.send('{"method":"SUBSCRIBE",');
    assert.deepEqual(await bot.reply(null), { error: { code: 3, msg: 'Invalid JSON: expected value at line 1 column 1' }, id: null });
    bot.send({ method: 'FOO', params: [], id: 7 });
    const unknown = await bot.reply(7);
    assert.equal((unknown.error as { code: number }).code, 2);
    assert.match((unknown.error as { msg: string }).msg, /^Invalid request: unknown variant `FOO`, expected one of `SUBSCRIBE`/);
    assert.deepEqual(await bot.request('SUBSCRIBE', ['BTCUSDT@trade'], 8), { error: { code: 2, msg: 'Invalid request: invalid stream' }, id: 8 });
    assert.deepEqual(await bot.request('SET_PROPERTY', ['combined', 'yes'], 9), { error: { code: 1, msg: 'Invalid value type: expected Boolean' }, id: 9 });
    assert.equal(bot.isClosed, false);
    const second = await client(sim.url);
    assert.deepEqual(await second.request('GET_PROPERTY', ['colour'], 10), { error: { code: 0, msg: 'Unknown property' }, id: 10 });
    second.send({ params: [], id: 11 });
    assert.match(JSON.stringify(await second.reply(11)), /missing field `method`/);
    second.send({ method: 'LIST_SUBSCRIPTIONS', id: -1.5 });
    assert.deepEqual(await second.reply(null), { error: { code: 2, msg: 'Invalid request: request ID must be an unsigned integer' }, id: null });
    assert.equal(sim.rateLimitCloses, 0);
  });

  it('closes 1008 `Too many requests` on the 6th message within a second (pings and pongs count)', async () => {
    const sim = await simulator();
    const bot = await client(sim.url);
    for (let i = 1; i <= 3; i++) bot.send({ method: 'LIST_SUBSCRIPTIONS', id: i });
    bot.socket.ping('a');
    bot.socket.pong('b');
    await bot.reply(3);
    assert.equal(bot.isClosed, false);
    bot.socket.ping('c');
    assert.deepEqual(await bot.waitClosed(), { code: 1008, reason: 'Too many requests' });
    assert.equal(sim.rateLimitCloses, 1);
    assert.equal(sim.maxMessagesInOneSecond, 6);
  });

  it('answers the 1025th stream with code 4 and closes 1008 `Invalid request`', async () => {
    const sim = await simulator({ maxStreamsPerConnection: 1024 });
    const streams = Array.from({ length: 1024 }, (_, i) => `s${i}usdt@trade`);
    const bot = await client(`${sim.url}?streams=${streams.join('/')}`);
    assert.deepEqual(await bot.request('SUBSCRIBE', ['btcusdt@trade'], 1), { error: { code: 4, msg: 'Too many subscriptions' }, id: 1 });
    assert.deepEqual(await bot.waitClosed(), { code: 1008, reason: 'Invalid request' });
  });

  it('pings with a payload; an echoed pong keeps the connection, a wrong or missing one closes it', async () => {
    const sim = await simulator({ pingIntervalMs: 40, pongTimeoutMs: 120 });
    const good = await client(sim.url);
    const silent = await client(sim.url, { autoPong: false });
    const wrong = await client(sim.url, { autoPong: false });
    wrong.socket.on('ping', () => wrong.pong('undefined'));
    await waitFor(() => silent.isClosed && wrong.isClosed, 3000, 'unanswered connections closed');
    assert.equal(silent.closeCode, 1008);
    assert.equal(wrong.closeReason, 'Pong timeout');
    assert.ok(good.pings.length >= 3 && good.pings.every((payload) => /^\d{13}$/.test(payload)));
    assert.equal(good.isClosed, false);
    assert.ok(sim.pongsMatched >= 3);
    assert.ok(sim.pongsReceived > sim.pongsMatched, 'wrong payloads are received but do not match');
    assert.equal(sim.pongTimeoutCloses, 2);
  });

  it('sends serverShutdown in both forms, then closes', async () => {
    const sim = await simulator();
    const combined = await client(`${sim.url}?streams=btcusdt@trade`);
    const raw = await client(sim.url.replace(/\/stream$/, '/ws'));
    sim.serverShutdown({ closeAfterMs: 50 });
    await waitFor(() => combined.isClosed && raw.isClosed);
    assert.match(combined.frames.find((frame) => frame.includes('serverShutdown')) ?? '',
      /^\{"stream":"!serverShutdown","data":\{"e":"serverShutdown","E":\d{13}\}\}$/);
    assert.match(raw.frames.at(-1) ?? '', /^\{"e":"serverShutdown","E":\d{13}\}$/);
    assert.equal(combined.closeCode, 1001);
  });

  it('closes each connection at the end of its lifetime, with an optional notice before', async () => {
    const sim = await simulator({ connectionLifetimeMs: 150, shutdownNoticeMs: 50 });
    const bot = await client(`${sim.url}?streams=btcusdt@depth@100ms`);
    const opened = Date.now();
    await bot.waitClosed(3000);
    assert.ok(Date.now() - opened >= 140);
    assert.equal(bot.closeCode, 1000);
    assert.equal(bot.frames.filter((frame) => frame.startsWith('{"stream":"!serverShutdown"')).length, 1);
    assert.equal(sim.lifetimeCloses, 1);
  });
});
