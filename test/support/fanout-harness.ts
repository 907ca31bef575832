// A Fanout on a real BookStore fed with the Kraken ETH/USD capture, in-memory bot connections, and the
// end-of-turn flush run by hand (as setImmediate would run it).
import assert from 'node:assert/strict';
import type { LevelText } from '../../src/core/model.ts';
import { Fanout } from '../../src/server/fanout.ts';
import type { Command } from '../../src/server/protocol.ts';
import { RecordingLog, RecordingMetrics } from './downstream-doubles.ts';
import { ETH_FRAMES, krakenFeed, type KrakenFeed } from './kraken-store-feed.ts';
import { MemoryClient } from './memory-client.ts';
import { ReferenceBot } from './reference-bot.ts';

export const LIMIT = 4096;
export const NOW_MS = 1_795_600_800_123.789;
export const SNAPSHOT_AT = ETH_FRAMES.findIndex((text) => text.includes('"type":"snapshot"'));

export type Subscribe = Extract<Command, { op: 'subscribe' }>;

export interface Harness extends KrakenFeed {
  readonly fanout: Fanout;
  readonly metrics: RecordingMetrics;
  readonly log: RecordingLog;
  flushes: number;
  /** A bot connection with its reference bot. */
  connect(): { client: MemoryClient; bot: ReferenceBot };
  subscribeBook(client: MemoryClient, depth?: number, id?: number): void;
  /** Runs the pending end-of-turn flush, as setImmediate would. */
  endTurn(): void;
}

export function harness(maxSubscriptionsPerClient = 8): Harness {
  const feed = krakenFeed(['ETH/USD', 'BTC/USD']);
  const metrics = new RecordingMetrics();
  const log = new RecordingLog();
  let pending: (() => void) | undefined;
  const fanout = new Fanout({
    store: feed.store, clock: { nowMs: () => NOW_MS }, metrics, log, maxBackpressureBytes: LIMIT,
    maxSubscriptionsPerClient,
    schedule: (flush) => {
      pending = flush;
      return () => { pending = undefined; };
    },
  });
  feed.store.addListener(fanout.listener);
  const h: Harness = {
    ...feed, fanout, metrics, log, flushes: 0,
    connect() {
      const client = new MemoryClient(LIMIT);
      fanout.addClient(client);
      return { client, bot: new ReferenceBot() };
    },
    subscribeBook(client, depth, id = 1) {
      const command: Subscribe = { op: 'subscribe', id, channel: 'book', exchange: 'kraken', symbol: 'ETH/USD', depth };
      assert.equal(fanout.subscribe(client, command), undefined);
    },
    endTurn() {
      const flush = pending;
      pending = undefined;
      if (flush !== undefined) {
        h.flushes++;
        flush();
      }
    },
  };
  return h;
}

export function storeTop(h: Harness, depth: number): { bids: LevelText[]; asks: LevelText[] } {
  const book = h.store.get('kraken', 'ETH/USD')!.book;
  return { bids: book.topLevels('bids', depth), asks: book.topLevels('asks', depth) };
}

export function assertInSync(h: Harness, bot: ReferenceBot, client: MemoryClient, depth: number, label: string): void {
  bot.consume(client.received);
  const copy = bot.book('kraken', 'ETH/USD');
  assert.ok(copy !== undefined, `${label}: bot has no book`);
  assert.equal(copy.depth, depth);
  const top = storeTop(h, depth);
  assert.deepEqual(copy.bids, top.bids, `${label}: bids at depth ${depth}`);
  assert.deepEqual(copy.asks, top.asks, `${label}: asks at depth ${depth}`);
}
