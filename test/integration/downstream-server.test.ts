// The downstream server end to end: real hub (both engines), real `ws` bots, a real BookStore fed with the
// Kraken ETH/USD and BTC/USD captures through the real session.
import assert from 'node:assert/strict';
import { after, describe } from 'node:test';
import { hubFactories, hubIt } from '../support/hub-harness.ts';
import { Bot, startServer, type RunningServer } from '../support/downstream-harness.ts';
import { BTC_FRAMES, docTradeFrames, ETH_FRAMES } from '../support/kraken-store-feed.ts';
import { waitFor } from '../support/wait-for.ts';

for (const factory of hubFactories) {
  describe(`downstream server on ${factory.name}`, () => {
    const it = hubIt(factory);
    const servers: RunningServer[] = [];
    const bots: Bot[] = [];
    const start = async (config = {}, nowMs?: () => number): Promise<RunningServer> => {
      const server = await startServer(factory, config, nowMs);
      servers.push(server);
      return server;
    };
    const connect = async (server: RunningServer): Promise<Bot> => {
      const bot = await Bot.connect(server.wsUrl);
      bots.push(bot);
      return bot;
    };
    after(async () => {
      for (const bot of bots) bot.ws.terminate();
      await Promise.all(servers.map(({ server }) => server.stop()));
    });

    it('subscribe → ack, snapshot, coalesced updates that keep every bot equal to the store', async () => {
      const s = await start();
      s.feed(ETH_FRAMES.slice(0, 100));
      const deep = await connect(s);
      const shallow = await connect(s);
      const depths = new Map([[deep, 25], [shallow, 3]]);
      assert.deepEqual(await deep.request({ op: 'subscribe', id: 1, channel: 'book', exchange: 'kraken', symbol: 'ETH/USD', depth: 25 }),
        { type: 'ack', id: 1 });
      assert.deepEqual(await shallow.request({ op: 'subscribe', id: 'a', channel: 'book', exchange: 'kraken', symbol: 'eth/usd', depth: 3 } as never),
        { type: 'ack', id: 'a' });
      const snapshot = await deep.next((m) => m.type === 'book_snapshot', 'snapshot');
      assert.deepEqual(Object.keys(snapshot),
        ['type', 'exchange', 'symbol', 'seq', 'depth', 'bids', 'asks', 'exchangeTime', 'receivedTime', 'gatewayTime']);
      assert.match(String(snapshot.gatewayTime), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      assert.match(String(snapshot.receivedTime), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      assert.ok(String(snapshot.receivedTime) <= String(snapshot.gatewayTime), 'received before published');
      assert.ok(String(snapshot.receivedTime) > '2026', 'a real receipt time');
      const inSync = (bot: Bot): boolean => {
        bot.reference.consume(bot.client.received);
        const copy = bot.reference.book('kraken', 'ETH/USD');
        const book = s.store.get('kraken', 'ETH/USD')!.book;
        const depth = depths.get(bot)!;
        return copy !== undefined && JSON.stringify([copy.bids, copy.asks])
          === JSON.stringify([book.topLevels('bids', depth), book.topLevels('asks', depth)]);
      };
      let chunks = 0;
      let changes = 0;
      for (let i = 100; i < ETH_FRAMES.length; i += 12) {
        changes += s.feed(ETH_FRAMES.slice(i, i + 12)); // one event-loop turn
        chunks++;
        await waitFor(() => inSync(deep) && inSync(shallow), 5000, `bots in sync after frame ${i}`);
      }
      assert.ok(deep.reference.updates <= chunks, `${deep.reference.updates} updates for ${chunks} turns (${changes} changes)`);
      assert.ok(shallow.reference.updates < deep.reference.updates);
      const last = deep.messages().filter((m) => m.type === 'book_update').at(-1)!;
      assert.deepEqual(Object.keys(last), ['type', 'exchange', 'symbol', 'seq', 'bids', 'asks', 'exchangeTime', 'receivedTime', 'gatewayTime']);
    });

    it('trades and status reach subscribers in order with their own seq', async () => {
      const s = await start();
      const bot = await connect(s);
      await bot.request({ op: 'subscribe', id: 1, channel: 'trades', exchange: 'kraken', symbol: 'ETH/USD' });
      await bot.request({ op: 'subscribe', id: 2, channel: 'book', exchange: 'kraken', symbol: 'BTC/USD' });
      assert.deepEqual(await bot.next((m) => m.type === 'status' && m.symbol === 'BTC/USD', 'status on subscribe'),
        { type: 'status', exchange: 'kraken', symbol: 'BTC/USD', state: 'awaiting-snapshot', reason: 'starting' });
      s.feed(docTradeFrames('ETH/USD'));
      await waitFor(() => bot.messages().filter((m) => m.type === 'trade').length === 3, 5000, 'three trades');
      const trades = bot.messages().filter((m) => m.type === 'trade');
      assert.deepEqual(trades.map((m) => [m.seq, m.tradeId, m.side]), [[1, '4665846', 'buy'], [2, '4665847', 'buy'], [3, '4665906', 'sell']]);
      assert.deepEqual(Object.keys(trades[0]!),
        ['type', 'exchange', 'symbol', 'seq', 'tradeId', 'price', 'size', 'side', 'exchangeTime', 'receivedTime', 'gatewayTime']);
      s.feed(BTC_FRAMES.slice(0, 40));
      const live = await bot.next((m) => m.type === 'status' && m.state === 'live', 'status live');
      await bot.next((m) => m.type === 'book_snapshot', 'the snapshot (sent at the end of the turn, after the status)');
      const order = bot.messages().map((m) => m.type);
      assert.ok(order.indexOf('status', order.indexOf('trade')) < order.indexOf('book_snapshot'), 'status before snapshot');
      assert.equal(live.reason, 'snapshot');
      const mark = bot.client.received.length;
      s.store.setState('kraken', 'BTC/USD', 'stale', 'connection_lost');
      assert.deepEqual(await bot.next((m) => m.type === 'status', 'stale', mark),
        { type: 'status', exchange: 'kraken', symbol: 'BTC/USD', state: 'stale', reason: 'connection_lost' });
    });

    it('answers bad input with an error code and id, and the connection stays open', async () => {
      const s = await start();
      const bot = await connect(s);
      const sub = { op: 'subscribe', channel: 'book', exchange: 'kraken', symbol: 'BTC/USD' };
      const errorOf = async (message: Record<string, unknown> & { id: number }): Promise<unknown> => {
        const reply = await bot.request(message);
        assert.equal(reply.type, 'error', JSON.stringify(reply));
        return reply.code;
      };
      let mark = bot.client.received.length;
      bot.send('{"op":"ping",');
      assert.deepEqual(await bot.next((m) => m.type === 'error', 'invalid_json', mark),
        { type: 'error', code: 'invalid_json', message: 'invalid JSON (13 characters)' });
      mark = bot.client.received.length;
      bot.ws.send(Buffer.from('{"op":"ping","id":1}'), { binary: true });
      assert.equal((await bot.next((m) => m.type === 'error', 'binary', mark)).code, 'binary_not_supported');
      assert.equal(await errorOf({ id: 2, op: 'subscribe' }), 'invalid_message');
      assert.equal(await errorOf({ id: 3, op: 'snapshot' }), 'unknown_op');
      assert.equal(await errorOf({ ...sub, id: 4, channel: 'ticker' }), 'unknown_channel');
      assert.equal(await errorOf({ ...sub, id: 5, exchange: 'bitmex' }), 'unknown_exchange');
      assert.deepEqual(await bot.request({ ...sub, id: 6, symbol: 'DOGE/EUR' }),
        { type: 'error', id: 6, code: 'unknown_symbol', message: 'kraken has no configured symbol DOGE/EUR' });
      assert.equal(await errorOf({ ...sub, id: 7, depth: 11 }), 'invalid_depth');
      assert.equal(await errorOf({ ...sub, id: 8, op: 'unsubscribe' }), 'not_subscribed');
      assert.deepEqual(await bot.request({ ...sub, id: 9 }), { type: 'ack', id: 9 });
      assert.equal(await errorOf({ ...sub, id: 10, depth: 5 }), 'already_subscribed');
      await bot.request({ ...sub, id: 11, channel: 'trades' });
      await bot.request({ ...sub, id: 12, symbol: 'ETH/USD' });
      assert.equal(await errorOf({ ...sub, id: 13, channel: 'trades', symbol: 'ETH/USD' }), 'too_many_subscriptions');
      assert.deepEqual(await bot.request({ op: 'ping', id: 14 }), { type: 'pong', id: 14 });
      assert.equal(bot.client.closeInfo, null);
      assert.deepEqual(s.metrics.errors, ['invalid_json', 'binary_not_supported', 'invalid_message', 'unknown_op',
        'unknown_channel', 'unknown_exchange', 'unknown_symbol', 'invalid_depth', 'not_subscribed', 'already_subscribed',
        'too_many_subscriptions']);
    });

    it('closes an error flood with 1008 and an oversize frame via the hub', async () => {
      const s = await start({ maxErrorsPerMinute: 5 });
      const flooder = await connect(s);
      for (let i = 0; i < 10; i++) flooder.send({ op: 'nope', id: i });
      await waitFor(() => flooder.client.closeInfo !== null, 5000, 'flooder closed');
      assert.deepEqual(flooder.client.closeInfo, { code: 1008, reason: 'too many errors' });
      assert.equal(flooder.messages().filter((m) => m.type === 'error').length, 6);
      assert.deepEqual(s.metrics.evictions, ['too_many_errors']);

      const big = await connect(s);
      big.send({ op: 'ping', id: 1, pad: 'x'.repeat(5000) });
      await waitFor(() => big.client.closeInfo !== null, 5000, 'oversize closed');
      assert.deepEqual(big.client.closeInfo, { code: 1009, reason: 'message too big: 5029 bytes, limit 4096' });
      await waitFor(() => s.server.clientCount() === 0, 5000, 'clients forgotten');
    });

    it('a bot\'s error allowance is per minute: the window starts over exactly 60 s after its first error', async () => {
      let now = 1_000_000;
      const s = await start({ maxErrorsPerMinute: 5 }, () => now);
      const errorsOf = (bot: Bot): number => bot.messages().filter((m) => m.type === 'error').length;
      const sendErrors = async (bot: Bot, count: number): Promise<void> => {
        const before = errorsOf(bot);
        for (let i = 0; i < count; i++) bot.send({ op: 'nope', id: i });
        await waitFor(() => errorsOf(bot) === before + count, 5000, `${count} error replies`);
      };
      const early = await connect(s);
      await sendErrors(early, 5);
      now += 59_999;
      await sendErrors(early, 1);
      await waitFor(() => early.client.closeInfo !== null, 5000, 'the sixth error within the minute closes');
      assert.deepEqual(early.client.closeInfo, { code: 1008, reason: 'too many errors' });

      const patient = await connect(s);
      await sendErrors(patient, 5);
      now += 60_000;
      await sendErrors(patient, 5);
      assert.deepEqual(await patient.request({ op: 'ping', id: 99 }), { type: 'pong', id: 99 }, 'a new window: still open');
      assert.equal(patient.client.closeInfo, null);
      await sendErrors(patient, 1);
      await waitFor(() => patient.client.closeInfo !== null, 5000, 'the sixth of the new window closes');
      assert.deepEqual(s.metrics.evictions, ['too_many_errors', 'too_many_errors']);
      assert.equal(s.log.lines.filter((line) => line.message.startsWith('bot error')).length, 3, 'one line per bot per window');
    });

    it('announces shutdown, closes bots with 1001, and start/stop are idempotent', async () => {
      const s = await start();
      assert.equal(await s.server.start(), s.port, 'start twice: same port');
      const bot = await connect(s);
      await bot.request({ op: 'subscribe', id: 1, channel: 'book', exchange: 'kraken', symbol: 'ETH/USD' });
      await waitFor(() => s.server.clientCount() === 1, 5000, 'client counted');
      s.server.announceShutdown();
      assert.deepEqual(await bot.next((m) => m.state === 'shutting_down', 'shutting_down'),
        { type: 'status', exchange: 'kraken', symbol: 'ETH/USD', state: 'shutting_down', reason: 'shutting_down' });
      await Promise.all([s.server.stop(), s.server.stop()]);
      await waitFor(() => bot.client.closeInfo !== null, 5000, 'bot closed');
      assert.equal(bot.client.closeInfo!.code, 1001);
      assert.equal(s.server.clientCount(), 0);
      await assert.rejects(s.server.start(), /stopped/);
      await assert.rejects(Bot.connect(s.wsUrl));
      assert.equal(s.metrics.connected, s.metrics.disconnected);
    });
  });
}
