import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OrderBook } from '../../src/book/order-book.ts';
import { formatUnits, parseUnits } from '../../src/sim/binance/fixed8.ts';
import { binanceInstrument } from '../../src/sim/binance/instruments.ts';
import { BinanceMarket } from '../../src/sim/binance/market.ts';
import { MessageWindow } from '../../src/sim/binance/message-window.ts';
import { depthWeight, WeightBudget } from '../../src/sim/binance/weight-budget.ts';

const btc = binanceInstrument('btc/usdt');

describe('Binance simulator market (pure)', () => {
  it('prints 8-decimal amounts and reads them back', () => {
    assert.equal(formatUnits(7_674_519_000_000), '76745.19000000');
    assert.equal(formatUnits(0), '0.00000000');
    assert.equal(parseUnits('0.00065000'), 65_000);
    assert.equal(parseUnits('12'), 1_200_000_000);
    assert.equal(parseUnits('0.000000001'), undefined);
    assert.deepEqual([btc.symbol, btc.venueSymbol], ['BTC/USDT', 'BTCUSDT']);
    assert.throws(() => binanceInstrument('BTCUSDT'), /BASE\/QUOTE/);
  });

  it('is reproducible from its seed', () => {
    const a = new BinanceMarket(btc, 42, { levelsPerSide: 200 });
    const b = new BinanceMarket(btc, 42, { levelsPerSide: 200 });
    for (let i = 0; i < 50; i++) assert.deepEqual(a.step(1000 + i), b.step(1000 + i));
    assert.notDeepEqual(new BinanceMarket(btc, 43, { levelsPerSide: 200 }).step(1), new BinanceMarket(btc, 42, { levelsPerSide: 200 }).step(1));
  });

  it('steps are contiguous, never cross, and replaying their net changes over a snapshot rebuilds the book', () => {
    const market = new BinanceMarket(btc, 9, { levelsPerSide: 300, tradeProbability: 0.5 });
    const start = market.snapshot(5000);
    const client = new OrderBook();
    client.replace(start.bids, start.asks);
    let last = start.lastUpdateId;
    let phantomDeletes = 0;
    let multiId = 0;
    for (let i = 0; i < 500; i++) {
      const step = market.step(i);
      assert.equal(step.firstId, last + 1);
      assert.ok(step.lastId >= step.firstId);
      if (step.lastId > step.firstId) multiId++;
      for (const [price, qty] of [...step.bids, ...step.asks]) {
        if (qty === '0.00000000' && client.bids.at(0) !== undefined &&
          ![...client.bids.top(5000), ...client.asks.top(5000)].some((level) => level[0] === price)) phantomDeletes++;
      }
      client.apply(step.bids, step.asks);
      last = step.lastId;
      assert.ok(!client.isCrossed(), `step ${i} crossed`);
      for (const ticker of step.tickers) assert.ok(ticker.updateId >= step.firstId && ticker.updateId <= step.lastId);
    }
    assert.equal(market.updateId, last);
    const now = market.top(5000);
    assert.deepEqual({ bids: client.topLevels('bids', 5000), asks: client.topLevels('asks', 5000) }, now);
    assert.ok(phantomDeletes > 0, 'some deletes name prices that have no level');
    assert.ok(multiId > 200, 'many steps cover several update ids');
  });

  it('trades consume the level they print at, with contiguous ids and the taker side in `m`', () => {
    const market = new BinanceMarket(btc, 4, { levelsPerSide: 100, tradeProbability: 1 });
    let checked = 0;
    for (let i = 0; i < 200; i++) {
      const before = market.top(5000);
      const step = market.step(i);
      const first = step.trades[0];
      if (first === undefined) continue;
      const side = first.buyerIsMaker ? before.bids : before.asks;
      assert.equal(side[0]?.[0], first.price, 'the first fill is at the best level');
      const level = side[0]?.[1] ?? '0';
      assert.ok((parseUnits(first.qty) ?? 0) <= (parseUnits(level) ?? 0));
      checked++;
    }
    const trades = market.allTrades();
    for (let i = 1; i < trades.length; i++) assert.equal(trades[i]!.id, trades[i - 1]!.id + 1);
    assert.ok(checked > 150 && trades.some((trade) => trade.buyerIsMaker) && trades.some((trade) => !trade.buyerIsMaker));
  });

  it('keeps past books for stale snapshots', () => {
    const market = new BinanceMarket(btc, 1, { levelsPerSide: 50 });
    for (let i = 0; i < 10; i++) market.step(i);
    const past = market.pastSnapshot(5, 10);
    assert.ok(past.lastUpdateId < market.updateId);
    assert.equal(past.bids.length, 10);
  });
});

describe('Binance simulator limits (pure)', () => {
  it('counts messages over a strict 1000 ms sliding window', () => {
    const window = new MessageWindow(1000);
    assert.deepEqual([0, 100, 200, 300, 400].map((t) => window.record(t)), [1, 2, 3, 4, 5]);
    assert.equal(window.record(999), 6);
    assert.equal(window.record(1100), 5, 'messages at 0 and 100 have left the window');
  });

  it('weighs depth requests and escalates 429 → 418', () => {
    assert.deepEqual([1, 100, 101, 500, 501, 1000, 1001, 5000].map(depthWeight), [5, 5, 25, 25, 50, 50, 250, 250]);
    const budget = new WeightBudget(60, 120_000);
    assert.deepEqual(budget.charge(50, 0), { kind: 'ok', used: 50 });
    const limited = budget.charge(25, 1000);
    assert.equal(limited.kind, 'limited');
    assert.equal(limited.kind === 'limited' ? limited.retryAfterS : 0, 59);
    const banned = budget.charge(5, 2000);
    assert.equal(banned.kind, 'banned');
    assert.equal(banned.kind === 'banned' ? banned.retryAfterS : 0, 120);
    assert.equal(budget.charge(5, 100_000).kind, 'banned', 'a ban outlasts the window');
    assert.deepEqual(budget.charge(5, 130_000), { kind: 'ok', used: 5 });
  });
});
