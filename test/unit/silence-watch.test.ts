// SilenceWatch: per-symbol, per-channel silence on one connection, reported once per period. Pure: the clock is
// an argument, so every boundary is checked at the exact millisecond.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SilenceWatch } from '../../src/feed/silence-watch.ts';

describe('SilenceWatch', () => {
  it('nothing is overdue at the limit; one millisecond past it, every silent stream is, with how long', () => {
    const watch = new SilenceWatch(['BTC/USD', 'ETH/USD'], ['book', 'trades']);
    watch.restart(1_000);
    assert.deepEqual(watch.overdue(1_000 + 500, 500), []);
    assert.deepEqual(watch.overdue(1_000 + 501, 500), [
      { symbol: 'BTC/USD', channel: 'book', silentForMs: 501 },
      { symbol: 'ETH/USD', channel: 'book', silentForMs: 501 },
      { symbol: 'BTC/USD', channel: 'trades', silentForMs: 501 },
      { symbol: 'ETH/USD', channel: 'trades', silentForMs: 501 },
    ]);
  });

  it('data on one stream resets only that stream', () => {
    const watch = new SilenceWatch(['BTC/USD', 'ETH/USD'], ['book', 'trades']);
    watch.restart(0);
    watch.seen('ETH/USD', 'book', 400);
    assert.deepEqual(watch.overdue(900, 500).map((s) => `${s.symbol} ${s.channel} ${s.silentForMs}`),
      ['BTC/USD book 900', 'BTC/USD trades 900', 'ETH/USD trades 900'], 'ETH/USD book: 500 ms, not more');
    assert.deepEqual(watch.overdue(901, 500), [{ symbol: 'ETH/USD', channel: 'book', silentForMs: 501 }],
      'the others started a new period at 900');
  });

  it('a reported stream is reported again only after another full period', () => {
    const watch = new SilenceWatch(['ETH/USD'], ['book']);
    watch.restart(0);
    assert.deepEqual(watch.overdue(600, 500), [{ symbol: 'ETH/USD', channel: 'book', silentForMs: 600 }]);
    assert.deepEqual(watch.overdue(1_100, 500), []);
    assert.deepEqual(watch.overdue(1_101, 500), [{ symbol: 'ETH/USD', channel: 'book', silentForMs: 501 }]);
  });

  it('restart (a new connection) gives every stream a fresh clock', () => {
    const watch = new SilenceWatch(['ETH/USD'], ['book', 'trades']);
    watch.restart(0);
    watch.restart(10_000);
    assert.deepEqual(watch.overdue(10_500, 500), []);
    assert.equal(watch.overdue(10_501, 500).length, 2);
  });

  it('symbols and channels it does not watch are ignored', () => {
    const watch = new SilenceWatch(['ETH/USD'], ['book']);
    watch.restart(0);
    watch.seen('DOGE/USD', 'book', 400);
    watch.seen('ETH/USD', 'trades', 400);
    assert.deepEqual(watch.overdue(501, 500), [{ symbol: 'ETH/USD', channel: 'book', silentForMs: 501 }]);
  });
});
