// The daemon as a trader runs it: `src/main.ts --config file.json` against servers that play back real Kraken,
// Binance and Coinbase traffic the way the venues sent it. A bot at depth 25 ends with exactly the exchange's book, no checksum mismatches,
// logs land on disk, and SIGTERM shuts down gracefully. Config errors stop start-up with the key path.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startBinanceReplayServer, type BinanceReplayServer } from '../../src/sim/binance/replay-server.ts';
import { startCoinbaseReplayServer, type CoinbaseReplayServer } from '../../src/sim/coinbase/replay-server.ts';
import { startKrakenReplayServer, type KrakenReplayServer } from '../../src/sim/kraken/replay-server.ts';
import { BINANCE_FIXTURES, normalizedSymbol, readExpected } from '../support/binance-fixtures.ts';
import { COINBASE_CAPTURE, readExpected as readCoinbaseExpected, readRealCapture } from '../support/coinbase-fixtures.ts';
import { coinbaseFeed } from '../support/coinbase-feed.ts';
import { Bot } from '../support/downstream-harness.ts';
import {
  deadEndUrl, killGatewayProcesses, listeningPort, startGatewayProcess, writeTempConfig,
} from '../support/gateway-process.ts';
import { KRAKEN_CAPTURES } from '../support/kraken-fixtures.ts';
import { waitFor } from '../support/wait-for.ts';

const SYMBOLS = ['ETH/USD', 'XRP/USD'];

describe('market-gateway process', () => {
  let replay: KrakenReplayServer | undefined;
  let binanceReplay: BinanceReplayServer | undefined;
  let coinbaseReplay: CoinbaseReplayServer | undefined;
  after(async () => {
    killGatewayProcesses();
    await replay?.stop();
    await binanceReplay?.stop();
    await coinbaseReplay?.stop();
  });

  it('replays real Kraken traffic to a bot exactly, logs to disk, and stops gracefully on SIGTERM', { timeout: 60_000 }, async () => {
    replay = await startKrakenReplayServer({
      host: '127.0.0.1', port: 0, speed: 20,
      captures: [{ file: new URL('crossbook_kraken_ethusd_d25.cbcap', KRAKEN_CAPTURES) },
        { file: new URL('crossbook_kraken_xrpusd_d25.cbcap', KRAKEN_CAPTURES) }],
    });
    const logDir = join(mkdtempSync(join(tmpdir(), 'mgw-logs-')), 'logs');
    const { path } = writeTempConfig({
      server: { port: 0 },
      exchanges: { kraken: { url: replay.url, symbols: SYMBOLS, bookDepth: 25, staleAfterMs: 120_000 } },
      logging: { dir: logDir, level: 'info' },
    });
    const gateway = startGatewayProcess(['--config', path]);
    const port = await listeningPort(logDir, gateway);
    const bot = await Bot.connect(`ws://127.0.0.1:${port}/v1/ws`);
    for (const [id, symbol] of SYMBOLS.entries()) {
      assert.equal((await bot.request({ op: 'subscribe', id, channel: 'book', exchange: 'kraken', symbol, depth: 25 })).type, 'ack');
    }
    for (const symbol of SYMBOLS) {
      const expected = replay.expectedFinalBook(25, symbol);
      await waitFor(() => {
        bot.reference.consume(bot.client.received);
        const book = bot.reference.book('kraken', symbol);
        return book !== undefined && JSON.stringify([book.bids, book.asks]) === JSON.stringify([expected.bids, expected.asks]);
      }, 30_000, `${symbol}: the bot holds the exchange's final book`);
    }
    // One snapshot per book, then the final book equal to the exchange's: the bot followed the updates (how many
    // messages carried them depends on the hub's coalescing, i.e. on timing).
    assert.deepEqual(SYMBOLS.map((symbol) => bot.messages().filter((m) => m.type === 'book_snapshot' && m.symbol === symbol).length),
      [1, 1]);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    assert.match(metrics, /^mgw_upstream_frames_received_total\{exchange="kraken"\} \d{4,}/m);
    assert.doesNotMatch(metrics, /^mgw_book_checksum_mismatches_total\{[^}]*\} [1-9]/m, 'no checksum mismatch');
    const books = await (await fetch(`http://127.0.0.1:${port}/v1/books/kraken/ETH-USD?depth=25`)).json() as { state: string; bids: unknown };
    assert.equal(books.state, 'live');
    assert.deepEqual(books.bids, replay.expectedFinalBook(25, 'ETH/USD').bids);

    const stoppingAt = Date.now();
    gateway.child.kill('SIGTERM');
    await bot.next((m) => m.type === 'status' && m.state === 'shutting_down', 'shutting_down status');
    assert.equal(await gateway.exitWithin(10_000), 0);
    assert.ok(Date.now() - stoppingAt < 5_000, 'exit within 5 s');
    const files = readdirSync(logDir).filter((name) => name.endsWith('.log'));
    assert.ok(files.length >= 1, 'a log file on disk');
    const lines = files.flatMap((name) => readFileSync(join(logDir, name), 'utf8').trim().split('\n')).map((line) => JSON.parse(line) as { msg: string; event?: string });
    assert.ok(lines.some((line) => line.event === 'server_listening'));
    assert.ok(lines.some((line) => line.event === 'shutdown'), 'the last lines were flushed before exit');
  });

  it('replays a real Binance recording (REST snapshot + diffs) to a bot exactly, with Kraken off', { timeout: 60_000 }, async () => {
    const capture = 'capture-2021-10-12-spot-4sym.jsonl';
    const expected = readExpected(capture);
    binanceReplay = await startBinanceReplayServer({ capture: new URL(capture, BINANCE_FIXTURES) });
    const symbols = Object.keys(expected).map(normalizedSymbol);
    const logDir = join(mkdtempSync(join(tmpdir(), 'mgw-logs-')), 'logs');
    const { path } = writeTempConfig({
      server: { port: 0 },
      exchanges: { kraken: { enabled: false }, binance: { enabled: true, url: binanceReplay.url, restUrl: binanceReplay.restUrl,
        symbols, bookDepth: 1000, staleAfterMs: 120_000 } },
      logging: { dir: logDir, level: 'info' },
    });
    const gateway = startGatewayProcess(['--config', path]);
    const port = await listeningPort(logDir, gateway);
    const bot = await Bot.connect(`ws://127.0.0.1:${port}/v1/ws`);
    for (const [id, symbol] of symbols.entries()) {
      assert.equal((await bot.request({ op: 'subscribe', id, channel: 'book', exchange: 'binance', symbol, depth: 5 })).type, 'ack');
    }
    const numeric = (levels: readonly (readonly [string, string])[]): string =>
      JSON.stringify(levels.map(([price, size]) => [String(Number(price)), String(Number(size))]));
    for (const [index, venueName] of Object.keys(expected).entries()) {
      const want = expected[venueName]!;
      await waitFor(() => {
        bot.reference.consume(bot.client.received);
        const book = bot.reference.book('binance', symbols[index]!);
        return book !== undefined && numeric(book.bids) === JSON.stringify(want.final_top5_bids)
          && numeric(book.asks) === JSON.stringify(want.final_top5_asks);
      }, 30_000, `${venueName}: the bot holds the recording's final top 5`);
    }
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    assert.match(metrics, /^mgw_rest_snapshot_requests_total\{exchange="binance",status="200"\} 4$/m, 'one snapshot per symbol');
    assert.doesNotMatch(metrics, /^mgw_book_resyncs_total\{[^}]*\} [1-9]/m, 'no resync on a clean recording');
    gateway.child.kill('SIGTERM');
    assert.equal(await gateway.exitWithin(10_000), 0);
  });

  it('replays the real Coinbase capture (data before acks, 5 MB snapshot) to a bot at depth 10 exactly, one connection', { timeout: 60_000 }, async () => {
    const symbols = ['BTC/USD', 'ETH/USD'];
    // The books the capture ends with, from the adapter itself; their top 5 are the documented figures.
    const reference = coinbaseFeed(symbols);
    for (const frame of readRealCapture().frames) reference.frame(frame.text);
    const documented = readCoinbaseExpected().products;
    const strip = (text: string) => (text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text);
    const finalTop = symbols.map((symbol) => {
      const book = reference.store.get('coinbase', symbol)!.book;
      return { bids: book.topLevels('bids', 10), asks: book.topLevels('asks', 10) };
    });
    for (const [index, symbol] of symbols.entries()) {
      const want = documented[symbol.replace('/', '-')]!;
      assert.deepEqual(finalTop[index]!.bids.slice(0, 5).map((level) => level.map(strip)), want.final_top5_bids);
      assert.deepEqual(finalTop[index]!.asks.slice(0, 5).map((level) => level.map(strip)), want.final_top5_offers);
    }
    coinbaseReplay = await startCoinbaseReplayServer({ capture: COINBASE_CAPTURE });
    const logDir = join(mkdtempSync(join(tmpdir(), 'mgw-logs-')), 'logs');
    const { path } = writeTempConfig({
      server: { port: 0 },
      exchanges: { kraken: { enabled: false }, coinbase: { enabled: true, url: coinbaseReplay.url, symbols, staleAfterMs: 120_000 } },
      logging: { dir: logDir, level: 'info' },
    });
    const gateway = startGatewayProcess(['--config', path]);
    const port = await listeningPort(logDir, gateway);
    const bot = await Bot.connect(`ws://127.0.0.1:${port}/v1/ws`);
    for (const [id, symbol] of symbols.entries()) {
      assert.equal((await bot.request({ op: 'subscribe', id, channel: 'book', exchange: 'coinbase', symbol, depth: 10 })).type, 'ack');
    }
    await coinbaseReplay.finished;
    for (const [index, symbol] of symbols.entries()) {
      await waitFor(() => {
        bot.reference.consume(bot.client.received);
        const book = bot.reference.book('coinbase', symbol);
        return book !== undefined && JSON.stringify([book.bids, book.asks]) === JSON.stringify([finalTop[index]!.bids, finalTop[index]!.asks]);
      }, 30_000, `${symbol}: the bot holds the capture's final top 10`);
    }
    assert.deepEqual(coinbaseReplay.received.map((text) => (JSON.parse(text) as { channel: string }).channel),
      ['level2', 'market_trades', 'heartbeats'], 'one subscribe per channel');
    assert.equal(coinbaseReplay.connectionsAccepted, 1, 'one connection');
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    assert.match(metrics, /^mgw_upstream_frames_received_total\{exchange="coinbase"\} 1030$/m);
    assert.doesNotMatch(metrics, /^mgw_book_resyncs_total\{[^}]*\} [1-9]/m, 'no resync on a clean recording');
    assert.doesNotMatch(metrics, /^mgw_upstream_reconnects_total\{[^}]*\} [1-9]/m, 'no reconnect');
    gateway.child.kill('SIGTERM');
    assert.equal(await gateway.exitWithin(10_000), 0);
  });

});

// Each case is a child process that exits at start-up: they run side by side.
describe('market-gateway process: start-up refusals', { concurrency: true }, () => {
  after(() => killGatewayProcesses());

  // Configs that must not start still name port 0 and a venue on this machine that never answers: a validation that
  // regressed would bind no fixed port and dial no real venue, and the exit is awaited with a deadline.
  it('a bad value stops start-up with the key path and the reason', async () => {
    const venue = await deadEndUrl();
    const { path } = writeTempConfig({ server: { port: 0 }, exchanges: { kraken: { url: venue.url, bookDepth: 30 } } });
    const gateway = startGatewayProcess(['--config', path]);
    assert.equal(await gateway.exitWithin(10_000).finally(venue.close), 2);
    assert.match(gateway.stderr(), /exchanges\.kraken\.bookDepth/);
    assert.match(gateway.stderr(), /10, 25, 100, 500, 1000/);
  });

  it('an unknown key and a bad MGW_ variable stop start-up with their names', async () => {
    const venue = await deadEndUrl();
    const { path } = writeTempConfig({ server: { port: 0, prot: 8787 }, exchanges: { kraken: { url: venue.url } } });
    const gateway = startGatewayProcess(['--config', path], { MGW_SERVER_PORT: 'eighty' });
    assert.equal(await gateway.exitWithin(10_000).finally(venue.close), 2);
    assert.match(gateway.stderr(), /server\.prot/);
    assert.match(gateway.stderr(), /MGW_SERVER_PORT|server\.port/);
  });

  it('--print-config prints the effective config and exits 0', async () => {
    const gateway = startGatewayProcess(['--print-config'], { MGW_EXCHANGES_KRAKEN_SYMBOLS: 'BTC/USD,SOL/USD' });
    assert.equal(await gateway.exitWithin(10_000), 0);
    const printed = JSON.parse(gateway.stdout()) as { server: { host: string }; exchanges: { kraken: { symbols: string[] } } };
    assert.equal(printed.server.host, '127.0.0.1');
    assert.deepEqual(printed.exchanges.kraken.symbols, ['BTC/USD', 'SOL/USD']);
  });
});
