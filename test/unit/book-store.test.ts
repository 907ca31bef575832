// BookStore: the per-book state machine, verification (checksum over the top N levels, crossed book, malformed
// levels) and the checksum reuse for updates deeper than the checksummed levels, on real Kraken frames.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BookStore, bookKeyText } from '../../src/book/book-store.ts';
import type { LevelText } from '../../src/core/model.ts';
import { krakenChecksum } from '../../src/exchanges/kraken/checksum.ts';
import { parseKrakenFrame } from '../../src/exchanges/kraken/parse.ts';
import type { BookChecksumView } from '../../src/exchanges/types.ts';
import { readCapture } from '../support/binance-fixtures.ts';
import { readKrakenCaptureFrames } from '../support/kraken-fixtures.ts';

interface BookMessage { type: 'snapshot' | 'update'; bids: LevelText[]; asks: LevelText[]; checksum: number | undefined; timestamp: string }

function ethMessages(): BookMessage[] {
  return readKrakenCaptureFrames('crossbook_kraken_ethusd_d25.frames.jsonl').flatMap((text) => {
    const frame = parseKrakenFrame(text);
    if (frame.kind !== 'book') return [];
    return frame.message.data.map((d) => ({ type: frame.message.type, checksum: d.checksum, timestamp: d.timestamp ?? '',
      bids: d.bids.map((l): LevelText => [l.price, l.qty]), asks: d.asks.map((l): LevelText => [l.price, l.qty]) }));
  });
}

function countingChecksum(): { fn: (book: BookChecksumView) => number; calls: () => number } {
  let calls = 0;
  return { fn: (book) => { calls++; return krakenChecksum(book); }, calls: () => calls };
}

describe('BookStore', () => {
  it('keeps the book a prefix of the venue book: levels below the depth are cut, never promoted past real ones', () => {
    // The real NKNUSDT REST snapshot (609 bids) of the 2021-10-12 capture, held at depth 5.
    const rest = readCapture('capture-2021-10-12-spot-4sym.jsonl').find((line) => line.src === 'rest')!;
    const snapshot = JSON.parse(rest.raw!) as { bids: LevelText[]; asks: LevelText[] };
    const store = new BookStore({ tradeBufferSize: 100 });
    store.register('binance', 'NKN/USDT', { depth: 5 });
    store.applySnapshot('binance', 'NKN/USDT', snapshot.bids, snapshot.asks, '');
    const bids = (): LevelText[] => [...store.get('binance', 'NKN/USDT')!.book.topLevels('bids', 5)];
    assert.deepEqual(bids(), snapshot.bids.slice(0, 5));
    // A diff touching a level far below the window: not kept, so it cannot later stand in for the unseen ones above it.
    const deep = snapshot.bids[40]!;
    store.applyUpdate('binance', 'NKN/USDT', [[deep[0], '1.00000000']], [], '');
    store.applyUpdate('binance', 'NKN/USDT', snapshot.bids.slice(0, 3).map(([price]): LevelText => [price, '0']), [], '');
    assert.deepEqual(bids(), snapshot.bids.slice(3, 5), 'shorter, but exactly the venue\'s best levels');
  });

  it('an exact-prefix book ignores levels beyond its cut: a level learned later never stands in for cut ones', () => {
    // The real NKNUSDT REST snapshot of the 2021-10-12 capture, held at depth 2.
    const rest = readCapture('capture-2021-10-12-spot-4sym.jsonl').find((line) => line.src === 'rest')!;
    const snapshot = JSON.parse(rest.raw!) as { bids: LevelText[]; asks: LevelText[] };
    const [first, second, third] = snapshot.bids as [LevelText, LevelText, LevelText];
    const between = String((Number(second[0]) + Number(third[0])) / 2);
    const bids = (exactPrefix: boolean): string[] => {
      const store = new BookStore({ tradeBufferSize: 10 });
      store.register('binance', 'NKN/USDT', { depth: 2, exactPrefix });
      store.applySnapshot('binance', 'NKN/USDT', snapshot.bids, snapshot.asks, '');
      store.applyUpdate('binance', 'NKN/USDT', [[second[0], '0']], [], '');
      store.applyUpdate('binance', 'NKN/USDT', [[between, '1.00000000']], [], '');
      return store.get('binance', 'NKN/USDT')!.book.topLevels('bids', 5).map(([price]) => price);
    };
    assert.deepEqual(bids(true), [first[0]], 'shorter, but exactly the venue\'s best levels');
    assert.deepEqual(bids(false), [first[0], between], 'without it the level in the gap would be served');
  });

  it('verifies every real ETH/USD update, recomputing the CRC only when the top 10 changed', () => {
    const store = new BookStore({ tradeBufferSize: 100 });
    const checksum = countingChecksum();
    store.register('kraken', 'ETH/USD', { depth: 25, checksum: checksum.fn, checksumLevels: 10 });
    const messages = ethMessages();
    for (const m of messages) {
      const result = m.type === 'snapshot'
        ? store.applySnapshot('kraken', 'ETH/USD', m.bids, m.asks, m.timestamp, m.checksum)
        : store.applyUpdate('kraken', 'ETH/USD', m.bids, m.asks, m.timestamp, m.checksum);
      assert.ok(result.ok && result.applied, `message ${messages.indexOf(m)}`);
    }
    assert.equal(messages.length, 1129);
    assert.equal(checksum.calls(), 764, 'CRCs for 1129 messages: 365 updates below the top 10 reuse the last one');
    assert.equal(store.get('kraken', 'ETH/USD')!.version, 1129);
  });

  it('a wrong checksum on an update that did not touch the top 10 is still caught', () => {
    const store = new BookStore({ tradeBufferSize: 100 });
    store.register('kraken', 'ETH/USD', { depth: 25, checksum: krakenChecksum, checksumLevels: 10 });
    const [snapshot] = ethMessages();
    store.applySnapshot('kraken', 'ETH/USD', snapshot!.bids, snapshot!.asks, snapshot!.timestamp, snapshot!.checksum);
    const deepBid = store.get('kraken', 'ETH/USD')!.book.topLevels('bids', 25)[20]!;
    const result = store.applyUpdate('kraken', 'ETH/USD', [[deepBid[0], '1.00000000']], [], 't', (snapshot!.checksum! + 1) >>> 0);
    assert.equal(result.ok, false);
    assert.equal(result.ok ? '' : result.reason, 'checksum_mismatch');
    const view = store.get('kraken', 'ETH/USD')!;
    assert.deepEqual([view.state, view.reason, view.book.bids.size], ['resyncing', 'checksum_mismatch', 0], 'cleared, not live');
    assert.deepEqual(store.applyUpdate('kraken', 'ETH/USD', [], [], 't', 1), { ok: true, applied: false }, 'updates ignored until a snapshot');
  });

  it('walks the states and tells listeners: awaiting-snapshot → live → stale → resyncing → live', () => {
    const store = new BookStore({ tradeBufferSize: 100 });
    store.register('kraken', 'ETH/USD', { depth: 25 });
    const seen: string[] = [];
    store.addListener({ bookStateChanged: (view) => seen.push(`${view.state}:${view.reason}`) });
    const [snapshot] = ethMessages();
    store.applySnapshot('kraken', 'ETH/USD', snapshot!.bids, snapshot!.asks, 't');
    store.setState('kraken', 'ETH/USD', 'stale', 'connection_lost');
    store.setState('kraken', 'ETH/USD', 'resyncing', 'connection_lost');
    store.applySnapshot('kraken', 'ETH/USD', snapshot!.bids, snapshot!.asks, 't');
    assert.deepEqual(seen, ['live:snapshot', 'stale:connection_lost', 'resyncing:connection_lost', 'live:snapshot']);
  });

  it('book data without a checksum is never applied to a checksummed book: malformed_frame, resyncing, cleared', () => {
    const store = new BookStore({ tradeBufferSize: 100 });
    store.register('kraken', 'ETH/USD', { depth: 25, checksum: krakenChecksum, checksumLevels: 10 });
    const [snapshot, update] = ethMessages();
    assert.deepEqual(store.applySnapshot('kraken', 'ETH/USD', snapshot!.bids, snapshot!.asks, 't', snapshot!.checksum),
      { ok: true, applied: true });
    const result = store.applyUpdate('kraken', 'ETH/USD', update!.bids, update!.asks, 't');
    assert.deepEqual(result, { ok: false, reason: 'malformed_frame', message: 'no checksum on kraken ETH/USD book data' });
    const view = store.get('kraken', 'ETH/USD')!;
    assert.deepEqual([view.state, view.reason, view.book.bids.size, view.book.asks.size, view.version],
      ['resyncing', 'malformed_frame', 0, 0, 2]);
    const noChecksumSnapshot = store.applySnapshot('kraken', 'ETH/USD', snapshot!.bids, snapshot!.asks, 't');
    assert.equal(noChecksumSnapshot.ok ? '' : noChecksumSnapshot.reason, 'malformed_frame', 'a snapshot needs one too');
    assert.equal(store.get('kraken', 'ETH/USD')!.state, 'resyncing');
  });

  it('a real snapshot with a wrong checksum never goes live: checksum_mismatch, resyncing, cleared', () => {
    const store = new BookStore({ tradeBufferSize: 100 });
    store.register('kraken', 'ETH/USD', { depth: 25, checksum: krakenChecksum, checksumLevels: 10 });
    const states: string[] = [];
    store.addListener({ bookStateChanged: (view) => states.push(`${view.state}:${view.reason}`) });
    const [snapshot] = ethMessages();
    const wrong = (snapshot!.checksum! + 1) >>> 0;
    assert.deepEqual(store.applySnapshot('kraken', 'ETH/USD', snapshot!.bids, snapshot!.asks, 't', wrong), {
      ok: false, reason: 'checksum_mismatch', expected: wrong, computed: snapshot!.checksum,
      message: `expected checksum ${wrong}, computed ${snapshot!.checksum} (kraken ETH/USD)`,
    });
    const view = store.get('kraken', 'ETH/USD')!;
    assert.deepEqual([view.state, view.reason, view.book.bids.size, view.book.asks.size], ['resyncing', 'checksum_mismatch', 0, 0]);
    assert.deepEqual(states, ['resyncing:checksum_mismatch'], 'never live');
    assert.deepEqual(store.applySnapshot('kraken', 'ETH/USD', snapshot!.bids, snapshot!.asks, 't', snapshot!.checksum),
      { ok: true, applied: true }, 'the true snapshot then goes live');
  });

  it('a crossed book or a malformed level is never left live', () => {
    const store = new BookStore({ tradeBufferSize: 100 });
    store.register('kraken', 'ETH/USD', { depth: 25 });
    const [snapshot] = ethMessages();
    store.applySnapshot('kraken', 'ETH/USD', snapshot!.bids, snapshot!.asks, 't');
    const bestAsk = store.get('kraken', 'ETH/USD')!.book.asks.best()![0];
    const crossed = store.applyUpdate('kraken', 'ETH/USD', [[bestAsk, '1.00000000']], [], 't');
    assert.deepEqual(crossed, { ok: false, reason: 'crossed_book', message: `best bid ${bestAsk} ≥ best ask ${bestAsk} (kraken ETH/USD)` });
    store.applySnapshot('kraken', 'ETH/USD', snapshot!.bids, snapshot!.asks, 't');
    const malformed = store.applyUpdate('kraken', 'ETH/USD', [['1877.x', '1']], [], 't');
    assert.deepEqual(malformed, { ok: false, reason: 'malformed_frame', message: 'malformed level in kraken ETH/USD' });
    assert.equal(store.get('kraken', 'ETH/USD')!.state, 'resyncing');
  });

  it('registration: once per book, awaiting its snapshot; an unregistered book is refused loudly', () => {
    const store = new BookStore({ tradeBufferSize: 100 });
    store.register('kraken', 'ETH/USD', { depth: 25 });
    store.register('kraken', 'ETH/USD', { depth: 10 });
    const view = store.get('kraken', 'ETH/USD')!;
    assert.deepEqual([view.state, view.reason, view.depth, view.exchangeTime, view.version], ['awaiting-snapshot', undefined, 25, '', 0]);
    assert.deepEqual(store.list().map((each) => `${each.exchange} ${each.symbol}`), ['kraken ETH/USD'], 'registered once');
    assert.deepEqual([store.has('kraken', 'ETH/USD'), store.has('kraken', 'DOGE/USD'), store.has('binance', 'ETH/USD')], [true, false, false]);
    assert.throws(() => store.applyUpdate('kraken', 'DOGE/USD', [], [], 't'), { message: 'book kraken DOGE/USD is not registered' });
  });

  it('listeners hear each applied book message with its kind and each batch of new trades; removal is idempotent', () => {
    const store = new BookStore({ tradeBufferSize: 3 });
    store.register('kraken', 'ETH/USD', { depth: 25, checksum: krakenChecksum, checksumLevels: 10 });
    const heard: string[] = [];
    const remove = store.addListener({
      bookChanged: (view, change) => heard.push(`${change} v${view.version}`),
      tradesAdded: (key, trades) => heard.push(`${key.symbol} trades ${trades.map((trade) => trade.tradeId).join(',')}`),
    });
    const others: string[] = [];
    store.addListener({ bookChanged: (_view, change) => others.push(change) });
    store.addListener({ bookStateChanged: (view) => others.push(view.state) });
    const [snapshot, update] = ethMessages();
    store.applySnapshot('kraken', 'ETH/USD', snapshot!.bids, snapshot!.asks, 't', snapshot!.checksum);
    store.applyUpdate('kraken', 'ETH/USD', update!.bids, update!.asks, 't', update!.checksum);
    const trade = (id: string) => ({ tradeId: id, price: '1877.30', size: '0.01000000', side: 'buy' as const, exchangeTime: 't' });
    assert.deepEqual(store.addTrades('kraken', 'ETH/USD', [trade('1'), trade('2')]).length, 2);
    assert.deepEqual(store.addTrades('kraken', 'ETH/USD', [trade('2')]), [], 'a repeat: nothing new, nobody told');
    store.addTrades('kraken', 'ETH/USD', [trade('3'), trade('4')]);
    remove();
    remove();
    assert.deepEqual(store.addTrades('kraken', 'ETH/USD', [trade('1'), trade('4')]).map((each) => each.tradeId), ['1'],
      'a window of 3 ids: 1 has left it, 4 is still in it');
    store.applyUpdate('kraken', 'ETH/USD', [], [], 't', update!.checksum);
    store.setState('kraken', 'ETH/USD', 'stale', 'connection_lost');
    assert.deepEqual(heard, ['snapshot v1', 'update v2', 'ETH/USD trades 1,2', 'ETH/USD trades 3,4']);
    assert.deepEqual(others, ['live', 'snapshot', 'update', 'update', 'stale'],
      'the other listeners, each with only some callbacks, still hear (a second removal took nobody else)');
    assert.equal(bookKeyText('kraken', 'ETH/USD'), 'kraken:ETH/USD');
  });

  it('a state change is told once; listeners may implement only some callbacks', () => {
    const store = new BookStore({ tradeBufferSize: 100 });
    store.register('kraken', 'ETH/USD', { depth: 25 });
    const seen: string[] = [];
    store.addListener({ tradesAdded: () => undefined });
    const remove = store.addListener({ bookStateChanged: (view, previous) => seen.push(`${previous}→${view.state}:${view.reason}`) });
    store.setState('kraken', 'ETH/USD', 'stale', 'connection_lost');
    store.setState('kraken', 'ETH/USD', 'stale', 'connection_lost');
    store.setState('kraken', 'ETH/USD', 'stale', 'stale_data');
    remove();
    store.setState('kraken', 'ETH/USD', 'resyncing', 'stale_data');
    assert.deepEqual(seen, ['awaiting-snapshot→stale:connection_lost', 'stale→stale:stale_data']);
  });
});
