// `npm run status` against a live gateway serving Kraken and Binance (both simulators): piped, it prints plain
// text with every venue's connection and every book; on a TTY the same table is coloured.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createGateway, type Gateway } from '../../src/gateway.ts';
import { startBinanceSimulator, type BinanceSimulator } from '../../src/sim/binance/server.ts';
import { startKrakenSimulator, type KrakenSimulator } from '../../src/sim/kraken/server.ts';
import { renderStatus, type StatusDocument } from '../../src/tools/status-view.ts';
import { binanceTestConfig } from '../support/binance-stack.ts';
import { testConfig } from '../support/gateway-stack.ts';
import { waitFor } from '../support/wait-for.ts';

const ESC = '\u001b';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Async: the gateway under test runs in this process and must keep answering while the CLI waits for it. */
function status(args: readonly string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/main.ts', 'status', ...args], { cwd: ROOT, timeout: 20_000 },
      (error, stdout, stderr) => resolve({ status: error === null ? 0 : typeof error.code === 'number' ? error.code : -1,
        stdout, stderr }));
  });
}

describe('status view against a live gateway', () => {
  let kraken: KrakenSimulator | undefined;
  let binance: BinanceSimulator | undefined;
  let gateway: Gateway | undefined;
  let url = '';

  before(async () => {
    kraken = await startKrakenSimulator({ seed: 3 });
    binance = await startBinanceSimulator({ seed: 3, symbols: ['BTC/USDT', 'ETH/USDT'] });
    const krakenConfig = testConfig(kraken.url);
    const config = { ...krakenConfig, exchanges: { ...krakenConfig.exchanges,
      binance: binanceTestConfig(binance).exchanges.binance } };
    gateway = createGateway(config);
    const { port } = await gateway.start();
    url = `http://127.0.0.1:${port}`;
    await waitFor(() => gateway!.store.list().every((book) => book.state === 'live'), 20_000, 'all four books live');
  });

  after(async () => {
    await gateway?.stop();
    await kraken?.stop();
    await binance?.stop();
  });

  it('prints every venue and book as plain text when piped (--once)', { timeout: 30_000 }, async () => {
    const result = await status(['--url', url, '--once']);
    assert.equal(result.status, 0, result.stderr);
    const out = result.stdout;
    assert.ok(!out.includes(`${ESC}[`), 'no colour codes when piped');
    assert.match(out, /^market-gateway \d+\.\d+\.\d+ at http:\/\/127\.0\.0\.1:\d+ · up [\d.]+s · hub \S+ · 0 clients · recorder off/m);
    assert.match(out, /^VENUE\s+CONN\s+STATE\s+UPTIME\s+DATA AGE\s+RECONNECTS\s+BOOKS\s+LAST CLOSE$/m);
    assert.match(out, /^kraken\s+1\s+live\s+[\d.]+s\s+[\d.]+s\s+0\s+2$/m);
    assert.match(out, /^binance\s+1\s+live\s+[\d.]+s\s+[\d.]+s\s+0\s+2$/m);
    assert.match(out, /^VENUE\s+BOOK\s+STATE\s+REASON\s+RESYNCS\s+CHECKSUM\s+GAPS\s+CROSSED\s+BID\s+ASK$/m);
    for (const [venue, symbol] of [['kraken', 'BTC/USD'], ['kraken', 'ETH/USD'], ['binance', 'BTC/USDT'], ['binance', 'ETH/USDT']]) {
      assert.match(out, new RegExp(`^${venue}\\s+${symbol}\\s+live\\s+snapshot\\s+0\\s+0\\s+0\\s+0\\s+[\\d.]+\\s+[\\d.]+$`, 'm'), `${venue} ${symbol}`);
    }
  });

  it('colours states on a terminal and counts integrity failures', async () => {
    const status = await (await fetch(`${url}/v1/status`)).json() as StatusDocument;
    const kraken = status.exchanges!.kraken!;
    const withFailures: StatusDocument = { ...status, bookCounts: { 'kraken BTC/USD':
      { resyncs: 2, checksumMismatches: 1, sequenceGaps: 0, crossedBooks: 1 } },
      exchanges: { ...status.exchanges, kraken: { connections: [{ ...kraken.connections![0]!, state: 'backoff', circuitOpen: true }] } } };
    const text = renderStatus(withFailures, { now: Date.now(), color: true, url });
    const plain = text.replaceAll(`${ESC}[0m`, '').replaceAll(`${ESC}[31m`, '<red>').replaceAll(`${ESC}[32m`, '<green>');
    assert.match(plain, /kraken\s+BTC\/USD\s+<green>live\s+snapshot\s+2\s+<red>1\s+0\s+<red>1/);
    assert.match(plain, /^kraken\s+1\s+<red>backoff \(circuit open\)/m);
    assert.match(plain, /^binance\s+1\s+<green>live/m);
  });

  it('--help prints its usage and exits 0', async () => {
    const result = await status(['--help']);
    assert.equal(result.status, 0);
    assert.match(result.stdout, /^usage: market-gateway status \[--url http:\/\/127\.0\.0\.1:8787 \| --config <file\.json>\] \[--once\]/);
  });

  it('says so and exits 1 when no gateway answers', async () => {
    const result = await status(['--url', 'http://127.0.0.1:9', '--once']);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^market-gateway status: /);
  });
});
