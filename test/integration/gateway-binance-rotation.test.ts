// Make-before-break rotation against the Binance simulator: several lifetime cut-overs in one run and a
// `serverShutdown` notice, each handed over on the update-id chain with no new REST snapshot; bots see contiguous seq,
// no snapshot reset, no status change, the simulator's exact book and every trade exactly once.
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { Bot, countOf } from '../support/downstream-harness.ts';
import { metricValue } from '../support/gateway-stack.ts';
import { assertTradesExactlyOnce, startBinanceStack, subscribeBinance, type BinanceStack } from '../support/binance-stack.ts';
import { assertBookMatchesTruth } from '../support/venue-stack.ts';
import { waitFor } from '../support/wait-for.ts';

async function botOnBothBooks(stack: BinanceStack): Promise<Bot> {
  const store = stack.gateway.store;
  await waitFor(() => store.get('binance', 'BTC/USDT')?.state === 'live' && store.get('binance', 'ETH/USDT')?.state === 'live',
    5_000, 'books live');
  const bot = await Bot.connect(stack.wsUrl);
  await subscribeBinance(bot, 'book', 'BTC/USDT', 1, 100);
  await subscribeBinance(bot, 'book', 'ETH/USDT', 2, 50);
  await subscribeBinance(bot, 'trades', 'BTC/USDT', 3);
  await subscribeBinance(bot, 'trades', 'ETH/USDT', 4);
  await waitFor(() => countOf(bot, (m) => m.type === 'book_snapshot') === 2, 5_000, 'both snapshots');
  return bot;
}

async function assertSeamless(stack: BinanceStack, bot: Bot): Promise<void> {
  await assertBookMatchesTruth(stack, bot, 'BTC/USDT', 100);
  await assertBookMatchesTruth(stack, bot, 'ETH/USDT', 50);
  bot.reference.consume(bot.client.received); // asserts seq + 1 on every book_update and trade
  assert.equal(countOf(bot, (m) => m.type === 'book_snapshot'), 2, 'no snapshot reset');
  assert.deepEqual(bot.messages().filter((m) => m.type === 'status' && m.state !== 'live'), [], 'no book left live');
  assert.ok(await assertTradesExactlyOnce(stack, bot, 'BTC/USDT') > 0);
  assert.ok(await assertTradesExactlyOnce(stack, bot, 'ETH/USDT') > 0);
  assert.equal(stack.sim.depthRequests('BTC/USDT'), 1, 'no new REST snapshot for BTC/USDT');
  assert.equal(stack.sim.depthRequests('ETH/USDT'), 1, 'no new REST snapshot for ETH/USDT');
}

/** Each test owns its stack, stopped when the test ends (pass or fail), never by the next test. */
async function stackFor(t: TestContext, options: Parameters<typeof startBinanceStack>[0]): Promise<BinanceStack> {
  const stack = await startBinanceStack(options);
  t.after(() => stack.stop());
  return stack;
}

// The cases wait on the simulator's market steps and the venue's notices, not on the CPU: they run side by side.
describe('gateway + Binance simulator: rotation', { concurrency: true }, () => {
  it('rotates before the lifetime cut three times without a gap', async (t) => {
    const stack = await stackFor(t, { sim: { tradeProbability: 0.6 }, binance: { rotateAfterMs: 1_200, handoverTimeoutMs: 3_000 } });
    const bot = await botOnBothBooks(stack);
    const running = stack;
    await waitFor(async () => await metricValue(running.gateway, 'mgw_upstream_rotations_total', { outcome: 'handed_over' }) >= 3,
      15_000, 'three rotations handed over');
    assert.equal(await metricValue(stack.gateway, 'mgw_upstream_rotations_total', { outcome: 'timed_out' }), 0);
    assert.equal(await metricValue(stack.gateway, 'mgw_upstream_reconnects_total'), 0, 'never a reconnect');
    assert.ok(stack.sim.connectionsAccepted >= 4, 'each rotation opened a new connection');
    await waitFor(() => stack.sim.connectionCount === 1, 3_000, 'old connections closed');
    await assertSeamless(stack, bot);
    bot.ws.close();
  });

  it('hands over on serverShutdown before the venue closes the old connection', async (t) => {
    const stack = await stackFor(t, { sim: { tradeProbability: 0.6 } });
    const bot = await botOnBothBooks(stack);
    await waitFor(() => countOf(bot, (m) => m.type === 'trade') > 3, 5_000, 'trades flow');
    const accepted = stack.sim.connectionsAccepted;
    stack.sim.serverShutdown({ closeAfterMs: 2_000 });
    const running = stack;
    await waitFor(async () => await metricValue(running.gateway, 'mgw_upstream_rotations_total', { outcome: 'handed_over' }) === 1,
      5_000, 'handed over');
    assert.equal(stack.sim.connectionsAccepted, accepted + 1);
    await waitFor(() => countOf(bot, (m) => m.type === 'book_update') > 40, 5_000, 'updates on the new connection');
    assert.equal(await metricValue(stack.gateway, 'mgw_upstream_reconnects_total'), 0, 'never a reconnect');
    await assertSeamless(stack, bot);
    bot.ws.close();
  });

  it('when the old connection closes before any diff could hand a book over, the new one takes the books over', async (t) => {
    // One market step every 1.5 s: the venue closes the old connection 300 ms after its notice, long before the
    // next diff could show continuity. The successor holds no diff yet and the chain is intact: it continues each book.
    const stack = await stackFor(t, { sim: { updateIntervalMs: 1_500, tradeProbability: 0.6 } });
    const bot = await botOnBothBooks(stack);
    const from = bot.client.received.length;
    stack.sim.serverShutdown({ closeAfterMs: 300 });
    const running = stack;
    await waitFor(async () => await metricValue(running.gateway, 'mgw_upstream_rotations_total', { outcome: 'timed_out' }) === 1,
      5_000, 'taken over after the old connection closed');
    const after = (type: string, symbol: string): number =>
      bot.messages().slice(from).filter((m) => m.type === type && m.symbol === symbol).length;
    await waitFor(() => ['BTC/USDT', 'ETH/USDT'].every((symbol) => after('book_update', symbol) >= 2 && after('trade', symbol) >= 1),
      15_000, 'updates and trades of both symbols from the new connection');
    assert.equal(await metricValue(stack.gateway, 'mgw_upstream_reconnects_total'), 0, 'never a reconnect');
    assert.equal(stack.sim.connectionCount, 1);
    await assertSeamless(stack, bot);
    bot.ws.close();
  });

  it('a successor lost before it took any book over is retried while the old connection keeps serving', async (t) => {
    // One market step every 1.5 s: the first successor is dropped before any diff could hand a book over to it.
    const stack = await stackFor(t, { sim: { updateIntervalMs: 1_500, tradeProbability: 0.6 } });
    const bot = await botOnBothBooks(stack);
    stack.sim.serverShutdown({ closeAfterMs: 8_000 });
    const running = stack;
    await waitFor(() => running.sim.connectionCount === 2, 3_000, 'the successor connected');
    stack.sim.dropNewestConnection(1006);
    await waitFor(async () => await metricValue(running.gateway, 'mgw_upstream_rotations_total', { outcome: 'failed' }) === 1,
      3_000, 'rotation failed');
    await waitFor(async () => await metricValue(running.gateway, 'mgw_upstream_rotations_total', { outcome: 'handed_over' }) === 1,
      10_000, 'the retried rotation handed over before the venue closed the old connection');
    assert.equal(stack.sim.connectionsAccepted, 3);
    assert.equal(await metricValue(stack.gateway, 'mgw_upstream_reconnects_total'), 0, 'never a reconnect');
    await waitFor(() => running.sim.connectionCount === 1, 10_000, 'the old connection closed');
    await waitFor(() => ['BTC/USDT', 'ETH/USDT'].every((symbol) => countOf(bot, (m) => m.type === 'trade' && m.symbol === symbol) > 0),
      15_000, 'trades of both symbols');
    await assertSeamless(stack, bot);
    bot.ws.close();
  });

  it('stopping the gateway mid-rotation closes both connections', async (t) => {
    const stack = await stackFor(t, { sim: { updateIntervalMs: 1_500 } });
    const store = stack.gateway.store;
    await waitFor(() => store.get('binance', 'BTC/USDT')?.state === 'live', 5_000, 'live');
    stack.sim.serverShutdown({ closeAfterMs: 30_000 });
    const running = stack;
    await waitFor(() => running.sim.connectionCount === 2, 3_000, 'the successor connected');
    await stack.gateway.stop();
    await waitFor(() => running.sim.connectionCount === 0, 3_000, 'both closed');
    assert.equal(store.get('binance', 'BTC/USDT')?.reason, 'shutting_down');
  });
});
