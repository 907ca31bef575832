import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { binanceSimHarness } from '../support/binance-sim-harness.ts';
import { isRecord } from '../../src/sim/json-value.ts';
import { BinanceSimClient, readStreamMessage } from '../support/binance-sim-client.ts';
import { waitFor } from '../support/wait-for.ts';

const { simulator, client, bridged } = binanceSimHarness({ seed: 7, updateIntervalMs: 5 });
const FIXTURES = new URL('../fixtures/binance/', import.meta.url);

/** Keys in order with the JSON type of each value; arrays of levels as `[[string,string]]`. */
function shape(value: unknown): string {
  if (Array.isArray(value)) return value.length === 0 ? '[]' : `[${shape(value[0])}]`;
  if (isRecord(value)) return `{${Object.entries(value).map(([key, item]) => `${key}:${shape(item)}`).join(',')}}`;
  return value === null ? 'null' : typeof value;
}

function realFrames(file: string): string[] {
  return readFileSync(new URL(file, FIXTURES), 'utf8').split('\n').filter((line) => line.trim() !== '').map((line) => {
    const entry = JSON.parse(line) as { raw?: string };
    return typeof entry.raw === 'string' ? entry.raw : line;
  });
}

describe('Binance simulator: framing and streams', () => {
  it('wraps data on /stream, sends bare payloads on /ws/<s>, lowercase names with uppercase `s`', async () => {
    const sim = await simulator();
    const combined = await client(`${sim.url}?streams=btcusdt@depth@100ms/ethusdt@trade`);
    const raw = await client(sim.url.replace(/\/stream$/, '/ws/btcusdt@depth@100ms'));
    await waitFor(() => combined.messages().length > 20 && raw.frames.length > 20 && combined.messages({ stream: 'ethusdt@trade' }).length > 0);
    const wrapped = combined.messages();
    assert.ok(wrapped.every((message) => message.stream === 'btcusdt@depth@100ms' || message.stream === 'ethusdt@trade'));
    assert.ok(combined.frames.every((frame) => frame.startsWith('{"stream":"')));
    assert.ok(wrapped.every((message) => message.data.s === (message.stream === 'ethusdt@trade' ? 'ETHUSDT' : 'BTCUSDT')));
    assert.ok(raw.frames.every((frame) => frame.startsWith('{"e":"depthUpdate","E":') && frame.includes('"s":"BTCUSDT"')));
    assert.equal(sim.connectionCount, 2);
    assert.equal(sim.connectionsAccepted, 2);
  });

  it('refuses unknown paths with 404 and malformed URL streams with 400', async () => {
    const sim = await simulator();
    const base = sim.url.replace(/\/stream$/, '');
    assert.equal(await BinanceSimClient.rejectedStatus(`${base}/v2`), 404);
    assert.equal(await BinanceSimClient.rejectedStatus(`${base}/stream?streams=BTCUSDT@trade`), 400);
    const tooMany = Array.from({ length: 1025 }, (_, i) => `sym${i}usdt@trade`).join('/');
    assert.equal(await BinanceSimClient.rejectedStatus(`${base}/stream?streams=${tooMany}`), 400);
    const bare = await client(`${base}/ws`);
    assert.deepEqual(await bare.request('LIST_SUBSCRIPTIONS', undefined, 1), { result: [], id: 1 });
  });

  it('keeps U == prev u + 1 per symbol with several ids per event, and @depth aggregates 1000 ms', async () => {
    const sim = await simulator({ updateIntervalMs: 5, slowDepthIntervalMs: 50 });
    const bot = await client(`${sim.url}?streams=btcusdt@depth@100ms/ethusdt@depth@100ms/btcusdt@depth`);
    await waitFor(() => bot.messages({ stream: 'btcusdt@depth' }).length >= 6 && bot.messages({ stream: 'ethusdt@depth@100ms' }).length > 50);
    for (const stream of ['btcusdt@depth@100ms', 'ethusdt@depth@100ms', 'btcusdt@depth']) {
      const events = bot.messages({ stream }).map((message) => message.data as { U: number; u: number });
      for (let i = 1; i < events.length; i++) assert.equal(events[i]!.U, events[i - 1]!.u + 1, `${stream} event ${i}`);
    }
    const fast = bot.messages({ stream: 'btcusdt@depth@100ms' }).map((message) => message.data as { U: number; u: number });
    assert.ok(fast.some((event) => event.u > event.U), 'some events cover several update ids');
    const slow = bot.messages({ stream: 'btcusdt@depth' }).map((message) => message.data as { U: number; u: number });
    assert.ok(slow.slice(1).every((event) => event.u - event.U > 8), '@depth events span ~10 fast events');
    assert.ok(fast.some((event) => JSON.stringify(event).includes('"0.00000000"]')), 'deletes are 0.00000000');
  });

  it('a client following §6.3 ends equal to the true book; bookTickers match; trades are contiguous', async () => {
    const sim = await simulator({ symbols: ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'], tradeProbability: 0.6 });
    const { client: bot, books } = await bridged(sim, ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'], ['btcusdt@bookTicker', 'btcusdt@trade']);
    await waitFor(() => [...books.values()].every((book) => book.phase === 'synced' && book.eventsApplied >= 100), 8000);
    sim.pauseMarket();
    const ids = () => [...books.keys()].every((symbol) => books.get(symbol)?.id === sim.updateId(symbol));
    await waitFor(ids, 2000, 'client caught up with the paused market');
    for (const [symbol, book] of books) {
      assert.deepEqual(book.top(5000), sim.trueBook(symbol, 5000), `${symbol} equals the true book`);
      assert.equal(book.gaps, 0);
      assert.ok(!book.book.isCrossed());
    }
    const btc = books.get('BTCUSDT');
    assert.ok((btc?.tickerChecks ?? 0) > 10, 'bookTickers with u of an applied event were checked');
    assert.equal(btc?.tickerMismatches, 0);
    const trades = bot.messages({ stream: 'btcusdt@trade' }).map((message) => message.data as { t: number; p: string; q: string; m: boolean });
    assert.ok(trades.length > 5);
    for (let i = 1; i < trades.length; i++) assert.equal(trades[i]!.t, trades[i - 1]!.t + 1);
    const truth = new Map(sim.trades('BTC/USDT').map((trade) => [trade.id, trade]));
    for (const trade of trades) {
      const known = truth.get(trade.t);
      assert.deepEqual([trade.p, trade.q, trade.m], [known?.price, known?.qty, known?.buyerIsMaker]);
    }
    sim.resumeMarket();
  });

  it('prints depthUpdate, trade and bookTicker frames with the keys and value types of real frames', async () => {
    const sim = await simulator();
    const bot = await client(`${sim.url}?streams=btcusdt@depth@100ms/btcusdt@trade/btcusdt@bookTicker`);
    const full = (frame: string) => frame.includes('"b":[["') && frame.includes('"a":[["');
    await waitFor(() => bot.frames.some((frame) => frame.includes('@trade')) && bot.frames.some(full), 5000);
    const real = [...realFrames('testnet-2026-09-13-btcusdt-stream.jsonl'), ...realFrames('capture-2021-10-12-spot-4sym.jsonl')];
    const pick = (frames: string[], predicate: (frame: string) => boolean) => {
      const frame = frames.find(predicate);
      assert.ok(frame !== undefined);
      return shape(readStreamMessage(frame)?.data);
    };
    assert.equal(pick(bot.frames, (f) => f.includes('"e":"trade"')), pick(real, (f) => f.includes('"e":"trade"')));
    assert.equal(pick(bot.frames, (f) => f.includes('@bookTicker')), pick(real, (f) => f.includes('@bookTicker')));
    assert.equal(pick(bot.frames, (f) => f.includes('"e":"depthUpdate"') && full(f)), pick(real, (f) => f.includes('"e":"depthUpdate"') && full(f)));
    const decimals = /^\d+\.\d{8}$/;
    for (const message of bot.messages({ stream: 'btcusdt@depth@100ms' })) {
      for (const [price, qty] of [...(message.data.b as string[][]), ...(message.data.a as string[][])]) {
        assert.match(price ?? '', decimals);
        assert.match(qty ?? '', decimals);
      }
    }
  });

  it('serves REST snapshots consistent with the stream counter, with weight headers and errors', async () => {
    const sim = await simulator({ symbols: ['BTC/USDT'], levelsPerSide: 600 });
    sim.pauseMarket();
    const get = (query: string) => fetch(`${sim.restUrl}/api/v3/depth?${query}`);
    const small = await get('symbol=BTCUSDT');
    const body = await small.json() as { lastUpdateId: number; bids: string[][]; asks: string[][] };
    assert.equal(small.status, 200);
    assert.equal(body.lastUpdateId, sim.updateId('BTCUSDT'));
    assert.equal(body.bids.length, 100);
    assert.deepEqual({ bids: body.bids, asks: body.asks }, sim.trueBook('BTC/USDT', 100));
    assert.equal(small.headers.get('x-mbx-used-weight-1m'), '5');
    assert.equal(small.headers.get('X-MBX-USED-WEIGHT-1M'), '5');
    const weights: string[] = [];
    for (const limit of [101, 500, 501, 1000, 1001, 9999]) weights.push((await get(`symbol=BTCUSDT&limit=${limit}`)).headers.get('x-mbx-used-weight-1m') ?? '');
    assert.deepEqual(weights, ['30', '55', '105', '155', '405', '655']);
    const clamped = await (await get('symbol=BTCUSDT&limit=9999')).json() as { bids: unknown[] };
    assert.equal(clamped.bids.length, sim.trueBook('BTCUSDT', 5000).bids.length, 'limit is clamped to 5000: the whole book');
    assert.ok(clamped.bids.length >= 600);
    const unknown = await get('symbol=DOGEUSDT');
    assert.equal(unknown.status, 400);
    assert.deepEqual(await unknown.json(), { code: -1121, msg: 'Invalid symbol.' });
    assert.equal((await get('limit=5')).status, 400);
    assert.equal(sim.depthRequests('BTC/USDT'), 8);
    assert.equal(sim.depthRequests('DOGEUSDT'), 1);
    assert.equal(sim.usedWeight, Number(weights.at(-1)) + 250 + 5 + 5);
    sim.resumeMarket();
  });

  it('answers 429 with Retry-After over the weight limit, then 418 to a client that keeps going', async () => {
    const sim = await simulator({ weightLimitPerMinute: 12 });
    const get = () => fetch(`${sim.restUrl}/api/v3/depth?symbol=ETHUSDT&limit=10`);
    assert.deepEqual([(await get()).status, (await get()).status], [200, 200]);
    const limited = await get();
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    assert.equal((await limited.json() as { code: number }).code, -1003);
    const banned = await get();
    assert.equal(banned.status, 418);
    assert.ok(Number(banned.headers.get('retry-after')) >= 100);
    assert.equal((await get()).status, 418);
  });
});
