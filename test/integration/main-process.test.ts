// The daemon as a trader runs it: `src/main.ts --config file.json` against a server that plays back real Kraken
// traffic the way Kraken sent it. A bot at depth 25 ends with exactly the exchange's book, no checksum mismatches,
// logs land on disk, and SIGTERM shuts down gracefully. Config errors stop start-up with the key path.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startKrakenReplayServer, type KrakenReplayServer } from '../../src/sim/kraken/replay-server.ts';
import { Bot } from '../support/downstream-harness.ts';
import { freePort, startGatewayProcess, writeTempConfig } from '../support/gateway-process.ts';
import { KRAKEN_CAPTURES } from '../support/kraken-fixtures.ts';
import { waitFor } from '../support/wait-for.ts';

const SYMBOLS = ['ETH/USD', 'XRP/USD'];

describe('market-gateway process', () => {
  let replay: KrakenReplayServer | undefined;
  after(async () => {
    await replay?.stop();
  });

  it('replays real Kraken traffic to a bot exactly, logs to disk, and stops gracefully on SIGTERM', { timeout: 60_000 }, async () => {
    replay = await startKrakenReplayServer({
      host: '127.0.0.1', port: 0, speed: 4,
      captures: [{ file: new URL('crossbook_kraken_ethusd_d25.cbcap', KRAKEN_CAPTURES) },
        { file: new URL('crossbook_kraken_xrpusd_d25.cbcap', KRAKEN_CAPTURES) }],
    });
    const port = await freePort();
    const logDir = join(mkdtempSync(join(tmpdir(), 'mgw-logs-')), 'logs');
    const { path } = writeTempConfig({
      server: { port },
      exchanges: { kraken: { url: replay.url, symbols: SYMBOLS, bookDepth: 25, staleAfterMs: 120_000 } },
      logging: { dir: logDir, level: 'info' },
    });
    const gateway = startGatewayProcess(['--config', path]);
    const wsUrl = `ws://127.0.0.1:${port}/v1/ws`;
    let bot: Bot | undefined;
    await waitFor(async () => {
      bot = await Bot.connect(wsUrl).catch(() => undefined);
      return bot !== undefined;
    }, 15_000, `gateway listening (stderr: ${gateway.stderr()})`);
    for (const [id, symbol] of SYMBOLS.entries()) {
      assert.equal((await bot!.request({ op: 'subscribe', id, channel: 'book', exchange: 'kraken', symbol, depth: 25 })).type, 'ack');
    }
    for (const symbol of SYMBOLS) {
      const expected = replay.expectedFinalBook(25, symbol);
      await waitFor(() => {
        bot!.reference.consume(bot!.client.received);
        const book = bot!.reference.book('kraken', symbol);
        return book !== undefined && JSON.stringify([book.bids, book.asks]) === JSON.stringify([expected.bids, expected.asks]);
      }, 30_000, `${symbol}: the bot holds the exchange's final book`);
    }
    assert.ok(bot!.messages().filter((m) => m.type === 'book_update').length > 500, 'the bot followed the updates');
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    assert.match(metrics, /^mgw_upstream_frames_received_total\{exchange="kraken"\} \d{4,}/m);
    assert.doesNotMatch(metrics, /^mgw_book_checksum_mismatches_total\{[^}]*\} [1-9]/m, 'no checksum mismatch');
    const books = await (await fetch(`http://127.0.0.1:${port}/v1/books/kraken/ETH-USD?depth=25`)).json() as { state: string; bids: unknown };
    assert.equal(books.state, 'live');
    assert.deepEqual(books.bids, replay.expectedFinalBook(25, 'ETH/USD').bids);

    const stoppingAt = Date.now();
    gateway.child.kill('SIGTERM');
    await bot!.next((m) => m.type === 'status' && m.state === 'shutting_down', 'shutting_down status');
    assert.equal(await gateway.exited, 0);
    assert.ok(Date.now() - stoppingAt < 5_000, 'exit within 5 s');
    const files = readdirSync(logDir).filter((name) => name.endsWith('.log'));
    assert.ok(files.length >= 1, 'a log file on disk');
    const lines = files.flatMap((name) => readFileSync(join(logDir, name), 'utf8').trim().split('\n')).map((line) => JSON.parse(line) as { msg: string; event?: string });
    assert.ok(lines.some((line) => line.event === 'server_listening'));
    assert.ok(lines.some((line) => line.event === 'shutdown'), 'the last lines were flushed before exit');
  });

  it('a bad value stops start-up with the key path and the reason', async () => {
    const { path } = writeTempConfig({ exchanges: { kraken: { bookDepth: 30 } } });
    const gateway = startGatewayProcess(['--config', path]);
    assert.equal(await gateway.exited, 2);
    assert.match(gateway.stderr(), /exchanges\.kraken\.bookDepth/);
    assert.match(gateway.stderr(), /10, 25, 100, 500, 1000/);
  });

  it('an unknown key and a bad MGW_ variable stop start-up with their names', async () => {
    const { path } = writeTempConfig({ server: { prot: 8787 } });
    const gateway = startGatewayProcess(['--config', path], { MGW_SERVER_PORT: 'eighty' });
    assert.equal(await gateway.exited, 2);
    assert.match(gateway.stderr(), /server\.prot/);
    assert.match(gateway.stderr(), /MGW_SERVER_PORT|server\.port/);
  });

  it('--print-config prints the effective config and exits 0', async () => {
    const gateway = startGatewayProcess(['--print-config'], { MGW_EXCHANGES_KRAKEN_SYMBOLS: 'BTC/USD,SOL/USD' });
    assert.equal(await gateway.exited, 0);
    const printed = JSON.parse(gateway.stdout()) as { server: { host: string }; exchanges: { kraken: { symbols: string[] } } };
    assert.equal(printed.server.host, '127.0.0.1');
    assert.deepEqual(printed.exchanges.kraken.symbols, ['BTC/USD', 'SOL/USD']);
  });
});
