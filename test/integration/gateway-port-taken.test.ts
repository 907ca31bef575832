// A second gateway on a port another gateway holds must refuse to start, on either engine. uWebSockets.js listens
// with SO_REUSEPORT unless told otherwise: the second one then started and the kernel split bots between the two.
// The port is fixed, not 0: an ephemeral bind never shares, so it would hide the fault.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { ServerConfig } from '../../src/config/types.ts';
import { createGateway, type Gateway } from '../../src/gateway.ts';
import { startKrakenSimulator, type KrakenSimulator } from '../../src/sim/kraken/server.ts';
import { Bot, countOf } from '../support/downstream-harness.ts';
import { freePort } from '../support/gateway-process.ts';
import { testConfig } from '../support/gateway-stack.ts';
import { nativeHubSkip } from '../support/native-hub.ts';
import { waitFor } from '../support/wait-for.ts';

const engines = [
  { engine: 'uws', skip: nativeHubSkip, refusal: (port: number) => new RegExp(`^uWebSockets\\.js could not listen on 127\\.0\\.0\\.1:${port} `) },
  { engine: 'ws', skip: false, refusal: (port: number) => new RegExp(`could not listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`) },
] as const;

for (const { engine, skip, refusal } of engines) {
  describe(`a second gateway on a taken port (engine ${engine})`, () => {
    let sim: KrakenSimulator | undefined;
    const gateways: Gateway[] = [];
    const bots: Bot[] = [];
    after(async () => {
      for (const bot of bots) bot.ws.terminate();
      await Promise.all(gateways.map((gateway) => gateway.stop()));
      await sim?.stop();
    });

    it('is refused with the documented error; the first keeps serving its bot and takes every new one', { skip }, async () => {
      sim = await startKrakenSimulator({ seed: 18 });
      const port = await freePort();
      const config = testConfig(sim.url);
      const server: ServerConfig = { ...config.server, port, engine };
      const first = createGateway({ ...config, server });
      gateways.push(first);
      await first.start();
      const bot = await Bot.connect(`ws://127.0.0.1:${port}/v1/ws`);
      bots.push(bot);
      assert.deepEqual(await bot.request({ op: 'subscribe', id: 1, channel: 'book', exchange: 'kraken', symbol: 'BTC/USD', depth: 10 }),
        { type: 'ack', id: 1 });

      const second = createGateway({ ...config, server });
      gateways.push(second);
      await assert.rejects(second.start(), { message: refusal(port) });

      const updates = countOf(bot, (m) => m.type === 'book_update');
      await waitFor(() => countOf(bot, (m) => m.type === 'book_update') > updates + 20, 5_000, 'the bot still gets updates');
      assert.equal(bot.ws.readyState, bot.ws.OPEN);
      const startedAt = new Set<string>();
      for (let i = 0; i < 8; i++) {
        const status = await (await fetch(`http://127.0.0.1:${port}/v1/status`)).json() as { startedAt: string; clients: number };
        startedAt.add(status.startedAt);
      }
      assert.equal(startedAt.size, 1, 'every request reaches the same (first) gateway');
      const late = await Bot.connect(`ws://127.0.0.1:${port}/v1/ws`);
      bots.push(late);
      assert.deepEqual(await late.request({ op: 'ping', id: 2 }), { type: 'pong', id: 2 });
      assert.equal(first.store.get('kraken', 'BTC/USD')?.state, 'live');
    });
  });
}
