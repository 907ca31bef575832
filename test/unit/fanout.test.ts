import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertInSync, harness, LIMIT, SNAPSHOT_AT } from '../support/fanout-harness.ts';
import { checksumAfter, ETH_FRAMES } from '../support/kraken-store-feed.ts';

describe('fanout: real Kraken ETH/USD capture through a real BookStore', () => {
  it('keeps bots at depths 1, 5, 10, 25 equal to the store top-N after every flush, seq contiguous', () => {
    const h = harness();
    const bots = [1, 5, 10, 25].map((depth) => ({ depth, ...h.connect() }));
    for (const { client, depth } of bots) h.subscribeBook(client, depth);
    for (const { client } of bots) {
      const [ack, status] = client.messages();
      assert.deepEqual(ack, { type: 'ack', id: 1 });
      assert.equal(status!.type, 'status');
      assert.equal(status!.state, 'awaiting-snapshot');
    }
    h.feed(ETH_FRAMES.slice(0, SNAPSHOT_AT + 1));
    h.endTurn();
    let updatesApplied = 0;
    for (let i = SNAPSHOT_AT + 1; i < ETH_FRAMES.length; i++) {
      updatesApplied += h.feed([ETH_FRAMES[i]!]);
      h.endTurn();
      for (const { client, bot, depth } of bots) assertInSync(h, bot, client, depth, `frame ${i}`);
    }
    assert.equal(updatesApplied, 1128);
    for (const { bot, depth } of bots) {
      assert.equal(bot.snapshots, 1);
      assert.equal(bot.book('kraken', 'ETH/USD')!.seq, 1 + bot.updates, `depth ${depth}: seq counts every message`);
      assert.ok(bot.updates <= updatesApplied);
    }
    // Depth 1 sees only top-of-book changes; depth 25 sees (almost) every venue update.
    const [top1, , , top25] = bots.map(({ bot }) => bot.updates);
    assert.ok(top1! < top25!, `depth 1 got ${top1} updates, depth 25 got ${top25}`);
    assert.equal(h.fanout.topicCount(), 4);
  });

  it('coalesces the changes of one event-loop turn into one update per topic', () => {
    const h = harness();
    const bots = [1, 10, 25].map((depth) => ({ depth, ...h.connect() }));
    for (const { client, depth } of bots) h.subscribeBook(client, depth);
    h.feed(ETH_FRAMES.slice(0, SNAPSHOT_AT + 1));
    h.endTurn();
    let storeChanges = 0;
    for (let i = SNAPSHOT_AT + 1; i < ETH_FRAMES.length; i += 8) {
      storeChanges += h.feed(ETH_FRAMES.slice(i, i + 8));
      h.endTurn();
      for (const { client, bot, depth } of bots) assertInSync(h, bot, client, depth, `batch at ${i}`);
    }
    const turns = Math.ceil((ETH_FRAMES.length - SNAPSHOT_AT - 1) / 8);
    assert.equal(h.flushes, turns + 1);
    for (const { bot, depth } of bots) {
      assert.ok(bot.updates <= turns, `depth ${depth}: ${bot.updates} updates for ${turns} turns`);
      assert.ok(bot.updates < storeChanges / 4, `depth ${depth}: ${bot.updates} messages for ${storeChanges} changes`);
    }
  });

  it('serves a bot joining mid-stream (existing and new topic) a snapshot at the topic seq, then contiguous updates', () => {
    const h = harness();
    const early = h.connect();
    h.subscribeBook(early.client, 10);
    h.feed(ETH_FRAMES.slice(0, 300));
    h.endTurn();
    // Changes pending in this turn: the joiners must still end up equal after the flush.
    h.feed(ETH_FRAMES.slice(300, 305));
    const sameTopic = h.connect();
    const newTopic = h.connect();
    h.subscribeBook(sameTopic.client, 10);
    h.subscribeBook(newTopic.client, 7);
    const [, joinSnapshot] = sameTopic.client.messages();
    early.bot.consume(early.client.received);
    assert.equal(joinSnapshot!.type, 'book_snapshot');
    assert.equal(joinSnapshot!.seq, early.bot.book('kraken', 'ETH/USD')!.seq);
    assert.equal(newTopic.client.messages()[1]!.seq, 0);
    h.endTurn();
    for (let i = 305; i < ETH_FRAMES.length; i += 3) {
      h.feed(ETH_FRAMES.slice(i, i + 3));
      h.endTurn();
      assertInSync(h, early.bot, early.client, 10, `early ${i}`);
      assertInSync(h, sameTopic.bot, sameTopic.client, 10, `same topic ${i}`);
      assertInSync(h, newTopic.bot, newTopic.client, 7, `new topic ${i}`);
    }
    assert.equal(early.bot.book('kraken', 'ETH/USD')!.seq, sameTopic.bot.book('kraken', 'ETH/USD')!.seq);
  });

  it('stops updates to a slow bot, then catches it up with one snapshot (on drain or at a later flush)', () => {
    for (const resume of ['drain', 'next flush'] as const) {
      const h = harness();
      const fast = h.connect();
      const slow = h.connect();
      h.subscribeBook(fast.client, 25);
      h.subscribeBook(slow.client, 25);
      h.feed(ETH_FRAMES.slice(0, 200));
      h.endTurn();
      slow.client.stall();
      let i = 200;
      for (; i < 400; i++) {
        h.feed([ETH_FRAMES[i]!]);
        h.endTurn();
        assertInSync(h, fast.bot, fast.client, 25, `fast ${i}`);
      }
      assert.ok(slow.client.bufferedBytes() > LIMIT, 'the slow bot fell behind');
      assert.deepEqual(slow.client.dropped, [], 'nothing is sent past the limit');
      const receivedWhileSlow = slow.client.received.length;
      slow.client.drain();
      if (resume === 'drain') h.fanout.drained(slow.client);
      else {
        h.feed([ETH_FRAMES[i++]!]);
        h.endTurn();
      }
      const catchUp = slow.client.messages(receivedWhileSlow);
      assert.equal(catchUp.length, 1, resume);
      assert.equal(catchUp[0]!.type, 'book_snapshot');
      fast.bot.consume(fast.client.received);
      assert.equal(catchUp[0]!.seq, fast.bot.book('kraken', 'ETH/USD')!.seq, `${resume}: snapshot at the current seq`);
      assert.equal(h.metrics.slowSnapshots, 1);
      for (; i < ETH_FRAMES.length; i++) {
        h.feed([ETH_FRAMES[i]!]);
        h.endTurn();
        assertInSync(h, slow.bot, slow.client, 25, `${resume}: slow after catch-up ${i}`);
      }
      assert.equal(slow.bot.snapshots, 2);
    }
  });

  it('sends status before the next snapshot when a book goes stale, and nothing stale in between', () => {
    const h = harness();
    const { client, bot } = h.connect();
    h.subscribeBook(client, 10);
    h.feed(ETH_FRAMES.slice(0, 100));
    h.endTurn();
    assertInSync(h, bot, client, 10, 'before');
    const before = client.received.length;
    h.feed(ETH_FRAMES.slice(100, 103)); // pending in this turn when the connection drops
    h.store.setState('kraken', 'ETH/USD', 'stale', 'connection_lost');
    h.endTurn();
    assert.deepEqual(client.messages(before), [
      { type: 'status', exchange: 'kraken', symbol: 'ETH/USD', state: 'stale', reason: 'connection_lost' },
    ]);
    const view = h.store.get('kraken', 'ETH/USD')!;
    const [bids, asks] = [view.book.topLevels('bids', 25), view.book.topLevels('asks', 25)];
    h.store.applySnapshot('kraken', 'ETH/USD', bids, asks, 'T', checksumAfter(view, bids, asks, true));
    h.endTurn();
    const after = client.messages(before + 1);
    assert.deepEqual(after.map((m) => [m.type, m.state ?? m.seq]), [['status', 'live'], ['book_snapshot', bot.book('kraken', 'ETH/USD')!.seq + 1]]);
    for (let i = 103; i < 200; i++) {
      h.feed([ETH_FRAMES[i]!]);
      h.endTurn();
      assertInSync(h, bot, client, 10, `after resync ${i}`);
    }
  });

  it('publishes a checksum failure as status resyncing and holds updates until the next snapshot', () => {
    const h = harness();
    const { client, bot } = h.connect();
    h.subscribeBook(client, 5);
    h.feed(ETH_FRAMES.slice(0, 50));
    h.endTurn();
    const before = client.received.length;
    const result = h.store.applyUpdate('kraken', 'ETH/USD', [['1.00', '1.0']], [], 'T', 12345);
    assert.equal(result.ok, false);
    h.store.applyUpdate('kraken', 'ETH/USD', [['2.00', '1.0']], [], 'T'); // ignored: not live
    h.endTurn();
    assert.deepEqual(client.messages(before), [
      { type: 'status', exchange: 'kraken', symbol: 'ETH/USD', state: 'resyncing', reason: 'checksum_mismatch' },
    ]);
    bot.consume(client.received);
    assert.equal(bot.book('kraken', 'ETH/USD')!.seq, bot.snapshots + bot.updates);
  });
});
