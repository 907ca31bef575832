// HTTP on the bots' port, over real sockets on both hub engines.
import assert from 'node:assert/strict';
import { after, describe } from 'node:test';
import { hubFactories, hubIt } from '../support/hub-harness.ts';
import { Bot, METRICS_TEXT, startServer, type RunningServer } from '../support/downstream-harness.ts';
import { BTC_FRAMES, ETH_FRAMES } from '../support/kraken-store-feed.ts';
import { waitFor } from '../support/wait-for.ts';

interface Reply {
  status: number;
  contentType: string | null;
  body: string;
  json(): Record<string, unknown>;
}

async function http(server: RunningServer, path: string, method = 'GET'): Promise<Reply> {
  const response = await fetch(`${server.httpUrl}${path}`, { method });
  const body = await response.text();
  return {
    status: response.status, contentType: response.headers.get('content-type'), body,
    json: () => JSON.parse(body) as Record<string, unknown>,
  };
}

for (const factory of hubFactories) {
  describe(`downstream HTTP on ${factory.name}`, () => {
    const it = hubIt(factory);
    const servers: RunningServer[] = [];
    const bots: Bot[] = [];
    after(async () => {
      for (const bot of bots) bot.ws.terminate();
      await Promise.all(servers.map(({ server }) => server.stop()));
    });
    const start = async (): Promise<RunningServer> => {
      const server = await startServer(factory);
      servers.push(server);
      return server;
    };

    it('/healthz, /readyz 503 → 200 as books go live, /metrics, 404 and 405', async () => {
      const s = await start();
      const health = await http(s, '/healthz');
      assert.deepEqual([health.status, health.contentType, health.json()], [200, 'application/json', { status: 'ok' }]);
      let ready = await http(s, '/readyz');
      assert.equal(ready.status, 503);
      assert.deepEqual(ready.json(), { ready: false, reasons: [
        { exchange: 'kraken', symbol: 'ETH/USD', state: 'awaiting-snapshot', reason: 'starting' },
        { exchange: 'kraken', symbol: 'BTC/USD', state: 'awaiting-snapshot', reason: 'starting' },
      ] });
      s.feed(ETH_FRAMES.slice(0, 10));
      ready = await http(s, '/readyz');
      assert.deepEqual([ready.status, (ready.json().reasons as unknown[]).length], [503, 1]);
      s.feed(BTC_FRAMES.slice(0, 40));
      ready = await http(s, '/readyz');
      assert.deepEqual([ready.status, ready.json()], [200, { ready: true }]);
      s.store.setState('kraken', 'BTC/USD', 'resyncing', 'checksum_mismatch');
      ready = await http(s, '/readyz');
      assert.deepEqual([ready.status, ready.json().reasons], [503,
        [{ exchange: 'kraken', symbol: 'BTC/USD', state: 'resyncing', reason: 'checksum_mismatch' }]]);

      const metrics = await http(s, '/metrics');
      assert.deepEqual([metrics.status, metrics.contentType, metrics.body],
        [200, 'text/plain; version=0.0.4; charset=utf-8', METRICS_TEXT]);
      const missing = await http(s, '/v2/nothing');
      assert.deepEqual([missing.status, missing.json().error], [404, 'not_found']);
      const post = await http(s, '/healthz', 'POST');
      assert.deepEqual([post.status, post.json().error], [405, 'method_not_allowed']);
    });

    it('/v1/status merges the provider with books, clients, the hub engine build and the Node runtime', async () => {
      const s = await start();
      s.feed(ETH_FRAMES.slice(0, 10));
      const bot = await Bot.connect(s.wsUrl);
      bots.push(bot);
      await waitFor(() => s.server.clientCount() === 1, 5000, 'bot counted');
      const status = (await http(s, '/v1/status')).json();
      assert.deepEqual(status.connectors, [{ exchange: 'kraken', state: 'live' }]);
      assert.equal(status.clients, 1);
      assert.deepEqual(status.hub, { engine: s.hub.engine, detail: s.hub.engineDetail });
      const build = factory.name === 'ws' ? /^ws@\d+\.\d+\.\d+$/
        : /^@(trufflesuite\/uws-js-unofficial|btc-vision\/uwebsockets\.js)@\d+\.\d+\.\d+\S* \(native uws_\w+_\w+_\d+\.node\)$/;
      assert.match(String((status.hub as { detail: unknown }).detail), build);
      const runtime = status.runtime as { node: unknown; platform: unknown; glibc: unknown };
      assert.deepEqual([runtime.node, runtime.platform], [process.version, `${process.platform}-${process.arch}`]);
      if (process.platform === 'linux') assert.match(String(runtime.glibc), /^\d+\.\d+$/);
      const books = status.books as Record<string, unknown>[];
      assert.deepEqual(books.map((b) => [b.symbol, b.state, b.depth]), [['ETH/USD', 'live', 25], ['BTC/USD', 'awaiting-snapshot', 10]]);
    });

    it('/v1/books/:exchange/:symbol serves the top N with depth validation', async () => {
      const s = await start();
      s.feed(ETH_FRAMES.slice(0, 200));
      const view = s.store.get('kraken', 'ETH/USD')!;
      const three = await http(s, '/v1/books/kraken/ETH-USD?depth=3');
      assert.equal(three.status, 200);
      assert.equal(three.contentType, 'application/json');
      assert.deepEqual(three.json(), {
        exchange: 'kraken', symbol: 'ETH/USD', state: 'live', seq: view.version,
        bids: view.book.topLevels('bids', 3), asks: view.book.topLevels('asks', 3),
      });
      assert.deepEqual(Object.keys(three.json()), ['exchange', 'symbol', 'state', 'seq', 'bids', 'asks']);
      const byDefault = (await http(s, '/v1/books/kraken/eth-usd')).json();
      assert.deepEqual([(byDefault.bids as unknown[]).length, (byDefault.asks as unknown[]).length], [10, 10]);
      assert.equal(((await http(s, '/v1/books/kraken/ETH-USD?depth=25')).json().bids as unknown[]).length, 25);
      const btc = (await http(s, '/v1/books/kraken/BTC-USD')).json();
      assert.deepEqual([btc.state, btc.bids], ['awaiting-snapshot', []]);
      for (const [path, status, code] of [
        ['/v1/books/kraken/ETH-USD?depth=26', 400, 'invalid_depth'],
        ['/v1/books/kraken/ETH-USD?depth=0', 400, 'invalid_depth'],
        ['/v1/books/kraken/ETH-USD?depth=abc', 400, 'invalid_depth'],
        ['/v1/books/kraken/ETH-USD?depth=2.5', 400, 'invalid_depth'],
        ['/v1/books/kraken/DOGE-EUR', 404, 'unknown_symbol'],
        ['/v1/books/kraken/XBTUSD', 404, 'unknown_symbol'],
        ['/v1/books/bitmex/BTC-USD', 404, 'unknown_exchange'],
        ['/v1/books/kraken', 404, 'not_found'],
      ] as const) {
        const reply = await http(s, path);
        assert.deepEqual([reply.status, reply.json().error], [status, code], path);
      }
      assert.equal((await http(s, '/v1/books/kraken/doge-eur')).json().message, 'kraken has no configured symbol DOGE/EUR',
        'the normalized name, as on the WebSocket');
    });
  });
}
