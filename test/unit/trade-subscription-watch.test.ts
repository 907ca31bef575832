import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TradeSubscriptionWatch } from '../../src/feed/trade-subscription-watch.ts';

const limits = { snapshotExpected: true, snapshotTimeoutMs: 1_000, retryFirstMs: 30_000, retryMaxMs: 600_000 };

describe('TradeSubscriptionWatch', () => {
  it('an acked trade subscription without its snapshot is resubscribed, backing off while it stays silent', () => {
    const watch = new TradeSubscriptionWatch(limits);
    watch.acked('BTC/USD', 0);
    assert.deepEqual(watch.due(999), []);
    assert.deepEqual(watch.due(1_000), [{ symbol: 'BTC/USD', cause: 'no_snapshot' }]);
    assert.deepEqual(watch.due(5_000), [], 'reported once');
    watch.acked('BTC/USD', 5_000);
    assert.deepEqual(watch.due(6_999), [], 'second wait is twice as long');
    assert.equal(watch.due(7_000).length, 1);
    watch.acked('BTC/USD', 8_000);
    watch.snapshot('BTC/USD');
    assert.deepEqual(watch.due(100_000), [], 'a snapshot proves the stream');
    watch.acked('BTC/USD', 100_000);
    assert.equal(watch.due(101_000).length, 1, 'and resets the backoff');
  });

  it('a rejected trade subscription is retried after the retry delay, doubling', () => {
    const watch = new TradeSubscriptionWatch(limits);
    watch.rejected('ETH/USD', 0);
    assert.deepEqual(watch.due(29_999), []);
    assert.deepEqual(watch.due(30_000), [{ symbol: 'ETH/USD', cause: 'rejected' }]);
    watch.rejected('ETH/USD', 31_000);
    assert.deepEqual(watch.due(90_999), []);
    assert.equal(watch.due(91_000).length, 1);
  });

  it('expects no snapshot from a venue that does not send one', () => {
    const watch = new TradeSubscriptionWatch({ ...limits, snapshotExpected: false });
    watch.acked('BTC/USD', 0);
    assert.deepEqual(watch.due(1_000_000), []);
  });
});
