// ConnectBudget: connection attempts per sliding window, shared by a venue's connections. Pure: time is an argument.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConnectBudget } from '../../src/feed/connect-budget.ts';

describe('ConnectBudget', () => {
  it('free until the budget is used; then free again when the oldest attempt leaves the window', () => {
    const budget = new ConnectBudget({ budgetAttempts: 2, budgetWindowMs: 1_000 });
    assert.equal(budget.freeAt(0), 0);
    budget.record(0);
    budget.record(300);
    assert.equal(budget.used(300), 2);
    assert.equal(budget.freeAt(300), 1_000);
    assert.equal(budget.freeAt(999), 1_000);
    assert.equal(budget.freeAt(1_000), 1_000, 'the attempt at 0 is out of the window ending at 1 000');
    assert.equal(budget.used(1_000), 1);
    assert.equal(budget.used(1_300), 0);
  });

  it('freeAt counts only attempts within the window ending at `at`, whether or not older ones were pruned yet', () => {
    const budget = new ConnectBudget({ budgetAttempts: 2, budgetWindowMs: 1_000 });
    budget.record(0);
    budget.record(300);
    assert.equal(budget.freeAt(1_500), 1_500, 'both attempts are older than the window (500, 1 500]');
    assert.equal(budget.freeAt(1_299), 1_299, 'only 300 in (299, 1 299]');
  });

  it('with more attempts than the budget in the window, waits for enough of them to leave', () => {
    const budget = new ConnectBudget({ budgetAttempts: 2, budgetWindowMs: 1_000 });
    for (const at of [0, 100, 200]) budget.record(at);
    assert.equal(budget.freeAt(200), 1_100, 'two must leave: 0 and 100');
  });
});
