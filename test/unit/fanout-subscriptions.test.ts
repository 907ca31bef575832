import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { harness, LIMIT, type Subscribe } from '../support/fanout-harness.ts';

describe('fanout: subscriptions, trades, limits', () => {
  const trade = (n: number) => ({ tradeId: String(n), price: '1877.30', size: '0.5', side: 'buy' as const, exchangeTime: 'T' });
  const tradesCommand = (id: number): Subscribe =>
    ({ op: 'subscribe', id, channel: 'trades', exchange: 'kraken', symbol: 'ETH/USD', depth: undefined });

  it('numbers trades per stream, dedups, and answers subscription errors', () => {
    const h = harness(2);
    const { client, bot } = h.connect();
    assert.equal(h.fanout.subscribe(client, tradesCommand(1)), undefined);
    assert.equal(h.fanout.subscribe(client, tradesCommand(2))?.code, 'already_subscribed');
    h.subscribeBook(client, 3, 3);
    assert.equal(h.fanout.subscribe(client, { ...tradesCommand(4), symbol: 'BTC/USD' })?.code, 'too_many_subscriptions');
    h.store.addTrades('kraken', 'ETH/USD', [trade(1), trade(2)]);
    h.store.addTrades('kraken', 'ETH/USD', [trade(2), trade(3)]);
    bot.consume(client.received);
    const trades = client.messages().filter((m) => m.type === 'trade');
    assert.deepEqual(trades.map((m) => [m.seq, m.tradeId]), [[1, '1'], [2, '2'], [3, '3']]);
    assert.equal(h.fanout.unsubscribe(client, { op: 'unsubscribe', id: 5, channel: 'trades', exchange: 'kraken', symbol: 'ETH/USD' }), undefined);
    assert.equal(h.fanout.unsubscribe(client, { op: 'unsubscribe', id: 6, channel: 'trades', exchange: 'kraken', symbol: 'ETH/USD' })?.code, 'not_subscribed');
    assert.equal(h.fanout.topicCount(), 1);
    h.fanout.removeClient(client);
    assert.equal(h.fanout.topicCount(), 0);
    assert.equal(h.fanout.clientCount(), 0);
  });

  it('sends status once per client per symbol, to book and trades subscribers', () => {
    const h = harness();
    const both = h.connect();
    const tradesOnly = h.connect();
    h.subscribeBook(both.client, 10);
    h.fanout.subscribe(both.client, tradesCommand(2));
    h.fanout.subscribe(tradesOnly.client, tradesCommand(1));
    const counts = [both.client.received.length, tradesOnly.client.received.length];
    h.store.setState('kraken', 'ETH/USD', 'stale', 'stale_data');
    assert.equal(both.client.received.length - counts[0]!, 1);
    assert.equal(tradesOnly.client.received.length - counts[1]!, 1);
  });

  it('queues trades for a slow bot in order and closes it with 1008 past twice the limit', () => {
    const h = harness();
    const { client } = h.connect();
    h.fanout.subscribe(client, tradesCommand(1));
    client.stall();
    let n = 0;
    while (client.closeInfo === undefined && n < 1000) h.store.addTrades('kraken', 'ETH/USD', [trade(++n)]);
    assert.deepEqual(client.closeInfo, { code: 1008, reason: 'slow consumer' });
    assert.deepEqual(h.metrics.evictions, ['slow_consumer']);
    assert.ok(n > 1);
    assert.equal(h.fanout.clientCount(), 0);

    const h2 = harness();
    const patient = h2.connect();
    h2.fanout.subscribe(patient.client, tradesCommand(1));
    patient.client.stall();
    // ~190 bytes each: past the hub's limit, but under twice the limit in all.
    for (let i = 1; i <= 35; i++) h2.store.addTrades('kraken', 'ETH/USD', [trade(i)]);
    assert.ok(patient.client.bufferedBytes() > LIMIT);
    patient.client.drain();
    h2.fanout.drained(patient.client);
    patient.bot.consume(patient.client.received);
    assert.equal(patient.bot.trades, 35, 'every trade arrives, in order');
    assert.equal(patient.client.closeInfo, undefined);
  });

  it('announces shutdown per subscribed symbol, and symbol-less to idle clients', () => {
    const h = harness();
    const subscribed = h.connect();
    const idle = h.connect();
    h.subscribeBook(subscribed.client, 10);
    h.fanout.announceShutdown();
    assert.deepEqual(subscribed.client.messages().at(-1),
      { type: 'status', exchange: 'kraken', symbol: 'ETH/USD', state: 'shutting_down', reason: 'shutting_down' });
    assert.deepEqual(idle.client.messages(), [{ type: 'status', state: 'shutting_down', reason: 'shutting_down' }]);
  });
});
