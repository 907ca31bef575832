// Starts the real downstream server (real hub, real BookStore fed with Kraken captures) and connects real
// `ws` bots to it.
import WebSocket from 'ws';
import type { ServerConfig } from '../../src/config/types.ts';
import { createDownstreamServer, type DownstreamServer } from '../../src/server/downstream-server.ts';
import type { ClientHub } from '../../src/server/client-hub.ts';
import { RecordingLog, RecordingMetrics } from './downstream-doubles.ts';
import { connectClient, type HubFactory, type RecordingClient } from './hub-harness.ts';
import { krakenFeed, type KrakenFeed } from './kraken-store-feed.ts';
import { ReferenceBot } from './reference-bot.ts';
import { waitFor } from './wait-for.ts';

export const TEST_SERVER_CONFIG: ServerConfig = {
  host: '127.0.0.1', port: 0, engine: 'auto', maxPayloadBytes: 4096, maxBackpressureBytes: 256 * 1024,
  maxSubscriptionsPerClient: 3, maxErrorsPerMinute: 20, idleTimeoutSeconds: 120,
};

export const METRICS_TEXT = '# HELP mgw_up Up.\n# TYPE mgw_up gauge\nmgw_up 1\n';

export interface RunningServer extends KrakenFeed {
  readonly server: DownstreamServer;
  readonly hub: ClientHub;
  readonly port: number;
  readonly metrics: RecordingMetrics;
  readonly log: RecordingLog;
  readonly wsUrl: string;
  readonly httpUrl: string;
}

/** `nowMs`: the server's clock (error windows); default the real one. */
export async function startServer(factory: HubFactory, config: Partial<ServerConfig> = {},
  nowMs: () => number = () => performance.timeOrigin + performance.now()): Promise<RunningServer> {
  const feed = krakenFeed(['ETH/USD', 'BTC/USD']);
  const metrics = new RecordingMetrics();
  const log = new RecordingLog();
  const hub = factory.create();
  const server = createDownstreamServer({
    config: { ...TEST_SERVER_CONFIG, ...config }, store: feed.store, hub, metrics, log,
    clock: { nowMs },
    status: () => ({ connectors: [{ exchange: 'kraken', state: 'live' }] }),
    metricsText: () => Promise.resolve(METRICS_TEXT),
  });
  const port = await server.start();
  return { ...feed, server, hub, port, metrics, log, wsUrl: `ws://127.0.0.1:${port}/v1/ws`, httpUrl: `http://127.0.0.1:${port}` };
}

export class Bot {
  readonly reference = new ReferenceBot();

  private constructor(readonly client: RecordingClient) {}

  static async connect(url: string): Promise<Bot> {
    return new Bot(await connectClient(url));
  }

  get ws(): WebSocket {
    return this.client.ws;
  }

  send(message: unknown): void {
    this.client.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  messages(): Record<string, unknown>[] {
    return this.client.received.map((text) => JSON.parse(text) as Record<string, unknown>);
  }

  /** The first message (after `from`) matching `predicate`, waiting for it. */
  async next(predicate: (message: Record<string, unknown>) => boolean, label: string, from = 0): Promise<Record<string, unknown>> {
    let found: Record<string, unknown> | undefined;
    await waitFor(() => {
      found = this.messages().slice(from).find(predicate);
      return found !== undefined;
    }, 5000, label);
    return found!;
  }

  /** Sends a request and waits for the reply (ack, pong or error) with its id. */
  async request(message: Record<string, unknown> & { id: number }): Promise<Record<string, unknown>> {
    const from = this.client.received.length;
    this.send(message);
    return this.next((reply) => reply.id === message.id, `reply to ${JSON.stringify(message)}`, from);
  }
}

/** How many of the messages `bot` received so far match `predicate`. */
export function countOf(bot: Bot, predicate: (message: Record<string, unknown>) => boolean): number {
  return bot.messages().filter(predicate).length;
}
