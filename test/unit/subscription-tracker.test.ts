import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SubscriptionTracker } from '../../src/feed/subscription-tracker.ts';

const limits = { subscribeAckTimeoutMs: 1_000, snapshotTimeoutMs: 2_000, resyncBudget: 2, resyncWindowMs: 60_000 };

describe('SubscriptionTracker', () => {
  it('reconnects when a subscribe is never acked', () => {
    const tracker = new SubscriptionTracker(['BTC/USD', 'ETH/USD'], limits);
    tracker.opened(0);
    tracker.acked('BTC/USD', 500);
    tracker.snapshot('BTC/USD');
    assert.deepEqual(tracker.overdue(999), []);
    assert.deepEqual(tracker.overdue(1_000), [{ symbol: 'ETH/USD', action: 'reconnect', cause: 'subscribe_timeout' }]);
    assert.deepEqual(tracker.overdue(5_000), [], 'each deadline is reported once');
  });

  it('resubscribes an acked-but-silent book once, then escalates', () => {
    const tracker = new SubscriptionTracker(['BTC/USD'], limits);
    tracker.opened(0);
    tracker.acked('BTC/USD', 100);
    assert.deepEqual(tracker.overdue(2_099), []);
    assert.deepEqual(tracker.overdue(2_100), [{ symbol: 'BTC/USD', action: 'resubscribe', cause: 'snapshot_timeout' }]);
    assert.equal(tracker.beginResync('BTC/USD', 2_100), 'resync');
    assert.equal(tracker.phase('BTC/USD'), 'resyncing');
    assert.deepEqual(tracker.overdue(5_100), [{ symbol: 'BTC/USD', action: 'reconnect', cause: 'snapshot_timeout' }]);
  });

  it('a snapshot clears the miss count and makes the symbol live', () => {
    const tracker = new SubscriptionTracker(['BTC/USD', 'XDG/USD'], limits);
    tracker.opened(0);
    tracker.failed('XDG/USD');
    assert.equal(tracker.allLive(), false);
    tracker.acked('BTC/USD', 10);
    tracker.snapshot('BTC/USD');
    assert.equal(tracker.allLive(), true, 'a symbol the venue rejected does not hold the connection back');
    assert.deepEqual(tracker.overdue(100_000), []);
  });

  it('escalates when the resync budget of the window is used', () => {
    const tracker = new SubscriptionTracker(['BTC/USD'], limits);
    tracker.opened(0);
    assert.equal(tracker.beginResync('BTC/USD', 1_000), 'resync');
    assert.equal(tracker.beginResync('BTC/USD', 2_000), 'resync');
    assert.equal(tracker.beginResync('BTC/USD', 3_000), 'escalate');
    assert.equal(tracker.beginResync('BTC/USD', 61_001), 'resync', 'old resyncs leave the window');
  });
});
