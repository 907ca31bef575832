import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startKrakenSimulator, type KrakenSimulator } from '../../src/sim/kraken/server.ts';
import { frameKind } from '../../src/sim/kraken/wire-read.ts';
import { krakenHarness } from '../support/kraken-harness.ts';
import { KrakenTestClient } from '../support/kraken-test-client.ts';
import { waitFor } from '../support/wait-for.ts';

const { simulator, client } = krakenHarness({ seed: 5, snapshotDelayMs: 10, updateIntervalMs: 5 });

async function bookClient(sim: KrakenSimulator, symbol = 'BTC/USD'): Promise<KrakenTestClient> {
  const bot = await client(sim);
  bot.subscribe('book', [symbol], { depth: 10 });
  await waitFor(() => bot.updates(symbol) >= 5);
  return bot;
}

describe('Kraken simulator: fault knobs', () => {
  it('rejectHandshakes answers upgrades with HTTP 503/429 before any WebSocket, then accepts again', async () => {
    const sim = await simulator();
    sim.rejectHandshakes(503, 2);
    assert.equal(await KrakenTestClient.rejectedStatus(sim.url), 503);
    assert.equal(await KrakenTestClient.rejectedStatus(sim.url), 503);
    sim.rejectHandshakes(429);
    assert.equal(await KrakenTestClient.rejectedStatus(sim.url), 429);
    await client(sim);
    assert.equal(sim.handshakesRejected, 3);
    assert.equal(sim.connectionsAccepted, 1);
  });

  it('handshakeDelayMs delays the upgrade', async () => {
    const sim = await simulator({ handshakeDelayMs: 120 });
    const started = performance.now();
    await client(sim);
    assert.ok(performance.now() - started >= 110);
    sim.handshakeDelayMs = 0;
    assert.equal(sim.handshakeDelayMs, 0);
  });

  it('corruptNextChecksum: exactly one frame fails the client checksum', async () => {
    const sim = await simulator();
    const bot = await bookClient(sim);
    sim.corruptNextChecksum('BTC/USD');
    await waitFor(() => bot.tracked('BTC/USD').checksumMismatches === 1);
    const updates = bot.updates('BTC/USD');
    await waitFor(() => bot.updates('BTC/USD') >= updates + 20);
    assert.equal(bot.tracked('BTC/USD').checksumMismatches, 1);
  });

  it('stall holds every frame (data, heartbeats, pongs) with TCP open; resume delivers them in order', async () => {
    const sim = await simulator({ heartbeatIntervalMs: 20 });
    const bot = await bookClient(sim);
    sim.stall();
    bot.send({ method: 'ping', req_id: 77 });
    const tradesAtStall = sim.trades('BTC/USD').length;
    // Frames written before stall() may still be in flight: let the market move on, then watch the count.
    await waitFor(() => sim.trades('BTC/USD').length >= tradesAtStall + 10);
    const frozen = bot.frames.length;
    await waitFor(() => sim.trades('BTC/USD').length >= tradesAtStall + 30);
    assert.equal(bot.frames.length, frozen, 'nothing arrives during a stall');
    assert.equal(bot.frames.some((frame) => frame.includes('"req_id":77')), false);
    assert.equal(bot.isClosed, false);
    assert.equal(sim.connectionCount, 1);
    sim.resume();
    await bot.waitForFrame((frame) => frame.includes('"req_id":77'));
    await waitFor(() => bot.frames.length > frozen + 20);
    assert.equal(bot.tracked('BTC/USD').checksumMismatches, 0, 'held frames arrive complete and in order');
  });

  it('stopHeartbeats silences heartbeats while data flows, and can be undone', async () => {
    const sim = await simulator({ heartbeatIntervalMs: 10 });
    const bot = await bookClient(sim);
    await waitFor(() => bot.ofKind('heartbeat').length >= 2);
    sim.stopHeartbeats();
    await bot.roundTrip();
    const heartbeats = bot.ofKind('heartbeat').length;
    const updates = bot.updates('BTC/USD');
    await waitFor(() => bot.updates('BTC/USD') >= updates + 40);
    assert.equal(bot.ofKind('heartbeat').length, heartbeats);
    sim.stopHeartbeats(false);
    await waitFor(() => bot.ofKind('heartbeat').length > heartbeats);
  });

  for (const [code, reason] of [[1006, ''], [1001, 'CloudFlare WebSocket proxy restarting'], [1013, 'Market data unavailable']] as const) {
    it(`dropConnections(${code}) closes every connection with code ${code}`, async () => {
      const sim = await simulator();
      const bots = [await client(sim), await client(sim)];
      sim.dropConnections(code);
      await waitFor(() => bots.every((bot) => bot.isClosed) && sim.connectionCount === 0);
      for (const bot of bots) assert.deepEqual([bot.closeCode, bot.closeReason], [code, reason]);
      await client(sim);
      assert.equal(sim.connectionsAccepted, 3);
    });
  }

  it('dropAfterFrames lets N more frames through, then drops; armed before connecting it hits the next connection', async () => {
    const sim = await simulator();
    const bot = await bookClient(sim);
    await bot.roundTrip();
    sim.pauseMarket();
    await bot.roundTrip();
    const before = bot.frames.length;
    sim.dropAfterFrames(3, 1013);
    for (let i = 0; i < 5; i++) bot.send({ method: 'ping', req_id: 500 + i });
    await waitFor(() => bot.isClosed);
    assert.deepEqual([bot.frames.length - before, bot.closeCode], [3, 1013]);
    await waitFor(() => sim.connectionCount === 0);
    sim.dropAfterFrames(1);
    const next = await client(sim);
    await waitFor(() => next.isClosed);
    assert.deepEqual([next.frames.length, next.closeCode, frameKind(next.frames[0] ?? '')], [1, 1006, 'status:update']);
    const third = await client(sim);
    await third.roundTrip();
    assert.equal(third.isClosed, false);
  });

  it('sendStatus pushes a status update to open connections and to new ones', async () => {
    const sim = await simulator();
    const bot = await client(sim);
    sim.sendStatus('maintenance');
    await bot.waitForFrame((frame) => frame.includes('"system":"maintenance"'));
    const late = await client(sim);
    await waitFor(() => late.frames.length > 0);
    assert.match(late.frames[0] ?? '', /"system":"maintenance"/);
    sim.sendStatus('online');
    await waitFor(() => bot.ofKind('status:update').filter((frame) => frame.includes('"system":"online"')).length === 2);
  });

  it('silentSubscriptions acks the subscribe but never sends a snapshot or updates', async () => {
    const sim = await simulator();
    sim.silentSubscriptions('ETH/USD');
    const bot = await client(sim);
    bot.subscribe('book', ['ETH/USD', 'BTC/USD'], { depth: 10 });
    bot.subscribe('trade', ['ETH/USD'], { snapshot: true });
    await waitFor(() => bot.updates('BTC/USD') >= 40);
    assert.equal(bot.ofKind('subscribe').length, 3, 'all acked');
    assert.equal(bot.frames.filter((frame) => frame.startsWith('{"channel"') && frame.includes('ETH/USD')).length, 0);
    sim.silentSubscriptions('ETH/USD', false);
    bot.unsubscribe('book', ['ETH/USD']);
    bot.subscribe('book', ['ETH/USD'], { depth: 10 });
    await waitFor(() => bot.tracked('ETH/USD').snapshots === 1);
  });

  it('idle timeout closes a connection without client messages; pings keep one alive', async () => {
    const sim = await simulator({ idleTimeoutMs: 400 });
    const quiet = await client(sim);
    const chatty = await client(sim);
    const pinger = setInterval(() => chatty.send({ method: 'ping' }), 30);
    try {
      await waitFor(() => quiet.isClosed);
      assert.equal(quiet.closeCode, 1000);
      assert.equal(chatty.isClosed, false);
    } finally {
      clearInterval(pinger);
    }
    assert.equal(sim.connectionCount, 1);
  });

  it('exceededMsgRate fails the next request with "Exceeded msg rate"', async () => {
    const sim = await simulator();
    const bot = await client(sim);
    sim.exceededMsgRate(1);
    bot.subscribe('book', ['BTC/USD'], { depth: 10 }, 9);
    bot.subscribe('book', ['BTC/USD'], { depth: 10 }, 10);
    await bot.waitForFrame((frame) => frameKind(frame) === 'book:snapshot');
    assert.match(bot.frames[1] ?? '', /^\{"error":"Exceeded msg rate","method":"subscribe","req_id":9,"success":false,"symbol":"BTC\/USD",/);
    assert.match(bot.frames[2] ?? '', /^\{"method":"subscribe","req_id":10,"result":/);
  });

  it('pauseMarket freezes the true book', async () => {
    const sim = await simulator();
    const bot = await bookClient(sim);
    sim.pauseMarket();
    await bot.roundTrip();
    const frozen = sim.trueBook('BTC/USD', 10);
    const updates = bot.updates('BTC/USD');
    await bot.roundTrip();
    await waitFor(() => bot.ofKind('pong').length >= 2);
    assert.deepEqual(sim.trueBook('BTC/USD', 10), frozen);
    assert.equal(bot.updates('BTC/USD'), updates);
    sim.resumeMarket();
    await waitFor(() => bot.updates('BTC/USD') > updates);
  });

  it('stop is idempotent and closes every connection', async () => {
    const sim = await startKrakenSimulator({ port: 0 });
    const bot = await KrakenTestClient.connect(sim.url);
    await Promise.all([sim.stop(), sim.stop()]);
    await sim.stop();
    await waitFor(() => bot.isClosed);
  });
});
