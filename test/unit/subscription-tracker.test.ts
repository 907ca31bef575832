import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ResyncBudget } from '../../src/feed/resync-budget.ts';
import { SubscriptionTracker } from '../../src/feed/subscription-tracker.ts';

const FAILED_RETRY_FIRST_MS = 30_000;
const limits = { subscribeAckTimeoutMs: 1_000, snapshotTimeoutMs: 2_000, subscribeRetryMs: FAILED_RETRY_FIRST_MS };

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
    tracker.resyncing('BTC/USD', 2_100);
    assert.equal(tracker.phase('BTC/USD'), 'resyncing');
    assert.deepEqual(tracker.overdue(5_100), [{ symbol: 'BTC/USD', action: 'reconnect', cause: 'snapshot_timeout' }]);
  });

  it('a snapshot clears the miss count and makes the symbol live; a rejected symbol does not hold the connection back', () => {
    const tracker = new SubscriptionTracker(['BTC/USD', 'XDG/USD'], limits);
    tracker.opened(0);
    tracker.failed('XDG/USD', 10);
    assert.equal(tracker.allLive(), false);
    tracker.acked('BTC/USD', 10);
    tracker.snapshot('BTC/USD');
    assert.equal(tracker.allLive(), true);
  });

  it('retries a rejected subscription after 30 s, doubling (the rejection may be transient)', () => {
    const tracker = new SubscriptionTracker(['ETH/USD'], limits);
    tracker.opened(0);
    tracker.failed('ETH/USD', 0);
    assert.deepEqual(tracker.overdue(FAILED_RETRY_FIRST_MS - 1), []);
    assert.deepEqual(tracker.overdue(FAILED_RETRY_FIRST_MS), [{ symbol: 'ETH/USD', action: 'retry', cause: 'subscribe_failed' }]);
    tracker.resyncing('ETH/USD', FAILED_RETRY_FIRST_MS);
    tracker.failed('ETH/USD', 31_000);
    assert.deepEqual(tracker.overdue(31_000 + 2 * FAILED_RETRY_FIRST_MS - 1), []);
    assert.equal(tracker.overdue(31_000 + 2 * FAILED_RETRY_FIRST_MS).length, 1);
  });

  it('a deferred resync comes back when its time is up', () => {
    const tracker = new SubscriptionTracker(['BTC/USD'], limits);
    tracker.opened(0);
    tracker.deferred('BTC/USD', 50_000);
    assert.equal(tracker.allLive(), false);
    assert.deepEqual(tracker.overdue(50_000), [{ symbol: 'BTC/USD', action: 'retry', cause: 'resync_deferred' }]);
  });
});

describe('ResyncBudget', () => {
  it('allows the budget, then one reconnect per window, then defers until a slot frees — across reconnects', () => {
    const budget = new ResyncBudget({ resyncBudget: 2, resyncWindowMs: 60_000 });
    assert.deepEqual(budget.request('BTC/USD', 1_000), { verdict: 'resync' });
    assert.deepEqual(budget.request('BTC/USD', 2_000), { verdict: 'resync' });
    assert.deepEqual(budget.request('ETH/USD', 2_500), { verdict: 'resync' }, 'per symbol');
    assert.deepEqual(budget.request('BTC/USD', 3_000), { verdict: 'escalate' });
    assert.deepEqual(budget.request('BTC/USD', 4_000), { verdict: 'defer', retryAt: 61_001 },
      'the reconnect did not help: wait, do not flap the connection');
    assert.deepEqual(budget.request('BTC/USD', 61_001), { verdict: 'resync' }, 'the oldest resync left the window');
    assert.equal(budget.used('BTC/USD', 61_001), 2);
  });

  it('without escalation (Binance) a book over budget waits for a slot; the connection is never replaced for it', () => {
    const budget = new ResyncBudget({ resyncBudget: 2, resyncWindowMs: 60_000, escalate: false });
    assert.deepEqual(budget.request('BTC/USDT', 1_000), { verdict: 'resync' });
    assert.deepEqual(budget.request('BTC/USDT', 2_000), { verdict: 'resync' });
    assert.deepEqual(budget.request('BTC/USDT', 3_000), { verdict: 'defer', retryAt: 61_001 });
    assert.deepEqual(budget.request('BTC/USDT', 61_001), { verdict: 'resync' });
  });
});

describe('SubscriptionTracker.postpone', () => {
  it('a snapshot deadline passed while the REST request was queued is neither a miss nor a reconnect', () => {
    const tracker = new SubscriptionTracker(['BTC/USDT'], { subscribeAckTimeoutMs: 1_000, snapshotTimeoutMs: 1_000, subscribeRetryMs: 1_000 });
    tracker.opened(0);
    tracker.acked('BTC/USDT', 0);
    for (let round = 1; round <= 5; round++) {
      assert.deepEqual(tracker.overdue(round * 1_000), [{ symbol: 'BTC/USDT', action: 'resubscribe', cause: 'snapshot_timeout' }],
        `deadline ${round}: still the first miss`);
      tracker.postpone('BTC/USDT', (round + 1) * 1_000);
    }
    assert.deepEqual(tracker.overdue(6_000), [{ symbol: 'BTC/USDT', action: 'resubscribe', cause: 'snapshot_timeout' }]);
    assert.deepEqual(tracker.overdue(60_000), [], 'not postponed: no deadline left');
  });
});
