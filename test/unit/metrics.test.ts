import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import type { FeedMetrics, FeedObserver } from '../../src/feed/feed-events.ts';
import { createBurstLimiter } from '../../src/observability/burst-limiter.ts';
import type { GatewayEvent } from '../../src/observability/gateway-events.ts';
import { createObserver } from '../../src/observability/observer.ts';
import { boundedLabel, createMetrics, type GatewayMetrics } from '../../src/observability/metrics.ts';

interface Line {
  readonly level: number;
  readonly msg: string;
  readonly event: string;
  readonly [field: string]: unknown;
}

function memoryLogger(): { logger: pino.Logger; lines: Line[] } {
  const lines: Line[] = [];
  const logger = pino({ level: 'debug', base: undefined, timestamp: false },
    { write: (text: string) => lines.push(JSON.parse(text) as Line) });
  return { logger, lines };
}

async function value(metrics: GatewayMetrics, name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const metric = metrics.registry.getSingleMetric(name);
  assert.ok(metric !== undefined, `${name} is registered`);
  const { values } = await metric.get();
  const found = values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return found?.value;
}

const BRIEF_METRICS = [
  'mgw_build_info', 'mgw_upstream_connection_state', 'mgw_upstream_reconnects_total', 'mgw_upstream_frames_received_total',
  'mgw_upstream_bytes_received_total', 'mgw_upstream_parse_errors_total', 'mgw_book_checksum_mismatches_total',
  'mgw_book_resyncs_total', 'mgw_upstream_seconds_since_last_data', 'mgw_book_state', 'mgw_frame_processing_seconds',
  'mgw_clients_connected', 'mgw_client_messages_sent_total', 'mgw_client_snapshots_for_slow_clients_total',
  'mgw_client_errors_total', 'mgw_trades_deduplicated_total', 'mgw_upstream_handshake_rejections_total',
  'mgw_connect_budget_waits_total', 'nodejs_eventloop_lag_seconds', 'process_cpu_user_seconds_total',
  'mgw_book_integrity_failures_total',
  'mgw_rest_snapshot_requests_total', 'mgw_rest_snapshot_seconds', 'mgw_rest_weight_used', 'mgw_rest_rate_limited_total',
  'mgw_rest_paused', 'mgw_upstream_rotations_total',
];

describe('createMetrics', () => {
  it('gives each instance its own registry: two gateways do not collide', async () => {
    const a = createMetrics({ engine: 'auto', version: '1.0.0' });
    const b = createMetrics({ engine: 'ws', version: '1.0.0' });
    a.frameReceived('kraken', 100, 0.00002);
    assert.equal(await value(a, 'mgw_upstream_frames_received_total', { exchange: 'kraken' }), 1);
    assert.equal(await value(b, 'mgw_upstream_frames_received_total', { exchange: 'kraken' }), undefined);
    assert.match(await b.metricsText(), /^mgw_build_info\{version="1\.0\.0",engine="ws",node="v\d+[.\d]*"\} 1$/m);
  });

  it('exposes every metric of the design, process metrics included', async () => {
    const text = await createMetrics({ engine: 'auto', version: '0.1.0' }).metricsText();
    for (const name of BRIEF_METRICS) assert.match(text, new RegExp(`^# TYPE ${name} `, 'm'), name);
  });

  it('counts the hot path through plain method calls', async () => {
    let now = 1_000_000;
    const metrics = createMetrics({ engine: 'auto', version: '0.1.0', exchanges: ['kraken'], now: () => now,
      defaultMetrics: false });
    const asFeed: FeedMetrics = metrics;
    assert.equal(await value(metrics, 'mgw_upstream_parse_errors_total', { exchange: 'kraken' }), 0, 'pre-zeroed');
    asFeed.frameReceived('kraken', 512, 0.000_03);
    asFeed.frameReceived('kraken', 256, 0.002);
    asFeed.dataReceived('kraken', 2, now - 2_500);
    metrics.messageSent('book_update', 3);
    metrics.clientConnected();
    now += 500;
    assert.equal(await value(metrics, 'mgw_upstream_bytes_received_total', { exchange: 'kraken' }), 768);
    assert.equal(await value(metrics, 'mgw_upstream_seconds_since_last_data', { exchange: 'kraken', connection: '2' }), 3);
    assert.equal(await value(metrics, 'mgw_client_messages_sent_total', { type: 'book_update' }), 3);
    assert.equal(await value(metrics, 'mgw_clients_connected'), 1);
    const text = await metrics.metricsText();
    assert.match(text, /^mgw_frame_processing_seconds_bucket\{le="0\.00005",exchange="kraken"\} 1$/m);
    assert.match(text, /^mgw_frame_processing_seconds_count\{exchange="kraken"\} 2$/m);
    metrics.setConnectionState('kraken', 2, 'live');
    metrics.setConnectionState('kraken', 3, 'connecting');
    now += 4_000;
    assert.equal(await value(metrics, 'mgw_upstream_seconds_since_last_data', { exchange: 'kraken', connection: '2' }), 7);
    assert.equal(await value(metrics, 'mgw_upstream_seconds_since_last_data', { exchange: 'kraken', connection: '3' }), 4,
      'silent since it appeared');
    metrics.forgetConnection('kraken', 2);
    assert.doesNotMatch(await metrics.metricsText(), /connection="2"/);
  });

  it('keeps labels bounded', () => {
    assert.equal(boundedLabel('unknown_symbol'), 'unknown_symbol');
    assert.equal(boundedLabel('DOGE/EUR is not configured'), 'other');
    assert.equal(boundedLabel('x'.repeat(60)), 'other');
  });
});

describe('createObserver', () => {
  const setup = (): { metrics: GatewayMetrics; lines: Line[]; observe: (event: GatewayEvent) => void; flush: () => void;
    advance: (ms: number) => void; } => {
    let now = 0;
    const metrics = createMetrics({ engine: 'auto', version: '0.1.0', defaultMetrics: false });
    const { logger, lines } = memoryLogger();
    const observer = createObserver(logger, metrics, { now: () => now, burstWindowMs: 60_000 });
    return { metrics, lines, observe: observer.observe, flush: () => observer.flush(), advance: (ms) => { now += ms; } };
  };

  it('logs one line per event at the right level and updates the right metric', async () => {
    const { metrics, lines, observe } = setup();
    const cases: [GatewayEvent, number, RegExp, string, Record<string, string>, number][] = [
      [{ type: 'connection_state', exchange: 'kraken', connection: 1, state: 'live', previous: 'subscribing', url: 'wss://x' },
        30, /^kraken conn 1: subscribing → live$/, 'mgw_upstream_connection_state',
        { exchange: 'kraken', connection: '1', state: 'live' }, 1],
      [{ type: 'reconnect_scheduled', exchange: 'kraken', connection: 1, cause: 'pong_timeout', detail: 'no pong within 10000 ms',
        delayMs: 1250, budgetWaitMs: 900, failures: 3 }, 40,
        /^kraken conn 1: reconnecting in 1250 ms after pong_timeout \(no pong within 10000 ms; 3 failed attempts, 900 ms of it waiting for the connect budget\)$/,
        'mgw_connect_budget_waits_total', { exchange: 'kraken' }, 1],
      [{ type: 'handshake_rejected', exchange: 'kraken', connection: 1, status: 403 }, 50, /HTTP 403; the venue may be blocking/,
        'mgw_upstream_handshake_rejections_total', { exchange: 'kraken', status: '403' }, 1],
      [{ type: 'integrity_failure', exchange: 'kraken', connection: 3, symbol: 'BTC/USD', reason: 'checksum_mismatch',
        message: 'expected checksum 3310070434, computed 1205112334 (kraken BTC/USD)', expected: 3310070434, computed: 1205112334 },
        40, /^expected checksum 3310070434, computed 1205112334 \(kraken BTC\/USD\)$/, 'mgw_book_checksum_mismatches_total',
        { exchange: 'kraken', symbol: 'BTC/USD' }, 1],
      [{ type: 'resync', exchange: 'kraken', connection: 3, symbol: 'BTC/USD', reason: 'checksum_mismatch', escalated: false },
        40, /^kraken BTC\/USD: resyncing the book \(checksum_mismatch\)$/, 'mgw_book_resyncs_total',
        { exchange: 'kraken', reason: 'checksum_mismatch' }, 1],
      [{ type: 'book_state', exchange: 'kraken', symbol: 'BTC/USD', state: 'resyncing', previous: 'live', reason: 'checksum_mismatch' },
        30, /^kraken BTC\/USD book: live → resyncing \(checksum_mismatch\)$/, 'mgw_book_state',
        { exchange: 'kraken', symbol: 'BTC/USD', state: 'resyncing' }, 1],
      [{ type: 'subscription_failed', exchange: 'kraken', connection: 1, symbol: 'DOGE/XYZ', error: 'Currency pair not supported' },
        50, /subscription to DOGE\/XYZ failed: Currency pair not supported$/, 'mgw_upstream_subscription_failures_total',
        { exchange: 'kraken' }, 1],
      [{ type: 'trades_deduplicated', exchange: 'kraken', connection: 1, symbol: 'BTC/USD', count: 4 }, 20,
        /4 duplicate trades dropped/, 'mgw_trades_deduplicated_total', { exchange: 'kraken' }, 4],
      [{ type: 'server_listening', engine: 'uWebSockets.js', host: '127.0.0.1', port: 8787 }, 30,
        /^listening on ws:\/\/127\.0\.0\.1:8787\/v1\/ws \(uWebSockets\.js\)$/, 'mgw_build_info', { engine: 'uWebSockets.js' }, 1],
    ];
    for (const [event, level, message, metric, labels, expected] of cases) {
      const before = lines.length;
      observe(event);
      assert.equal(lines.length, before + 1, `${event.type}: one line`);
      const line = lines.at(-1);
      assert.equal(line?.event, event.type);
      assert.equal(line?.level, level, `${event.type}: level`);
      assert.match(line?.msg ?? '', message);
      assert.equal(await value(metrics, metric, labels), expected, `${event.type}: ${metric}`);
    }
    assert.equal(await value(metrics, 'mgw_book_state', { exchange: 'kraken', symbol: 'BTC/USD', state: 'live' }), 0);
    assert.equal(await value(metrics, 'mgw_upstream_reconnects_total', { exchange: 'kraken', reason: 'pong_timeout' }), 1);
    assert.equal(lines[3]?.['expected'], 3310070434, 'event fields are in the line');
  });

  it('logs a venue status change once, and repeats at debug', () => {
    const { lines, observe } = setup();
    const feedObserver: FeedObserver = observe;
    feedObserver({ type: 'venue_status', exchange: 'kraken', connection: 1, status: 'online', degraded: false });
    feedObserver({ type: 'venue_status', exchange: 'kraken', connection: 1, status: 'online', degraded: false });
    feedObserver({ type: 'venue_status', exchange: 'kraken', connection: 1, status: 'maintenance', degraded: true });
    assert.deepEqual(lines.map((l) => [l.level, l.msg]), [
      [30, 'kraken venue status: online'], [20, 'kraken venue status: online (was online)'],
      [40, 'kraken venue status: maintenance (was online)'],
    ]);
  });

  it('counts every parse error but logs a burst once, then once per window with the count', async () => {
    const { metrics, lines, observe, flush, advance } = setup();
    const report: GatewayEvent = { type: 'session_report', exchange: 'kraken', connection: 1, level: 'warn',
      code: 'malformed_frame', message: 'kraken sent a frame that is not JSON' };
    for (let i = 0; i < 10; i++) {
      observe(report);
      advance(1_000);
    }
    assert.equal(lines.length, 1);
    assert.equal(lines[0]?.msg, 'kraken sent a frame that is not JSON');
    advance(60_000);
    observe({ type: 'parse_error', exchange: 'kraken', connection: 1, message: 'Unexpected token' });
    observe(report);
    assert.equal(lines.length, 3, 'the parse_error event has its own burst key');
    assert.equal(lines[2]?.msg, 'kraken sent a frame that is not JSON (+9 more in the last 70 s, not logged)');
    assert.equal(lines[2]?.['suppressed'], 9);
    observe(report);
    observe(report);
    flush();
    assert.equal(lines.length, 4);
    assert.equal(lines[3]?.msg, 'malformed_frame kraken: 2 more in the last 1 s, not logged');
    flush();
    assert.equal(lines.length, 4, 'nothing left to summarize');
    assert.equal(await value(metrics, 'mgw_upstream_parse_errors_total', { exchange: 'kraken' }), 14);
  });

  it('makes a reconnect an error after many failed attempts, and leaves requested ones at info', () => {
    const { lines, observe } = setup();
    const base = { type: 'reconnect_scheduled', exchange: 'binance', connection: 0, detail: 'x', delayMs: 1, budgetWaitMs: 0 } as const;
    observe({ ...base, cause: 'requested', failures: 0 });
    observe({ ...base, cause: 'error', failures: 10 });
    assert.deepEqual(lines.map((l) => l.level), [30, 50]);
  });
});

describe('createObserver: REST snapshots and rotations', () => {
  const setup = (): { metrics: GatewayMetrics; lines: Line[]; observe: (event: GatewayEvent) => void; advance: (ms: number) => void } => {
    let now = Date.parse('2026-11-25T10:00:00Z');
    const metrics = createMetrics({ engine: 'auto', version: '0.1.0', defaultMetrics: false, exchanges: ['binance'],
      restExchanges: ['binance'], now: () => now });
    const { logger, lines } = memoryLogger();
    const observer = createObserver(logger, metrics, { now: () => now });
    return { metrics, lines, observe: observer.observe, advance: (ms) => { now += ms; } };
  };

  it('counts snapshot requests by status, times them and shows the IP\'s used weight', async () => {
    const { metrics, lines, observe } = setup();
    observe({ type: 'snapshot_fetched', exchange: 'binance', symbol: 'BTC/USDT', status: 200, weight: 50, usedWeight: 1234,
      durationMs: 180, attempts: 1 });
    observe({ type: 'snapshot_failed', exchange: 'binance', symbol: 'BTC/USDT', status: 0, detail: 'fetch failed: ECONNRESET',
      retryInMs: 400, durationMs: 30 });
    observe({ type: 'snapshot_failed', exchange: 'binance', symbol: 'BTC/USDT', status: 503, detail: 'HTTP 503: busy',
      retryInMs: 700, usedWeight: 1300, durationMs: 12_000 });
    observe({ type: 'snapshot_fetched', exchange: 'binance', symbol: 'BTC/USDT', status: 200, weight: 50, usedWeight: 1350,
      durationMs: 90, attempts: 3 });
    observe({ type: 'snapshot_failed', exchange: 'binance', symbol: 'DOGE/XYZ', status: 400, detail: 'HTTP 400: -1121 Invalid symbol.',
      durationMs: 40 });
    assert.equal(await value(metrics, 'mgw_rest_snapshot_requests_total', { exchange: 'binance', status: '200' }), 2);
    assert.equal(await value(metrics, 'mgw_rest_snapshot_requests_total', { exchange: 'binance', status: 'network' }), 1);
    assert.equal(await value(metrics, 'mgw_rest_snapshot_requests_total', { exchange: 'binance', status: '503' }), 1);
    assert.equal(await value(metrics, 'mgw_rest_snapshot_requests_total', { exchange: 'binance', status: '400' }), 1);
    assert.equal(await value(metrics, 'mgw_rest_weight_used', { exchange: 'binance' }), 1350);
    const text = await metrics.metricsText();
    assert.match(text, /^mgw_rest_snapshot_seconds_bucket\{le="0\.1",exchange="binance"\} 3$/m);
    assert.match(text, /^mgw_rest_snapshot_seconds_count\{exchange="binance"\} 5$/m);
    assert.deepEqual(lines.map((l) => [l.level, l.msg]), [
      [20, 'binance BTC/USDT: REST snapshot fetched in 180 ms (weight 50, IP used weight 1234)'],
      [40, 'binance BTC/USDT: REST snapshot request failed (fetch failed: ECONNRESET); retrying in 400 ms'],
      [30, 'binance BTC/USDT: REST snapshot fetched in 90 ms after 3 attempts (weight 50, IP used weight 1350)'],
      [50, 'binance DOGE/XYZ: REST snapshot request failed (HTTP 400: -1121 Invalid symbol.); check exchanges.binance.symbols '
        + 'and bookDepth in the config'],
    ], 'retried failures of one symbol: one warn line per burst window');
  });

  it('makes a 429 a warning and a 418 ban a loud error, and shows the pause while it lasts', async () => {
    const { metrics, lines, observe, advance } = setup();
    assert.equal(await value(metrics, 'mgw_rest_rate_limited_total', { exchange: 'binance', status: '418' }), 0, 'pre-zeroed');
    assert.equal(await value(metrics, 'mgw_rest_paused', { exchange: 'binance' }), 0);
    const at = Date.parse('2026-11-25T10:00:00Z');
    observe({ type: 'rest_rate_limited', exchange: 'binance', symbol: 'BTC/USDT', status: 429, retryAfterMs: 7_000,
      until: at + 7_000, retryAfterSent: true, usedWeight: 6010 });
    assert.equal(await value(metrics, 'mgw_rest_paused', { exchange: 'binance' }), 1);
    advance(7_000);
    assert.equal(await value(metrics, 'mgw_rest_paused', { exchange: 'binance' }), 0);
    observe({ type: 'rest_rate_limited', exchange: 'binance', symbol: 'ETH/USDT', status: 418, retryAfterMs: 120_000,
      until: at + 127_000, retryAfterSent: true });
    assert.equal(await value(metrics, 'mgw_rest_paused', { exchange: 'binance' }), 1);
    assert.equal(await value(metrics, 'mgw_rest_rate_limited_total', { exchange: 'binance', status: '429' }), 1);
    assert.equal(await value(metrics, 'mgw_rest_rate_limited_total', { exchange: 'binance', status: '418' }), 1);
    assert.equal(await value(metrics, 'mgw_rest_snapshot_requests_total', { exchange: 'binance', status: '418' }), 1);
    assert.equal(await value(metrics, 'mgw_rest_weight_used', { exchange: 'binance' }), 6010);
    assert.deepEqual(lines.map((l) => [l.level, l.msg]), [
      [40, 'binance: REST rate limited (HTTP 429, Retry-After 7 s, on BTC/USDT); every snapshot request waits until '
        + '2026-11-25T10:00:07.000Z'],
      [50, 'binance: IP banned from REST (HTTP 418, Retry-After 120 s, on ETH/USDT); every snapshot request waits until '
        + '2026-11-25T10:02:07.000Z. The gateway\'s snapshot rate exceeded binance\'s weight limit; lower symbols or bookDepth'],
    ]);
    assert.equal(lines[1]?.['bannedUntil'], '2026-11-25T10:02:07.000Z');
  });

  it('counts finished rotations by outcome', async () => {
    const { metrics, lines, observe } = setup();
    const base = { type: 'rotation', exchange: 'binance', connection: 2, cause: 'lifetime' } as const;
    observe({ ...base, phase: 'started' });
    observe({ ...base, phase: 'handed_over', durationMs: 1_800 });
    observe({ ...base, cause: 'server_shutdown', phase: 'timed_out', durationMs: 30_000, detail: 'BTC/USDT not continued' });
    observe({ ...base, phase: 'failed', detail: 'successor: HTTP 429' });
    for (const [outcome, count] of [['handed_over', 1], ['timed_out', 1], ['failed', 1]] as const) {
      assert.equal(await value(metrics, 'mgw_upstream_rotations_total', { exchange: 'binance', outcome }), count, outcome);
    }
    assert.equal(await value(metrics, 'mgw_upstream_rotations_total', { outcome: 'started' }), undefined);
    assert.deepEqual(lines.map((l) => [l.level, l.msg]), [
      [30, 'binance conn 2: rotating the connection (lifetime): opening its successor'],
      [30, 'binance conn 2: rotation (lifetime) handed over to the successor after 1800 ms'],
      [40, 'binance conn 2: rotation (server_shutdown) timed out after 30000 ms; books not handed over are resynced '
        + '(BTC/USDT not continued)'],
      [40, 'binance conn 2: rotation (lifetime) failed (successor: HTTP 429)'],
    ]);
  });
});

describe('createBurstLimiter', () => {
  it('admits the first of a window and reports what it held back', () => {
    let now = 0;
    const limiter = createBurstLimiter(10, () => now);
    assert.deepEqual(limiter.admit('a'), { log: true, suppressed: 0, sinceMs: 0 });
    now = 5;
    assert.equal(limiter.admit('a').log, false);
    assert.equal(limiter.admit('b').log, true);
    now = 10;
    assert.deepEqual(limiter.admit('a'), { log: true, suppressed: 1, sinceMs: 10 });
    assert.deepEqual(limiter.drain(), []);
  });
});
