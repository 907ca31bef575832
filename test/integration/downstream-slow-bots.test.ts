// Slow bots over real sockets: a bot that stops reading (ws pause) fills the kernel buffers and then the
// hub's backlog. Books must catch it up with a snapshot; trades must close it as a slow consumer.
import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { after, describe } from 'node:test';
import type { LevelText } from '../../src/core/model.ts';
import { hubFactories, hubIt } from '../support/hub-harness.ts';
import { Bot, startServer, type RunningServer } from '../support/downstream-harness.ts';
import { checksumAfter, ETH_FRAMES } from '../support/kraken-store-feed.ts';
import { waitFor } from '../support/wait-for.ts';

const LIMIT = 64 * 1024;
/** uWS drops the close frame too when the backlog is above the limit, so that bot only sees TCP close. */
const SLOW_CONSUMER_CLOSE = {
  'uWebSockets.js': { code: 1006, reason: '' },
  ws: { code: 1008, reason: 'slow consumer' },
} as const;

for (const factory of hubFactories) {
  describe(`slow bots on ${factory.name}`, () => {
    const it = hubIt(factory);
    const servers: RunningServer[] = [];
    const bots: Bot[] = [];
    after(async () => {
      for (const bot of bots) bot.ws.terminate();
      await Promise.all(servers.map(({ server }) => server.stop()));
    });
    const setup = async (): Promise<RunningServer> => {
      const s = await startServer(factory, { maxBackpressureBytes: LIMIT });
      servers.push(s);
      s.feed(ETH_FRAMES.slice(0, 50));
      return s;
    };
    const connect = async (s: RunningServer): Promise<Bot> => {
      const bot = await Bot.connect(s.wsUrl);
      bots.push(bot);
      return bot;
    };

    it('skips book updates to a paused bot and catches it up with one snapshot, seq contiguous after', async () => {
      const s = await setup();
      const fast = await connect(s);
      const slow = await connect(s);
      for (const bot of [fast, slow]) {
        await bot.request({ op: 'subscribe', id: 1, channel: 'book', exchange: 'kraken', symbol: 'ETH/USD', depth: 25 });
        await bot.next((m) => m.type === 'book_snapshot', 'snapshot');
      }
      slow.ws.pause();
      const view = s.store.get('kraken', 'ETH/USD')!;
      // Every turn rewrites the size of all 50 levels (a ~2.5 kB update) until the paused bot is skipped.
      let turn = 0;
      while (s.metrics.lastReach.get('book_update') !== 1) {
        assert.ok(++turn < 50_000, 'the paused bot never fell behind');
        const resize = (levels: LevelText[]): LevelText[] => levels.map(([price]) => [price, `${1 + (turn % 7)}.${turn}`]);
        const [bids, asks] = [resize(view.book.topLevels('bids', 25)), resize(view.book.topLevels('asks', 25))];
        s.store.applyUpdate('kraken', 'ETH/USD', bids, asks, 'T', checksumAfter(view, bids, asks));
        await nextTurn();
      }
      for (let i = 0; i < 20; i++) {
        const bids: LevelText[] = [[view.book.topLevels('bids', 1)[0]![0], `9.${i}`]];
        s.store.applyUpdate('kraken', 'ETH/USD', bids, [], 'T', checksumAfter(view, bids, []));
        await nextTurn();
      }
      slow.ws.resume();
      const inSync = (bot: Bot): boolean => {
        bot.reference.consume(bot.client.received);
        const copy = bot.reference.book('kraken', 'ETH/USD')!;
        return JSON.stringify([copy.bids, copy.asks])
          === JSON.stringify([view.book.topLevels('bids', 25), view.book.topLevels('asks', 25)]);
      };
      await waitFor(() => inSync(slow) && inSync(fast), 10_000, 'both bots hold the store book');
      assert.equal(s.metrics.slowSnapshots, 1);
      assert.equal(slow.reference.snapshots, 2);
      assert.equal(fast.reference.snapshots, 1);
      assert.equal(slow.reference.book('kraken', 'ETH/USD')!.seq, fast.reference.book('kraken', 'ETH/USD')!.seq);
      assert.ok(slow.reference.updates < fast.reference.updates, 'the slow bot skipped updates');
      // After the catch-up it follows the stream like everyone else.
      const [bestBid] = view.book.topLevels('bids', 1);
      const gone: LevelText[] = [[bestBid![0], '0']];
      s.store.applyUpdate('kraken', 'ETH/USD', gone, [], 'T', checksumAfter(view, gone, [])); // the best bid leaves the window
      await nextTurn();
      const back: LevelText[] = [[bestBid![0], '5.5']];
      s.store.applyUpdate('kraken', 'ETH/USD', back, [], 'T', checksumAfter(view, back, []));
      await waitFor(() => inSync(slow) && inSync(fast), 5000, 'in sync after catch-up');
      assert.equal(slow.reference.book('kraken', 'ETH/USD')!.seq, fast.reference.book('kraken', 'ETH/USD')!.seq);
    });

    it('closes a paused trades bot with 1008 "slow consumer" once its backlog passes twice the limit', async () => {
      const s = await setup();
      const slow = await connect(s);
      const fast = await connect(s);
      for (const bot of [slow, fast]) await bot.request({ op: 'subscribe', id: 1, channel: 'trades', exchange: 'kraken', symbol: 'ETH/USD' });
      slow.ws.pause();
      let n = 0;
      while (!s.metrics.evictions.includes('slow_consumer')) {
        assert.ok(n < 2_000_000, 'the paused bot was never closed');
        const trades = Array.from({ length: 200 }, () =>
          ({ tradeId: `t${++n}`, price: '1877.30', size: '0.01000000', side: 'buy' as const, exchangeTime: 'T' }));
        s.store.addTrades('kraken', 'ETH/USD', trades);
        await nextTurn();
      }
      slow.ws.resume();
      await waitFor(() => slow.client.closeInfo !== null, 10_000, 'slow bot closed');
      assert.deepEqual(slow.client.closeInfo, SLOW_CONSUMER_CLOSE[factory.name]);
      const closing = s.log.lines.filter((line) => line.level === 'warn' && line.message === 'closing slow consumer');
      assert.equal(closing.length, 1);
      // Closed by the first frame that took its backlog (the hub's plus the outbox's) past 2 × the limit, not later.
      const backlog = Number(closing[0]!.fields.bufferedBytes) + Number(closing[0]!.fields.queuedBytes);
      const largestFrame = Math.max(...fast.client.received.map((text) => Buffer.byteLength(text)));
      assert.ok(backlog > 2 * LIMIT && backlog <= 2 * LIMIT + largestFrame,
        `backlog ${backlog} B when closed: past ${2 * LIMIT} B by at most one frame (${largestFrame} B)`);
      slow.reference.consume(slow.client.received); // asserts contiguous trade seq up to the cut
      await waitFor(() => fast.client.received.length === n + 1, 10_000, 'the fast bot got every trade');
      fast.reference.consume(fast.client.received);
      assert.equal(fast.reference.trades, n);
      assert.equal(s.server.clientCount(), 1);
    });
  });
}
