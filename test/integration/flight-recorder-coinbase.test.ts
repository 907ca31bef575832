// The flight recorder on Coinbase, whose whole-book snapshots are read in slices over several turns: a recording
// replays to exactly the gateway's books, and a sequence break (every book of the connection resyncs) leaves one
// bundle that replays to the same verdicts.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { createGateway, type Gateway } from '../../src/gateway.ts';
import { startCoinbaseSimulator, type CoinbaseSimulator } from '../../src/sim/coinbase/server.ts';
import { readRecording } from '../../src/tools/replay-command.ts';
import { replayLines } from '../../src/tools/replay.ts';
import { coinbaseTestConfig } from '../support/coinbase-stack.ts';
import { waitFor } from '../support/wait-for.ts';

const SYMBOLS = ['BTC/USD', 'ETH/USD'];
let sim: CoinbaseSimulator | undefined;
let gateway: Gateway | undefined;

async function start(): Promise<{ sim: CoinbaseSimulator; gateway: Gateway; logDirectory: string }> {
  sim = await startCoinbaseSimulator({ seed: 8, symbols: SYMBOLS });
  const logDirectory = mkdtempSync(join(tmpdir(), 'mgw-recorder-coinbase-'));
  gateway = createGateway(coinbaseTestConfig(sim.url), { logDirectory });
  await gateway.start();
  return { sim, gateway, logDirectory };
}

const live = (g: Gateway, minVersion: number) => () => SYMBOLS.every((symbol) => {
  const view = g.store.get('coinbase', symbol);
  return view?.state === 'live' && view.version >= minVersion;
});

describe('flight recorder on Coinbase', () => {
  afterEach(async () => {
    await gateway?.stop();
    await sim?.stop();
    gateway = undefined;
    sim = undefined;
  });

  it('a recording replays to exactly the gateway\'s books (snapshots read in slices)', { timeout: 30_000 }, async () => {
    const { gateway, logDirectory } = await start();
    await waitFor(live(gateway, 40), 20_000, 'books live with updates');
    await gateway.stop();
    const [file] = readdirSync(join(logDirectory, 'recorder'));
    const result = replayLines(readRecording(join(logDirectory, 'recorder', file!)));
    assert.deepEqual(result.verdicts, []);
    for (const symbol of SYMBOLS) {
      const view = gateway.store.get('coinbase', symbol)!;
      const replayed = result.books.find((book) => book.symbol === symbol)!;
      assert.equal(replayed.version, view.version, `${symbol}: every update applied`);
      assert.deepEqual([replayed.bids, replayed.asks], [view.book.topLevels('bids', view.depth), view.book.topLevels('asks', view.depth)]);
      assert.ok(replayed.bids.length > 10);
    }
  });

  it('a sequence break writes one bundle for the connection; it replays to the same verdicts', { timeout: 30_000 }, async () => {
    const { sim, gateway } = await start();
    await waitFor(live(gateway, 5), 20_000, 'books live');
    sim.frameFault('skip', 'l2_data');
    await waitFor(() => gateway.incidents!.bundles().length === 1, 10_000, 'an incident bundle');
    await waitFor(live(gateway, 1), 10_000, 'books live again');
    assert.equal(gateway.incidents!.bundles().length, 1, 'one bundle for the connection, not one per book');
    const result = replayLines(readRecording(gateway.incidents!.bundles()[0]!));
    assert.equal(result.incident!.reason, 'sequence_gap');
    assert.deepEqual(result.verdicts.map((v) => [v.exchange, v.symbol, v.reason]).sort(),
      [['coinbase', 'BTC/USD', 'sequence_gap'], ['coinbase', 'ETH/USD', 'sequence_gap']]);
  });
});
