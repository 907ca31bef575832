// The lines a person reads: one per event, every transition a real one, each naming what it is about.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import { createObserver } from '../../src/observability/observer.ts';
import { createMetrics } from '../../src/observability/metrics.ts';

function observerWithLines(): { observe: ReturnType<typeof createObserver>['observe']; lines: { level: number; msg: string }[] } {
  const lines: { level: number; msg: string }[] = [];
  const logger = pino({ base: undefined, timestamp: false }, { write: (text: string) => lines.push(JSON.parse(text)) });
  const metrics = createMetrics({ engine: 'ws', version: 'test', exchanges: ['kraken'], restExchanges: [], now: () => 0 });
  return { observe: createObserver(logger, metrics, { now: () => 0 }).observe, lines };
}

describe('observer lines', () => {
  it('a rejected subscription is one ERROR line per channel, naming the channel', () => {
    const { observe, lines } = observerWithLines();
    for (const channel of ['book', 'trades'] as const) {
      observe({ type: 'subscription_failed', exchange: 'kraken', connection: 1, symbol: 'DOGE/EUR', channel,
        error: 'Currency pair not supported DOGE/EUR' });
    }
    assert.deepEqual(lines.map((line) => [line.level, line.msg]), [
      [50, 'kraken conn 1: subscription to DOGE/EUR book failed: Currency pair not supported DOGE/EUR'],
      [50, 'kraken conn 1: subscription to DOGE/EUR trades failed: Currency pair not supported DOGE/EUR'],
    ]);
  });

  it('a new reason in the same book state is not written as a transition to that state', () => {
    const { observe, lines } = observerWithLines();
    observe({ type: 'book_state', exchange: 'kraken', symbol: 'DOGE/EUR', state: 'awaiting-snapshot', previous: 'awaiting-snapshot',
      reason: 'subscribe_failed' });
    observe({ type: 'book_state', exchange: 'kraken', symbol: 'BTC/USD', state: 'live', previous: 'awaiting-snapshot' });
    assert.deepEqual(lines.map((line) => line.msg), [
      'kraken DOGE/EUR book: awaiting-snapshot (subscribe_failed)',
      'kraken BTC/USD book: awaiting-snapshot → live',
    ]);
  });

  it('an unreachable venue is an ERROR line that says what to check', () => {
    const { observe, lines } = observerWithLines();
    observe({ type: 'upstream_unreachable', exchange: 'kraken', connection: 2, url: 'wss://ws.kraken.com/v2',
      detail: 'getaddrinfo ENOTFOUND ws.kraken.com' });
    assert.deepEqual(lines.map((line) => [line.level, line.msg]), [[50, 'kraken conn 2: cannot reach wss://ws.kraken.com/v2 '
      + '(getaddrinfo ENOTFOUND ws.kraken.com); no internet, DNS, proxy or firewall? retrying with backoff, its books are not '
      + 'served until it connects']]);
  });
});
