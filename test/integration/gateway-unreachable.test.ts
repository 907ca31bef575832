// A venue that cannot be reached (no internet, DNS, firewall) is said at once: one ERROR line per connection and
// `/readyz` naming `upstream_unreachable` with the cause; the books go live by themselves once the venue answers.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import pino from 'pino';
import { createGateway, type Gateway } from '../../src/gateway.ts';
import { startKrakenSimulator, type KrakenSimulator } from '../../src/sim/kraken/server.ts';
import { freePort } from '../support/gateway-process.ts';
import { testConfig } from '../support/gateway-stack.ts';
import { waitFor } from '../support/wait-for.ts';

async function readyz(port: number): Promise<{ status: number; body: { ready: boolean; reasons?: Record<string, string>[] } }> {
  const response = await fetch(`http://127.0.0.1:${port}/readyz`);
  return { status: response.status, body: await response.json() as { ready: boolean; reasons?: Record<string, string>[] } };
}

describe('an unreachable venue', () => {
  let gateway: Gateway | undefined;
  let sim: KrakenSimulator | undefined;
  after(async () => {
    await gateway?.stop();
    await sim?.stop();
  });

  it('is reported within the first failed attempt, and its books go live once it answers', async () => {
    const venuePort = await freePort();
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ base: undefined, timestamp: false }, { write: (text: string) => lines.push(JSON.parse(text)) });
    gateway = createGateway(testConfig(`ws://127.0.0.1:${venuePort}`, { reconnect: { minDelayMs: 200, maxDelayMs: 400 } }),
      { logger });
    const { port } = await gateway.start();

    await waitFor(() => lines.some((line) => line.event === 'upstream_unreachable'), 5_000, 'the unreachable line');
    const said = lines.filter((line) => line.event === 'upstream_unreachable');
    assert.equal(said.length, 1, 'one line per connection, not one per attempt');
    assert.equal(said[0]!.level, 50);
    assert.match(String(said[0]!.msg), new RegExp(`kraken conn 1: cannot reach ws://127.0.0.1:${venuePort} \\(.*ECONNREFUSED.*\\); `
      + 'no internet, DNS, proxy or firewall\\?'));

    const unready = await readyz(port);
    assert.equal(unready.status, 503);
    assert.deepEqual(unready.body.reasons!.map((r) => [r.symbol, r.state, r.reason]),
      [['BTC/USD', 'awaiting-snapshot', 'upstream_unreachable'], ['ETH/USD', 'awaiting-snapshot', 'upstream_unreachable']]);
    assert.match(unready.body.reasons![0]!.detail!, /ECONNREFUSED/);

    await waitFor(() => lines.filter((line) => line.event === 'reconnect_scheduled').length >= 2, 5_000, 'a second failed attempt');
    assert.equal(lines.filter((line) => line.event === 'upstream_unreachable').length, 1, 'still one line after more failures');

    sim = await startKrakenSimulator({ seed: 7, port: venuePort });
    await waitFor(async () => (await readyz(port)).status === 200, 10_000, 'ready once the venue answers');
    const status = await (await fetch(`http://127.0.0.1:${port}/v1/status`)).json() as
      { exchanges: { kraken: { connections: { unreachable: string | null }[] } } };
    assert.equal(status.exchanges.kraken.connections[0]!.unreachable, null);
  });
});
