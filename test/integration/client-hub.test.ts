// The same ClientHub contract suite against native uWebSockets.js and the `ws` fallback.

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { after, describe } from 'node:test';
import WebSocket from 'ws';
import { uwsBinaryName } from '../../src/server/hub-loader.ts';
import {
  baseOptions, connectClient, hubFactories, hubIt, inertHandlers, startHub, type RecordingClient, type StartedHub,
} from '../support/hub-harness.ts';
import { waitFor } from '../support/wait-for.ts';

/** What a client sees on invalid UTF-8: uWS cuts TCP without a close frame (1006). */
const clientSeesOnBadUtf8 = { 'uWebSockets.js': 1006, ws: 1007 } as const;

for (const factory of hubFactories) {
  describe(`ClientHub on ${factory.name}`, () => {
    const it = hubIt(factory);
    const hubs: StartedHub[] = [];
    const clients: RecordingClient[] = [];
    const start = async (options = {}): Promise<StartedHub> => {
      const started = await startHub(factory, options);
      hubs.push(started);
      return started;
    };
    const connect = async (url: string): Promise<RecordingClient> => {
      const client = await connectClient(url);
      clients.push(client);
      return client;
    };
    after(async () => {
      for (const client of clients) client.ws.terminate();
      await Promise.all(hubs.map(({ hub }) => hub.close()));
    });

    it('reports its engine', () => {
      const hub = factory.create();
      assert.equal(hub.engine, factory.name);
      if (factory.name === 'ws') {
        assert.match(hub.engineDetail, /^ws@\d+\.\d+\.\d+$/);
        return;
      }
      assert.match(hub.engineDetail, /^@(trufflesuite\/uws-js-unofficial|btc-vision\/uwebsockets\.js)@\S+ \(native /);
      assert.ok(hub.engineDetail.endsWith(`(native ${uwsBinaryName()})`), hub.engineDetail);
      const loaded = Object.keys(createRequire(import.meta.url).cache);
      assert.ok(loaded.some((file) => file.endsWith(uwsBinaryName())), 'the .node binary is loaded');
      assert.ok(!loaded.some((file) => /uws-js-unofficial[\\/](dist|src)[\\/]/.test(file)), 'JS shim not loaded');
    });

    it('listens on port 0 and picks distinct free ports', async () => {
      const [a, b] = await Promise.all([start(), start()]);
      assert.ok(a.port > 0 && b.port > 0);
      assert.notEqual(a.port, b.port);
    });

    it('rejects listen on a port already in use, with the address in the message', async () => {
      const { port } = await start();
      const second = factory.create();
      await assert.rejects(second.listen({ ...baseOptions, port }, inertHandlers),
        new RegExp(`could not listen on 127\\.0\\.0\\.1:${port}`));
      await second.close();
    });

    it('echoes text frames and sends pre-encoded bytes as text', async () => {
      const { events, wsUrl } = await start();
      const client = await connect(wsUrl);
      await waitFor(() => events.opened.length === 1, 5000, 'onOpen');
      const socket = events.opened[0];
      assert.equal(socket.remoteAddress, '127.0.0.1');
      client.ws.send('echo:héllo €');
      await waitFor(() => client.received.length === 1, 5000, 'echo');
      assert.deepEqual(events.messages.map((m) => [m.text, m.isBinary]), [['echo:héllo €', false]]);
      // A pooled Buffer and a subarray both start at a non-zero offset of their ArrayBuffer.
      const pooled = Buffer.from('{"type":"book_update","seq":1}');
      const view = new TextEncoder().encode('xx{"seq":2}').subarray(2);
      assert.equal(socket.send('ignored text', pooled), 'sent');
      assert.equal(socket.send('ignored text', view), 'sent');
      await waitFor(() => client.received.length === 3, 5000, 'pre-encoded frames');
      assert.deepEqual(client.received, ['echo:héllo €', '{"type":"book_update","seq":1}', '{"seq":2}']);
      const second = await connect(wsUrl);
      await waitFor(() => events.opened.length === 2, 5000, 'second onOpen');
      assert.ok(events.opened[1].id > socket.id);
      second.ws.close();
    });

    it('delivers binary frames as decoded text flagged isBinary', async () => {
      const { events, wsUrl } = await start();
      const client = await connect(wsUrl);
      client.ws.send(Buffer.from('{"op":"ping"}'), { binary: true });
      await waitFor(() => events.messages.length === 1, 5000, 'binary message');
      assert.deepEqual([events.messages[0].text, events.messages[0].isBinary], ['{"op":"ping"}', true]);
    });

    it('serves HTTP through onHttp: async handler, query, 404 body, 500 on throw', async () => {
      const { httpUrl, events } = await start();
      const ok = await fetch(`${httpUrl}/v1/books/kraken/BTC-USD?depth=5&x=1`);
      assert.equal(ok.status, 200);
      assert.equal(ok.headers.get('content-type'), 'application/json');
      assert.deepEqual(await ok.json(), { method: 'GET', path: '/v1/books/kraken/BTC-USD', depth: '5' });
      assert.equal(events.http[0].query.get('x'), '1');
      const missing = await fetch(`${httpUrl}/nope`);
      assert.equal(missing.status, 404);
      assert.equal(await missing.text(), 'not found: /nope');
      const posted = await fetch(`${httpUrl}/nope`, { method: 'POST', body: 'x' });
      await posted.text();
      assert.equal(events.http.at(-1)?.method, 'POST');
      const failed = await fetch(`${httpUrl}/throw`);
      assert.equal(failed.status, 500);
      await failed.text();
    });

    it('answers a WebSocket upgrade on another path through onHttp (404)', async () => {
      const { port } = await start();
      const ws = new WebSocket(`ws://127.0.0.1:${port}/elsewhere`);
      ws.on('error', () => undefined);
      const status = await new Promise<number>((resolve, reject) => {
        ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.once('open', () => reject(new Error('upgrade on a wrong path was accepted')));
      });
      ws.terminate();
      assert.equal(status, 404);
    });

    it('closes a message above maxPayloadBytes with 1009 and a reason, however far above', async () => {
      const { events, wsUrl } = await start();
      const limit = baseOptions.maxPayloadBytes;
      for (const size of [limit + 1, 4 * 1024 * 1024]) {
        const big = await connect(wsUrl);
        big.ws.send('x'.repeat(size));
        await waitFor(() => big.closeInfo !== null && events.closed.length === 1, 5000, `oversize close (${size} bytes)`);
        assert.deepEqual(big.closeInfo, { code: 1009, reason: `message too big: ${size} bytes, limit ${limit}` });
        assert.equal(events.closed.splice(0)[0].code, 1009);
      }
      const fits = await connect(wsUrl);
      fits.ws.send(`echo:${'x'.repeat(limit - 5)}`);
      await waitFor(() => fits.received.length === 1, 5000, 'a message of exactly the limit is delivered');
      assert.equal(events.messages.length, 1);
    });

    it('closes on invalid UTF-8; onClose says 1007', async () => {
      const { events, wsUrl } = await start();
      const garbled = await connect(wsUrl);
      garbled.ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
      await waitFor(() => garbled.closeInfo !== null && events.closed.length === 1, 5000, 'bad UTF-8 close');
      assert.equal(garbled.closeInfo?.code, clientSeesOnBadUtf8[factory.name]);
      assert.equal(events.closed[0].code, 1007);
      assert.equal(events.messages.length, 0);
    });

    it('reports backpressure for a client that stops reading, drops its frames, keeps others prompt', async () => {
      const { events, wsUrl } = await start();
      const slow = await connect(wsUrl);
      const healthy = await connect(wsUrl);
      await waitFor(() => events.opened.length === 2, 5000, 'both open');
      const [slowSocket, healthySocket] = events.opened;
      slow.ws.pause();
      const frame = `{"type":"book_update","pad":"${'p'.repeat(4000)}"}`;
      const bytes = Buffer.from(frame);
      let queuedToSlow = 0;
      let sentToHealthy = 0;
      let firstBackpressure = -1;
      for (let i = 0; firstBackpressure === -1 && i < 20_000; i++) {
        const outcome = slowSocket.send(frame, bytes);
        if (outcome === 'backpressure') firstBackpressure = i;
        queuedToSlow++;
        assert.equal(healthySocket.send(frame, bytes), 'sent');
        sentToHealthy++;
        if (i % 32 === 31) await nextTurn();
      }
      assert.ok(firstBackpressure > 0, 'the slow client crossed the limit');
      assert.ok(slowSocket.bufferedBytes() > baseOptions.maxBackpressureBytes);
      // Over the limit, frames are dropped rather than queued, and the outcome stays 'backpressure'.
      for (let i = 0; i < 10; i++) assert.equal(slowSocket.send(frame, bytes), 'backpressure');
      assert.equal(healthySocket.send('last', Buffer.from('last')), 'sent');
      await waitFor(() => healthy.received.at(-1) === 'last', 5000, 'healthy client keeps receiving');
      assert.equal(healthy.received.length, sentToHealthy + 1);
      assert.equal(events.drained.length, 0);

      slow.ws.resume();
      await waitFor(() => events.drained.includes(slowSocket), 10_000, 'onDrain after the slow client reads');
      assert.equal(events.drained.length, 1);
      assert.equal(slowSocket.send('after-drain', Buffer.from('after-drain')), 'sent');
      await waitFor(() => slow.received.at(-1) === 'after-drain', 10_000, 'slow client catches up');
      assert.equal(slow.received.length, queuedToSlow + 1, 'everything queued before the limit arrived');
    });

    it('closes a client from the server and then reports it closed', async () => {
      const { events, wsUrl } = await start();
      const client = await connect(wsUrl);
      await waitFor(() => events.opened.length === 1, 5000, 'onOpen');
      const socket = events.opened[0];
      socket.close(4002, 'slow consumer');
      assert.equal(socket.send('x'), 'closed');
      await waitFor(() => client.closeInfo !== null && events.closed.length === 1, 5000, 'closed');
      assert.deepEqual(client.closeInfo, { code: 4002, reason: 'slow consumer' });
      assert.equal(events.closed[0].code, 4002);
      socket.close(4002, 'again');
      assert.equal(events.closed.length, 1);
    });

    it('returns closed, without throwing, when sending after the client left', async () => {
      const { events, wsUrl } = await start();
      const client = await connect(wsUrl);
      await waitFor(() => events.opened.length === 1, 5000, 'onOpen');
      client.ws.close(1000, 'bye');
      await waitFor(() => events.closed.length === 1, 5000, 'onClose');
      const socket = events.opened[0];
      assert.equal(events.closed[0].code, 1000);
      assert.equal(socket.send('late', Buffer.from('late')), 'closed');
      assert.equal(socket.bufferedBytes(), 0);
      socket.close(1000, 'late');
    });

    it('close() closes every client with the code, frees the port and is idempotent', async () => {
      const { hub, events, port, wsUrl } = await start();
      const a = await connect(wsUrl);
      const b = await connect(wsUrl);
      await waitFor(() => events.opened.length === 2, 5000, 'both open');
      const first = hub.close(1012, 'restarting');
      const second = hub.close(1000, 'ignored');
      await Promise.all([first, second]);
      await hub.close();
      await waitFor(() => a.closeInfo !== null && b.closeInfo !== null, 5000, 'clients closed');
      assert.deepEqual(a.closeInfo, { code: 1012, reason: 'restarting' });
      assert.deepEqual(b.closeInfo, { code: 1012, reason: 'restarting' });
      assert.deepEqual(events.closed.map((c) => c.code), [1012, 1012]);
      assert.equal(events.opened[0].send('x'), 'closed');
      await assert.rejects(connectClient(wsUrl), /ECONNREFUSED/);
      const probe = createServer();
      await new Promise<void>((resolve, reject) => {
        probe.once('error', reject);
        probe.listen(port, '127.0.0.1', resolve);
      });
      await new Promise<void>((resolve) => probe.close(() => resolve()));
    });

    it('rejects invalid options before touching the engine', async () => {
      const hub = factory.create();
      await assert.rejects(hub.listen({ ...baseOptions, idleTimeoutSeconds: 3 }, inertHandlers),
        /idleTimeoutSeconds must be 0 \(disabled\) or an integer ≥ 8/);
      await hub.close();
    });
  });
}
