import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LevelText } from '../../src/core/model.ts';
import { BookSide } from '../../src/book/book-side.ts';
import { OrderBook } from '../../src/book/order-book.ts';
import { TradeBuffer } from '../../src/book/trade-buffer.ts';

describe('OrderBook', () => {
  it('keeps bids descending and asks ascending with the exact text', () => {
    const book = new OrderBook();
    book.replace([['100.10', '1.00000000'], ['100.30', '2.00000000'], ['100.20', '0.50000000']],
      [['100.50', '1.00000000'], ['100.40', '0.00100000']]);
    assert.deepEqual(book.topLevels('bids', 5), [['100.30', '2.00000000'], ['100.20', '0.50000000'], ['100.10', '1.00000000']]);
    assert.deepEqual(book.topLevels('asks', 1), [['100.40', '0.00100000']]);
  });

  it('applies levels in order: replace, delete, repeat of a price in one message', () => {
    const book = new OrderBook();
    book.replace([['10.0', '1']], [['11.0', '1']]);
    book.apply([['10.0', '2'], ['9.5', '3'], ['10.0', '0'], ['9.5', '4']], [['11.0', '0.00000000'], ['12.0', '5']]);
    assert.deepEqual(book.topLevels('bids', 10), [['9.5', '4']]);
    assert.deepEqual(book.topLevels('asks', 10), [['12.0', '5']]);
  });

  it('truncates to depth and detects a crossed book', () => {
    const book = new OrderBook();
    book.replace([['3', '1'], ['2', '1'], ['1', '1']], [['4', '1'], ['5', '1'], ['6', '1']]);
    book.truncate(2);
    assert.deepEqual(book.topLevels('bids', 10).map(([price]) => price), ['3', '2']);
    assert.equal(book.isCrossed(), false);
    book.apply([['4', '1']], []);
    assert.equal(book.isCrossed(), true);
  });

  it('rejects non-numeric text instead of storing it', () => {
    const book = new OrderBook();
    assert.equal(book.apply([['abc', '1']], []), false);
    assert.equal(book.apply([['1', '-2']], []), false);
    for (const level of [['', '1'], ['1', ''], ['1', 'Infinity'], ['NaN', '1']] as LevelText[]) {
      assert.equal(book.bids.setLevel(level), false, JSON.stringify(level));
    }
    assert.equal(book.bids.size, 0);
    assert.equal(book.apply([], [['x', '1'], ['11.0', '1']]), false, 'one bad ask fails the message even if a later one is fine');
  });

  it('a snapshot in any order: best first, the last level at a price wins, zero sizes left out, bad levels refused', () => {
    const book = new OrderBook();
    const bids: LevelText[] = [['10', '1'], ['12', '2'], ['11', '3'], ['12', '4'], ['9', '0'], ['13', '5']];
    assert.equal(book.replace(bids, [['21', '1'], ['20', '2'], ['22', '0'], ['20', '3']]), true);
    assert.deepEqual(book.topLevels('bids', 10), [['13', '5'], ['12', '4'], ['11', '3'], ['10', '1']]);
    assert.deepEqual(book.topLevels('asks', 10), [['20', '3'], ['21', '1']]);
    const sorted: LevelText[] = [['13', '5'], ['12', '4'], ['11', '3'], ['10', '1']];
    for (const input of [sorted, [...sorted].reverse()]) {
      book.replace(input, [...input].map(([price, size]): LevelText => [String(Number(price) + 10), size]));
      assert.deepEqual(book.topLevels('bids', 10), sorted, 'sorted either way');
      assert.deepEqual(book.topLevels('asks', 10).map(([price]) => price), ['20', '21', '22', '23']);
    }
    for (const bad of [['', '1'], ['11', ''], ['11', '-1'], ['x', '1']] as LevelText[]) {
      assert.equal(book.replace([['10', '1'], bad, ['12', '1']], []), false, JSON.stringify(bad));
      assert.deepEqual(book.topLevels('bids', 10), [['12', '1'], ['10', '1']], 'the others are kept');
    }
  });

  it('a malformed level in an unsorted snapshot is left out and the others still sorted', () => {
    const book = new OrderBook();
    assert.equal(book.replace([['10', '1'], ['x', '1'], ['12', '1'], ['9', '1'], ['', '2'], ['11', '1'], ['8', '1']], []), false);
    assert.deepEqual(book.topLevels('bids', 10).map(([price]) => price), ['12', '11', '10', '9', '8']);
  });

  it('exact prefix: after a cut, changes beyond the worst level kept are ignored (not malformed); at it they apply', () => {
    const bids = new BookSide('bids', { exactPrefix: true });
    for (const price of ['10', '9', '8']) bids.set(price, '1');
    bids.truncate(2);
    assert.equal(bids.set('8', '5'), true, 'beyond the cut: ignored, not refused');
    assert.deepEqual(bids.top(5), [['10', '1'], ['9', '1']]);
    assert.equal(bids.set('9', '7'), true);
    assert.deepEqual(bids.top(5), [['10', '1'], ['9', '7']], 'the worst level kept still changes');
    bids.truncate(0);
    bids.set('11', '1');
    assert.equal(bids.size, 0, 'cut to nothing: every change is beyond the cut');
  });

  it('a side by itself: set by price and size text, read by best-first index', () => {
    const bids = new OrderBook().bids;
    assert.equal(bids.set('10', '1'), true);
    assert.equal(bids.set('11', '2'), true);
    assert.deepEqual([bids.at(0), bids.at(1), bids.at(2)], [['11', '2'], ['10', '1'], undefined]);
  });

  it('inserts a price between two others; an empty side has no best price', () => {
    const book = new OrderBook();
    assert.deepEqual([book.bids.bestPrice(), book.asks.bestPrice(), book.bids.best()], [undefined, undefined, undefined]);
    book.apply([['10', '1'], ['8', '1'], ['9', '1']], []);
    assert.deepEqual(book.topLevels('bids', 5), [['10', '1'], ['9', '1'], ['8', '1']]);
    assert.equal(book.bids.bestPrice(), 10);
    assert.equal(book.isCrossed(), false, 'no asks: not crossed');
    book.apply([], [['10', '1']]);
    assert.equal(book.isCrossed(), true, 'best bid = best ask is crossed');
    book.bids.clear();
    assert.equal(book.isCrossed(), false, 'no bids: not crossed');
  });

  it('tracks the best-first index of the best change since resetChanges (deep changes keep the checksum)', () => {
    const book = new OrderBook();
    book.replace([['10', '1'], ['9', '1'], ['8', '1']], [['11', '1']]);
    book.resetChanges();
    assert.equal(book.lowestChangedIndex(), Infinity);
    book.apply([['8', '2']], []);
    assert.equal(book.lowestChangedIndex(), 2, 'a size change at index 2');
    book.apply([['9', '0']], []);
    assert.equal(book.lowestChangedIndex(), 1, 'a delete at index 1');
    book.apply([['7', '0']], []);
    assert.equal(book.lowestChangedIndex(), 1, 'deleting a price that is not there changes nothing');
    book.apply([['7.5', '1'], ['7', '1']], []);
    book.resetChanges();
    book.apply([['8', '3']], []);
    book.apply([['7', '0']], []);
    assert.equal(book.lowestChangedIndex(), 1, 'a delete below the lowest change (index 3 after index 1) leaves it');
    book.apply([['7.5', '0']], []);
    book.resetChanges();
    book.truncate(2);
    assert.equal(book.lowestChangedIndex(), Infinity, 'two levels truncated to two: nothing removed');
    book.apply([['7', '1'], ['6', '1'], ['5', '1']], []);
    book.resetChanges();
    book.truncate(3);
    assert.equal(book.lowestChangedIndex(), 3, 'levels cut from index 3 on');
  });

  it('stays correct at depth 1000 under random churn (against a Map reference)', () => {
    const book = new OrderBook();
    const reference = new Map<string, string>();
    let seed = 7;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 20_000; i++) {
      const price = (1000 + Math.floor(random() * 1500)).toFixed(1);
      const size = random() < 0.3 ? '0' : (random() * 10).toFixed(8);
      book.apply([[price, size]], []);
      if (size === '0') reference.delete(price); else reference.set(price, size);
    }
    const expected: LevelText[] = [...reference.entries()].sort((a, b) => Number(b[0]) - Number(a[0])).slice(0, 1000);
    assert.deepEqual(book.topLevels('bids', 1000), expected);
  });
});

describe('OrderBook: whole-book snapshots', () => {
  it('loads a snapshot in any order: a later level at the same price wins, zero sizes are left out', () => {
    const expected = { bids: [['3', '1'], ['2', '5'], ['1', '1']], asks: [['4', '1'], ['6', '2']] };
    const orders: [LevelText[], LevelText[]][] = [
      [[['3', '1'], ['2', '5'], ['1', '1']], [['4', '1'], ['6', '2']]],
      [[['1', '1'], ['2', '5'], ['3', '1']], [['6', '2'], ['4', '1']]],
      [[['2', '9'], ['3', '1'], ['1', '1'], ['2', '5']], [['5', '3'], ['6', '2'], ['4', '1'], ['5', '0']]],
    ];
    for (const [bids, asks] of orders) {
      const book = new OrderBook();
      book.replace([['9', '9']], []);
      assert.equal(book.replace(bids, asks), true);
      assert.deepEqual({ bids: book.topLevels('bids', 10), asks: book.topLevels('asks', 10) }, expected);
    }
  });

  it('a load with a malformed level keeps the others and says so', () => {
    const book = new OrderBook();
    assert.equal(book.replace([['2', '1'], ['x', '1'], ['1', '1']], []), false);
    assert.deepEqual(book.topLevels('bids', 5), [['2', '1'], ['1', '1']]);
  });

  it('counts removals of prices it does not hold (normal on Coinbase), on either side', () => {
    const book = new OrderBook();
    book.replace([['2', '1']], [['3', '1']]);
    book.apply([['1.5', '0'], ['2', '0']], [['3.5', '0.000']]);
    assert.equal(book.absentRemovals(), 2);
    assert.equal(book.bids.size, 0);
  });

  it('exact prefix: once cut, changes below the cut are ignored, so no level stands in for a cut one', () => {
    const exact = new OrderBook({ exactPrefix: true });
    const plain = new OrderBook();
    for (const book of [exact, plain]) {
      book.replace([['10', '1'], ['9', '1'], ['8', '1'], ['7', '1']], []);
      book.truncate(2);
      book.apply([['10', '0'], ['6', '1'], ['9.5', '2']], []);
      book.truncate(2);
    }
    assert.deepEqual(exact.topLevels('bids', 5), [['9.5', '2'], ['9', '1']]);
    assert.deepEqual(plain.topLevels('bids', 5), [['9.5', '2'], ['9', '1']]);
    for (const book of [exact, plain]) book.apply([['9.5', '0']], []);
    assert.deepEqual(exact.topLevels('bids', 5), [['9', '1']], 'exactly the venue\'s book down to 9');
    for (const book of [exact, plain]) book.apply([['5', '1']], []);
    assert.deepEqual(exact.topLevels('bids', 5), [['9', '1']], '8 and 7 still exist below 9: 5 is not the next level');
    assert.deepEqual(plain.topLevels('bids', 5), [['9', '1'], ['5', '1']], 'a plain book would show 5 in place of 8');
    exact.replace([['4', '1']], []);
    exact.apply([['3', '1']], []);
    assert.deepEqual(exact.topLevels('bids', 5), [['4', '1'], ['3', '1']], 'a new snapshot knows the whole book again');
  });

  it('keeps the best levels and the changed index right with the best level stored last', () => {
    const book = new OrderBook();
    book.replace([['5', '1'], ['4', '1'], ['3', '1']], [['6', '1'], ['7', '1']]);
    book.resetChanges();
    book.apply([['3', '2']], []);
    assert.equal(book.lowestChangedIndex(), 2);
    book.resetChanges();
    book.apply([], [['5.5', '1']]);
    assert.equal(book.lowestChangedIndex(), 0);
    assert.deepEqual([book.bids.at(0), book.bids.at(2), book.bids.at(3)], [['5', '1'], ['3', '2'], undefined]);
    assert.equal(book.asks.bestPrice(), 5.5);
  });
});

describe('TradeBuffer', () => {
  const trade = (id: number) => ({ tradeId: String(id), price: '1.0', size: '2.0', side: 'buy' as const, exchangeTime: 't' });

  it('drops trades it has already seen (a resent trade snapshot after a reconnect)', () => {
    const buffer = new TradeBuffer(100);
    assert.equal(buffer.add([1, 2, 3].map(trade)).length, 3);
    const fresh = buffer.add([2, 3, 4, 5].map(trade));
    assert.deepEqual(fresh.map((t) => t.tradeId), ['4', '5']);
    assert.ok(['1', '2', '3', '4', '5'].every((id) => buffer.has(id)));
    assert.equal(buffer.has('6'), false);
  });

  it('keeps decimal ids as numbers and other ids as text, without confusing them', () => {
    const buffer = new TradeBuffer(10);
    const ids = ['12', '012', 'a-1', '1234567890123456789'];
    assert.equal(buffer.add(ids.map((tradeId) => ({ ...trade(0), tradeId }))).length, 4);
    assert.equal(buffer.add([{ ...trade(0), tradeId: '12' }]).length, 0);
    assert.equal(buffer.has('0012'), false);
    assert.equal(buffer.has('1234567890123456780'), false);
  });

  it('takes a capacity of at least 1', () => {
    for (const capacity of [0, -1, 1.5]) {
      assert.throws(() => new TradeBuffer(capacity), { name: 'RangeError', message: `trade buffer capacity must be ≥ 1, got ${capacity}` });
    }
    const one = new TradeBuffer(1);
    one.add([1, 2].map(trade));
    assert.deepEqual([one.add([trade(2)]).length, one.add([trade(1)]).length], [0, 1], 'a window of one id: the last one');
  });

  it('forgets ids that left the ring', () => {
    const buffer = new TradeBuffer(3);
    buffer.add([1, 2, 3, 4].map(trade));
    assert.equal(buffer.size, 3);
    assert.deepEqual(['1', '2', '3', '4'].map((id) => buffer.has(id)), [false, true, true, true]);
    assert.equal(buffer.add([trade(1)]).length, 1);
  });
});
