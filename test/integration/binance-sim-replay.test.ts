import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { binanceSimHarness } from '../support/binance-sim-harness.ts';
import { waitFor } from '../support/wait-for.ts';

const { replay, bridged, client } = binanceSimHarness();
const FIXTURES = new URL('../fixtures/binance/', import.meta.url);

interface ExpectedSymbol {
  snapshot_lastUpdateId: number;
  buffered_events_discarded: number;
  events_applied: number;
  events_ignored_after_sync: number;
  final_update_id: number;
  final_top5_bids: string[][];
  final_top5_asks: string[][];
  bookTicker_messages_with_u_equal_to_an_applied_event_u: number;
}

const normalize = (text: string) => String(Number(text));
const normalized = (levels: readonly (readonly [string, string])[]) => levels.map(([price, qty]) => [normalize(price), normalize(qty)]);

describe('Binance replay server', () => {
  for (const name of ['capture-2021-10-12-spot-4sym', 'capture-2021-04-17-spot-10sym', 'capture-2021-10-12-binanceus-4sym']) {
    it(`${name}: a §6.3 client gets each snapshot at its recorded place and reproduces the expected books`, async () => {
      const expected = (JSON.parse(readFileSync(new URL(`${name}.expected.json`, FIXTURES), 'utf8')) as {
        symbols: Record<string, ExpectedSymbol>;
      }).symbols;
      const server = await replay({ capture: fileURLToPath(new URL(`${name}.jsonl`, FIXTURES)) });
      assert.deepEqual([...server.symbols].sort(), Object.keys(expected).sort());
      const tickers = server.symbols.map((symbol) => `${symbol.toLowerCase()}@bookTicker`);
      const { books } = await bridged(server, server.symbols, tickers);
      await server.finished;
      await waitFor(() => [...books.values()].every((book) => book.id === expected[book.symbol]?.final_update_id), 2000);
      for (const [symbol, book] of books) {
        const want = expected[symbol];
        assert.ok(want !== undefined);
        assert.deepEqual(book.snapshotIds, [want.snapshot_lastUpdateId], `${symbol} snapshot`);
        assert.equal(book.eventsApplied, want.events_applied, `${symbol} applied`);
        assert.equal(book.eventsIgnored, want.buffered_events_discarded + want.events_ignored_after_sync, `${symbol} ignored`);
        assert.equal(book.gaps, 0);
        const top = book.top(5);
        assert.deepEqual([normalized(top.bids), normalized(top.asks)], [want.final_top5_bids, want.final_top5_asks], `${symbol} top 5`);
        assert.equal(book.tickerChecks, want.bookTicker_messages_with_u_equal_to_an_applied_event_u, `${symbol} bookTickers`);
        assert.equal(book.tickerMismatches, 0);
      }
      assert.equal(server.snapshotRequests(), server.symbols.length);
    });
  }

  it('plays recorded frames verbatim, only for the streams asked for, and serves weight headers', async () => {
    const capture = fileURLToPath(new URL('capture-2021-10-12-spot-4sym.jsonl', FIXTURES));
    const server = await replay({ capture, snapshotWaitMs: 20 });
    const bot = await client(`${server.url}?streams=lrcbtc@aggTrade/nknusdt@kline_1m`);
    await server.finished;
    const recorded = readFileSync(capture, 'utf8').split('\n').filter((line) => line.includes('"src":"ws"'))
      .map((line) => (JSON.parse(line) as { raw: string }).raw)
      .filter((raw) => raw.startsWith('{"stream":"lrcbtc@aggTrade"') || raw.startsWith('{"stream":"nknusdt@kline_1m"'));
    await waitFor(() => bot.frames.length === recorded.length);
    assert.deepEqual(bot.frames, recorded);
    assert.equal(server.framesSent, recorded.length);
    const response = await fetch(`${server.restUrl}/api/v3/depth?symbol=LRCBTC&limit=1000`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('x-mbx-used-weight-1m'), '50');
    assert.equal((await response.json() as { lastUpdateId: number }).lastUpdateId, 259345543);
    assert.equal((await fetch(`${server.restUrl}/api/v3/depth?symbol=BTCUSDT`)).status, 400);
  });
});
