// Kraken book integrity end to end: real ETH/USD capture frames, one of them damaged, played by the replay server to
// the real gateway, with a real bot subscribed. Every resync makes the replay play the capture again from its
// snapshot, so a damaged frame is a storm of faults: the resync budget has to bound it (resubscribe, escalate to
// one reconnect, then defer), and the bot must never be served the damaged data.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import type { VenueConfig } from '../../src/config/types.ts';
import { createGateway, type Gateway } from '../../src/gateway.ts';
import { startKrakenReplayServer, type KrakenReplayServer } from '../../src/sim/kraken/replay-server.ts';
import { Bot } from '../support/downstream-harness.ts';
import { metricValue, testConfig } from '../support/gateway-stack.ts';
import {
  ETH_CAPTURE, ETH_UPDATE_BID, ETH_UPDATE_INDEX, readKrakenCaptureFrames, uncheckedEthUpdate, withWrongChecksum,
} from '../support/kraken-fixtures.ts';
import { waitFor } from '../support/wait-for.ts';

const ETH = readKrakenCaptureFrames(ETH_CAPTURE);

type LogLine = Record<string, unknown> & { msg: string; event?: string; code?: string };

interface Run {
  readonly replay: KrakenReplayServer;
  readonly gateway: Gateway;
  readonly bot: Bot;
  readonly lines: LogLine[];
  stop(): Promise<void>;
}

/** The replay plays `frames` (status, ack, then data) on every subscribe; a bot subscribes to ETH/USD at depth 25. */
async function run(frames: string[], kraken: Partial<VenueConfig>): Promise<Run> {
  const replay = await startKrakenReplayServer({ host: '127.0.0.1', port: 0, speed: 0, captures: [{ frames }] });
  const lines: LogLine[] = [];
  const logger = pino({ base: undefined, timestamp: false }, { write: (text: string) => lines.push(JSON.parse(text) as LogLine) });
  const gateway = createGateway(testConfig(replay.url, { symbols: ['ETH/USD'], bookDepth: 25, staleAfterMs: 60_000, ...kraken }),
    { logger });
  const { port } = await gateway.start();
  const bot = await Bot.connect(`ws://127.0.0.1:${port}/v1/ws`);
  assert.deepEqual(await bot.request({ op: 'subscribe', id: 1, channel: 'book', exchange: 'kraken', symbol: 'ETH/USD', depth: 25 }),
    { type: 'ack', id: 1 });
  return {
    replay, gateway, bot, lines,
    async stop() {
      bot.ws.close();
      await gateway.stop();
      await replay.stop();
    },
  };
}

const deferred = (lines: readonly LogLine[]): boolean =>
  lines.some((line) => line.event === 'resync' && line.retryAt !== undefined);
const linesOf = (lines: readonly LogLine[], event: string, code?: string): LogLine[] =>
  lines.filter((line) => line.event === event && (code === undefined || line.code === code));

describe('gateway: Kraken book integrity (replayed real frames, one damaged)', () => {
  it('an update without its checksum is never served: the bot never sees its quantity, the resync reason is visible', async () => {
    const damaged = uncheckedEthUpdate(ETH);
    const altered = `["${ETH_UPDATE_BID.price}","${ETH_UPDATE_BID.alteredQty}"]`;
    const stack = await run([...ETH.slice(0, ETH_UPDATE_INDEX), damaged], { resyncBudget: 1 });
    try {
      await stack.bot.next((m) => m.type === 'status' && m.symbol === 'ETH/USD' && m.state === 'resyncing'
        && m.reason === 'malformed_frame', 'resyncing with reason malformed_frame');
      // Budget 1: the first fault resubscribes, the second (same frames again) reconnects, the third waits a window.
      await waitFor(() => deferred(stack.lines), 5_000, 'the book waits for its resync budget');
      assert.equal(stack.bot.client.received.filter((text) => text.includes(altered)).length, 0,
        'no book message ever carried the altered level');
      const view = stack.gateway.store.get('kraken', 'ETH/USD')!;
      assert.deepEqual([view.state, view.reason], ['resyncing', 'malformed_frame'], 'not served');
      assert.deepEqual(view.book.topLevels('bids', 25).filter(([, qty]) => qty === ETH_UPDATE_BID.alteredQty), [],
        'the store never applied it either');
      assert.equal(await metricValue(stack.gateway, 'mgw_upstream_parse_errors_total', { exchange: 'kraken' }), 3, 'counted');
      assert.equal(await metricValue(stack.gateway, 'mgw_book_resyncs_total', { reason: 'malformed_frame' }), 1);
      assert.equal(await metricValue(stack.gateway, 'mgw_book_checksum_mismatches_total'), 0);
      assert.equal(linesOf(stack.lines, 'session_report', 'malformed_frame').length, 1, 'logged once for the burst');
      assert.match(linesOf(stack.lines, 'session_report', 'malformed_frame')[0]!.msg,
        /^kraken malformed frame \(book message with an unexpected shape\): \{"channel":"book","type":"update"/);
    } finally {
      await stack.stop();
    }
  });

  it('a storm of checksum faults is bounded: resubscribes up to the budget, one reconnect, then the book waits', async () => {
    // Every replay of these frames ends on a real update with a wrong checksum: each subscribe is one more fault.
    const frames = [...ETH.slice(0, ETH_UPDATE_INDEX), withWrongChecksum(ETH[ETH_UPDATE_INDEX]!)];
    const stack = await run(frames, { resyncBudget: 2 });
    try {
      await waitFor(() => deferred(stack.lines), 5_000, 'the book waits for its resync budget');
      const escalations = linesOf(stack.lines, 'resync').filter((line) => line.escalated === true);
      assert.deepEqual(escalations.map((line) => [line.reason, line.msg]),
        [['checksum_mismatch', 'kraken ETH/USD: resync budget used up (checksum_mismatch); reconnecting conn 1']]);
      assert.equal(await metricValue(stack.gateway, 'mgw_book_checksum_mismatches_total'), 4, '2 resyncs, 1 escalation, 1 deferral');
      assert.equal(await metricValue(stack.gateway, 'mgw_book_resyncs_total', { reason: 'checksum_mismatch' }), 2, 'bounded resubscribes');
      assert.equal(await metricValue(stack.gateway, 'mgw_upstream_reconnects_total', { reason: 'resync_budget' }), 1);
      assert.equal(stack.replay.connectionsAccepted, 2, 'one reconnect');
      const view = stack.gateway.store.get('kraken', 'ETH/USD')!;
      assert.deepEqual([view.state, view.reason], ['resyncing', 'checksum_mismatch']);
      assert.ok(stack.bot.messages().some((m) => m.type === 'status' && m.state === 'resyncing' && m.reason === 'checksum_mismatch'));
    } finally {
      await stack.stop();
    }
  });

  it('a real snapshot with a wrong checksum never goes live and is resynced', async () => {
    const frames = [...ETH.slice(0, 2), withWrongChecksum(ETH[2]!), ...ETH.slice(3, ETH_UPDATE_INDEX)];
    const stack = await run(frames, { resyncBudget: 1 });
    try {
      await waitFor(() => deferred(stack.lines), 5_000, 'the book waits for its resync budget');
      assert.equal(stack.bot.messages().filter((m) => m.type === 'book_snapshot' || m.type === 'book_update').length, 0,
        'the bot was served no book');
      assert.ok(stack.bot.messages().some((m) => m.type === 'status' && m.state === 'resyncing' && m.reason === 'checksum_mismatch'));
      assert.equal(await metricValue(stack.gateway, 'mgw_book_checksum_mismatches_total'), 3);
      assert.equal(await metricValue(stack.gateway, 'mgw_book_resyncs_total', { reason: 'checksum_mismatch' }), 1);
      assert.deepEqual(linesOf(stack.lines, 'book_state').filter((line) => line.state === 'live'), [], 'never live');
    } finally {
      await stack.stop();
    }
  });
});
