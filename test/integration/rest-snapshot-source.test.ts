// RestSnapshotSource against a real HTTP server on 127.0.0.1:0: answers, retries, pauses, the weight budget.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import pino from 'pino';
import type { FeedEvent } from '../../src/feed/feed-events.ts';
import { RestSnapshotSource, type RestSnapshotLimits, type RestSnapshotSourceDeps, type SnapshotCallbacks }
  from '../../src/feed/rest-snapshot-source.ts';
import { createObserver } from '../../src/observability/observer.ts';
import { createMetrics } from '../../src/observability/metrics.ts';
import { DepthServer, depthSpec, USED_WEIGHT_HEADER } from '../support/rest-depth-server.ts';
import { waitFor } from '../support/wait-for.ts';

// One Retry-After second lasts 50 ms here; a ban at least 150 ms.
const LIMITS: RestSnapshotLimits = { requestTimeoutMs: 2_000, retryMinDelayMs: 20, retryMaxDelayMs: 200, banPauseMinMs: 150,
  weightShare: 0.5, retryAfterUnitMs: 50 };

interface Outcome extends SnapshotCallbacks {
  readonly bodies: string[];
  readonly receivedAt: number[];
  readonly failures: { reason: string; retryable: boolean }[];
}

function collect(): Outcome {
  const outcome: Outcome = {
    bodies: [], receivedAt: [], failures: [],
    deliver(body, receivedAt) {
      outcome.bodies.push(body);
      outcome.receivedAt.push(receivedAt);
    },
    fail: (reason, retryable) => outcome.failures.push({ reason, retryable }),
  };
  return outcome;
}

describe('RestSnapshotSource', () => {
  let server: DepthServer;
  let baseUrl: string;
  let events: FeedEvent[];
  let sent: { at: number; url: string }[];
  const sources: RestSnapshotSource[] = [];
  let clock = 0;

  const source = (overrides: Partial<RestSnapshotSourceDeps> = {}): RestSnapshotSource => {
    const created = new RestSnapshotSource({
      exchange: 'binance', baseUrl, spec: depthSpec(), limits: LIMITS, observe: (event) => events.push(event),
      now: () => (clock = Date.now()), random: () => 0.5,
      // Send times as the source saw them (it reads the clock, then sends), to check the weight window exactly.
      fetch: (input, init) => {
        sent.push({ at: clock, url: String(input) });
        return fetch(input, init);
      },
      ...overrides,
    });
    sources.push(created);
    return created;
  };
  const ofType = <T extends FeedEvent['type']>(type: T): Extract<FeedEvent, { type: T }>[] =>
    events.filter((e): e is Extract<FeedEvent, { type: T }> => e.type === type);

  beforeEach(async () => {
    server = new DepthServer();
    baseUrl = await server.start();
    events = [];
    sent = [];
  });
  afterEach(async () => {
    for (const s of sources.splice(0)) s.stop();
    await server.stop();
  });

  it('delivers the body of a 200 and reports the weight the venue says the IP used', async () => {
    server.usedWeight = 1234;
    const rest = source({ baseUrl: `${baseUrl}/` });
    const got = collect();
    rest.request('BTC/USDT', 1000, got);
    await waitFor(() => got.bodies.length === 1);
    assert.equal(JSON.parse(got.bodies[0]!).symbol, 'BTCUSDT');
    assert.deepEqual(server.requests.map((r) => [r.symbol, r.limit]), [['BTCUSDT', 1000]]);
    const [fetched] = ofType('snapshot_fetched');
    assert.deepEqual({ ...fetched, durationMs: 0 }, { type: 'snapshot_fetched', exchange: 'binance', symbol: 'BTC/USDT',
      status: 200, weight: 50, usedWeight: 1234, durationMs: 0, attempts: 1 });
    assert.deepEqual(rest.status(), { usedWeight: 1234, ownWeight: 50, pausedUntil: null, banned: false, queued: 0, inFlight: 0 });
  });

  it('keeps one request per symbol: a second call replaces the callbacks', async () => {
    server.reply('BTCUSDT', { status: 500, body: 'oops' });
    const rest = source();
    const first = collect();
    const second = collect();
    rest.request('BTC/USDT', 1000, first);
    rest.request('BTC/USDT', 1000, second);
    await waitFor(() => second.bodies.length === 1);
    rest.request('ETH/USDT', 1000, collect());
    await waitFor(() => server.served('ETHUSDT').length === 1);
    assert.equal(first.bodies.length, 0);
    assert.equal(server.served('BTCUSDT').length, 2, 'the 500 and its retry; no duplicate request');
  });

  it('retries 5xx answers with backoff and reports each failure', async () => {
    server.reply('BTCUSDT', { status: 503, body: '{"code":-1001,"msg":"Internal error."}' }, { status: 500, body: '' });
    const rest = source();
    const got = collect();
    rest.request('BTC/USDT', 1000, got);
    await waitFor(() => got.bodies.length === 1);
    const failed = ofType('snapshot_failed');
    assert.deepEqual(failed.map((e) => [e.status, e.detail, e.retryInMs]),
      [[503, 'HTTP 503: -1001 Internal error.', 10], [500, 'HTTP 500: (empty body)', 20]], 'full jitter (0.5) under 20, 40');
    const served = server.served('BTCUSDT');
    assert.equal(served.length, 3);
    assert.ok(served[2]!.at - served[1]!.at >= 20, 'the second retry waited its backoff');
    assert.equal(ofType('snapshot_fetched')[0]?.attempts, 3);
    assert.equal(got.failures.length, 0);
  });

  it('gives up on other 4xx at once and tells the requester (not retryable)', async () => {
    server.reply('DOGEXYZ', { status: 400, body: '{"code":-1121,"msg":"Invalid symbol."}' });
    server.reply('BTCUSDT', { status: 403, body: '<html>blocked</html>' });
    const rest = source();
    const doge = collect();
    const btc = collect();
    rest.request('DOGE/XYZ', 1000, doge);
    rest.request('BTC/USDT', 1000, btc);
    await waitFor(() => doge.failures.length === 1 && btc.failures.length === 1);
    assert.deepEqual(doge.failures, [{ reason: 'HTTP 400: -1121 Invalid symbol.', retryable: false }]);
    assert.deepEqual(btc.failures, [{ reason: 'HTTP 403: <html>blocked</html>', retryable: false }]);
    assert.deepEqual(ofType('snapshot_failed').map((e) => e.retryInMs), [undefined, undefined]);
    assert.equal(server.requests.length, 2);
    assert.equal(rest.status().queued, 0);
  });

  it('fails a request the adapter cannot build, once, and takes a new request from the fail callback', async () => {
    const spec = depthSpec();
    const rest = source({ spec: { ...spec, request: (symbol, limit) => {
      if (symbol.startsWith('BAD')) throw new Error(`no venue name for ${symbol}`);
      return spec.request(symbol, limit);
    } } });
    const good = collect();
    const bad = { ...collect(), fail: (reason: string) => {
      bad.failures.push({ reason, retryable: false });
      rest.request('A/USDT', 1000, good);
    } };
    rest.request('BAD/X', 1000, bad);
    await waitFor(() => good.bodies.length === 1);
    assert.deepEqual(bad.failures, [{ reason: 'cannot build the request: no venue name for BAD/X', retryable: false }]);
    assert.deepEqual(server.requests.map((r) => r.symbol), ['AUSDT']);
  });

  it('retries network errors and timeouts, and a cancel stops the retries', async () => {
    const closed = new DepthServer();
    const deadUrl = await closed.start();
    await closed.stop();
    const rest = source({ baseUrl: deadUrl });
    rest.request('BTC/USDT', 1000, collect());
    await waitFor(() => ofType('snapshot_failed').length >= 2);
    assert.match(ofType('snapshot_failed')[0]!.detail, /^fetch failed: ECONNREFUSED/);
    assert.equal(ofType('snapshot_failed')[0]!.status, 0);
    rest.cancel('BTC/USDT');
    const attempts = sent.length;
    await waitFor(() => Date.now() - sent.at(-1)!.at > 3 * LIMITS.retryMaxDelayMs);
    assert.equal(sent.length, attempts, 'no request after the cancel');

    server.reply('ETHUSDT', { status: 200, hang: true });
    const slow = source({ limits: { ...LIMITS, requestTimeoutMs: 100 } });
    const got = collect();
    slow.request('ETH/USDT', 1000, got);
    await waitFor(() => got.bodies.length === 1);
    assert.equal(ofType('snapshot_failed').at(-1)?.detail, 'no complete answer within 100 ms');
    assert.equal(server.served('ETHUSDT')[0]?.aborted, true, 'the timed-out request was aborted');
  });

  it('pauses every request after a 429 until Retry-After, then retries the one that got it', async () => {
    server.reply('BTCUSDT', { status: 429, headers: { 'retry-after': '4', [USED_WEIGHT_HEADER]: '6001' },
      body: '{"code":-1003,"msg":"Too much request weight used"}' });
    const rest = source();
    const btc = collect();
    const eth = collect();
    rest.request('BTC/USDT', 1000, btc);
    await waitFor(() => rest.pausedUntil() > 0);
    const until = rest.pausedUntil();
    rest.request('ETH/USDT', 1000, eth);
    assert.deepEqual(ofType('rest_rate_limited').map(({ status, retryAfterMs, until: u, retryAfterSent, usedWeight }) =>
      ({ status, retryAfterMs, until: u, retryAfterSent, usedWeight })), [{ status: 429, retryAfterMs: 200, until,
      retryAfterSent: true, usedWeight: 6001 }]);
    assert.equal(rest.status().queued, 2);
    await waitFor(() => btc.bodies.length === 1 && eth.bodies.length === 1);
    const later = server.requests.slice(1);
    assert.deepEqual(later.map((r) => r.symbol).sort(), ['BTCUSDT', 'ETHUSDT'], 'nothing lost');
    for (const r of later) assert.ok(r.at >= until, `sent ${until - r.at} ms before the pause ended`);
    assert.equal(ofType('snapshot_failed').length, 0, 'a 429 pauses, it is not a failure');
    assert.equal(rest.pausedUntil(), 0);
  });

  it('treats a 418 as an IP ban: a loud error line, the metric, and nothing sent until it ends', async () => {
    const metrics = createMetrics({ engine: 'ws', version: '0', defaultMetrics: false, restExchanges: ['binance'] });
    const lines: { level: number; msg: string }[] = [];
    const logger = pino({ base: undefined, timestamp: false }, { write: (text: string) => lines.push(JSON.parse(text)) });
    const observer = createObserver(logger, metrics);
    server.reply('BTCUSDT', { status: 418, headers: { 'retry-after': '2' }, body: '{"code":-1003,"msg":"Way too much request weight used; IP banned until 1."}' });
    const rest = source({ observe: (event) => { events.push(event); observer.observe(event); } });
    const got = collect();
    rest.request('BTC/USDT', 1000, got);
    await waitFor(() => rest.status().banned);
    const until = rest.pausedUntil();
    const [limited] = ofType('rest_rate_limited');
    assert.deepEqual([limited!.status, limited!.retryAfterMs, limited!.retryAfterSent, limited!.until], [418, 150, true, until],
      'Retry-After 2 (100 ms here) is raised to the 150 ms floor');
    assert.match(await metrics.metricsText(), /^mgw_rest_paused\{exchange="binance"\} 1$/m);
    const error = lines.find((l) => l.level === 50);
    assert.match(error?.msg ?? '', /^binance: IP banned from REST \(HTTP 418, Retry-After 1 s, on BTC\/USDT\); every snapshot request waits until \d{4}-.*Z\. The gateway's snapshot rate exceeded binance's weight limit; lower symbols or bookDepth$/);
    await waitFor(() => got.bodies.length === 1);
    assert.ok(server.requests[1]!.at >= until);
    const text = await metrics.metricsText();
    assert.match(text, /^mgw_rest_rate_limited_total\{exchange="binance",status="418"\} 1$/m);
    assert.match(text, /^mgw_rest_rate_limited_total\{exchange="binance",status="429"\} 0$/m);
    assert.match(text, /^mgw_rest_paused\{exchange="binance"\} 0$/m);
    assert.match(text, /^mgw_rest_snapshot_requests_total\{exchange="binance",status="200"\} 1$/m);
    assert.equal(rest.status().banned, false);
  });

  it('waits for the weight window instead of exceeding our share, serving symbols in order', async () => {
    // 100 per 300 ms, half of it ours: two limit-1000 requests (50 each) per window.
    const rest = source({ spec: depthSpec({ perWindow: 200, windowMs: 300 }) });
    const symbols = ['A/USDT', 'B/USDT', 'C/USDT', 'D/USDT', 'E/USDT'];
    const outcomes = symbols.map(() => collect());
    symbols.forEach((symbol, i) => rest.request(symbol, 1000, outcomes[i]!));
    assert.deepEqual(rest.status(), { usedWeight: 100, ownWeight: 100, pausedUntil: null, banned: false, queued: 3, inFlight: 2 });
    await waitFor(() => outcomes.every((o) => o.bodies.length === 1));
    assert.deepEqual(server.requests.map((r) => r.symbol), ['AUSDT', 'BUSDT', 'CUSDT', 'DUSDT', 'EUSDT'], 'FIFO');
    for (const [i, s] of sent.entries()) {
      const window = sent.filter((o) => o.at > s.at - 300 && o.at <= s.at);
      assert.ok(window.length <= 2, `request ${i}: ${window.length} requests within 300 ms`);
    }
    assert.ok(sent[2]!.at - sent[0]!.at >= 300);
  });

  it('waits when the venue says the IP (other programs included) is near its limit', async () => {
    server.usedWeight = 5_990;
    const rest = source({ spec: depthSpec({ perWindow: 6000, windowMs: 250 }) });
    const first = collect();
    rest.request('A/USDT', 1000, first);
    await waitFor(() => first.bodies.length === 1);
    const second = collect();
    rest.request('B/USDT', 1000, second);
    assert.equal(rest.status().queued, 1, 'held: 5990 + 50 > 6000');
    await waitFor(() => second.bodies.length === 1);
    assert.ok(sent[1]!.at >= first.receivedAt[0]! + 250, 'sent once the reading aged out of the window');
  });

  it('cancels and stops: aborts in-flight requests, calls nobody, ignores later calls', async () => {
    server.reply('AUSDT', { status: 200, hang: true });
    server.reply('BUSDT', { status: 200, hang: true });
    const rest = source();
    const a = collect();
    const b = collect();
    rest.request('A/USDT', 1000, a);
    rest.request('B/USDT', 1000, b);
    await waitFor(() => server.requests.length === 2);
    assert.equal(rest.status().inFlight, 2);
    rest.cancel('A/USDT');
    await waitFor(() => server.served('AUSDT')[0]!.aborted);
    rest.stop();
    rest.stop();
    await waitFor(() => server.served('BUSDT')[0]!.aborted);
    rest.request('C/USDT', 1000, collect());
    assert.deepEqual([a.bodies, a.failures, b.bodies, b.failures], [[], [], [], []]);
    assert.equal(server.requests.length, 2);
    assert.equal(rest.status().queued + rest.status().inFlight, 0);
    assert.equal(events.length, 0);
  });
});
