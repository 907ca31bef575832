// The connector's timer logic on a fake clock: SessionDriver with the real sessions, store and budgets, fed real
// captured frames (driver-harness.ts). Each promise is pinned at its exact millisecond, in milliseconds of run time.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RestSnapshotSource } from '../../src/feed/rest-snapshot-source.ts';
import { binanceRestSnapshot } from '../../src/exchanges/binance/spec.ts';
import { readCapture, restSymbol } from '../support/binance-fixtures.ts';
import { driverHarness, type DriverHarness } from '../support/driver-harness.ts';
import { ETH_CAPTURE, readKrakenCaptureFrames, readKrakenDoc, withWrongChecksum } from '../support/kraken-fixtures.ts';

const ETH = readKrakenCaptureFrames(ETH_CAPTURE);
const HEARTBEAT = ETH.find((text) => text === '{"channel":"heartbeat"}')!;
const ETH_UPDATES = ETH.slice(3).filter((text) => text.startsWith('{"channel":"book","type":"update"'));
const PONG = readKrakenDoc('pong_response.json');

/** Kraken ETH/USD at depth 25: status, ack and snapshot fed at the start; the book is live. */
function liveKraken(config: Parameters<typeof driverHarness>[0]['config'] = {}): DriverHarness {
  const harness = driverHarness({ exchange: 'kraken', symbols: ['ETH/USD'],
    config: { bookDepth: 25, pingIntervalMs: 600_000, symbolStaleAfterMs: 3_600_000, ...config } });
  harness.frames(ETH.slice(0, 3));
  assert.equal(harness.store.get('kraken', 'ETH/USD')!.state, 'live');
  return harness;
}

describe('session driver: the data watchdog', () => {
  it('heartbeats never reset it: heartbeats every second and no data → stale_data 1 ms past staleAfterMs', () => {
    const harness = liveKraken({ staleAfterMs: 5_000 });
    for (let second = 1; second <= 5; second++) {
      harness.advance(1_000);
      harness.frame(HEARTBEAT);
    }
    assert.equal(harness.ended.length, 0, 'exactly staleAfterMs: not yet');
    harness.advance(1);
    assert.deepEqual(harness.ended, [{ cause: 'stale_data', detail: 'no book or trade data for 5001 ms (heartbeats do not count)' }]);
    assert.deepEqual([harness.store.get('kraken', 'ETH/USD')!.state, harness.store.get('kraken', 'ETH/USD')!.reason],
      ['stale', 'stale_data']);
  });

  it('book data resets it: updates every 4 s for a minute keep the connection, then 5 s of silence ends it', () => {
    const harness = liveKraken({ staleAfterMs: 5_000 });
    for (const update of ETH_UPDATES.slice(0, 15)) {
      harness.advance(4_000);
      harness.frame(update);
    }
    assert.equal(harness.ended.length, 0);
    harness.advance(5_000);
    assert.equal(harness.ended.length, 0);
    harness.advance(1);
    assert.equal(harness.ended[0]!.cause, 'stale_data');
  });
});

describe('session driver: our ping and the pong deadline', () => {
  it('pings every interval ahead of queued requests; no pong by the deadline → pong_timeout', () => {
    const harness = liveKraken({ pingIntervalMs: 1_000, pongTimeoutMs: 500, staleAfterMs: 60_000 });
    const before = harness.sent.length;
    harness.advance(999);
    assert.equal(harness.sent.length, before);
    harness.advance(1);
    assert.deepEqual(harness.sent.slice(before), [{ payload: '{"method":"ping","req_id":1}', urgent: true }]);
    harness.advance(500);
    assert.equal(harness.ended.length, 0);
    harness.advance(1);
    assert.deepEqual(harness.ended, [{ cause: 'pong_timeout', detail: 'no pong within 500 ms' }]);
  });

  it('a pong clears the deadline', () => {
    const harness = liveKraken({ pingIntervalMs: 1_000, pongTimeoutMs: 500, staleAfterMs: 60_000 });
    for (let ping = 0; ping < 5; ping++) {
      harness.advance(1_000);
      harness.advance(499);
      harness.frame(PONG);
    }
    harness.advance(1);
    assert.equal(harness.ended.length, 0);
    assert.equal(harness.sentJson().filter((request) => request.method === 'ping').length, 5);
  });
});

describe('session driver: one silent subscription while the connection flows', () => {
  it('Kraken: the silent book is resynced (stale_data) and its silent trades resubscribed, once per period', () => {
    const harness = liveKraken({ symbolStaleAfterMs: 10_000, staleAfterMs: 3_600_000 });
    const before = harness.sent.length;
    harness.advance(10_000);
    assert.deepEqual(harness.of('resync'), []);
    harness.advance(1);
    assert.deepEqual(harness.of('resync'), [{ type: 'resync', exchange: 'kraken', connection: 1, symbol: 'ETH/USD',
      reason: 'stale_data', escalated: false }]);
    assert.deepEqual(harness.sentJson().slice(before).map((request) => [request.method, (request.params as { channel: string }).channel]),
      [['unsubscribe', 'book'], ['unsubscribe', 'trade']]);
    assert.deepEqual([harness.store.get('kraken', 'ETH/USD')!.state, harness.store.get('kraken', 'ETH/USD')!.reason],
      ['resyncing', 'stale_data']);
    assert.equal(harness.resyncBudget.used('ETH/USD', harness.now()), 0, 'silence is not charged to the integrity budget');
    assert.equal(harness.ended.length, 0);
  });
});

describe('session driver: the resync budget', () => {
  // The BTC/USD capture (depth 10) holds the original client's own resync cycles: unsubscribe ack, subscribe ack,
  // fresh snapshot. Here each snapshot and update named below carries a wrong checksum.
  const BTC = readKrakenCaptureFrames('crossbook_kraken_btcusd_d10_l2.frames.jsonl');
  const cycle = (from: number): string[] => [BTC[from]!, BTC[from + 1]!, withWrongChecksum(BTC[from + 2]!)];

  function liveBtc(resyncBudget: number): DriverHarness {
    const harness = driverHarness({ exchange: 'kraken', symbols: ['BTC/USD'],
      config: { bookDepth: 10, resyncBudget, resyncWindowMs: 60_000, pingIntervalMs: 600_000, staleAfterMs: 600_000 } });
    harness.frames(BTC.slice(0, 3));
    assert.equal(harness.store.get('kraken', 'BTC/USD')!.state, 'live');
    return harness;
  }
  const verdicts = (harness: DriverHarness): string[] =>
    harness.of('resync').map((event) => `${event.reason}${event.escalated ? ' escalated' : ''}${event.retryAt === undefined ? '' : ` retryAt ${event.retryAt}`}`);

  it('integrity failures are resynced up to the budget, then the connection is replaced, with the reason', () => {
    const harness = liveBtc(2);
    harness.frame(withWrongChecksum(BTC[4]!));
    harness.advance(1_000);
    harness.frames(cycle(44));
    assert.deepEqual(verdicts(harness), ['checksum_mismatch', 'checksum_mismatch']);
    assert.equal(harness.ended.length, 0);
    harness.advance(1_000);
    harness.frames(cycle(76));
    assert.deepEqual(harness.ended, [{ cause: 'resync_budget', detail: 'BTC/USD used its resync budget (2 per 60000 ms)' }]);
    assert.deepEqual(verdicts(harness), ['checksum_mismatch', 'checksum_mismatch', 'checksum_mismatch escalated']);
    assert.equal(harness.sentJson().filter((request) => request.method === 'unsubscribe').length, 2, 'bounded resubscribes');
  });

  it('over budget after the reconnect: the book waits, not live, until the oldest resync leaves the window', () => {
    const harness = liveBtc(1);
    harness.frame(withWrongChecksum(BTC[4]!));
    const first = harness.now();
    harness.advance(1_000);
    // The reconnect already spent in this window (the budget is kept by the connection slot across sockets).
    assert.deepEqual(harness.resyncBudget.request('BTC/USD', harness.now()), { verdict: 'escalate' });
    harness.frames(cycle(44));
    assert.deepEqual(verdicts(harness), ['checksum_mismatch', `checksum_mismatch retryAt ${first + 60_001}`]);
    assert.equal(harness.ended.length, 0);
    assert.deepEqual([harness.store.get('kraken', 'BTC/USD')!.state, harness.store.get('kraken', 'BTC/USD')!.reason],
      ['resyncing', 'checksum_mismatch']);
    const unsubscribes = harness.sentJson().filter((request) => request.method === 'unsubscribe').length;
    harness.advance(58_000);
    assert.equal(harness.sentJson().filter((request) => request.method === 'unsubscribe').length, unsubscribes, 'deferred');
    harness.advance(1_001);
    assert.equal(harness.sentJson().filter((request) => request.method === 'unsubscribe').length, unsubscribes + 1,
      'retried once the window frees a slot');
  });
});

describe('session driver: Binance books bridged from REST', () => {
  const CAPTURE = readCapture('capture-2021-10-12-spot-4sym.jsonl');
  const NKN_REST = CAPTURE.find((line) => line.src === 'rest' && restSymbol(line.url!) === 'NKNUSDT')!;
  const NKN_FRAMES = CAPTURE.filter((line) => line.src === 'ws' && line.raw!.includes('"s":"NKNUSDT"')).map((line) => line.raw!);

  /** A REST source whose fetch answers only when the test says so. */
  function restHarness(config: Parameters<typeof driverHarness>[0]['config']): { harness: DriverHarness; fetched: string[];
    answer: () => Promise<void> } {
    const fetched: string[] = [];
    const waiting: (() => void)[] = [];
    const harness = driverHarness({ exchange: 'binance', symbols: ['NKN/USDT'], config: { bookDepth: 20, ...config },
      snapshots: (now) => new RestSnapshotSource({ exchange: 'binance', baseUrl: 'http://127.0.0.1:9', spec: binanceRestSnapshot,
        limits: { requestTimeoutMs: 60_000, retryMinDelayMs: 500, retryMaxDelayMs: 1_000, banPauseMinMs: 1_000, weightShare: 1 },
        observe: () => undefined, now,
        fetch: (input) => {
          fetched.push(String(input));
          return new Promise((resolve) => waiting.push(() => resolve(new Response(NKN_REST.raw!, { status: 200 }))));
        } }) });
    return {
      harness, fetched,
      async answer() {
        waiting.shift()!();
        for (let turn = 0; turn < 10; turn++) await new Promise((resolve) => setImmediate(resolve));
      },
    };
  }

  it('a snapshot deadline passed while the REST request waits is postponed: no resubscribe, no reconnect', async () => {
    const { harness, fetched, answer } = restHarness({ snapshotTimeoutMs: 1_000, staleAfterMs: 60_000 });
    harness.frames(NKN_FRAMES.slice(0, 2));
    assert.equal(fetched.length, 1);
    for (let step = 0; step < 5; step++) harness.advance(1_001);
    assert.deepEqual([harness.of('resync'), harness.ended], [[], []], 'waiting on REST, not on the venue');
    await answer();
    assert.equal(harness.store.get('binance', 'NKN/USDT')!.state, 'live');
    assert.equal(harness.ended.length, 0);
  });

  it('a venue that pings us gets no client ping and no pong deadline: 10 s of data with deadlines of 1 s and 200 ms', async () => {
    const { harness, answer } = restHarness({ pingIntervalMs: 1_000, pongTimeoutMs: 200, staleAfterMs: 3_000 });
    harness.frames(NKN_FRAMES.slice(0, 2));
    await answer();
    for (const frame of NKN_FRAMES.slice(2, 12)) {
      harness.advance(1_000);
      harness.frame(frame);
    }
    assert.deepEqual([harness.sent, harness.ended], [[], []], 'nothing sent, connection kept');
    harness.advance(3_001);
    assert.deepEqual(harness.ended.map((end) => end.cause), ['stale_data'], 'data is what judges it');
  });

  it('a live book silent past symbolStaleAfterMs is refreshed from REST (a new snapshot request), uncharged', async () => {
    const { harness, fetched, answer } = restHarness({ symbolStaleAfterMs: 30_000, staleAfterMs: 3_600_000 });
    harness.frames(NKN_FRAMES.slice(0, 2));
    await answer();
    harness.frames(NKN_FRAMES.slice(2, 4));
    assert.equal(harness.store.get('binance', 'NKN/USDT')!.state, 'live');
    harness.advance(30_000);
    assert.equal(fetched.length, 1);
    harness.advance(1);
    assert.deepEqual(harness.of('resync').map((event) => [event.symbol, event.reason, event.escalated]),
      [['NKN/USDT', 'stale_data', false]]);
    assert.deepEqual(fetched, [
      'http://127.0.0.1:9/api/v3/depth?symbol=NKNUSDT&limit=20',
      'http://127.0.0.1:9/api/v3/depth?symbol=NKNUSDT&limit=20',
    ]);
    assert.equal(harness.resyncBudget.used('NKN/USDT', harness.now()), 0);
  });
});
