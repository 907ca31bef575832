import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConnectBudget } from '../../src/feed/connect-budget.ts';
import { ReconnectPolicy } from '../../src/feed/reconnect-policy.ts';

const config = { minDelayMs: 250, maxDelayMs: 30_000, maintenanceDelayMs: 5_000, rateLimitedDelayMs: 600_000, budgetAttempts: 4,
  budgetWindowMs: 60_000, breakerFailures: 10, breakerWindowMs: 600_000, breakerPauseMs: 300_000, stableAfterMs: 30_000 };

describe('ReconnectPolicy', () => {
  it('uses full jitter under an exponentially growing, capped ceiling', () => {
    const policy = new ReconnectPolicy(config, () => 0.999999);
    const delays = Array.from({ length: 12 }, (_, i) => policy.next('closed', i * 100_000).delayMs);
    assert.deepEqual(delays.slice(0, 4), [249, 499, 999, 1999]);
    assert.equal(Math.max(...delays), 29_999);
    const zero = new ReconnectPolicy(config, () => 0);
    assert.equal(zero.next('closed', 0).delayMs, 0, 'full jitter can retry immediately');
  });

  it('retries fast again after a healthy session (reset on first data, not on open)', () => {
    const policy = new ReconnectPolicy(config, () => 0.999999);
    for (let i = 0; i < 6; i++) policy.next('closed', i * 100_000);
    assert.equal(policy.next('closed', 700_000).failures, 7);
    policy.markHealthy();
    const decision = policy.next('closed', 800_000);
    assert.equal(decision.failures, 1);
    assert.equal(decision.delayMs, 249);
  });

  it('keeps a floor after maintenance and after a 429', () => {
    const policy = new ReconnectPolicy(config, () => 0);
    assert.equal(policy.next('maintenance', 0).delayMs, 5_000);
    assert.equal(policy.next('rate_limited', 0).delayMs, 600_000, 'retrying during a 10-minute ban renews it');
  });

  it('waits for the connect budget instead of exceeding it', () => {
    const policy = new ReconnectPolicy(config, () => 0);
    for (const at of [0, 1_000, 2_000, 3_000]) assert.equal(policy.reserveAttempt(at), 0);
    assert.equal(policy.attemptsInWindow(3_000), 4);
    const decision = policy.next('closed', 3_000);
    assert.equal(decision.budgetWaitMs, 57_000, 'the oldest attempt leaves the window at 60 000');
    assert.equal(decision.delayMs, 57_000);
    assert.equal(policy.attemptsInWindow(60_001), 3);
    assert.equal(policy.next('closed', 60_001).budgetWaitMs, 0);
  });

  it('connections of one venue share its budget (the limit is per IP)', () => {
    const budget = new ConnectBudget(config);
    const first = new ReconnectPolicy(config, () => 0, budget);
    const second = new ReconnectPolicy(config, () => 0, budget);
    for (const at of [0, 1_000]) assert.equal(first.reserveAttempt(at), 0);
    for (const at of [2_000, 3_000]) assert.equal(second.reserveAttempt(at), 0);
    assert.equal(first.attemptsInWindow(3_000), 4);
    assert.equal(second.next('closed', 3_000).budgetWaitMs, 57_000);
    assert.equal(first.reserveAttempt(3_000), 57_000, 'a connection cannot take a slot the other one used');
    assert.equal(second.reserveAttempt(3_500), 56_500);
    assert.equal(first.reserveAttempt(60_000), 0, 'the oldest attempt left the window: one slot');
    assert.equal(second.reserveAttempt(60_000), 1_000, 'and only one');
  });
});
