// The gateway against the Coinbase simulator's rules and limits: subscribes inside the 5 s deadline, heartbeats keep a
// quiet product's channel open, a 5 MB whole-book snapshot, error frames, the resync budget over repeated sequence
// breaks, and the 8 messages per second rule under a resubscribe storm.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Bot, countOf } from '../support/downstream-harness.ts';
import { metricValue } from '../support/gateway-stack.ts';
import { startCoinbaseStack, subscribeCoinbase, type CoinbaseStack } from '../support/coinbase-stack.ts';
import { assertBookMatchesTruth } from '../support/venue-stack.ts';
import { waitFor } from '../support/wait-for.ts';

const stacks: CoinbaseStack[] = [];
const bots: Bot[] = [];
after(async () => {
  for (const bot of bots) bot.ws.close();
  for (const stack of stacks) await stack.stop();
});

async function stackWith(options: Parameters<typeof startCoinbaseStack>[0]): Promise<CoinbaseStack> {
  const stack = await startCoinbaseStack(options);
  stacks.push(stack);
  return stack;
}

async function botOn(stack: CoinbaseStack): Promise<Bot> {
  const bot = await Bot.connect(stack.wsUrl);
  bots.push(bot);
  return bot;
}

describe('gateway + Coinbase simulator: the venue\'s rules', () => {
  it('subscribes inside the deadline; heartbeats keep a quiet product\'s channel open', async () => {
    const stack = await stackWith({ sim: { subscribeDeadlineMs: 200, idleChannelMs: 300 } });
    stack.sim.quiet('ETH/USD');
    const bot = await botOn(stack);
    await subscribeCoinbase(bot, 'book', 'ETH/USD', 1, 10);
    await bot.next((m) => m.type === 'book_snapshot', 'snapshot while quiet');
    await new Promise((resolve) => setTimeout(resolve, 900));
    stack.sim.quiet('ETH/USD', false);
    await waitFor(() => countOf(bot, (m) => m.type === 'book_update') > 5, 5_000, 'updates after the quiet spell');
    assert.equal(stack.sim.stats.deadlineCloses, 0);
    assert.equal(stack.sim.stats.idleChannelCloses, 0, 'the heartbeats subscription kept the quiet channel');
    assert.equal(stack.sim.requests('subscribe', 'level2', 'ETH/USD'), 1, 'never resubscribed');
    assert.equal(stack.sim.connectionsAccepted, 1);
    await assertBookMatchesTruth(stack, bot, 'ETH/USD', 10);
  });

  it('a 5 MB snapshot (46,000 levels): bots at depth 10 and 1000 hold the simulator\'s book', async () => {
    const stack = await stackWith({ sim: { levelsPerSideOf: { 'BTC/USD': 23_000 } } });
    const top = await botOn(stack);
    const deep = await botOn(stack);
    await subscribeCoinbase(top, 'book', 'BTC/USD', 1, 10);
    await subscribeCoinbase(deep, 'book', 'BTC/USD', 1, 1000);
    await waitFor(() => countOf(deep, (m) => m.type === 'book_update') > 20, 10_000, 'updates after the big snapshot');
    assert.ok(await metricValue(stack.gateway, 'mgw_upstream_bytes_received_total', { exchange: 'coinbase' }) > 5_000_000);
    const view = stack.gateway.store.get('coinbase', 'BTC/USD')!;
    assert.ok(view.book.bids.size >= 22_900 && view.book.asks.size >= 22_900, 'the store keeps the whole book by default');
    await assertBookMatchesTruth(stack, top, 'BTC/USD', 10);
    await assertBookMatchesTruth(stack, deep, 'BTC/USD', 1000);
  });

  it('an error frame fails the waiting subscription per symbol; it is retried and the books go live', async () => {
    const stack = await stackWith({ coinbase: { subscribeRetryMs: 300 } });
    stack.sim.failSubscribes('failure to subscribe');
    const bot = await botOn(stack);
    await subscribeCoinbase(bot, 'book', 'BTC/USD', 1, 10);
    await bot.next((m) => m.type === 'book_snapshot', 'snapshot after the retry');
    assert.equal(await metricValue(stack.gateway, 'mgw_upstream_subscription_failures_total', { exchange: 'coinbase' }), 2,
      'BTC/USD and ETH/USD');
    assert.equal(stack.sim.requests('subscribe', 'level2', 'BTC/USD'), 2);
    await assertBookMatchesTruth(stack, bot, 'BTC/USD', 10);
  });
});

describe('gateway + Coinbase simulator: budgets', () => {
  it('repeated sequence breaks: resync, one reconnect over budget, then the next connection waits for the budget', async () => {
    const stack = await stackWith({ coinbase: { resyncBudget: 1, resyncWindowMs: 4_000 } });
    const bot = await botOn(stack);
    await subscribeCoinbase(bot, 'book', 'BTC/USD', 1, 10);
    await bot.next((m) => m.type === 'book_snapshot', 'first snapshot');
    const breakAndWait = async (connections: number): Promise<void> => {
      stack.sim.frameFault('skip', 'l2_data');
      await waitFor(() => stack.sim.connectionsAccepted === connections + 1, 3_000, 'rebuilt at once');
      await waitFor(() => countOf(bot, (m) => m.type === 'book_snapshot') > connections, 3_000, 'snapshot');
    };
    const started = Date.now();
    await breakAndWait(1);
    await breakAndWait(2);
    stack.sim.frameFault('skip', 'l2_data');
    await waitFor(() => bot.messages().at(-1)?.type === 'status', 3_000, 'resyncing');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    assert.equal(stack.sim.connectionsAccepted, 3, 'over budget after its reconnect: the next connection waits');
    assert.equal(stack.gateway.store.get('coinbase', 'BTC/USD')!.state, 'resyncing');
    await waitFor(() => stack.sim.connectionsAccepted === 4, 8_000, 'the budget frees');
    assert.ok(Date.now() - started >= 3_500, `waited for the window (${Date.now() - started} ms)`);
    await waitFor(() => countOf(bot, (m) => m.type === 'book_snapshot') === 4, 3_000, 'live again');
    await assertBookMatchesTruth(stack, bot, 'BTC/USD', 10);
  });

  it('a resubscribe storm stays under 8 messages per second: the pacer spreads it', async () => {
    const symbols = ['BTC/USD', 'ETH/USD', 'SOL/USD', 'AVAX/USD', 'LINK/USD'];
    // No trades at all: every trade subscription goes silent and is resubscribed (unsubscribe + subscribe) every second.
    const stack = await stackWith({ sim: { symbols, tradeProbability: 0 }, coinbase: { symbols, symbolStaleAfterMs: 1_000 } });
    await waitFor(() => symbols.every((symbol) => stack.sim.requests('subscribe', 'market_trades', symbol) >= 3), 15_000,
      'every silent trade subscription renewed twice');
    assert.equal(stack.sim.stats.rateLimitCloses, 0, 'never closed for message rate');
    const busiest = stack.sim.stats.maxMessagesInOneSecond;
    assert.ok(busiest <= 8 && busiest >= 4, `at most 8 messages in any second, the pacer at work (saw ${busiest})`);
    assert.equal(stack.sim.connectionsAccepted, 1);
    assert.equal(await metricValue(stack.gateway, 'mgw_upstream_reconnects_total', { exchange: 'coinbase' }), 0);
  });
});
