// RetrySchedule: a rejected subscription is retried after `first`, doubling to `max`; success starts it over.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RetrySchedule } from '../../src/feed/retry-schedule.ts';

describe('RetrySchedule', () => {
  it('first after firstDelayMs, then doubling up to maxDelayMs; each failure is handed out once', () => {
    const schedule = new RetrySchedule(100, 300);
    schedule.failed('trade:ETH/USD', 0);
    assert.deepEqual(schedule.due(99), []);
    assert.deepEqual(schedule.due(100), ['trade:ETH/USD']);
    assert.deepEqual(schedule.due(1_000), [], 'once per failure');
    schedule.failed('trade:ETH/USD', 1_000);
    assert.deepEqual([schedule.due(1_199), schedule.due(1_200)], [[], ['trade:ETH/USD']]);
    schedule.failed('trade:ETH/USD', 2_000);
    assert.deepEqual([schedule.due(2_299), schedule.due(2_300)], [[], ['trade:ETH/USD']], 'capped at 300, not 400');
  });

  it('a success starts the schedule over', () => {
    const schedule = new RetrySchedule(100, 10_000);
    schedule.failed('trade:BTC/USD', 0);
    schedule.failed('trade:BTC/USD', 0);
    schedule.succeeded('trade:BTC/USD');
    schedule.failed('trade:BTC/USD', 1_000);
    assert.deepEqual([schedule.due(1_099), schedule.due(1_100)], [[], ['trade:BTC/USD']]);
  });
});
