import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LevelText } from '../../src/core/model.ts';
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
    assert.equal(book.bids.size, 0);
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

describe('TradeBuffer', () => {
  const trade = (id: number) => ({ tradeId: String(id), price: '1.0', size: '2.0', side: 'buy' as const, exchangeTime: 't' });

  it('drops trades it has already seen (a resent trade snapshot after a reconnect)', () => {
    const buffer = new TradeBuffer(100);
    assert.equal(buffer.add([1, 2, 3].map(trade)).length, 3);
    const fresh = buffer.add([2, 3, 4, 5].map(trade));
    assert.deepEqual(fresh.map((t) => t.tradeId), ['4', '5']);
    assert.deepEqual(buffer.recent(3).map((t) => t.tradeId), ['3', '4', '5']);
  });

  it('forgets ids that left the ring', () => {
    const buffer = new TradeBuffer(3);
    buffer.add([1, 2, 3, 4].map(trade));
    assert.equal(buffer.size, 3);
    assert.deepEqual(buffer.recent(10).map((t) => t.tradeId), ['2', '3', '4']);
    assert.equal(buffer.add([trade(1)]).length, 1);
  });
});
