// The real gateway against the Coinbase simulator with real `ws` bots: a bot holds exactly the simulator's book
// through a sequence gap, a lost frame, a duplicate, a reordered pair, a stall and a dropped connection; a break of
// the connection's sequence resyncs every book on it once, on a new connection; trades arrive once with the taker's side.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FrameFault } from '../../src/sim/coinbase/faults.ts';
import { Bot, countOf } from '../support/downstream-harness.ts';
import { metricValue } from '../support/gateway-stack.ts';
import { assertTradesExactlyOnce, startCoinbaseStack, subscribeCoinbase, type CoinbaseStack } from '../support/coinbase-stack.ts';
import { assertBookMatchesTruth } from '../support/venue-stack.ts';
import { waitFor } from '../support/wait-for.ts';

describe('gateway + Coinbase simulator', () => {
  let stack: CoinbaseStack;
  let bot: Bot;
  before(async () => {
    stack = await startCoinbaseStack({ coinbase: { staleAfterMs: 1_500 } });
    bot = await Bot.connect(stack.wsUrl);
    await subscribeCoinbase(bot, 'book', 'BTC/USD', 1, 100);
    await subscribeCoinbase(bot, 'book', 'ETH/USD', 2, 10);
    await subscribeCoinbase(bot, 'trades', 'BTC/USD', 3);
  });
  after(async () => {
    bot.ws.close();
    await stack.stop();
  });

  it('a bot holds exactly the simulator book, with contiguous seq, and every trade once with the taker side', async () => {
    await waitFor(() => countOf(bot, (m) => m.type === 'book_update') > 30 && countOf(bot, (m) => m.type === 'trade') > 5,
      10_000, 'book updates and trades flow');
    await assertBookMatchesTruth(stack, bot, 'BTC/USD', 100);
    await assertBookMatchesTruth(stack, bot, 'ETH/USD', 10);
    assert.ok(await assertTradesExactlyOnce(stack, bot, 'BTC/USD') > 5);
    const sides = new Set(bot.messages().filter((m) => m.type === 'trade').map((m) => m.side));
    assert.deepEqual([...sides].sort(), ['buy', 'sell']);
    assert.equal(countOf(bot, (m) => m.type === 'book_snapshot'), 2, 'one snapshot per book, then updates only');
    assert.equal(stack.sim.connectionsAccepted, 1);
    assert.equal(stack.sim.requests('subscribe', 'heartbeats'), 1, 'heartbeats always subscribed');
    assert.equal(stack.sim.requests('subscribe', 'level2'), 1, 'one subscribe per channel, every product in it');
  });

  const faults: readonly [string, FrameFault, string][] = [
    ['a sequence gap', 'skip', 'l2_data'],
    ['a lost level2 frame', 'drop', 'l2_data'],
    ['a duplicated frame', 'duplicate', 'l2_data'],
    ['a reordered pair', 'reorder', 'l2_data'],
    ['a lost heartbeat (no book data lost, but the stream is broken)', 'drop', 'heartbeats'],
  ];
  for (const [what, fault, channel] of faults) {
    it(`${what}: every book on the connection resyncs once, on a new connection, and ends exact`, async () => {
      const connections = stack.sim.connectionsAccepted;
      const resyncs = await metricValue(stack.gateway, 'mgw_book_resyncs_total', { exchange: 'coinbase', reason: 'sequence_gap' });
      const from = bot.client.received.length;
      stack.sim.frameFault(fault, channel);
      for (const symbol of ['BTC/USD', 'ETH/USD']) {
        await bot.next((m) => m.type === 'status' && m.symbol === symbol && m.state === 'resyncing' && m.reason === 'sequence_gap',
          `${symbol} resyncing (sequence_gap)`, from);
        await bot.next((m) => m.type === 'book_snapshot' && m.symbol === symbol, `${symbol} fresh snapshot`, from);
      }
      const statuses = bot.messages().slice(from).filter((m) => m.type === 'status');
      assert.deepEqual(statuses.map((m) => [m.symbol, m.state, m.reason]).sort(), [
        ['BTC/USD', 'live', 'snapshot'], ['BTC/USD', 'resyncing', 'sequence_gap'],
        ['ETH/USD', 'live', 'snapshot'], ['ETH/USD', 'resyncing', 'sequence_gap'],
      ], 'each book resynced once, straight from resyncing to live');
      assert.equal(stack.sim.connectionsAccepted, connections + 1, 'the connection was rebuilt once');
      assert.equal(await metricValue(stack.gateway, 'mgw_book_resyncs_total', { exchange: 'coinbase', reason: 'sequence_gap' })
        - resyncs, 2, 'both books charged to the resync budget');
      await waitFor(() => countOf(bot, (m) => m.type === 'book_update' && m.symbol === 'BTC/USD') > 0, 5_000, 'updates again');
      await assertBookMatchesTruth(stack, bot, 'BTC/USD', 100);
      await assertBookMatchesTruth(stack, bot, 'ETH/USD', 10);
    });
  }

  it('a lost market_trades frame: its trades come back with the trade snapshot of the new connection, once', async () => {
    await waitFor(() => countOf(bot, (m) => m.type === 'trade') > 0, 5_000, 'trades');
    const from = bot.client.received.length;
    stack.sim.frameFault('drop', 'market_trades');
    await bot.next((m) => m.type === 'book_snapshot' && m.symbol === 'BTC/USD', 'rebuilt', from);
    await waitFor(() => bot.messages().slice(from).filter((m) => m.type === 'trade').length > 3, 5_000, 'trades again');
    assert.ok(await assertTradesExactlyOnce(stack, bot, 'BTC/USD') > 5);
  });

  it('a stall: data-only staleness replaces the connection (heartbeats would not help); books end exact', async () => {
    const connections = stack.sim.connectionsAccepted;
    const from = bot.client.received.length;
    stack.sim.stall();
    await bot.next((m) => m.type === 'status' && m.symbol === 'BTC/USD' && m.state === 'stale' && m.reason === 'stale_data',
      'stale after the silence', from);
    stack.sim.resume();
    await bot.next((m) => m.type === 'book_snapshot' && m.symbol === 'BTC/USD', 'fresh snapshot', from);
    assert.equal(stack.sim.connectionsAccepted, connections + 1);
    await waitFor(() => countOf(bot, (m) => m.type === 'book_update') > 0, 5_000, 'updates');
    await assertBookMatchesTruth(stack, bot, 'BTC/USD', 100);
    assert.ok(await assertTradesExactlyOnce(stack, bot, 'BTC/USD') > 5);
  });

  it('a dropped connection: reconnect, fresh snapshots, books exact, trades once', async () => {
    const from = bot.client.received.length;
    stack.sim.dropConnections();
    await bot.next((m) => m.type === 'status' && m.symbol === 'ETH/USD' && m.state === 'stale', 'stale', from);
    await bot.next((m) => m.type === 'book_snapshot' && m.symbol === 'ETH/USD', 'fresh snapshot', from);
    await assertBookMatchesTruth(stack, bot, 'ETH/USD', 10);
    await assertBookMatchesTruth(stack, bot, 'BTC/USD', 100);
    assert.ok(await assertTradesExactlyOnce(stack, bot, 'BTC/USD') > 5);
    // The reference bot asserts contiguous seq on every book update and trade it applies.
    bot.reference.consume(bot.client.received);
    assert.ok(bot.reference.updates > 20 && bot.reference.trades > 5, 'updates and trades, all with contiguous seq');
  });
});
