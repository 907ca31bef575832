// uWebSockets.js native topics: in-sync bots get each book update from one native publish (no per-bot send), and a
// bot that stops reading is taken off the topic before uWS would silently drop a publish to it (uWS #499/#1338),
// then caught up with one book_snapshot, its seq contiguous: exactly what the per-bot path guarantees.
import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { after, describe } from 'node:test';
import type { LevelText } from '../../src/core/model.ts';
import { hubFactories, hubIt } from '../support/hub-harness.ts';
import { Bot, startServer, type RunningServer } from '../support/downstream-harness.ts';
import { checksumAfter, ETH_FRAMES } from '../support/kraken-store-feed.ts';
import { waitFor } from '../support/wait-for.ts';

const LIMIT = 64 * 1024;
const uws = hubFactories.find((factory) => factory.name === 'uWebSockets.js')!;
/** Skipped with the loader's reason where no native build loads (see test/support/native-hub.ts). */
const it = hubIt(uws);

describe('native topics on uWebSockets.js', () => {
  const servers: RunningServer[] = [];
  const bots: Bot[] = [];
  after(async () => {
    for (const bot of bots) bot.ws.terminate();
    await Promise.all(servers.map(({ server }) => server.stop()));
  });

  it('publishes once per update to in-sync bots, takes a paused one off before a drop and catches it up', async () => {
    const s = await startServer(uws, { maxBackpressureBytes: LIMIT });
    servers.push(s);
    s.feed(ETH_FRAMES.slice(0, 50));
    const native = s.hub.nativeTopics!;
    assert.ok(native !== undefined, 'the uWS hub has native topics');
    let publishes = 0;
    const publish = native.publish.bind(native);
    native.publish = (topic, bytes) => {
      publishes++;
      publish(topic, bytes);
    };
    const [fast, slow, third] = await Promise.all([0, 1, 2].map(async () => {
      const bot = await Bot.connect(s.wsUrl);
      bots.push(bot);
      await bot.request({ op: 'subscribe', id: 1, channel: 'book', exchange: 'kraken', symbol: 'ETH/USD', depth: 25 });
      await bot.next((m) => m.type === 'book_snapshot', 'snapshot');
      return bot;
    }));
    const view = s.store.get('kraken', 'ETH/USD')!;
    const [bestBid] = view.book.topLevels('bids', 1);
    const first: LevelText[] = [[bestBid![0], '7.5']];
    s.store.applyUpdate('kraken', 'ETH/USD', first, [], 'T', checksumAfter(view, first, []));
    await waitFor(() => [fast!, slow!, third!].every((bot) => bot.messages().some((m) => m.type === 'book_update')), 5000, 'first update');
    assert.equal(publishes, 1, 'one native publish reached all three bots');
    assert.equal(s.metrics.lastReach.get('book_update'), 3);

    slow!.ws.pause();
    let turn = 0;
    // Large updates until the paused bot is served one by one and skipped (its backlog passed the limit).
    while (s.metrics.lastReach.get('book_update') !== 2) {
      assert.ok(++turn < 50_000, 'the paused bot never fell behind');
      const resize = (levels: LevelText[]): LevelText[] => levels.map(([price]) => [price, `${1 + (turn % 7)}.${turn}`]);
      const [bids, asks] = [resize(view.book.topLevels('bids', 25)), resize(view.book.topLevels('asks', 25))];
      s.store.applyUpdate('kraken', 'ETH/USD', bids, asks, 'T', checksumAfter(view, bids, asks));
      await nextTurn();
    }
    const publishedBefore = publishes;
    for (let i = 0; i < 20; i++) {
      const bids: LevelText[] = [[view.book.topLevels('bids', 1)[0]![0], `9.${i}`]];
      s.store.applyUpdate('kraken', 'ETH/USD', bids, [], 'T', checksumAfter(view, bids, []));
      await nextTurn();
    }
    assert.ok(publishes > publishedBefore, 'the two reading bots stay on the native topic');
    slow!.ws.resume();
    const inSync = (bot: Bot): boolean => {
      bot.reference.consume(bot.client.received); // asserts contiguous seq and a valid book at every message
      const copy = bot.reference.book('kraken', 'ETH/USD')!;
      return JSON.stringify([copy.bids, copy.asks]) === JSON.stringify([view.book.topLevels('bids', 25), view.book.topLevels('asks', 25)]);
    };
    await waitFor(() => [fast!, slow!, third!].every(inSync), 10_000, 'every bot holds the store book');
    assert.equal(slow!.reference.snapshots, 2, 'one catch-up snapshot');
    assert.equal(s.metrics.slowSnapshots, 1);
    assert.equal(fast!.reference.snapshots, 1);
    assert.equal(slow!.reference.book('kraken', 'ETH/USD')!.seq, fast!.reference.book('kraken', 'ETH/USD')!.seq);

    // Back in sync, the caught-up bot rejoins the topic: the next update is again one publish to all three.
    const before = publishes;
    const resized: LevelText[] = [[view.book.topLevels('bids', 1)[0]![0], '3.25']];
    s.store.applyUpdate('kraken', 'ETH/USD', resized, [], 'T', checksumAfter(view, resized, []));
    await nextTurn();
    const again: LevelText[] = [[view.book.topLevels('bids', 1)[0]![0], '3.5']];
    s.store.applyUpdate('kraken', 'ETH/USD', again, [], 'T', checksumAfter(view, again, []));
    await waitFor(() => [fast!, slow!, third!].every(inSync), 5000, 'in sync after catch-up');
    assert.equal(publishes - before, 2);
    assert.equal(s.metrics.lastReach.get('book_update'), 3);
  });
});
