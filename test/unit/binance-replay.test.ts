import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BinanceBookTicker } from '../../src/exchanges/binance/messages.ts';
import type { VenueEvent } from '../../src/exchanges/types.ts';
import { listCaptures, normalizedSymbol, readCapture, readExpected, sessionFrame } from '../support/binance-fixtures.ts';
import { applyOutput, binanceSession, binanceStore, codes, fetches, normalizeDecimal, topLevels } from '../support/binance-replay.ts';

interface TickerCheck {
  /** bookTickers whose `u` is the `u` of an applied event (the expected files' count). */
  checked: number;
  matched: number;
  /** bookTickers whose `u` is the snapshot's `lastUpdateId` (checked too; not in the expected files' count). */
  atSnapshot: number;
}

/** bookTickers carrying exactly a snapshot's lastUpdateId (3 in the 10-symbol capture, 1 in the US one). */
const AT_SNAPSHOT: Record<string, number> = {
  'capture-2021-04-17-spot-10sym.jsonl': 3, 'capture-2021-10-12-binanceus-4sym.jsonl': 1, 'capture-2021-10-12-spot-4sym.jsonl': 0,
};

describe('binance session: every real capture replays to the documented book', () => {
  const captures = listCaptures();

  it('finds the three captures', () => {
    assert.deepEqual(captures, ['capture-2021-04-17-spot-10sym.jsonl', 'capture-2021-10-12-binanceus-4sym.jsonl',
      'capture-2021-10-12-spot-4sym.jsonl']);
  });

  for (const name of captures) {
    it(name, () => {
      const expected = readExpected(name);
      const venueNames = Object.keys(expected);
      const symbols = venueNames.map(normalizedSymbol);
      const session = binanceSession(symbols);
      const store = binanceStore(symbols);
      const opened = session.onOpen(0);
      assert.equal(opened.events.length, symbols.length * 2);
      assert.deepEqual(opened.actions, []);

      const fetched = new Map<string, number>();
      const snapshots = new Map<string, Extract<VenueEvent, { type: 'book_snapshot' }>>();
      const updates = new Map<string, number>();
      const tickers = new Map<string, TickerCheck>(symbols.map((symbol) => [symbol, { checked: 0, matched: 0, atSnapshot: 0 }]));
      /** bookTickers whose `u` the book has not reached yet, checked once the session's update id equals it. */
      const waiting: { symbol: string; ticker: BinanceBookTicker }[] = [];
      const otherCodes = new Set<string>();

      const checkTicker = (symbol: string, ticker: BinanceBookTicker): void => {
        const book = store.get('binance', symbol)!.book;
        const check = tickers.get(symbol)!;
        const bid = book.bids.best()!;
        const ask = book.asks.best()!;
        const matches = Number(bid[0]) === Number(ticker.b) && Number(bid[1]) === Number(ticker.B)
          && Number(ask[0]) === Number(ticker.a) && Number(ask[1]) === Number(ticker.A);
        if (ticker.u === session.statsOf(symbol)!.snapshotLastUpdateId) {
          assert.ok(matches, `${symbol}: bookTicker u=${ticker.u} matches the snapshot`);
          check.atSnapshot++;
          return;
        }
        check.checked++;
        if (matches) check.matched++;
      };

      for (const line of readCapture(name)) {
        const frame = sessionFrame(line);
        if (frame === undefined) continue;
        const output = session.onFrame(frame, 0);
        applyOutput(store, output);
        for (const symbol of fetches(output)) fetched.set(symbol, (fetched.get(symbol) ?? 0) + 1);
        for (const event of output.events) {
          if (event.type === 'book_snapshot') snapshots.set(event.symbol, event);
          if (event.type === 'book_update') updates.set(event.symbol, (updates.get(event.symbol) ?? 0) + 1);
        }
        for (const code of codes(output)) otherCodes.add(code);
        const wrapped = JSON.parse(line.raw!) as { stream?: string; data?: BinanceBookTicker };
        if (line.src === 'ws' && wrapped.stream?.endsWith('@bookTicker')) {
          waiting.push({ symbol: normalizedSymbol(wrapped.data!.s), ticker: wrapped.data! });
        }
        for (let i = waiting.length - 1; i >= 0; i--) {
          const { symbol, ticker } = waiting[i]!;
          const id = session.updateIdOf(symbol);
          if (id === undefined || id < ticker.u) continue;
          if (id === ticker.u) checkTicker(symbol, ticker);
          waiting.splice(i, 1);
        }
      }

      let checkedAtSnapshot = 0;
      assert.deepEqual([...otherCodes].sort(), ['debug:unused_stream'], 'no warnings; unused streams noted at debug only');
      for (const [venueName, want] of Object.entries(expected)) {
        const symbol = normalizedSymbol(venueName);
        const stats = session.statsOf(symbol)!;
        const view = store.get('binance', symbol)!;
        assert.equal(fetched.get(symbol), 1, `${symbol}: one snapshot fetch`);
        assert.equal(stats.snapshotLastUpdateId, want.snapshot_lastUpdateId, `${symbol}: snapshot id`);
        assert.equal(stats.discarded, want.buffered_events_discarded, `${symbol}: discarded`);
        assert.equal(stats.applied, want.events_applied, `${symbol}: applied`);
        assert.equal(updates.get(symbol) ?? 0, want.events_applied, `${symbol}: book_update events`);
        assert.equal(stats.stale, want.events_ignored_after_sync, `${symbol}: ignored after sync`);
        assert.equal(stats.gaps, 0);
        assert.equal(session.updateIdOf(symbol), want.final_update_id, `${symbol}: final update id`);
        assert.equal(view.state, 'live');
        const snapshot = snapshots.get(symbol)!;
        assert.deepEqual([snapshot.bids.length, snapshot.asks.length], [want.snapshot_levels.bids, want.snapshot_levels.asks]);
        assert.match(snapshot.exchangeTime, /^20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, 'time of the newest dropped event');
        assert.deepEqual([view.book.bids.size, view.book.asks.size], [want.final_levels.bids, want.final_levels.asks]);
        assert.deepEqual(topLevels(store, symbol, 'bids', 5), want.final_top5_bids.map(([p, q]) => [normalizeDecimal(p), normalizeDecimal(q)]));
        assert.deepEqual(topLevels(store, symbol, 'asks', 5), want.final_top5_asks.map(([p, q]) => [normalizeDecimal(p), normalizeDecimal(q)]));
        const check = tickers.get(symbol)!;
        assert.equal(check.checked, want.bookTicker_messages_with_u_equal_to_an_applied_event_u, `${symbol}: bookTickers checked`);
        assert.equal(check.matched, want.of_which_top_of_book_matches, `${symbol}: bookTickers matching the book`);
        checkedAtSnapshot += check.atSnapshot;
      }
      assert.equal(checkedAtSnapshot, AT_SNAPSHOT[name]);
    });
  }
});
