// The flight recorder against the Kraken simulator: a recording replays to exactly the gateway's books, and a forced
// checksum failure leaves an incident bundle that replays to the same verdict.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { createGateway, type Gateway } from '../../src/gateway.ts';
import { startKrakenSimulator, type KrakenSimulator } from '../../src/sim/kraken/server.ts';
import { formatReplay, readRecording } from '../../src/tools/replay-command.ts';
import { replayLines } from '../../src/tools/replay.ts';
import { testConfig } from '../support/gateway-stack.ts';
import { waitFor } from '../support/wait-for.ts';

let sim: KrakenSimulator | undefined;
let gateway: Gateway | undefined;

async function start(): Promise<{ sim: KrakenSimulator; gateway: Gateway; logDirectory: string }> {
  sim = await startKrakenSimulator({ seed: 11 });
  const logDirectory = mkdtempSync(join(tmpdir(), 'mgw-recorder-'));
  gateway = createGateway(testConfig(sim.url), { logDirectory });
  await gateway.start();
  return { sim, gateway, logDirectory };
}

const live = (g: Gateway, minVersion: number) => () => ['BTC/USD', 'ETH/USD'].every((symbol) => {
  const view = g.store.get('kraken', symbol);
  return view?.state === 'live' && view.version >= minVersion;
});

describe('flight recorder', () => {
  afterEach(async () => {
    await gateway?.stop();
    await sim?.stop();
    gateway = undefined;
    sim = undefined;
  });

  it('records every frame; the replay rebuilds exactly the books the gateway held', { timeout: 30_000 }, async () => {
    const { gateway, logDirectory } = await start();
    await waitFor(live(gateway, 60), 15_000, 'books live with updates');
    await gateway.stop();
    const files = readdirSync(join(logDirectory, 'recorder'));
    assert.equal(files.length, 1);
    const result = replayLines(readRecording(join(logDirectory, 'recorder', files[0]!)));
    assert.equal(result.sockets, 1);
    assert.equal(result.frames, gateway.recorder!.stats().frames);
    assert.deepEqual(result.verdicts, []);
    for (const symbol of ['BTC/USD', 'ETH/USD']) {
      const view = gateway.store.get('kraken', symbol)!;
      const replayed = result.books.find((book) => book.symbol === symbol)!;
      assert.equal(replayed.version, view.version, `${symbol}: every update applied`);
      assert.ok(view.version >= 60);
      assert.deepEqual([replayed.bids, replayed.asks], [view.book.topLevels('bids', 25), view.book.topLevels('asks', 25)]);
      assert.equal(replayed.bids.length, 25);
    }
  });

  it('a forced checksum failure writes an incident bundle that replays to the same verdict', { timeout: 30_000 }, async () => {
    const { sim, gateway } = await start();
    await waitFor(live(gateway, 5), 15_000, 'books live');
    sim.corruptNextChecksum('BTC/USD');
    await waitFor(() => gateway.incidents!.bundles().length === 1, 10_000, 'an incident bundle');
    const bundle = gateway.incidents!.bundles()[0]!;
    assert.match(bundle, /incident-.*-kraken-BTCUSD-checksum_mismatch\.ndjson\.gz$/);
    const result = replayLines(readRecording(bundle));
    const incident = result.incident!;
    assert.equal(incident.reason, 'checksum_mismatch');
    assert.equal(incident.fromOpen, true);
    assert.equal(incident.bookBefore!.bids.length, 25, 'the verified book before the failing frame');
    assert.equal(incident.bookBefore!.state, 'live');
    assert.equal(incident.bookAfter!.asks.length, 25, 'the book the failing frame produced');
    assert.equal(JSON.stringify(incident.config).includes('"exchanges"'), true);
    assert.equal(result.verdicts.length, 1);
    const { at: _at, bookBefore, ...verdict } = result.verdicts[0]!;
    assert.deepEqual(verdict, { exchange: 'kraken', symbol: 'BTC/USD', reason: 'checksum_mismatch', message: incident.message });
    assert.deepEqual(bookBefore, { bids: incident.bookBefore!.bids, asks: incident.bookBefore!.asks },
      'the replay rebuilt exactly the book the gateway held before the failing frame');
    assert.match(formatReplay(bundle, result), /book before the failing frame: identical to the gateway's \(25\/25 levels\)/);
    assert.match(formatReplay(bundle, result), /replayed verdict: checksum_mismatch at .*: reproduced/);
  });
});
