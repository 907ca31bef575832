// The Coinbase simulator against a raw client: its frames have the same fields as the real capture's, one
// sequence_num per connection over every channel, data before acks, the venue's rules (5 s subscribe deadline,
// idle-channel close without heartbeats, 8 messages per second, unknown channels) and its fault knobs.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { isRecord } from '../../src/sim/json-value.ts';
import { startCoinbaseSimulator, type CoinbaseSimulator, type CoinbaseSimulatorOptions } from '../../src/sim/coinbase/server.ts';
import { CoinbaseSimClient, type CoinbaseFrameJson } from '../support/coinbase-sim-client.ts';
import { readRealCapture } from '../support/coinbase-fixtures.ts';
import { waitFor } from '../support/wait-for.ts';

const running: CoinbaseSimulator[] = [];
const clients: CoinbaseSimClient[] = [];
after(async () => {
  for (const client of clients) await client.close();
  for (const sim of running) await sim.stop();
});

async function simulator(options: CoinbaseSimulatorOptions = {}): Promise<CoinbaseSimulator> {
  const sim = await startCoinbaseSimulator({ seed: 3, updateIntervalMs: 10, tradeBatchMs: 50, heartbeatIntervalMs: 100, ...options });
  running.push(sim);
  return sim;
}

async function client(sim: CoinbaseSimulator): Promise<CoinbaseSimClient> {
  const each = await CoinbaseSimClient.connect(sim.url);
  clients.push(each);
  return each;
}

/** Keys in order with the JSON type of each value; arrays by their first element; the ack's channel lists as a record. */
function shape(value: unknown, key = ''): string {
  if (Array.isArray(value)) return value.length === 0 ? '[]' : `[${shape(value[0])}]`;
  if (isRecord(value)) {
    if (key === 'subscriptions') return `record<${shape(Object.values(value)[0])}>`;
    return `{${Object.entries(value).map(([name, item]) => `${name}:${shape(item, name)}`).join(',')}}`;
  }
  return value === null ? 'null' : typeof value;
}

/** One shape per kind of frame: channel and event type. */
function shapes(frames: readonly CoinbaseFrameJson[]): Map<string, string> {
  const found = new Map<string, string>();
  for (const frame of frames) {
    const kind = `${frame.channel ?? frame.type}/${String(frame.events?.[0]?.type ?? '')}`;
    if (!found.has(kind)) found.set(kind, shape(frame));
  }
  return found;
}

describe('Coinbase simulator: wire format', () => {
  it('sends frames with the same fields, in the same order and types, as the real capture', async () => {
    const sim = await simulator();
    const bot = await client(sim);
    bot.send('subscribe', 'level2', ['BTC-USD', 'ETH-USD']);
    bot.send('subscribe', 'market_trades', ['BTC-USD', 'ETH-USD']);
    bot.send('subscribe', 'heartbeats');
    await waitFor(() => bot.messages('heartbeats').length > 1 && bot.messages('market_trades').length > 3, 5_000, 'every channel');
    const real = shapes(readRealCapture().frames.map((frame) => JSON.parse(frame.text) as CoinbaseFrameJson));
    const simulated = shapes(bot.messages());
    const kinds = ['l2_data/snapshot', 'l2_data/update', 'market_trades/snapshot', 'market_trades/update', 'heartbeats/',
      'subscriptions/'];
    for (const kind of kinds) assert.equal(simulated.get(kind), real.get(kind), kind);
    assert.ok(bot.frames.every((frame) => !frame.includes('client_id')), 'no client_id on the live wire');
    const offers = bot.messages('l2_data').flatMap((frame) => frame.events!.flatMap((event) => event.updates as { side: string }[]));
    assert.deepEqual([...new Set(offers.map((update) => update.side))].sort(), ['bid', 'offer']);
  });

  it('one sequence_num per connection, from 0, over every channel; data before its ack; cumulative acks', async () => {
    const sim = await simulator();
    const bot = await client(sim);
    bot.send('subscribe', 'market_trades', ['BTC-USD']);
    bot.send('subscribe', 'level2', ['BTC-USD', 'NOPE-USD']);
    bot.send('subscribe', 'heartbeats');
    await waitFor(() => bot.messages('heartbeats').length > 2, 5_000, 'heartbeats');
    const sequences = bot.messages().map((frame) => frame.sequence_num);
    assert.deepEqual(sequences, sequences.map((_, index) => index));
    const channels = bot.messages().slice(0, 4).map((frame) => `${frame.channel}/${String(frame.events?.[0]?.type ?? '')}`);
    assert.deepEqual(channels, ['market_trades/snapshot', 'subscriptions/', 'l2_data/snapshot', 'subscriptions/']);
    const acks = bot.messages('subscriptions').map((frame) => frame.events![0]!.subscriptions);
    assert.deepEqual(acks, [
      { market_trades: ['BTC-USD'] },
      { level2: ['BTC-USD'], market_trades: ['BTC-USD'] },
      { heartbeats: ['heartbeats'], level2: ['BTC-USD'], market_trades: ['BTC-USD'] },
    ], 'an unknown product is simply missing');
    const counters = bot.messages('heartbeats').map((frame) => frame.events![0]!.heartbeat_counter as number);
    assert.ok(counters[0]! > 40_000 && Number.isInteger(counters[0]), 'a server-wide integer counter');
    const trades = bot.messages('market_trades')[0]!.events![0]!.trades as { trade_id: string }[];
    assert.equal(trades.length, 100);
    assert.ok(Number(trades[0]!.trade_id) > Number(trades[99]!.trade_id), 'the trade snapshot is newest first');
  });

  it('closes a connection that does not subscribe within the deadline', async () => {
    const sim = await simulator({ subscribeDeadlineMs: 150 });
    const idle = await client(sim);
    const active = await client(sim);
    active.send('subscribe', 'heartbeats');
    assert.equal((await idle.waitClosed()).reason, 'subscribe timeout');
    assert.equal(sim.stats.deadlineCloses, 1);
    assert.equal(active.isClosed, false);
  });

  it('closes a quiet channel without heartbeats, keeps it with them', async () => {
    const sim = await simulator({ idleChannelMs: 150 });
    sim.quiet('ETH/USD');
    const without = await client(sim);
    const withHeartbeats = await client(sim);
    without.send('subscribe', 'level2', ['ETH-USD']);
    withHeartbeats.send('subscribe', 'level2', ['ETH-USD']);
    withHeartbeats.send('subscribe', 'heartbeats');
    await waitFor(() => sim.stats.idleChannelCloses >= 1, 5_000, 'the idle channel closes');
    sim.quiet('ETH/USD', false);
    await waitFor(() => withHeartbeats.messages('l2_data').length > 5, 5_000, 'updates with heartbeats');
    assert.equal(without.messages('l2_data').length, 1, 'without heartbeats: the snapshot, then nothing');
    assert.equal(sim.stats.idleChannelCloses, 1);
  });

  it('answers an unknown channel with authentication failure, and more than 8 messages a second with a close', async () => {
    const sim = await simulator();
    const bot = await client(sim);
    bot.send('subscribe', 'level3', ['BTC-USD']);
    await bot.waitForFrame((frame) => frame.includes('authentication failure'));
    assert.deepEqual(bot.messages('subscriptions'), [], 'no ack for it');
    for (let i = 0; i < 9; i++) bot.send('subscribe', 'heartbeats');
    await bot.waitClosed();
    assert.equal(sim.stats.rateLimitCloses, 1);
  });

  it('fault knobs: a skipped number, a repeated and a reordered frame; error frames without a number', async () => {
    const sim = await simulator();
    const bot = await client(sim);
    bot.send('subscribe', 'heartbeats');
    await waitFor(() => bot.messages('heartbeats').length >= 2);
    sim.frameFault('skip', 'heartbeats');
    await waitFor(() => bot.messages('heartbeats').length >= 4);
    sim.frameFault('duplicate', 'heartbeats');
    await waitFor(() => bot.messages('heartbeats').length >= 7);
    sim.frameFault('reorder', 'heartbeats');
    await waitFor(() => bot.messages('heartbeats').length >= 10);
    sim.sendError('failure to subscribe');
    await bot.waitForFrame((frame) => frame.includes('failure to subscribe'));
    const sequences = bot.messages().filter((frame) => frame.sequence_num !== undefined).map((frame) => frame.sequence_num!);
    const unique = [...new Set(sequences)].sort((a, b) => a - b);
    const max = unique.at(-1)!;
    assert.deepEqual(Array.from({ length: max + 1 }, (_, n) => n).filter((n) => !unique.includes(n)).length, 1, 'one number skipped');
    assert.equal(sequences.filter((n, i) => i > 0 && n === sequences[i - 1]).length, 1, 'one frame repeated');
    assert.equal(sequences.filter((n, i) => i > 0 && n < sequences[i - 1]!).length, 1, 'one pair out of order');
    sim.failSubscribes('failure to subscribe');
    bot.send('subscribe', 'level2', ['BTC-USD']);
    await waitFor(() => bot.messages('error').length === 2);
    assert.equal(bot.messages('l2_data').length, 0);
  });
});
