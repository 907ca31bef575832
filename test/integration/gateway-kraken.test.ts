// The real gateway against the Kraken simulator with real `ws` bots: books equal the simulator's truth,
// trades arrive exactly once, and every fault is recovered from.
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { Bot, countOf } from '../support/downstream-harness.ts';
import { nativeHubSkip } from '../support/native-hub.ts';
import { metricValue, startStack, type Stack } from '../support/gateway-stack.ts';
import { assertBookMatchesTruth } from '../support/venue-stack.ts';
import { waitFor } from '../support/wait-for.ts';

async function subscribeBook(bot: Bot, symbol: string, depth: number, id: number): Promise<void> {
  assert.deepEqual(await bot.request({ op: 'subscribe', id, channel: 'book', exchange: 'kraken', symbol, depth }),
    { type: 'ack', id });
}

/** Each test owns its stack: no count depends on what another test did to a shared one. */
async function stackFor(t: TestContext): Promise<Stack> {
  const stack = await startStack();
  t.after(() => stack.stop());
  return stack;
}

describe('gateway + Kraken simulator', { concurrency: true }, () => {
  it('serves on native uWebSockets.js and reports it', { skip: nativeHubSkip }, async (t) => {
    const stack = await stackFor(t);
    assert.equal(stack.gateway.engine(), 'uWebSockets.js');
    const status = await (await fetch(`${stack.httpUrl}/v1/status`)).json() as { hub: { engine: string; detail: string } };
    assert.equal(status.hub.engine, 'uWebSockets.js');
    assert.match(status.hub.detail, /\.node/);
    const metrics = await (await fetch(`${stack.httpUrl}/metrics`)).text();
    assert.match(metrics, /mgw_build_info\{[^}]*engine="uWebSockets\.js"/);
  });

  it('a bot holds exactly the simulator book at depth 10 and 25, with contiguous seq, and every trade once', async (t) => {
    const stack = await stackFor(t);
    const bot = await Bot.connect(stack.wsUrl);
    await subscribeBook(bot, 'BTC/USD', 10, 1);
    await subscribeBook(bot, 'ETH/USD', 25, 2);
    const tradesFrom = stack.sim.trades('BTC/USD').length;
    assert.deepEqual(await bot.request({ op: 'subscribe', id: 3, channel: 'trades', exchange: 'kraken', symbol: 'BTC/USD' }),
      { type: 'ack', id: 3 });
    await waitFor(() => countOf(bot, (m) => m.type === 'book_update') > 100 && countOf(bot, (m) => m.type === 'trade') > 5,
      10_000, 'book updates and trades flow');
    await assertBookMatchesTruth(stack, bot, 'BTC/USD', 10);
    await assertBookMatchesTruth(stack, bot, 'ETH/USD', 25);
    stack.sim.pauseMarket();
    const simTrades = stack.sim.trades('BTC/USD');
    await waitFor(() => {
      const received = bot.messages().filter((m) => m.type === 'trade').map((m) => m.tradeId);
      return received.length > 0 && received.at(-1) === String(simTrades.at(-1)?.tradeId);
    }, 5_000, 'last trade arrives');
    stack.sim.resumeMarket();
    const received = bot.messages().filter((m) => m.type === 'trade');
    const ids = received.map((m) => m.tradeId as string);
    assert.equal(new Set(ids).size, ids.length, 'no trade twice');
    const firstIndex = simTrades.findIndex((trade) => String(trade.tradeId) === ids[0]);
    assert.ok(firstIndex >= 0 && firstIndex <= tradesFrom, 'trades start at or before the subscribe moment');
    assert.deepEqual(ids, simTrades.slice(firstIndex).map((trade) => String(trade.tradeId)), 'every trade, in order, once');
    assert.deepEqual(received.map((m) => m.seq), received.map((_, i) => (received[0]!.seq as number) + i));
    assert.equal(await metricValue(stack.gateway, 'mgw_book_checksum_mismatches_total'), 0);
    bot.ws.close();
  });

  it('a corrupted checksum resyncs only that book and the bot ends correct', async (t) => {
    const stack = await stackFor(t);
    const bot = await Bot.connect(stack.wsUrl);
    await subscribeBook(bot, 'BTC/USD', 25, 1);
    await subscribeBook(bot, 'ETH/USD', 25, 2);
    await waitFor(() => countOf(bot, (m) => m.type === 'book_snapshot') >= 2, 5_000, 'snapshots');
    const unsubscribesBefore = stack.sim.unsubscribeRequests('BTC/USD', 'book');
    const mismatchesBefore = await metricValue(stack.gateway, 'mgw_book_checksum_mismatches_total');
    const from = bot.client.received.length;
    stack.sim.corruptNextChecksum('BTC/USD');
    await bot.next((m) => m.type === 'status' && m.symbol === 'BTC/USD' && m.state === 'resyncing' && m.reason === 'checksum_mismatch',
      'resyncing status with the reason', from);
    await bot.next((m) => m.type === 'book_snapshot' && m.symbol === 'BTC/USD', 'fresh snapshot after resync', from);
    assert.equal(await metricValue(stack.gateway, 'mgw_book_checksum_mismatches_total') - mismatchesBefore, 1);
    assert.equal(stack.sim.unsubscribeRequests('BTC/USD', 'book') - unsubscribesBefore, 1, 'unsubscribe → subscribe, once');
    assert.equal(countOf(bot, (m) => m.type === 'status' && m.symbol === 'ETH/USD' && m.state === 'resyncing'), 0);
    assert.equal(await metricValue(stack.gateway, 'mgw_book_resyncs_total', { reason: 'checksum_mismatch' }), 1);
    await waitFor(() => countOf(bot, (m) => m.type === 'book_update' && m.symbol === 'BTC/USD') > 20, 5_000, 'updates again');
    await assertBookMatchesTruth(stack, bot, 'BTC/USD', 25);
    bot.ws.close();
  });

  it('a garbled venue frame that hid book changes is counted and resyncs that book', async (t) => {
    const stack = await stackFor(t);
    const bot = await Bot.connect(stack.wsUrl);
    await subscribeBook(bot, 'ETH/USD', 25, 1);
    await waitFor(() => countOf(bot, (m) => m.type === 'book_snapshot') >= 1, 5_000, 'snapshot');
    const parseErrorsBefore = await metricValue(stack.gateway, 'mgw_upstream_parse_errors_total');
    const from = bot.client.received.length;
    stack.sim.truncateNextBookFrame('ETH/USD');
    await bot.next((m) => m.type === 'status' && m.state === 'resyncing' && m.reason === 'malformed_frame', 'resync on a malformed frame', from);
    await bot.next((m) => m.type === 'book_snapshot', 'fresh snapshot', from);
    assert.equal(await metricValue(stack.gateway, 'mgw_upstream_parse_errors_total') - parseErrorsBefore, 1);
    await waitFor(() => countOf(bot, (m) => m.type === 'book_update') > 10, 5_000, 'updates again');
    await assertBookMatchesTruth(stack, bot, 'ETH/USD', 25);
    bot.ws.close();
  });

  it('bad bot input gets errors with stable codes and the connection lives', async (t) => {
    const stack = await stackFor(t);
    const bot = await Bot.connect(stack.wsUrl);
    const cases: [unknown, string][] = [
      ['{not json', 'invalid_json'],
      [{ op: 'dance', id: 1 }, 'unknown_op'],
      [{ op: 'subscribe', id: 2, channel: 'book', exchange: 'bitstamp', symbol: 'BTC/USD' }, 'unknown_exchange'],
      [{ op: 'subscribe', id: 3, channel: 'book', exchange: 'kraken', symbol: 'DOGE/EUR' }, 'unknown_symbol'],
      [{ op: 'subscribe', id: 4, channel: 'book', exchange: 'kraken', symbol: 'BTC/USD', depth: 26 }, 'invalid_depth'],
      [{ op: 'subscribe', id: 5, channel: 'ohlc', exchange: 'kraken', symbol: 'BTC/USD' }, 'unknown_channel'],
      [{ op: 'ping', id: 6, padding: 'x'.repeat(5_000) }, 'message_too_large'],
    ];
    for (const [message, code] of cases) {
      const from = bot.client.received.length;
      bot.send(message);
      const reply = await bot.next((m) => m.type === 'error', `error ${code}`, from);
      assert.equal(reply.code, code);
    }
    assert.deepEqual(await bot.request({ op: 'ping', id: 99 }), { type: 'pong', id: 99 });
    bot.ws.close();
  });
});
