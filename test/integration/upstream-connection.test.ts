// One UpstreamConnection against small local venues (real sockets on 127.0.0.1), with its waits between attempts on a
// fake clock: reconnect backoff and connect-budget waits are checked at their exact values without waiting for them.
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { WebSocketServer, type WebSocket } from 'ws';
import { BookStore } from '../../src/book/book-store.ts';
import type { ReconnectConfig, VenueConfig } from '../../src/config/types.ts';
import { krakenAdapter } from '../../src/exchanges/kraken/index.ts';
import { ConnectBudget } from '../../src/feed/connect-budget.ts';
import type { FeedEvent } from '../../src/feed/feed-events.ts';
import { UpstreamConnection } from '../../src/feed/upstream-connection.ts';
import { venueConfig } from '../support/driver-harness.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { ETH_CAPTURE, readKrakenCaptureFrames } from '../support/kraken-fixtures.ts';
import { waitFor } from '../support/wait-for.ts';

const ETH = readKrakenCaptureFrames(ETH_CAPTURE);

/** A venue that accepts every socket, sends the captured status and, in `feed` mode, the ack and the snapshot; then closes. */
class DroppingVenue {
  accepted = 0;
  feed = false;
  private readonly server: WebSocketServer;

  private constructor(server: WebSocketServer) {
    this.server = server;
    server.on('connection', (socket: WebSocket) => {
      this.accepted++;
      socket.send(ETH[0]!);
      if (!this.feed) {
        socket.close(1000);
        return;
      }
      // Answer the book subscribe with the captured ack and snapshot, then drop once they are out.
      socket.once('message', () => {
        socket.send(ETH[1]!);
        socket.send(ETH[2]!, () => socket.close(1000));
      });
    });
  }

  static async start(): Promise<DroppingVenue> {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    return new DroppingVenue(server);
  }

  get url(): string {
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('unexpected address');
    return `ws://127.0.0.1:${address.port}`;
  }

  stop(): Promise<void> {
    for (const client of this.server.clients) client.terminate();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

interface Running {
  readonly connection: UpstreamConnection;
  readonly events: FeedEvent[];
  readonly clock: FakeClock;
  readonly budget: ConnectBudget;
  scheduled(): Extract<FeedEvent, { type: 'reconnect_scheduled' }>[];
}

const running: UpstreamConnection[] = [];
after(async () => {
  await Promise.all(running.map((connection) => connection.stop()));
});

type Overrides = Partial<Omit<VenueConfig, 'reconnect'>> & { reconnect?: Partial<ReconnectConfig> };

function connect(url: string, overrides: Overrides = {},
  prepare: (budget: ConnectBudget, clock: FakeClock) => void = () => undefined): Running {
  const base = venueConfig('kraken');
  const config: VenueConfig = { ...base, url, symbols: ['ETH/USD'], bookDepth: 25, ...overrides,
    reconnect: { ...base.reconnect, ...overrides.reconnect } };
  const store = new BookStore({ tradeBufferSize: 10 });
  store.register('kraken', 'ETH/USD', { depth: 25, checksum: krakenAdapter.bookChecksum, checksumLevels: 10 });
  const clock = new FakeClock();
  const budget = new ConnectBudget(config.reconnect);
  prepare(budget, clock);
  const events: FeedEvent[] = [];
  const connection = new UpstreamConnection({
    adapter: krakenAdapter, config, store, exchange: 'kraken', id: 1, symbols: ['ETH/USD'], budget,
    observe: (event) => events.push(event), metrics: { frameReceived: () => undefined, dataReceived: () => undefined },
    now: clock.now, sleep: clock.sleep, random: () => 0.5,
  });
  running.push(connection);
  connection.start();
  return {
    connection, events, clock, budget,
    scheduled: () => events.filter((event): event is Extract<FeedEvent, { type: 'reconnect_scheduled' }> =>
      event.type === 'reconnect_scheduled'),
  };
}

describe('upstream connection: backoff and connect budget (fake clock, real sockets)', () => {
  it('a venue that accepts the socket and drops it before any data: delays grow; the first data resets them', async () => {
    const venue = await DroppingVenue.start();
    try {
      const run = connect(venue.url);
      for (let attempt = 1; attempt <= 5; attempt++) {
        await waitFor(() => run.scheduled().length === attempt && run.clock.sleeping.length === 1, 5_000, `attempt ${attempt}`);
        run.clock.advance(run.clock.sleeping[0]!);
      }
      // Full jitter at random 0.5 of min(30 s, 250 ms × 2^failures): a socket that opened proved nothing.
      assert.deepEqual(run.scheduled().map((event) => [event.cause, event.failures, event.delayMs]),
        [['closed', 1, 125], ['closed', 2, 250], ['closed', 3, 500], ['closed', 4, 1_000], ['closed', 5, 2_000]]);
      venue.feed = true;
      await waitFor(() => run.scheduled().length === 6, 5_000, 'the fed session ends');
      assert.deepEqual(run.scheduled().slice(5).map((event) => [event.failures, event.delayMs]), [[1, 125]],
        'book data proved the session healthy: fast again');
      assert.equal(venue.accepted, 6);
      await run.connection.stop();
    } finally {
      await venue.stop();
    }
  });

  it('the venue\'s connect budget: an attempt waits for a free slot, to the millisecond', async () => {
    const venue = await DroppingVenue.start();
    try {
      // Another connection of the venue took the only slot of the window just now.
      const run = connect(venue.url, { reconnect: { budgetAttempts: 1, budgetWindowMs: 600_000 } },
        (budget, clock) => budget.record(clock.now()));
      await waitFor(() => run.clock.sleeping.length === 1, 5_000, 'waiting for the budget');
      assert.deepEqual(run.events.filter((event) => event.type === 'connect_budget_wait'),
        [{ type: 'connect_budget_wait', exchange: 'kraken', connection: 1, waitMs: 600_000, used: 1 }]);
      run.clock.advance(599_999);
      assert.deepEqual(run.clock.sleeping, [1]);
      assert.equal(venue.accepted, 0);
      run.clock.advance(1);
      await waitFor(() => run.scheduled().length === 1, 5_000, 'the attempt, then its failure');
      assert.equal(venue.accepted, 1);
      // Its failure: 125 ms of backoff, then the budget is full again until this attempt leaves the window.
      assert.deepEqual(run.scheduled().map((event) => [event.delayMs, event.budgetWaitMs]), [[600_000, 599_875]]);
      await run.connection.stop();
    } finally {
      await venue.stop();
    }
  });
});

describe('upstream connection: the connect (handshake) timeout', () => {
  it('a venue that accepts TCP but never answers the upgrade: the attempt ends after connectTimeoutMs', async () => {
    const sockets: Socket[] = [];
    const server: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('unexpected address');
    try {
      const started = performance.now();
      const run = connect(`ws://127.0.0.1:${address.port}`, { connectTimeoutMs: 200 });
      await waitFor(() => run.scheduled().length === 1, 5_000, 'the attempt timed out');
      assert.ok(performance.now() - started >= 200, 'not before the timeout');
      assert.deepEqual(run.scheduled().map((event) => [event.cause, event.detail]), [['error', 'Opening handshake has timed out']]);
      assert.deepEqual(run.events.filter((event) => event.type === 'upstream_unreachable').map((event) => event.detail),
        ['Opening handshake has timed out'], 'the venue was not reached');
      assert.equal(sockets.length, 1);
      await run.connection.stop();
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
