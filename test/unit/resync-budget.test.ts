// ResyncBudget: per-symbol resyncs in a sliding window; over budget one reconnect per window (escalate), then the book
// waits until the oldest resync leaves the window (defer). Pure: time is an argument, every boundary exact.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ResyncBudget } from '../../src/feed/resync-budget.ts';

describe('ResyncBudget', () => {
  it('resyncs up to the budget, escalates once per window, then defers until the oldest resync has left the window', () => {
    const budget = new ResyncBudget({ resyncBudget: 2, resyncWindowMs: 1_000 });
    assert.deepEqual(budget.request('ETH/USD', 100), { verdict: 'resync' });
    assert.deepEqual(budget.request('ETH/USD', 200), { verdict: 'resync' });
    assert.deepEqual(budget.request('ETH/USD', 300), { verdict: 'escalate' });
    assert.deepEqual(budget.request('ETH/USD', 400), { verdict: 'defer', retryAt: 1_101 });
    assert.deepEqual(budget.request('ETH/USD', 1_099), { verdict: 'defer', retryAt: 1_101 }, 'the window still holds 100');
    assert.deepEqual(budget.request('ETH/USD', 1_100), { verdict: 'resync' }, 'the window (100, 1 100] no longer holds 100');
    assert.equal(budget.used('ETH/USD', 1_100), 2);
  });

  it('escalates again only once the last escalation has left the window', () => {
    const budget = new ResyncBudget({ resyncBudget: 1, resyncWindowMs: 1_000 });
    budget.request('BTC/USD', 0);
    assert.deepEqual(budget.request('BTC/USD', 10), { verdict: 'escalate' });
    budget.request('BTC/USD', 1_001);
    assert.deepEqual(budget.request('BTC/USD', 1_009), { verdict: 'defer', retryAt: 2_002 }, 'escalated at 10: not before 1 010');
    assert.deepEqual(budget.request('BTC/USD', 1_010), { verdict: 'escalate' });
  });

  it('each symbol has its own budget', () => {
    const budget = new ResyncBudget({ resyncBudget: 1, resyncWindowMs: 1_000 });
    assert.deepEqual(budget.request('BTC/USD', 0), { verdict: 'resync' });
    assert.deepEqual(budget.request('ETH/USD', 0), { verdict: 'resync' });
    assert.deepEqual([budget.used('BTC/USD', 0), budget.used('ETH/USD', 0), budget.used('XRP/USD', 0)], [1, 1, 0]);
    assert.equal(budget.used('BTC/USD', 1_000), 0, 'a resync at 0 is out of the window ending at 1 000');
  });

  it('a venue where a reconnect cannot repair one book never escalates: over budget it defers', () => {
    const budget = new ResyncBudget({ resyncBudget: 1, resyncWindowMs: 1_000, escalate: false });
    budget.request('BTC/USDT', 0);
    assert.deepEqual(budget.request('BTC/USDT', 5), { verdict: 'defer', retryAt: 1_001 });
  });
});
