import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BookSide } from '../../src/book/book-side.ts';
import { OrderBook } from '../../src/book/order-book.ts';
import type { LevelText } from '../../src/core/model.ts';
import { krakenChecksum } from '../../src/exchanges/kraken/checksum.ts';
import { windowedUpdate } from '../../src/sim/kraken/book-window.ts';
import { findInstrument, type KrakenInstrument } from '../../src/sim/kraken/instruments.ts';
import { KrakenMarket, type LevelChange } from '../../src/sim/kraken/market.ts';

const T0 = Date.UTC(2026, 7, 1, 2, 53, 53);
const btc = instrument('BTC/USD');

function instrument(symbol: string): KrakenInstrument {
  const found = findInstrument(symbol);
  assert.ok(found, symbol);
  return found;
}

function precisionPattern(precision: number): RegExp {
  return new RegExp(`^\\d+\\.\\d{${precision}}$`);
}

describe('KrakenMarket', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = new KrakenMarket(btc, 42);
    const b = new KrakenMarket(btc, 42);
    const c = new KrakenMarket(btc, 43);
    for (let i = 0; i < 300; i++) {
      assert.deepEqual(a.step(T0 + i * 50), b.step(T0 + i * 50));
      c.step(T0 + i * 50);
    }
    assert.deepEqual(a.top(1000), b.top(1000));
    assert.deepEqual(a.trades(), b.trades());
    assert.notDeepEqual(a.top(10), c.top(10));
  });

  for (const symbol of ['BTC/USD', 'ETH/USD', 'XRP/USD', 'MINA/GBP']) {
    it(`${symbol}: never crossed, deep, every level printed at the instrument's precision`, () => {
      const spec = instrument(symbol);
      const market = new KrakenMarket(spec, 7);
      const price = precisionPattern(spec.pricePrecision);
      const qty = precisionPattern(spec.qtyPrecision);
      for (let i = 0; i < 3000; i++) {
        const step = market.step(T0 + i * 50);
        assert.equal(market.book.isCrossed(), false, `crossed after step ${i}`);
        for (const change of step.batches.flatMap((batch) => batch.changes)) {
          assert.match(change.price, price);
          assert.match(change.qty, qty);
        }
      }
      const top = market.top(2000);
      assert.ok(top.asks.length >= 1000, `asks ${top.asks.length}`);
      if (symbol !== 'MINA/GBP') assert.ok(top.bids.length >= 1000, `bids ${top.bids.length}`);
      for (const [p, q] of [...top.bids, ...top.asks]) {
        assert.match(p, price);
        assert.match(q, qty);
        assert.notEqual(Number(q), 0);
      }
    });
  }

  it('trades: sequential ids, taker side hits the opposite side at the best price, fixed-precision sizes', () => {
    const market = new KrakenMarket(btc, 5, { tradeProbability: 0.5 });
    let previousId: number | undefined;
    for (let i = 0; i < 1000; i++) {
      const bestAsk = market.book.asks.best()?.[0];
      const bestBid = market.book.bids.best()?.[0];
      const step = market.step(T0 + i * 50);
      const first = step.trades[0];
      if (first !== undefined) assert.equal(first.price, first.side === 'buy' ? bestAsk : bestBid);
      for (const trade of step.trades) {
        if (previousId !== undefined) assert.equal(trade.tradeId, previousId + 1);
        previousId = trade.tradeId;
        assert.match(trade.size, precisionPattern(8));
        assert.equal(trade.timestamp, step.timestamp);
      }
    }
    assert.ok(market.trades().length > 300);
    assert.deepEqual(market.recentTrades(50), market.trades().slice(-50));
  });
});

describe('windowedUpdate (what a depth-N subscriber is sent)', () => {
  const change = (price: string, qty: string, rank: number): LevelChange => ({ side: 'bids', price, qty, rank });
  const view = (bids: LevelText[]) => ({ bids, asks: [] });

  it('sends no delete for a level merely pushed out of the window', () => {
    const before = view([['100.0', '1.00000000'], ['99.0', '1.00000000'], ['98.0', '1.00000000']]);
    const after = view([['101.0', '2.00000000'], ['100.0', '1.00000000'], ['99.0', '1.00000000']]);
    const sent = windowedUpdate(before, [change('101.0', '2.00000000', 0)], after, 3, '0.00000000');
    assert.deepEqual(sent.bids, [['101.0', '2.00000000']]);
  });

  it('backfills the level entering at position N when a level inside the window is deleted', () => {
    const before = view([['100.0', '1.00000000'], ['99.0', '1.00000000'], ['98.0', '1.00000000']]);
    const after = view([['100.0', '1.00000000'], ['98.0', '1.00000000'], ['97.0', '3.00000000']]);
    const sent = windowedUpdate(before, [change('99.0', '0.00000000', 1)], after, 3, '0.00000000');
    assert.deepEqual(sent.bids, [['99.0', '0.00000000'], ['97.0', '3.00000000']]);
  });

  it('ignores changes beyond the window', () => {
    const before = view([['100.0', '1.00000000']]);
    const sent = windowedUpdate(before, [change('90.0', '5.00000000', 7)], before, 1, '0.00000000');
    assert.deepEqual(sent.bids, []);
  });

  for (const depth of [10, 25, 100, 1000]) {
    it(`depth ${depth}: a client applying every message then truncating always holds the true top ${depth}`, () => {
      const market = new KrakenMarket(btc, depth);
      const client = new OrderBook();
      const snapshot = market.top(depth);
      client.replace(snapshot.bids, snapshot.asks);
      let messages = 0;
      let inWindowDeletes = 0;
      let backfills = 0;
      let repeated = 0;
      let unsorted = 0;
      const steps = depth >= 1000 ? 400 : 2000;
      for (let i = 0; i < steps; i++) {
        let before = market.top(depth);
        const step = market.step(T0 + i * 50, depth);
        for (const batch of step.batches) {
          assert.ok(batch.changes.every((c) => c.side === batch.side), 'one side per batch');
          const sent = windowedUpdate(before, batch.changes, batch.top, depth, market.zeroQty);
          const inWindow = (price: string) => batch.changes.some((c) => c.price === price && c.rank < depth);
          before = batch.top;
          if (sent.bids.length + sent.asks.length === 0) continue;
          messages++;
          assert.ok(sent.bids.length === 0 || sent.asks.length === 0, 'one side per message');
          const side = batch.side;
          const held = new Set(client.topLevels(side, depth).map(([price]) => price));
          const prices = sent[side].map(([price]) => price);
          for (const [price, qty] of sent[side]) {
            if (Number(qty) === 0) {
              assert.ok(held.has(price) || inWindow(price), `delete ${price} was never in the window`);
              inWindowDeletes++;
            } else if (!held.has(price) && !inWindow(price)) {
              backfills++;
            }
          }
          if (new Set(prices).size < prices.length) repeated++;
          if (!isSortedBestFirst(side, prices)) unsorted++;
          client.apply(sent.bids, sent.asks);
          client.truncate(depth);
          assert.deepEqual(client.topLevels(side, depth + 1), batch.top[side], `${side} after step ${i}`);
          assert.equal(krakenChecksum(client), batch.checksum);
        }
        assert.deepEqual(client.topLevels('bids', depth + 1), market.top(depth).bids);
        assert.deepEqual(client.topLevels('asks', depth + 1), market.top(depth).asks);
        assert.equal(krakenChecksum(client), market.checksum());
      }
      assert.ok(messages > steps / 4, `messages ${messages}`);
      assert.ok(inWindowDeletes > steps / 100, `in-window deletes ${inWindowDeletes}`);
      assert.ok(backfills > steps / 100, `backfills ${backfills}`);
      assert.ok(repeated > 0, 'some message repeats a price');
      assert.ok(unsorted > 0, 'some message has an unsorted side');
    });
  }
});

function isSortedBestFirst(side: 'bids' | 'asks', prices: readonly string[]): boolean {
  const check = new BookSide(side);
  for (const price of prices) check.set(price, '1');
  const sorted = check.top(prices.length).map(([price]) => price);
  return new Set(prices).size < prices.length || sorted.every((price, i) => price === prices[i]);
}
