import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { KrakenReplayServer } from '../../src/sim/kraken/replay-server.ts';
import { frameKind } from '../../src/sim/kraken/wire-read.ts';
import { KRAKEN_CAPTURES, readCbcap } from '../support/kraken-fixtures.ts';
import { krakenHarness } from '../support/kraken-harness.ts';
import type { KrakenTestClient } from '../support/kraken-test-client.ts';
import { waitFor } from '../support/wait-for.ts';

const CAPTURES = [
  { file: 'crossbook_kraken_btcusd_d10_l2.cbcap', symbol: 'BTC/USD', depth: 10 },
  { file: 'crossbook_kraken_ethusd_d25.cbcap', symbol: 'ETH/USD', depth: 25 },
  { file: 'crossbook_kraken_xrpusd_d25.cbcap', symbol: 'XRP/USD', depth: 25 },
] as const;

const captureUrl = (file: string) => new URL(file, KRAKEN_CAPTURES);

const { replay, client } = krakenHarness();

function assertReplayedExactly(bot: KrakenTestClient, server: KrakenReplayServer, symbol: string): void {
  const tracked = bot.tracked(symbol);
  assert.equal(tracked.checksumMismatches, 0, `${symbol}: every checksum matches`);
  assert.equal(tracked.checksumMatches, server.bookFrameCount(symbol));
  assert.deepEqual(
    { bids: tracked.book.topLevels('bids', 1000), asks: tracked.book.topLevels('asks', 1000) },
    server.expectedFinalBook(undefined, symbol), `${symbol}: final book`);
}

describe('Kraken replay server', () => {
  for (const capture of CAPTURES) {
    it(`${capture.symbol} d${capture.depth}: a client subscribing once ends with the captured book, 100 % checksums`, async () => {
      const recorded = readCbcap(captureUrl(capture.file)).frames;
      const server = await replay({ captures: [{ frames: recorded }], speed: 0 });
      const bot = await client(server);
      bot.subscribe('book', [capture.symbol], { depth: capture.depth, snapshot: true }, 42);
      await waitFor(() => server.streamsCompleted === 1 && bot.updates(capture.symbol) + 1 >= server.bookFrameCount(capture.symbol),
        10_000, 'replay finished');
      await bot.roundTrip();
      assertReplayedExactly(bot, server, capture.symbol);
      assert.equal(bot.tracked(capture.symbol).snapshots, 1);
      assert.equal(bot.frames[0], recorded[0]?.text, 'the captured status frame first');
      assert.equal(bot.frames[1], recorded[1]?.text.replace('{"method":"subscribe",', '{"method":"subscribe","req_id":42,'));
      assert.deepEqual(bot.errors, []);
    });
  }

  it('serves all three captures from files on one connection, one heartbeat stream, paced by capture time', async () => {
    const speed = 200;
    const server = await replay({ captures: CAPTURES.map((capture) => ({ file: fileURLToPath(captureUrl(capture.file)) })), speed });
    assert.deepEqual(server.symbols, ['BTC/USD', 'ETH/USD', 'XRP/USD']);
    const bot = await client(server);
    const started = performance.now();
    for (const capture of CAPTURES) bot.subscribe('book', [capture.symbol], { depth: capture.depth });
    await waitFor(() => server.streamsCompleted === 3, 10_000, 'all streams done');
    await bot.roundTrip();
    const longestMs = Math.max(...CAPTURES.map((capture) => server.plan(capture.symbol).frames.at(-1)?.offsetMs ?? 0));
    assert.ok(performance.now() - started >= (longestMs / speed) * 0.9, 'paced, not bursted');
    for (const capture of CAPTURES) assertReplayedExactly(bot, server, capture.symbol);
    const heartbeatsPerStream = CAPTURES.map((capture) => server.plan(capture.symbol).frames.filter((frame) => frame.heartbeat).length);
    const heartbeats = bot.ofKind('heartbeat').length;
    assert.ok(heartbeats >= Math.max(...heartbeatsPerStream) && heartbeats < heartbeatsPerStream.reduce((a, b) => a + b, 0),
      `one heartbeat stream per connection (got ${heartbeats})`);
  });

  it('keepResubscribes replays the original client re-subscribe cycles verbatim and still ends exact', async () => {
    const server = await replay({ captures: [{ file: captureUrl(CAPTURES[0].file) }], speed: 0, keepResubscribes: true });
    const bot = await client(server);
    bot.subscribe('book', ['BTC/USD'], { depth: 10 });
    await waitFor(() => server.streamsCompleted === 1);
    await bot.roundTrip();
    assertReplayedExactly(bot, server, 'BTC/USD');
    assert.equal(bot.tracked('BTC/USD').snapshots, 5);
    assert.equal(bot.ofKind('unsubscribe').length, 7);
  });

  it('answers like Kraken: unknown pair, other depth, duplicate, ping, unsubscribe stops the stream', async () => {
    const server = await replay({ captures: [{ file: captureUrl(CAPTURES[1].file) }], speed: 1 });
    const bot = await client(server);
    bot.subscribe('book', ['XDG/USD'], { depth: 25 }, 1);
    bot.subscribe('book', ['ETH/USD'], { depth: 10 }, 2);
    bot.subscribe('book', ['ETH/USD'], { depth: 25 }, 3);
    bot.subscribe('book', ['ETH/USD'], { depth: 25 }, 4);
    await bot.waitForFrame((frame) => frameKind(frame) === 'book:snapshot');
    await bot.roundTrip();
    const errors = bot.frames.filter((frame) => frame.startsWith('{"error"')).map((frame) => JSON.parse(frame) as { error: string; req_id: number });
    assert.deepEqual(errors.map((error) => [error.req_id, error.error]), [
      [1, 'Currency pair not supported XDG/USD'], [2, 'Subscription depth not supported'], [4, 'Already subscribed'],
    ]);
    bot.unsubscribe('book', ['ETH/USD'], {}, 5);
    await bot.waitForFrame((frame) => frameKind(frame) === 'unsubscribe');
    const frozen = bot.frames.length;
    await bot.roundTrip();
    assert.equal(bot.frames.length, frozen + 1, 'only the pong after the unsubscribe ack');
    assert.equal(server.streamsCompleted, 0);
  });
});
