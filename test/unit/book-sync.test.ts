// applyVenueEvent: a session's normalized events applied to the store, with what the connector needs to know back
// (data seen, snapshot applied, failure, trades accepted/duplicated). Events come from real Kraken frames.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyVenueEvent } from '../../src/book/book-sync.ts';
import { BookStore } from '../../src/book/book-store.ts';
import { krakenAdapter } from '../../src/exchanges/kraken/index.ts';
import type { VenueEvent } from '../../src/exchanges/types.ts';
import { ETH_CAPTURE, readKrakenCaptureFrames, withWrongChecksum } from '../support/kraken-fixtures.ts';
import { docTradeFrames } from '../support/kraken-store-feed.ts';

const ETH = readKrakenCaptureFrames(ETH_CAPTURE);

function setup(): { store: BookStore; events: (text: string) => VenueEvent[] } {
  const store = new BookStore({ tradeBufferSize: 10 });
  store.register('kraken', 'ETH/USD', { depth: 25, checksum: krakenAdapter.bookChecksum, checksumLevels: 10 });
  const session = krakenAdapter.createSession({ symbols: ['ETH/USD', 'XRP/USD'], bookDepth: 25, tradeSnapshot: true });
  session.onOpen(0);
  return { store, events: (text) => session.onFrame(text, 0).events };
}

describe('applyVenueEvent', () => {
  it('snapshot, update and a failed update: data, the symbol, and what happened', () => {
    const { store, events } = setup();
    const [snapshot] = events(ETH[2]!);
    assert.deepEqual(applyVenueEvent(store, 'kraken', snapshot!), { data: true, symbol: 'ETH/USD', snapshotApplied: true });
    const [update] = events(ETH[3]!);
    assert.deepEqual(applyVenueEvent(store, 'kraken', update!), { data: true, symbol: 'ETH/USD' });
    const [wrong] = events(withWrongChecksum(ETH[4]!));
    const outcome = applyVenueEvent(store, 'kraken', wrong!);
    assert.deepEqual([outcome.data, outcome.symbol, outcome.failure?.reason], [true, 'ETH/USD', 'checksum_mismatch']);
    const [failedSnapshot] = events(withWrongChecksum(ETH[2]!));
    assert.deepEqual([applyVenueEvent(store, 'kraken', failedSnapshot!).failure?.reason, store.get('kraken', 'ETH/USD')!.state],
      ['checksum_mismatch', 'resyncing'], 'a snapshot that fails is a failure, not a snapshot applied');
  });

  it('trades: how many were new and how many repeated', () => {
    const { store, events } = setup();
    const [snapshotTrades] = events(docTradeFrames('ETH/USD')[0]!);
    const first = applyVenueEvent(store, 'kraken', snapshotTrades!);
    assert.equal(first.data, true);
    assert.equal(first.symbol, 'ETH/USD');
    const count = snapshotTrades!.type === 'trades' ? snapshotTrades!.trades.length : 0;
    assert.deepEqual([first.tradesAccepted, first.tradesDuplicated], [count, 0]);
    assert.deepEqual(applyVenueEvent(store, 'kraken', snapshotTrades!),
      { data: true, symbol: 'ETH/USD', tradesAccepted: 0, tradesDuplicated: count });
  });

  it('a book or trades of a symbol the store does not hold, and every other event, are not data', () => {
    const { store, events } = setup();
    const xrp = readKrakenCaptureFrames('crossbook_kraken_xrpusd_d25.frames.jsonl');
    const [xrpSnapshot, xrpUpdate] = xrp.filter((text) => text.startsWith('{"channel":"book"'));
    const notData: VenueEvent[] = [...events(xrpSnapshot!), ...events(xrpUpdate!), ...events(docTradeFrames('XRP/USD')[0]!),
      { type: 'heartbeat' }, { type: 'pong' }, { type: 'venue_status', status: 'online' }];
    assert.deepEqual(notData.map((event) => event.type),
      ['book_snapshot', 'book_update', 'trades', 'heartbeat', 'pong', 'venue_status']);
    for (const event of notData) assert.deepEqual(applyVenueEvent(store, 'kraken', event), { data: false }, event.type);
  });
});
