// "Done when": the real gateway pointed at a local server that plays back real Binance recordings (REST snapshot +
// diffs, as Binance served them). At every applied update id that a recorded bookTicker also carries, the gateway's
// book has exactly the bookTicker's best bid and ask; the final books equal the captures' `.expected.json`; a bot at
// depth 5 ends with the expected top 5.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BookView } from '../../src/book/book-store.ts';
import { createGateway } from '../../src/gateway.ts';
import { startBinanceReplayServer, type BinanceReplayServer } from '../../src/sim/binance/replay-server.ts';
import { binanceTestConfig, subscribeBinance } from '../support/binance-stack.ts';
import {
  BINANCE_FIXTURES, listCaptures, normalizedSymbol, readCapture, readExpected, type ExpectedSymbol,
} from '../support/binance-fixtures.ts';
import { Bot } from '../support/downstream-harness.ts';
import { metricValue } from '../support/gateway-stack.ts';
import { stopAfterAll } from '../support/stop-after.ts';
import { waitFor } from '../support/wait-for.ts';

interface DepthEvent { readonly s: string; readonly U: number; readonly u: number }
interface BookTicker { readonly u: number; readonly s: string; readonly b: string; readonly B: string; readonly a: string; readonly A: string }

/** Per venue symbol: the `u` of each event the documented procedure applies, and the bookTickers by `u`. */
function recordedTruth(capture: string, expected: Record<string, ExpectedSymbol>) {
  const applied = new Map<string, number[]>();
  const tickers = new Map<string, Map<number, BookTicker>>();
  for (const line of readCapture(capture)) {
    if (line.src !== 'ws') continue;
    const frame = JSON.parse(line.raw!) as { stream?: string; data?: unknown };
    const data = (frame.data ?? frame) as Partial<DepthEvent & BookTicker & { e: string }>;
    if (data.e === 'depthUpdate' && expected[data.s!] !== undefined && data.u! > expected[data.s!]!.snapshot_lastUpdateId) {
      const list = applied.get(data.s!) ?? [];
      if (list.length === 0 || data.u! > list.at(-1)!) list.push(data.u!);
      applied.set(data.s!, list);
    } else if (frame.stream?.endsWith('@bookTicker') === true) {
      const bySymbol = tickers.get(data.s!) ?? new Map<number, BookTicker>();
      bySymbol.set(data.u!, data as BookTicker);
      tickers.set(data.s!, bySymbol);
    }
  }
  return { applied, tickers };
}

const sameNumber = (a: string | undefined, b: string): boolean => a !== undefined && Number(a) === Number(b);
const normalized = (levels: readonly (readonly [string, string])[]): string[][] =>
  levels.map(([price, size]) => [String(Number(price)), String(Number(size))]);

describe('gateway + real Binance recordings played back', () => {
  const own = stopAfterAll();

  for (const capture of listCaptures()) {
    it(`${capture}: books match every recorded bookTicker and the expected final books`, async () => {
      const expected = readExpected(capture);
      const venueSymbols = Object.keys(expected);
      const { applied, tickers } = recordedTruth(capture, expected);
      const replay: BinanceReplayServer = own(await startBinanceReplayServer({ capture: new URL(capture, BINANCE_FIXTURES) }),
        (server) => server.stop());
      const symbols = venueSymbols.map(normalizedSymbol);
      const config = binanceTestConfig(replay, { symbols, bookDepth: 1000, staleAfterMs: 60_000, snapshotTimeoutMs: 10_000,
        symbolStaleAfterMs: 600_000 });
      const gateway = own(createGateway(config), (started) => started.stop());

      const updatesSeen = new Map<string, number>();
      let checked = 0;
      const mismatches: string[] = [];
      gateway.store.addListener({
        bookChanged: (view: BookView, change) => {
          const venue = view.symbol.replace('/', '');
          if (change === 'snapshot') {
            updatesSeen.set(venue, 0);
            return;
          }
          const n = (updatesSeen.get(venue) ?? 0) + 1;
          updatesSeen.set(venue, n);
          const u = applied.get(venue)?.[n - 1];
          const ticker = u === undefined ? undefined : tickers.get(venue)?.get(u);
          if (ticker === undefined) return;
          checked++;
          const [bid] = view.book.topLevels('bids', 1);
          const [ask] = view.book.topLevels('asks', 1);
          if (!(sameNumber(bid?.[0], ticker.b) && sameNumber(bid?.[1], ticker.B) && sameNumber(ask?.[0], ticker.a)
            && sameNumber(ask?.[1], ticker.A))) mismatches.push(`${venue} u=${u}: book ${bid} / ${ask}, bookTicker ${ticker.b}×${ticker.B} / ${ticker.a}×${ticker.A}`);
        },
      });
      const { port } = await gateway.start();
      const bot = await Bot.connect(`ws://127.0.0.1:${port}/v1/ws`);
      for (const [index, symbol] of symbols.entries()) await subscribeBinance(bot, 'book', symbol, index + 1, 5);
      await replay.finished;
      await waitFor(() => venueSymbols.every((venue) => updatesSeen.get(venue) === expected[venue]!.events_applied),
        10_000, 'every recorded event applied');

      assert.deepEqual(mismatches, [], 'top of book equals the bookTicker at every matching update id');
      const expectedChecks = venueSymbols.reduce((sum, venue) => sum + expected[venue]!.of_which_top_of_book_matches, 0);
      assert.equal(checked, expectedChecks, 'every matching bookTicker was checked');
      for (const [index, venue] of venueSymbols.entries()) {
        const book = gateway.store.get('binance', symbols[index]!)!;
        assert.equal(book.state, 'live');
        assert.deepEqual(normalized(book.book.topLevels('bids', 5)), expected[venue]!.final_top5_bids, `${venue} bids`);
        assert.deepEqual(normalized(book.book.topLevels('asks', 5)), expected[venue]!.final_top5_asks, `${venue} asks`);
        await waitFor(() => {
          bot.reference.consume(bot.client.received);
          const copy = bot.reference.book('binance', symbols[index]!);
          return copy !== undefined && JSON.stringify(normalized(copy.bids)) === JSON.stringify(expected[venue]!.final_top5_bids)
            && JSON.stringify(normalized(copy.asks)) === JSON.stringify(expected[venue]!.final_top5_asks);
        }, 5_000, `the bot's ${venue} top 5 equals the expected book`);
      }
      assert.equal(await metricValue(gateway, 'mgw_book_resyncs_total'), 0, 'no resync on a clean recording');
      bot.ws.close();
    });
  }
});
