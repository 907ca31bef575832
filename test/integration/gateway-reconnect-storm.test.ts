// Fifty connections lost in the same instant reconnect spread over the backoff window (full jitter), not in one
// burst at the venue: each draws its own delay under the ceiling.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import pino from 'pino';
import { createGateway, type Gateway } from '../../src/gateway.ts';
import { SeededRandom } from '../../src/sim/seeded-random.ts';
import { startKrakenSimulator, type KrakenSimulator } from '../../src/sim/kraken/server.ts';
import { testConfig } from '../support/gateway-stack.ts';
import { waitFor } from '../support/wait-for.ts';

const SHARDS = 50;
const CEILING_MS = 400;
const LETTERS = 'ABCDEFGHIJ';
/** Fifty well-formed pairs the simulator does not list: each shard's subscription is refused, its socket stays open. */
const SYMBOLS = Array.from({ length: SHARDS }, (_, i) => `Q${LETTERS[Math.floor(i / 10)]}${LETTERS[i % 10]}/USD`);

describe('a reconnect storm', () => {
  let gateway: Gateway | undefined;
  let sim: KrakenSimulator | undefined;
  after(async () => {
    await gateway?.stop();
    await sim?.stop();
  });

  it('50 shards dropped at once reconnect spread over the window', { timeout: 60_000 }, async () => {
    sim = await startKrakenSimulator({ seed: 5 });
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ base: undefined, timestamp: false }, { write: (text: string) => lines.push(JSON.parse(text)) });
    const random = new SeededRandom(2026);
    gateway = createGateway(testConfig(sim.url, {
      symbols: SYMBOLS, maxSymbolsPerConnection: 1, subscribeAckTimeoutMs: 60_000, staleAfterMs: 60_000,
      reconnect: { minDelayMs: CEILING_MS, maxDelayMs: CEILING_MS, budgetAttempts: 1_000 },
    }), { logger, random: () => random.next() });
    await gateway.start();
    await waitFor(() => sim!.connectionCount === SHARDS, 20_000, `${SHARDS} connections open`);

    sim.dropConnections(1006);
    await waitFor(() => lines.filter((line) => line.event === 'reconnect_scheduled').length === SHARDS, 10_000, 'every shard scheduled');
    await waitFor(() => sim!.connectionsAccepted === 2 * SHARDS, 20_000, 'every shard reconnected');

    const delays = lines.filter((line) => line.event === 'reconnect_scheduled').map((line) => Number(line.delayMs)).sort((a, b) => a - b);
    assert.ok(delays.every((delay) => delay >= 0 && delay < CEILING_MS), `under the ceiling: ${delays.join(',')}`);
    assert.ok(new Set(delays).size >= SHARDS * 0.8, `each shard draws its own delay: ${delays.join(',')}`);
    for (let slice = 0; slice < 10; slice++) {
      const inSlice = delays.filter((delay) => delay >= slice * CEILING_MS / 10 && delay < (slice + 1) * CEILING_MS / 10).length;
      assert.ok(inSlice <= SHARDS / 4, `no burst: ${inSlice} of ${SHARDS} reconnects in one tenth of the window (${delays.join(',')})`);
    }
  });
});
