// A connection that keeps failing without staying up opens its circuit breaker: a long pause instead of hammering
// the venue, one ERROR line, the metric, `/v1/status`, and a `status` with reason `circuit_open` to its bots. Once
// a connection stays up the books go live and the circuit closes by itself.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import pino from 'pino';
import { createGateway, type Gateway } from '../../src/gateway.ts';
import { startKrakenSimulator, type KrakenSimulator } from '../../src/sim/kraken/server.ts';
import { Bot } from '../support/downstream-harness.ts';
import { metricValue, testConfig } from '../support/gateway-stack.ts';
import { waitFor } from '../support/wait-for.ts';

describe('circuit breaker', () => {
  let gateway: Gateway | undefined;
  let sim: KrakenSimulator | undefined;
  let bot: Bot | undefined;
  after(async () => {
    bot?.ws.close();
    await gateway?.stop();
    await sim?.stop();
  });

  it('opens after N failed attempts in the window, pauses, and closes once the books are live', { timeout: 30_000 }, async () => {
    sim = await startKrakenSimulator({ seed: 11, symbols: ['BTC/USD', 'ETH/USD'] });
    sim.rejectHandshakes(503, 3);
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ base: undefined, timestamp: false }, { write: (text: string) => lines.push(JSON.parse(text)) });
    const pauseMs = 1_500;
    gateway = createGateway(testConfig(sim.url, { reconnect: { breakerFailures: 3, breakerWindowMs: 60_000,
      breakerPauseMs: pauseMs, stableAfterMs: 5_000 } }), { logger });
    const { port } = await gateway.start();
    bot = await Bot.connect(`ws://127.0.0.1:${port}/v1/ws`);
    assert.equal((await bot.request({ op: 'subscribe', id: 1, channel: 'book', exchange: 'kraken', symbol: 'BTC/USD', depth: 10 })).type, 'ack');

    await bot.next((m) => m.type === 'status' && m.state === 'stale' && m.reason === 'circuit_open', 'circuit_open status');
    const opened = lines.filter((line) => line.event === 'circuit_breaker' && line.phase === 'open');
    assert.equal(opened.length, 1);
    assert.equal(opened[0]!.level, 50);
    assert.match(String(opened[0]!.msg), /^kraken conn 1: 3 connections in 60 s ended before staying up; circuit breaker open, pausing 2 s/);
    assert.equal(await metricValue(gateway, 'mgw_upstream_circuit_open', { exchange: 'kraken', connection: '1' }), 1);
    const status = await (await fetch(`http://127.0.0.1:${port}/v1/status`)).json() as
      { exchanges: { kraken: { connections: { circuitOpen: boolean }[] } } };
    assert.equal(status.exchanges.kraken.connections[0]!.circuitOpen, true);
    const scheduled = lines.filter((line) => line.event === 'reconnect_scheduled');
    assert.equal(scheduled.length, 3, 'three failed attempts so far');
    assert.ok(Number(scheduled[2]!.delayMs) >= pauseMs, `the third waits the pause (${String(scheduled[2]!.delayMs)} ms)`);
    assert.equal(sim.connectionsAccepted, 0, 'no attempt got through');

    await bot.next((m) => m.type === 'book_snapshot' && m.symbol === 'BTC/USD', 'a snapshot once the venue accepts again');
    await waitFor(() => lines.some((line) => line.event === 'circuit_breaker' && line.phase === 'closed'), 5_000, 'closed');
    assert.equal(await metricValue(gateway, 'mgw_upstream_circuit_open', { exchange: 'kraken', connection: '1' }), 0);
    assert.equal(lines.filter((line) => line.event === 'circuit_breaker' && line.phase === 'open').length, 1, 'said once');
  });
});
