// Upstream faults through the real gateway: every one is detected, recovered from, and ends with bots holding
// the simulator's true book, with the reason published to them on the way.
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { Bot } from '../support/downstream-harness.ts';
import { metricValue, startStack, type Stack } from '../support/gateway-stack.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { assertBookMatchesTruth } from '../support/venue-stack.ts';
import { waitFor } from '../support/wait-for.ts';

/** Each test owns its stack, torn down when that test ends (pass or fail), so the tests can run side by side. */
async function stackFor(t: TestContext, options: Parameters<typeof startStack>[0] = {}): Promise<Stack> {
  const stack = await startStack(options);
  t.after(() => stack.stop());
  return stack;
}

async function botFor(t: TestContext, stack: Stack): Promise<Bot> {
  const bot = await Bot.connect(stack.wsUrl);
  t.after(() => bot.ws.close());
  return bot;
}

/** A stack and a bot subscribed to both books at depth 25. */
async function start(t: TestContext, options: Parameters<typeof startStack>[0] = {}): Promise<{ stack: Stack; bot: Bot }> {
  const stack = await stackFor(t, options);
  const bot = await botFor(t, stack);
  for (const [id, symbol] of ['BTC/USD', 'ETH/USD'].entries()) {
    assert.equal((await bot.request({ op: 'subscribe', id, channel: 'book', exchange: 'kraken', symbol, depth: 25 })).type, 'ack');
  }
  return { stack, bot };
}

function has(bot: Bot, predicate: (message: Record<string, unknown>) => boolean, from = 0): boolean {
  return bot.messages().slice(from).some(predicate);
}

const isLiveSnapshot = (symbol: string) => (m: Record<string, unknown>) => m.type === 'book_snapshot' && m.symbol === symbol;

// Every test waits on timers and sockets, not on the CPU: they run side by side (a few at a time on 2 cores).
describe('gateway recovers from upstream faults', { concurrency: 6 }, () => {
  it('drop → books go stale → reconnect → fresh snapshots, trades not repeated', async (t) => {
    const { stack, bot } = await start(t);
    assert.equal((await bot.request({ op: 'subscribe', id: 9, channel: 'trades', exchange: 'kraken', symbol: 'BTC/USD' })).type, 'ack');
    await waitFor(() => has(bot, isLiveSnapshot('BTC/USD')) && has(bot, (m) => m.type === 'trade'), 5_000, 'live with trades');
    const from = bot.client.received.length;
    stack.sim.dropConnections(1006);
    await bot.next((m) => m.type === 'status' && m.state === 'stale' && m.reason === 'connection_lost', 'stale status', from);
    await waitFor(() => stack.sim.connectionsAccepted >= 2, 5_000, 'reconnected');
    await bot.next(isLiveSnapshot('BTC/USD'), 'snapshot after reconnect', from);
    await waitFor(() => bot.messages().slice(from).filter((m) => m.type === 'trade').length >= 3, 10_000, 'trades after reconnect');
    const tradeIds = bot.messages().filter((m) => m.type === 'trade').map((m) => m.tradeId);
    assert.equal(new Set(tradeIds).size, tradeIds.length, 'the resent trade snapshot did not reach the bot twice');
    assert.ok(await metricValue(stack.gateway, 'mgw_trades_deduplicated_total') > 0, 'the resent trades were dropped');
    assert.ok(await metricValue(stack.gateway, 'mgw_upstream_reconnects_total', { reason: 'closed' }) >= 1);
    await assertBookMatchesTruth(stack, bot, 'BTC/USD', 25);
    await assertBookMatchesTruth(stack, bot, 'ETH/USD', 25);
  });

  it('stall (TCP open, silence) → data watchdog → reconnect, although heartbeats proved nothing', async (t) => {
    const { stack, bot } = await start(t, { kraken: { staleAfterMs: 800, pingIntervalMs: 60_000 } });
    await waitFor(() => has(bot, isLiveSnapshot('ETH/USD')), 5_000, 'live');
    const from = bot.client.received.length;
    stack.sim.stall();
    await bot.next((m) => m.type === 'status' && m.state === 'stale' && m.reason === 'stale_data', 'stale after the watchdog fired', from);
    assert.ok(await metricValue(stack.gateway, 'mgw_upstream_reconnects_total', { reason: 'stale_data' }) >= 1);
    stack.sim.resume();
    await bot.next(isLiveSnapshot('ETH/USD'), 'snapshot on the new connection', from);
    await assertBookMatchesTruth(stack, bot, 'ETH/USD', 25);
  });

  it('heartbeats keep flowing while every subscription goes quiet → data watchdog → reconnect (stale_data)', async (t) => {
    const { stack, bot } = await start(t, { sim: { heartbeatIntervalMs: 100 },
      kraken: { staleAfterMs: 1_000, pingIntervalMs: 60_000, symbolStaleAfterMs: 60_000 } });
    await waitFor(() => has(bot, isLiveSnapshot('BTC/USD')) && has(bot, isLiveSnapshot('ETH/USD')), 5_000, 'live');
    const framesBefore = await metricValue(stack.gateway, 'mgw_upstream_frames_received_total');
    const from = bot.client.received.length;
    for (const symbol of ['BTC/USD', 'ETH/USD']) stack.sim.muteLiveSubscriptions(symbol);
    await bot.next((m) => m.type === 'status' && m.state === 'stale' && m.reason === 'stale_data', 'stale after the watchdog fired', from);
    assert.equal(await metricValue(stack.gateway, 'mgw_upstream_reconnects_total', { reason: 'stale_data' }), 1);
    assert.ok(await metricValue(stack.gateway, 'mgw_upstream_frames_received_total') - framesBefore >= 5,
      'heartbeats (every 100 ms) kept arriving for the whole second');
    await bot.next(isLiveSnapshot('ETH/USD'), 'the new connection is fed again', from);
  });

  it('pings without pongs do not keep a connection alive (pong_timeout)', async (t) => {
    const { stack, bot } = await start(t, { kraken: { staleAfterMs: 60_000, pingIntervalMs: 200, pongTimeoutMs: 400 } });
    await waitFor(() => has(bot, isLiveSnapshot('BTC/USD')), 5_000, 'live');
    stack.sim.stall();
    await waitFor(async () => await metricValue(stack.gateway, 'mgw_upstream_reconnects_total', { reason: 'pong_timeout' }) >= 1,
      5_000, 'pong deadline');
    stack.sim.resume();
  });

  it('HTTP 503 on the handshake → backoff and retry until connected', async (t) => {
    const { stack, bot } = await start(t, { sim: {}, kraken: {} });
    await waitFor(() => has(bot, isLiveSnapshot('BTC/USD')), 5_000, 'live');
    stack.sim.rejectHandshakes(503, 3);
    const from = bot.client.received.length;
    stack.sim.dropConnections(1006);
    await bot.next(isLiveSnapshot('BTC/USD'), 'live again after the rejections', from);
    assert.equal(stack.sim.handshakesRejected, 3);
    assert.equal(await metricValue(stack.gateway, 'mgw_upstream_handshake_rejections_total', { status: '503' }), 3);
    assert.ok(await metricValue(stack.gateway, 'mgw_upstream_reconnects_total', { reason: 'handshake_rejected' }) >= 3);
  });

  it('HTTP 429 on the upgrade → the next attempt waits the rate-limited floor (default 10 min), to the millisecond', async (t) => {
    // Waits between attempts on a fake clock: the real default floor is checked without waiting for it.
    const clock = new FakeClock();
    const { stack, bot } = await start(t, { kraken: { reconnect: { rateLimitedDelayMs: 600_000 } },
      deps: { sleep: clock.sleep, random: () => 0 } });
    await waitFor(() => has(bot, isLiveSnapshot('BTC/USD')), 5_000, 'live');
    stack.sim.rejectHandshakes(429, 1);
    stack.sim.dropConnections(1006);
    await waitFor(() => clock.sleeping.length === 1, 5_000, 'the reconnect after the drop waits');
    assert.deepEqual(clock.sleeping, [0], 'full jitter at random 0');
    clock.advance(0);
    await waitFor(() => stack.sim.handshakesRejected === 1 && clock.sleeping.length === 1, 5_000, 'the 429, then a wait');
    assert.deepEqual(clock.sleeping, [600_000], 'the rate-limited floor, not the jittered 0');
    const accepted = stack.sim.connectionsAccepted;
    clock.advance(599_999);
    assert.equal(stack.sim.connectionsAccepted, accepted);
    const from = bot.client.received.length;
    clock.advance(1);
    await bot.next(isLiveSnapshot('BTC/USD'), 'live again after the floor', from);
    assert.equal(await metricValue(stack.gateway, 'mgw_upstream_handshake_rejections_total', { status: '429' }), 1);
    assert.equal(await metricValue(stack.gateway, 'mgw_upstream_reconnects_total', { reason: 'rate_limited' }), 1);
  });

  it('an acked but silent subscription is resubscribed', async (t) => {
    const stack = await stackFor(t, { kraken: { snapshotTimeoutMs: 500, staleAfterMs: 60_000 } });
    stack.sim.silentSubscriptions('ETH/USD', true);
    const bot = await botFor(t, stack);
    await bot.request({ op: 'subscribe', id: 1, channel: 'book', exchange: 'kraken', symbol: 'ETH/USD', depth: 25 });
    const sim = stack.sim;
    await waitFor(() => sim.subscribeRequests('ETH/USD', 'book') >= 1, 5_000, 'first subscribe');
    sim.silentSubscriptions('ETH/USD', false);
    await bot.next(isLiveSnapshot('ETH/USD'), 'snapshot after the resubscribe');
    assert.equal(sim.unsubscribeRequests('ETH/USD', 'book'), 1, 'unsubscribe then subscribe');
    assert.equal(sim.subscribeRequests('ETH/USD', 'book'), 2);
    assert.ok(await metricValue(stack.gateway, 'mgw_book_resyncs_total', { reason: 'snapshot_timeout' }) >= 1);
    await assertBookMatchesTruth(stack, bot, 'ETH/USD', 25);
  });

  it('maintenance status → books stale with the reason; online → resync → live', async (t) => {
    const { stack, bot } = await start(t, { kraken: { staleAfterMs: 60_000 } });
    await waitFor(() => has(bot, isLiveSnapshot('BTC/USD')) && has(bot, isLiveSnapshot('ETH/USD')), 5_000, 'live');
    const from = bot.client.received.length;
    stack.sim.sendStatus('maintenance');
    await bot.next((m) => m.type === 'status' && m.symbol === 'BTC/USD' && m.state === 'stale' && m.reason === 'maintenance',
      'maintenance published', from);
    const ready = await fetch(`${stack.httpUrl}/readyz`);
    assert.equal(ready.status, 503);
    stack.sim.sendStatus('online');
    await bot.next((m) => isLiveSnapshot('BTC/USD')(m), 'live again', from);
    await waitFor(async () => (await fetch(`${stack.httpUrl}/readyz`)).status === 200, 5_000, 'ready again');
    await assertBookMatchesTruth(stack, bot, 'BTC/USD', 25);
  });

  it('maintenance survives a reconnect: snapshots during maintenance are held back, online → live', async (t) => {
    const { stack, bot } = await start(t, { kraken: { staleAfterMs: 60_000 } });
    const store = stack.gateway.store;
    await waitFor(() => store.get('kraken', 'BTC/USD')?.state === 'live', 5_000, 'live');
    stack.sim.sendStatus('maintenance');
    await waitFor(() => store.get('kraken', 'BTC/USD')?.state === 'stale', 5_000, 'stale (maintenance)');
    const accepted = stack.sim.connectionsAccepted;
    const subscribes = stack.sim.subscribeRequests('BTC/USD', 'book');
    const from = bot.client.received.length;
    stack.sim.dropConnections(1001);
    await waitFor(() => stack.sim.connectionsAccepted > accepted && stack.sim.subscribeRequests('BTC/USD', 'book') > subscribes,
      5_000, 'reconnected and resubscribed while the venue is in maintenance');
    await waitFor(() => stack.sim.connectionCount === 1 && store.get('kraken', 'BTC/USD')?.reason === 'maintenance', 5_000,
      'the snapshot on the new connection was held back');
    assert.equal((await fetch(`${stack.httpUrl}/readyz`)).status, 503, 'not ready during maintenance');
    assert.ok(!has(bot, isLiveSnapshot('BTC/USD'), from), 'no book served while the venue reports maintenance');
    stack.sim.sendStatus('online');
    await bot.next(isLiveSnapshot('BTC/USD'), 'live again once online', from);
    await assertBookMatchesTruth(stack, bot, 'BTC/USD', 25);
  });

  it('close 1013 "Market data unavailable" → reconnect after the maintenance delay', async (t) => {
    const { stack, bot } = await start(t, { kraken: { reconnect: { maintenanceDelayMs: 300 } } });
    await waitFor(() => has(bot, isLiveSnapshot('BTC/USD')), 5_000, 'live');
    const from = bot.client.received.length;
    const droppedAt = Date.now();
    stack.sim.dropConnections(1013);
    await bot.next(isLiveSnapshot('BTC/USD'), 'live again', from);
    assert.ok(Date.now() - droppedAt >= 300, 'waited at least the maintenance delay');
    assert.ok(await metricValue(stack.gateway, 'mgw_upstream_reconnects_total', { reason: 'maintenance' }) >= 1);
  });

  it('an unknown symbol is rejected by the venue: published as subscribe_failed, others stay live', async (t) => {
    const stack = await stackFor(t, { kraken: { symbols: ['BTC/USD', 'DOGE/USD'], staleAfterMs: 60_000 }, sim: { symbols: ['BTC/USD'] } });
    const bot = await botFor(t, stack);
    await bot.request({ op: 'subscribe', id: 1, channel: 'book', exchange: 'kraken', symbol: 'DOGE/USD', depth: 10 });
    await bot.request({ op: 'subscribe', id: 2, channel: 'book', exchange: 'kraken', symbol: 'BTC/USD', depth: 10 });
    await bot.next((m) => m.type === 'status' && m.symbol === 'DOGE/USD' && m.reason === 'subscribe_failed', 'failure published');
    await bot.next(isLiveSnapshot('BTC/USD'), 'BTC/USD live');
    const ready = await (await fetch(`${stack.httpUrl}/readyz`)).json() as { ready: boolean; reasons: { symbol: string }[] };
    assert.equal(ready.ready, false);
    assert.deepEqual(ready.reasons.map((r) => r.symbol), ['DOGE/USD']);
  });

  it('shards symbols over connections of at most maxSymbolsPerConnection', async (t) => {
    const stack = await stackFor(t, { kraken: { maxSymbolsPerConnection: 1 } });
    const sim = stack.sim;
    await waitFor(() => sim.connectionCount === 2, 5_000, 'two upstream connections');
    const bot = await botFor(t, stack);
    for (const [id, symbol] of ['BTC/USD', 'ETH/USD'].entries()) {
      await bot.request({ op: 'subscribe', id, channel: 'book', exchange: 'kraken', symbol, depth: 10 });
    }
    await waitFor(() => has(bot, isLiveSnapshot('BTC/USD')) && has(bot, isLiveSnapshot('ETH/USD')), 5_000, 'live');
    const status = await (await fetch(`${stack.httpUrl}/v1/status`)).json() as { exchanges: { kraken: { connections: { symbols: string[] }[] } } };
    assert.deepEqual(status.exchanges.kraken.connections.map((c) => c.symbols), [['BTC/USD'], ['ETH/USD']]);
  });

  it('a subscription the venue rejected ("Exceeded msg rate") is retried and goes live', async (t) => {
    const stack = await stackFor(t, { kraken: { symbols: ['ETH/USD'], subscribeRetryMs: 300, staleAfterMs: 60_000 } });
    const sim = stack.sim;
    sim.exceededMsgRate(1);
    sim.dropConnections(1006);
    const bot = await botFor(t, stack);
    await bot.request({ op: 'subscribe', id: 1, channel: 'book', exchange: 'kraken', symbol: 'ETH/USD', depth: 10 });
    await waitFor(async () => await metricValue(stack.gateway, 'mgw_upstream_subscription_failures_total') >= 1, 5_000,
      'the rejection was seen');
    await waitFor(() => stack.gateway.store.get('kraken', 'ETH/USD')?.state === 'live', 5_000, 'live after the retry');
    await bot.next(isLiveSnapshot('ETH/USD'), 'the bot gets the book');
  });

  it('a rejected trade subscription is retried too: trades resume', async (t) => {
    const stack = await stackFor(t, { kraken: { symbols: ['ETH/USD'], subscribeRetryMs: 300, staleAfterMs: 60_000 } });
    const sim = stack.sim;
    const bot = await botFor(t, stack);
    await waitFor(() => stack.gateway.store.get('kraken', 'ETH/USD')?.state === 'live', 5_000, 'live');
    const tradeSubscribes = sim.subscribeRequests('ETH/USD', 'trade');
    sim.exceededMsgRate(2);
    sim.dropConnections(1006);
    await waitFor(() => sim.subscribeRequests('ETH/USD', 'trade') >= tradeSubscribes + 2, 5_000, 'the trade subscribe was retried');
    await waitFor(() => stack.gateway.store.get('kraken', 'ETH/USD')?.state === 'live', 5_000, 'book live again');
    await bot.request({ op: 'subscribe', id: 1, channel: 'trades', exchange: 'kraken', symbol: 'ETH/USD' });
    await waitFor(() => bot.messages().some((m) => m.type === 'trade'), 10_000, 'trades flow again');
  });

  it('one subscription going silent while the connection flows is refreshed (stale_data), not served forever', async (t) => {
    const { stack, bot } = await start(t, { kraken: { symbolStaleAfterMs: 1_000, staleAfterMs: 60_000 } });
    await waitFor(() => has(bot, isLiveSnapshot('ETH/USD')) && has(bot, isLiveSnapshot('BTC/USD')), 5_000, 'live');
    const from = bot.client.received.length;
    stack.sim.muteLiveSubscriptions('ETH/USD');
    await bot.next((m) => m.type === 'status' && m.symbol === 'ETH/USD' && m.state === 'resyncing' && m.reason === 'stale_data',
      'the silent book is flagged', from);
    await bot.next(isLiveSnapshot('ETH/USD'), 'and refreshed with a fresh snapshot', from);
    assert.ok(!has(bot, (m) => m.type === 'status' && m.symbol === 'BTC/USD', from), 'the flowing book was left alone');
    await assertBookMatchesTruth(stack, bot, 'ETH/USD', 25);
  });

  it('a trade stream going silent while its book flows is resubscribed: trades resume', async (t) => {
    const stack = await stackFor(t, { kraken: { symbols: ['BTC/USD'], symbolStaleAfterMs: 1_000, staleAfterMs: 60_000 } });
    const sim = stack.sim;
    const bot = await botFor(t, stack);
    await bot.request({ op: 'subscribe', id: 1, channel: 'trades', exchange: 'kraken', symbol: 'BTC/USD' });
    await waitFor(() => bot.messages().some((m) => m.type === 'trade'), 5_000, 'trades flow');
    const unsubscribes = sim.unsubscribeRequests('BTC/USD', 'trade');
    sim.muteLiveSubscriptions('BTC/USD', ['trade']);
    await waitFor(() => sim.unsubscribeRequests('BTC/USD', 'trade') > unsubscribes, 5_000, 'trades resubscribed');
    const from = bot.client.received.length;
    await waitFor(() => bot.messages().slice(from).some((m) => m.type === 'trade'), 10_000, 'trades flow again');
    assert.equal(stack.gateway.store.get('kraken', 'BTC/USD')?.state, 'live', 'the book was not disturbed');
    const ids = bot.messages().filter((m) => m.type === 'trade').map((m) => m.tradeId);
    assert.equal(new Set(ids).size, ids.length, 'the resubscribe snapshot did not repeat trades');
  });

  it('benign resyncs (maintenance) do not use up the budget a real checksum fault needs', async (t) => {
    const { stack, bot } = await start(t, { kraken: { resyncBudget: 2, staleAfterMs: 60_000 } });
    const store = stack.gateway.store;
    for (let cycle = 0; cycle < 3; cycle++) {
      await waitFor(() => store.get('kraken', 'BTC/USD')?.state === 'live', 5_000, `live before cycle ${cycle}`);
      stack.sim.sendStatus('maintenance');
      await waitFor(() => store.get('kraken', 'BTC/USD')?.state === 'stale', 5_000, 'stale');
      stack.sim.sendStatus('online');
    }
    await waitFor(() => store.get('kraken', 'BTC/USD')?.state === 'live', 5_000, 'live after the cycles');
    const from = bot.client.received.length;
    stack.sim.corruptNextChecksum('BTC/USD');
    await bot.next((m) => m.type === 'status' && m.symbol === 'BTC/USD' && m.reason === 'checksum_mismatch', 'mismatch', from);
    await bot.next(isLiveSnapshot('BTC/USD'), 'resynced at once', from);
    assert.equal(await metricValue(stack.gateway, 'mgw_upstream_reconnects_total', { reason: 'resync_budget' }), 0);
  });

  it('acked-but-silent subscriptions after a reconnect: book and trades both recover within the snapshot timeout', async (t) => {
    const stack = await stackFor(t, { kraken: { symbols: ['BTC/USD'], snapshotTimeoutMs: 500, staleAfterMs: 60_000 } });
    const sim = stack.sim;
    const bot = await botFor(t, stack);
    await bot.request({ op: 'subscribe', id: 1, channel: 'trades', exchange: 'kraken', symbol: 'BTC/USD' });
    await waitFor(() => bot.messages().some((m) => m.type === 'trade'), 5_000, 'trades flow');
    const tradeSubscribes = sim.subscribeRequests('BTC/USD', 'trade');
    sim.silentSubscriptions('BTC/USD', true);
    sim.dropConnections(1006);
    await waitFor(() => sim.subscribeRequests('BTC/USD', 'trade') > tradeSubscribes, 5_000, 'resubscribed after the drop');
    sim.silentSubscriptions('BTC/USD', false);
    const from = bot.client.received.length;
    await waitFor(() => bot.messages().slice(from).some((m) => m.type === 'trade'), 10_000, 'trades flow again');
    await waitFor(() => stack.gateway.store.get('kraken', 'BTC/USD')?.state === 'live', 5_000, 'book live again');
  });
});
