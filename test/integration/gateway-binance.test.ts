// The real gateway against the Binance simulator (WebSocket streams + REST snapshots) with real `ws` bots: books
// equal the simulator's truth through update-id gaps, stale snapshots and REST faults; a gap resyncs only its own
// symbol; trades arrive exactly once; the gateway never trips the venue's 5 messages/s rule.
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { Bot, countOf } from '../support/downstream-harness.ts';
import { metricValue } from '../support/gateway-stack.ts';
import { assertTradesExactlyOnce, startBinanceStack, subscribeBinance, type BinanceStack } from '../support/binance-stack.ts';
import { assertBookMatchesTruth } from '../support/venue-stack.ts';
import { waitFor } from '../support/wait-for.ts';

/** Each test owns its stack, stopped when the test ends: no count depends on what ran before, tests run side by side. */
async function stackFor(t: TestContext, options: Parameters<typeof startBinanceStack>[0] = {}): Promise<BinanceStack> {
  const stack = await startBinanceStack(options);
  t.after(() => stack.stop());
  return stack;
}

async function botFor(t: TestContext, stack: BinanceStack): Promise<Bot> {
  const bot = await Bot.connect(stack.wsUrl);
  t.after(() => bot.ws.close());
  return bot;
}

describe('gateway + Binance simulator (each test its own stack)', () => {
describe('books and trades', { concurrency: true }, () => {
  /** A stack whose books are both live already: a bot subscribing then gets a snapshot and no start-up status. */
  const start = async (t: TestContext): Promise<BinanceStack> => {
    const stack = await stackFor(t, { sim: { pingIntervalMs: 300 } });
    await waitFor(() => ['BTC/USDT', 'ETH/USDT'].every((symbol) => stack.gateway.store.get('binance', symbol)?.state === 'live'),
      5_000, 'books live');
    return stack;
  };

  it('a bot on BTC/USDT depth 100 holds exactly the simulator book, with contiguous seq, and every trade once', async (t) => {
    const stack = await start(t);
    const bot = await botFor(t, stack);
    await subscribeBinance(bot, 'book', 'BTC/USDT', 1, 100);
    await subscribeBinance(bot, 'trades', 'BTC/USDT', 2);
    await waitFor(() => countOf(bot, (m) => m.type === 'book_update') > 30 && countOf(bot, (m) => m.type === 'trade') > 5,
      10_000, 'book updates and trades flow');
    await assertBookMatchesTruth(stack, bot, 'BTC/USDT', 100);
    assert.ok(await assertTradesExactlyOnce(stack, bot, 'BTC/USDT') > 5);
    const sides = bot.messages().filter((m) => m.type === 'trade').map((m) => m.side);
    assert.ok(sides.includes('buy') && sides.includes('sell'), 'taker side mapped from m both ways');
    assert.equal(countOf(bot, (m) => m.type === 'book_snapshot'), 1, 'one snapshot, then updates only');
    assert.equal(stack.sim.depthRequests('BTC/USDT'), 1, 'one REST snapshot bridged the stream');
    assert.ok(stack.sim.pongsMatched > 0, 'the venue pings were answered with their payload');
  });

  it('an update-id gap resyncs only that symbol from a new snapshot; the other symbol stays live', async (t) => {
    const stack = await start(t);
    const bot = await botFor(t, stack);
    await subscribeBinance(bot, 'book', 'BTC/USDT', 1, 100);
    await subscribeBinance(bot, 'book', 'ETH/USDT', 2, 100);
    await waitFor(() => countOf(bot, (m) => m.type === 'book_snapshot') >= 2, 5_000, 'snapshots');
    const btcRequests = stack.sim.depthRequests('BTC/USDT');
    const ethRequests = stack.sim.depthRequests('ETH/USDT');
    const gapsBefore = await metricValue(stack.gateway, 'mgw_book_resyncs_total', { reason: 'sequence_gap' });
    const from = bot.client.received.length;
    stack.sim.gapNext('BTC/USDT');
    await bot.next((m) => m.type === 'status' && m.symbol === 'BTC/USDT' && m.state === 'resyncing' && m.reason === 'sequence_gap',
      'resyncing status with the reason', from);
    await bot.next((m) => m.type === 'book_snapshot' && m.symbol === 'BTC/USDT', 'fresh snapshot after the gap', from);
    assert.equal(stack.sim.depthRequests('BTC/USDT') - btcRequests, 1, 'one new REST snapshot for the gapped book');
    assert.equal(stack.sim.depthRequests('ETH/USDT'), ethRequests, 'no snapshot for the other book');
    assert.equal(countOf(bot, (m) => m.type === 'status' && m.symbol === 'ETH/USDT'), 0, 'ETH/USDT never left live');
    assert.equal(await metricValue(stack.gateway, 'mgw_book_resyncs_total', { reason: 'sequence_gap' }) - gapsBefore, 1);
    await waitFor(() => countOf(bot, (m) => m.type === 'book_update' && m.symbol === 'BTC/USDT') > 10, 5_000, 'updates again');
    await assertBookMatchesTruth(stack, bot, 'BTC/USDT', 100);
    await assertBookMatchesTruth(stack, bot, 'ETH/USDT', 100);
  });

  it('a duplicate (stale) event is ignored and a cut depth frame resyncs the book', async (t) => {
    const stack = await start(t);
    const bot = await botFor(t, stack);
    await subscribeBinance(bot, 'book', 'ETH/USDT', 1, 100);
    await waitFor(() => countOf(bot, (m) => m.type === 'book_snapshot') >= 1, 5_000, 'snapshot');
    stack.sim.duplicateNext('ETH/USDT');
    await waitFor(() => countOf(bot, (m) => m.type === 'book_update') > 10, 5_000, 'updates flow past the duplicate');
    assert.equal(countOf(bot, (m) => m.type === 'status'), 0, 'a stale duplicate is not a fault');
    await assertBookMatchesTruth(stack, bot, 'ETH/USDT', 100);
    const parseErrorsBefore = await metricValue(stack.gateway, 'mgw_upstream_parse_errors_total');
    const from = bot.client.received.length;
    stack.sim.truncateNextDepthFrame('ETH/USDT');
    await bot.next((m) => m.type === 'status' && m.state === 'resyncing' && m.reason === 'malformed_frame', 'resync on a cut frame', from);
    await bot.next((m) => m.type === 'book_snapshot', 'fresh snapshot', from);
    assert.equal(await metricValue(stack.gateway, 'mgw_upstream_parse_errors_total') - parseErrorsBefore, 1, 'counted once');
    await assertBookMatchesTruth(stack, bot, 'ETH/USDT', 100);
  });

  it('a snapshot older than the buffered stream is refetched, never applied', async (t) => {
    const stack = await start(t);
    const bot = await botFor(t, stack);
    await subscribeBinance(bot, 'book', 'BTC/USDT', 1, 100);
    await waitFor(() => countOf(bot, (m) => m.type === 'book_snapshot') >= 1, 5_000, 'snapshot');
    const requests = stack.sim.depthRequests('BTC/USDT');
    const from = bot.client.received.length;
    stack.sim.staleSnapshotNext('BTC/USDT');
    stack.sim.gapNext('BTC/USDT');
    await bot.next((m) => m.type === 'book_snapshot' && m.symbol === 'BTC/USDT', 'snapshot after the refetch', from);
    assert.equal(stack.sim.depthRequests('BTC/USDT') - requests, 2, 'the stale snapshot was refetched once');
    await waitFor(() => countOf(bot, (m) => m.type === 'book_update') > 10, 5_000, 'updates again');
    assert.equal(bot.messages().slice(from).filter((m) => m.type === 'book_snapshot').length, 1, 'the stale one never reached the bot');
    await assertBookMatchesTruth(stack, bot, 'BTC/USDT', 100);
  });
});

describe('message rate', () => {
  it('never exceeds 5 messages per second towards the venue, pongs included, while resubscribing silent trade streams', async (t) => {
    const symbols = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'BNB/USDT', 'XRP/USDT'];
    // No trades at all: every trade stream goes silent after a second and is resubscribed (UNSUBSCRIBE + SUBSCRIBE per
    // symbol: 10 requests at once), while the venue pings every second; the requests want far more than 5 messages/s.
    // That the pacer then sends at exactly its limit is pinned on a fake clock (outbound-pacer.test.ts).
    const stack = await stackFor(t, { sim: { symbols, pingIntervalMs: 1_000, tradeProbability: 0 },
      binance: { symbols, symbolStaleAfterMs: 1_000 } });
    await waitFor(() => symbols.every((symbol) => stack.sim.subscribeRequests(`${symbol.replace('/', '').toLowerCase()}@trade`) >= 1),
      15_000, 'every silent trade stream resubscribed');
    assert.equal(stack.sim.rateLimitCloses, 0, 'the venue never closed us for message rate');
    assert.ok(stack.sim.maxMessagesInOneSecond <= 5, `at most 5 messages in any second (saw ${stack.sim.maxMessagesInOneSecond})`);
    assert.ok(stack.sim.pongsMatched >= 1, 'pongs echo the ping payload');
    assert.equal(await metricValue(stack.gateway, 'mgw_upstream_reconnects_total'), 0);
  });
});

describe('REST limits', () => {
  it('429 and 418 pause every snapshot request for Retry-After, the ban is counted, and the books still go live', async (t) => {
    const stack = await stackFor(t, { binance: {
      snapshotTimeoutMs: 1_000, rest: { requestTimeoutMs: 2_000, weightSharePercent: 50, banPauseMinMs: 1_000 } } });
    await waitFor(() => stack.gateway.store.get('binance', 'BTC/USDT')?.state === 'live'
      && stack.gateway.store.get('binance', 'ETH/USDT')?.state === 'live', 5_000, 'books live');
    stack.sim.failRest(429, 1, 1);
    stack.sim.gapNext('BTC/USDT');
    await waitFor(async () => await metricValue(stack.gateway, 'mgw_rest_rate_limited_total', { status: '429' }) === 1,
      5_000, '429 seen');
    await waitFor(() => stack.gateway.store.get('binance', 'BTC/USDT')?.state === 'live', 5_000, 'live after the 429 pause');
    stack.sim.failRest(418, 1, 1);
    stack.sim.gapNext('ETH/USDT');
    await waitFor(async () => await metricValue(stack.gateway, 'mgw_rest_rate_limited_total', { status: '418' }) === 1,
      5_000, '418 seen');
    await waitFor(() => stack.gateway.store.get('binance', 'ETH/USDT')?.state === 'live', 8_000, 'live after the ban');
    const status = await (await fetch(`${stack.httpUrl}/v1/status`)).json() as { exchanges: { binance: { rest: { banned: boolean } } } };
    assert.equal(status.exchanges.binance.rest.banned, false, 'the ban is over');
    assert.equal(await metricValue(stack.gateway, 'mgw_upstream_reconnects_total'), 0, 'REST limits never cost a reconnect');
  });
});

describe('slow REST', () => {
  it('snapshot deadlines wait while the REST request is pending: no reconnect loop, one request per book', async (t) => {
    // Every snapshot takes 1 s, over six times the snapshot deadline: a deadline that counted REST time would
    // resubscribe, then reconnect (cancelling the requests), forever.
    const stack = await stackFor(t, { sim: { restLatencyMs: 1_000 },
      binance: { snapshotTimeoutMs: 150, subscribeAckTimeoutMs: 150 } });
    const store = stack.gateway.store;
    await waitFor(() => store.get('binance', 'BTC/USDT')?.state === 'live' && store.get('binance', 'ETH/USDT')?.state === 'live',
      10_000, 'both books live');
    assert.equal(await metricValue(stack.gateway, 'mgw_upstream_reconnects_total'), 0);
    assert.equal(stack.sim.connectionsAccepted, 1);
    assert.equal(stack.sim.depthRequests('BTC/USDT'), 1, 'one snapshot request, not one per deadline');
    assert.equal(stack.sim.depthRequests('ETH/USDT'), 1);
  });
});

describe('liveness', () => {
  it('a venue that never pings is not judged dead: liveness is data; a silent connection is replaced', async (t) => {
    // Client-ping deadlines far below the test's length: they must not apply to a venue that pings us instead.
    const stack = await stackFor(t, { sim: { pingIntervalMs: 600_000 },
      binance: { pingIntervalMs: 1_000, pongTimeoutMs: 200, staleAfterMs: 1_000 } });
    const store = stack.gateway.store;
    await waitFor(() => store.get('binance', 'BTC/USDT')?.state === 'live', 5_000, 'live');
    const versionAt = store.get('binance', 'BTC/USDT')!.version;
    // Diffs every 25 ms: 60 of them span 1.5 s, past the first ping (1 s) plus its pong deadline (200 ms).
    await waitFor(() => store.get('binance', 'BTC/USDT')!.version > versionAt + 60, 10_000, 'data for well over the pong deadline');
    assert.equal(await metricValue(stack.gateway, 'mgw_upstream_reconnects_total'), 0, 'no pong_timeout without pings');
    assert.equal(stack.sim.pingsSent, 0);
    stack.sim.stall();
    const running = stack;
    await waitFor(async () => await metricValue(running.gateway, 'mgw_upstream_reconnects_total', { reason: 'stale_data' }) === 1,
      5_000, 'silence (no data) is what ends a connection');
    stack.sim.resume();
    await waitFor(() => store.get('binance', 'BTC/USDT')?.state === 'live', 5_000, 'live again');
  });
});
});
