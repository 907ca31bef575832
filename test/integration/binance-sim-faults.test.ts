import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { binanceSimHarness } from '../support/binance-sim-harness.ts';
import { waitFor } from '../support/wait-for.ts';

const { simulator, client, bridged } = binanceSimHarness({ seed: 5, updateIntervalMs: 5, symbols: ['BTC/USDT'] });

const depthIds = (frames: readonly string[]) => frames.flatMap((frame) => {
  const match = /"U":(\d+),"u":(\d+)/.exec(frame);
  return match === null ? [] : [{ U: Number(match[1]), u: Number(match[2]), frame }];
});

describe('Binance simulator: fault knobs', () => {
  it('gapNext: the next event skips ids, a §6.3 client resyncs and ends equal to the true book', async () => {
    const sim = await simulator();
    const { client: bot, books } = await bridged(sim, ['BTCUSDT']);
    const book = books.get('BTCUSDT');
    assert.ok(book !== undefined);
    await waitFor(() => book.phase === 'synced' && book.eventsApplied > 10);
    sim.gapNext('BTC/USDT');
    await waitFor(() => book.gaps === 1 && book.phase === 'synced' && book.eventsApplied > 30);
    sim.pauseMarket();
    await waitFor(() => book.id === sim.updateId('BTCUSDT'));
    assert.deepEqual(book.top(5000), sim.trueBook('BTCUSDT', 5000));
    const ids = depthIds(bot.frames);
    assert.equal(ids.filter((event, i) => i > 0 && event.U > ids[i - 1]!.u + 1).length, 1);
    assert.equal(book.snapshotIds.length, 2);
    sim.resumeMarket();
  });

  it('staleSnapshotNext: the snapshot is older than the buffered stream, so the client refetches', async () => {
    const sim = await simulator();
    sim.staleSnapshotNext('BTCUSDT');
    const { books } = await bridged(sim, ['BTCUSDT']);
    const book = books.get('BTCUSDT');
    assert.ok(book !== undefined);
    await waitFor(() => book.phase === 'synced');
    assert.equal(book.refetches, 1);
    assert.ok((book.snapshotIds[0] ?? 0) < (book.snapshotIds[1] ?? 0));
    assert.equal(sim.depthRequests('BTCUSDT'), 2);
  });

  it('failRest: the next requests get 503/429/418 with Retry-After, then snapshots flow again', async () => {
    const sim = await simulator();
    const get = () => fetch(`${sim.restUrl}/api/v3/depth?symbol=BTCUSDT`);
    sim.failRest(429, 1, 7);
    const limited = await get();
    assert.deepEqual([limited.status, limited.headers.get('retry-after')], [429, '7']);
    sim.failRest(418, 1);
    assert.equal((await get()).status, 418);
    sim.failRest(503, 2);
    const { books } = await bridged(sim, ['BTCUSDT']);
    const book = books.get('BTCUSDT');
    await waitFor(() => book?.phase === 'synced');
    assert.deepEqual(book?.snapshotStatuses, [503, 503, 200]);
  });

  it('dropConnections: 1006 ends TCP without a close frame; other codes close cleanly', async () => {
    const sim = await simulator();
    const a = await client(`${sim.url}?streams=btcusdt@trade`);
    sim.dropConnections();
    assert.equal((await a.waitClosed()).code, 1006);
    const b = await client(`${sim.url}?streams=btcusdt@trade`);
    sim.dropConnections(1001, 'going away');
    assert.deepEqual(await b.waitClosed(), { code: 1001, reason: 'going away' });
    await waitFor(() => sim.connectionCount === 0);
  });

  it('stall/resume: frames are held with TCP open, then delivered in order without loss', async () => {
    const sim = await simulator();
    const bot = await client(`${sim.url}?streams=btcusdt@depth@100ms`);
    await waitFor(() => bot.frames.length > 5);
    sim.stall();
    const held = bot.frames.length;
    const idBefore = sim.updateId('BTCUSDT');
    await waitFor(() => sim.updateId('BTCUSDT') > idBefore + 50);
    assert.ok(bot.frames.length <= held + 1, 'nothing arrives during a stall');
    assert.equal(bot.isClosed, false);
    sim.resume();
    await waitFor(() => (depthIds(bot.frames).at(-1)?.u ?? 0) > idBefore + 50);
    const ids = depthIds(bot.frames);
    for (let i = 1; i < ids.length; i++) assert.equal(ids[i]!.U, ids[i - 1]!.u + 1);
  });

  it('truncateNextDepthFrame: one frame is invalid JSON; the changes it hid show as a gap', async () => {
    const sim = await simulator();
    const { client: bot, books } = await bridged(sim, ['BTCUSDT']);
    const book = books.get('BTCUSDT');
    await waitFor(() => book?.phase === 'synced');
    sim.truncateNextDepthFrame('BTC/USDT');
    await waitFor(() => book?.gaps === 1 && book.phase === 'synced');
    const invalid = bot.frames.filter((frame) => {
      try {
        JSON.parse(frame);
        return false;
      } catch {
        return true;
      }
    });
    assert.equal(invalid.length, 1);
    assert.ok(invalid[0]?.startsWith('{"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate"'));
  });

  it('duplicateNext: the previous event is sent again; a §6.3 client ignores it', async () => {
    const sim = await simulator();
    const { client: bot, books } = await bridged(sim, ['BTCUSDT']);
    const book = books.get('BTCUSDT');
    await waitFor(() => book?.phase === 'synced');
    const ignoredBefore = book?.eventsIgnored ?? 0;
    sim.duplicateNext('BTCUSDT');
    await waitFor(() => depthIds(bot.frames).some((event, i, all) => i > 0 && event.frame === all[i - 1]!.frame));
    await waitFor(() => (book?.eventsIgnored ?? 0) === ignoredBefore + 1);
    assert.equal(book?.gaps, 0);
  });
});
