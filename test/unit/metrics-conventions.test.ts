// Metrics conventions: each configured book and connection has all its series at 0 from start-up; process and
// Node.js metrics carry their standard names; the label sets are bounded (the series count for 500 books is the
// one the README states).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load.ts';
import { createGateway } from '../../src/gateway.ts';
import { createMetrics } from '../../src/observability/metrics.ts';

function seriesCount(text: string): number {
  return text.split('\n').filter((line) => line !== '' && !line.startsWith('#')).length;
}

describe('metrics conventions', () => {
  it('a gateway exports every series of its books and connections at 0 before it connects', async () => {
    const loaded = loadConfig({ argv: [], env: { MGW_EXCHANGES_KRAKEN_SYMBOLS: 'BTC/USD,ETH/USD', MGW_SERVER_PORT: '0' } });
    assert.ok(loaded.ok);
    const gateway = createGateway(loaded.config);
    const text = await gateway.metrics.metricsText();
    for (const symbol of ['BTC/USD', 'ETH/USD']) {
      assert.match(text, new RegExp(`^mgw_book_checksum_mismatches_total\\{exchange="kraken",symbol="${symbol}"\\} 0$`, 'm'));
      assert.match(text, new RegExp(`^mgw_book_state\\{exchange="kraken",symbol="${symbol}",state="awaiting-snapshot"\\} 1$`, 'm'));
      assert.match(text, new RegExp(`^mgw_book_state\\{exchange="kraken",symbol="${symbol}",state="live"\\} 0$`, 'm'));
      for (const reason of ['checksum_mismatch', 'sequence_gap', 'crossed_book', 'malformed_frame']) {
        assert.match(text, new RegExp(`^mgw_book_integrity_failures_total\\{exchange="kraken",symbol="${symbol}",reason="${reason}"\\} 0$`, 'm'));
      }
    }
    assert.match(text, /^mgw_upstream_connection_state\{exchange="kraken",connection="1",state="idle"\} 1$/m);
    assert.match(text, /^mgw_upstream_seconds_since_last_data\{exchange="kraken",connection="1"\} \d/m);
    assert.match(text, /^mgw_upstream_circuit_open\{exchange="kraken",connection="1"\} 0$/m);
    assert.match(text, /^mgw_upstream_reconnects_total\{exchange="kraken",reason="stale_data"\} 0$/m);
    assert.match(text, /^mgw_book_resyncs_total\{exchange="kraken",reason="checksum_mismatch"\} 0$/m);
    await gateway.stop();
  });

  it('process and Node.js metrics carry their standard names, without the gauges named *_total', async () => {
    const text = await createMetrics({ engine: 'ws', version: '0' }).metricsText();
    for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'process_start_time_seconds',
      'nodejs_eventloop_lag_p99_seconds', 'nodejs_heap_size_used_bytes', 'nodejs_gc_duration_seconds', 'nodejs_active_handles']) {
      assert.match(text, new RegExp(`^# TYPE ${name} `, 'm'), name);
    }
    assert.doesNotMatch(text, /^# TYPE mgw_(process|nodejs)_/m);
    assert.doesNotMatch(text, /^# TYPE nodejs_active_\w+_total /m);
  });

  it('500 books on 10 connections of one venue: the series count the README states', async () => {
    const metrics = createMetrics({ engine: 'uws', version: '0', exchanges: ['binance'], restExchanges: ['binance'],
      defaultMetrics: false });
    const empty = seriesCount(await metrics.metricsText());
    for (let book = 0; book < 500; book++) metrics.registerBook('binance', `S${book}/USDT`);
    const withBooks = seriesCount(await metrics.metricsText());
    for (let connection = 1; connection <= 10; connection++) metrics.registerConnection('binance', connection);
    const withConnections = seriesCount(await metrics.metricsText());
    assert.equal((withBooks - empty) / 500, 9, 'per book: 4 states + 1 checksum + 4 integrity reasons');
    assert.equal((withConnections - withBooks) / 10, 8, 'per connection: 6 states + data age + circuit breaker');
    assert.equal(withConnections, 4_500 + 80 + empty);
    assert.ok(empty < 150, `fixed part ${empty} series`);
  });
});
