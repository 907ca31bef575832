// The flight recorder on Binance, whose books are bridged from REST snapshots: the snapshot answers are recorded as
// the synthetic frames the session sees, so a recording replays to exactly the gateway's books, and a forced
// sequence gap leaves a bundle that replays to the same verdict.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { createGateway, type Gateway } from '../../src/gateway.ts';
import { startBinanceSimulator, type BinanceSimulator } from '../../src/sim/binance/server.ts';
import { readRecording } from '../../src/tools/replay-command.ts';
import { replayLines } from '../../src/tools/replay.ts';
import { binanceTestConfig } from '../support/binance-stack.ts';
import { waitFor } from '../support/wait-for.ts';

const SYMBOLS = ['BTC/USDT', 'ETH/USDT'];
let sim: BinanceSimulator | undefined;
let gateway: Gateway | undefined;

async function start(): Promise<{ sim: BinanceSimulator; gateway: Gateway; logDirectory: string }> {
  sim = await startBinanceSimulator({ seed: 21, symbols: SYMBOLS });
  const logDirectory = mkdtempSync(join(tmpdir(), 'mgw-recorder-binance-'));
  gateway = createGateway(binanceTestConfig(sim, { bookDepth: 100 }), { logDirectory });
  await gateway.start();
  return { sim, gateway, logDirectory };
}

const live = (g: Gateway, minVersion: number) => () => SYMBOLS.every((symbol) => {
  const view = g.store.get('binance', symbol);
  return view?.state === 'live' && view.version >= minVersion;
});

describe('flight recorder on Binance', () => {
  afterEach(async () => {
    await gateway?.stop();
    await sim?.stop();
    gateway = undefined;
    sim = undefined;
  });

  it('records the REST snapshots as frames; the replay rebuilds exactly the gateway\'s books', { timeout: 30_000 }, async () => {
    const { gateway, logDirectory } = await start();
    await waitFor(live(gateway, 40), 20_000, 'books live with updates');
    await gateway.stop();
    const [file] = readdirSync(join(logDirectory, 'recorder'));
    const lines = readRecording(join(logDirectory, 'recorder', file!));
    assert.equal(lines.filter((line) => line.includes('"f":{"mgwSnapshot":')).length, 2, 'one REST snapshot per book');
    const result = replayLines(lines);
    assert.deepEqual(result.verdicts, []);
    for (const symbol of SYMBOLS) {
      const view = gateway.store.get('binance', symbol)!;
      const replayed = result.books.find((book) => book.symbol === symbol)!;
      assert.equal(replayed.version, view.version, `${symbol}: every update applied`);
      assert.deepEqual([replayed.bids, replayed.asks], [view.book.topLevels('bids', 100), view.book.topLevels('asks', 100)]);
      assert.ok(replayed.bids.length > 10);
    }
  });

  it('a forced sequence gap writes a bundle that replays to the same verdict', { timeout: 30_000 }, async () => {
    const { sim, gateway } = await start();
    await waitFor(live(gateway, 5), 20_000, 'books live');
    sim.gapNext('BTC/USDT');
    await waitFor(() => gateway.incidents!.bundles().length === 1, 10_000, 'an incident bundle');
    const result = replayLines(readRecording(gateway.incidents!.bundles()[0]!));
    assert.equal(result.incident!.reason, 'sequence_gap');
    assert.equal(result.incident!.symbol, 'BTC/USDT');
    assert.equal(result.incident!.bookBefore!.state, 'live');
    assert.deepEqual(result.verdicts.map((v) => [v.exchange, v.symbol, v.reason]), [['binance', 'BTC/USDT', 'sequence_gap']]);
    assert.deepEqual(result.verdicts[0]!.bookBefore, { bids: result.incident!.bookBefore!.bids, asks: result.incident!.bookBefore!.asks });
  });
});
