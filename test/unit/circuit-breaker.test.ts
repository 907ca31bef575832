import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CircuitBreaker } from '../../src/feed/circuit-breaker.ts';

const LIMITS = { breakerFailures: 3, breakerWindowMs: 60_000, breakerPauseMs: 300_000, stableAfterMs: 30_000 };

describe('CircuitBreaker', () => {
  it('opens on the Nth short-lived connection within the window, once', () => {
    const breaker = new CircuitBreaker(LIMITS);
    assert.deepEqual(breaker.ended(1_000, 500), { pauseMs: 0, opened: false, closed: false });
    assert.deepEqual(breaker.ended(2_000, 0), { pauseMs: 0, opened: false, closed: false }, 'a refused attempt counts too');
    assert.deepEqual(breaker.ended(3_000, 2_500), { pauseMs: 300_000, opened: true, closed: false });
    assert.equal(breaker.isOpen, true);
    assert.deepEqual(breaker.ended(303_000, 302_900), { pauseMs: 300_000, opened: false, closed: false },
      'half-open: the next short-lived connection pauses again, silently');
  });

  it('forgets short-lived connections older than the window', () => {
    const breaker = new CircuitBreaker(LIMITS);
    breaker.ended(0, 0);
    breaker.ended(30_000, 0);
    assert.equal(breaker.ended(61_000, 0).opened, false, 'the one at 0 left the window');
    assert.equal(breaker.ended(61_500, 0).opened, true);
  });

  it('a connection that stays up closes the circuit and starts the count over', () => {
    const breaker = new CircuitBreaker(LIMITS);
    for (const at of [1_000, 2_000, 3_000]) breaker.ended(at, 0);
    assert.deepEqual(breaker.ended(400_000, 340_000), { pauseMs: 0, opened: false, closed: true });
    assert.equal(breaker.isOpen, false);
    assert.equal(breaker.ended(401_000, 0).opened, false);
    assert.equal(breaker.ended(402_000, 0).opened, false);
    assert.equal(breaker.ended(403_000, 0).opened, true);
  });

  it('up exactly stableAfterMs is stable; a millisecond less is not', () => {
    const breaker = new CircuitBreaker({ ...LIMITS, breakerFailures: 1 });
    assert.equal(breaker.ended(30_000, 1).opened, true, '29 999 ms up is short-lived');
    assert.equal(breaker.ended(60_001, 30_001).closed, true);
  });
});

describe('CircuitBreaker recovery', () => {
  it('live books close an open circuit and start the count over', () => {
    const breaker = new CircuitBreaker(LIMITS);
    assert.equal(breaker.recovered(), false, 'nothing to close');
    for (const at of [1_000, 2_000, 3_000]) breaker.ended(at, 0);
    assert.equal(breaker.recovered(), true);
    assert.equal(breaker.isOpen, false);
    assert.equal(breaker.ended(310_000, 309_000).opened, false);
  });
});
