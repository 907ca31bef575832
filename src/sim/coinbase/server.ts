// Coinbase Advanced Trade simulator: a `ws` server on a node:http server, serving seeded random-walk books in the
// live wire format (wire-format.ts) with the venue's rules (5 s subscribe deadline, idle-channel close, 8 messages
// per second) and fault knobs for integration tests: sequence gaps, lost, repeated and reordered frames, stalls,
// error frames, dropped connections.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { LevelText } from '../../core/model.ts';
import { boundPort, closeServers, listenOn } from '../http-listener.ts';
import { OwnedTimers } from '../owned-timers.ts';
import { rawText } from '../ws-text.ts';
import { CoinbaseSimConnection, ConnectionStats } from './connection.ts';
import { CoinbaseFaults, type FrameFault } from './faults.ts';
import { coinbaseInstrument } from './instruments.ts';
import { CoinbaseMarketFeed } from './market-feed.ts';
import { resolveCoinbaseOptions, type CoinbaseSimulatorOptions, type ResolvedCoinbaseOptions } from './options.ts';
import { handleRequest, type RequestContext } from './requests.ts';
import type { SimTrade } from './wire-format.ts';

export type { CoinbaseSimulatorOptions } from './options.ts';

export type CoinbaseCloseCode = 1000 | 1001 | 1006 | 1011;

export interface CoinbaseSimulator {
  /** `ws://host:port` (any path is accepted). */
  readonly url: string;
  readonly port: number;
  readonly connectionCount: number;
  readonly connectionsAccepted: number;
  readonly stats: Readonly<ConnectionStats>;
  /** Requests seen, e.g. `requests('subscribe', 'level2', 'BTC/USD')`; without a symbol, messages of that kind. */
  requests(type: 'subscribe' | 'unsubscribe', channel: string, symbol?: string): number;
  /** The true book, best first, as [price, size] text. */
  trueBook(symbol: string, depth: number): { bids: LevelText[]; asks: LevelText[] };
  /** Every trade the market made (subscribed or not), oldest first. */
  trades(symbol: string): SimTrade[];
  /** The next `count` frames of `channel` (wire name, default `l2_data`) get `fault`, on whichever connection sends first. */
  frameFault(fault: FrameFault, channel?: string, count?: number): void;
  /** Hold every outgoing frame while TCP stays open. */
  stall(): void;
  /** Deliver the held frames in order and carry on. */
  resume(): void;
  /** The next `count` subscribes are answered with this error frame instead. */
  failSubscribes(message: string, count?: number): void;
  /** An error frame to every connection now. */
  sendError(message: string): void;
  /** Close every connection: 1006 ends TCP without a close frame. Default 1006. */
  dropConnections(code?: CoinbaseCloseCode): void;
  /** A quiet product's market stands still (no update, no trade): without heartbeats its channels close as idle. */
  quiet(symbol: string, quiet?: boolean): void;
  /** Freeze every market so a client's book can be compared with `trueBook`. */
  pauseMarket(): void;
  resumeMarket(): void;
  stop(): Promise<void>;
}

/** The heartbeat counter is the server's, not the connection's: it starts well above 0 (§3.1). */
const HEARTBEAT_COUNTER_START = 41_691;

class CoinbaseSimulatorServer implements CoinbaseSimulator {
  connectionsAccepted = 0;
  readonly stats = new ConnectionStats();
  private readonly faults = new CoinbaseFaults();
  private readonly connections = new Set<CoinbaseSimConnection>();
  private readonly counts = new Map<string, number>();
  private readonly feed: CoinbaseMarketFeed;
  private readonly context: RequestContext;
  private readonly http: Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly timers = new OwnedTimers();
  private readonly startedAt = Date.now();
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: ResolvedCoinbaseOptions) {
    this.feed = new CoinbaseMarketFeed(options, this.faults, this.connections);
    this.context = {
      feed: this.feed, faults: this.faults, options,
      count: (key) => this.counts.set(key, (this.counts.get(key) ?? 0) + 1),
      after: (delayMs, action) => this.timers.after(delayMs, action),
    };
    this.http = createServer((_request, response) => {
      response.writeHead(426, { 'content-type': 'text/plain' }).end('WebSocket upgrade required\n');
    });
    this.http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.on('error', () => socket.destroy());
      if (this.stopping !== undefined) {
        socket.destroy();
        return;
      }
      this.wss.handleUpgrade(request, socket, head, (ws) => this.onConnection(ws));
    });
  }

  async listen(): Promise<void> {
    await listenOn(this.http, this.options.port, this.options.host);
    this.feed.start();
  }

  get port(): number {
    return boundPort(this.http);
  }

  get url(): string {
    return `ws://${this.options.host}:${this.port}`;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  requests(type: 'subscribe' | 'unsubscribe', channel: string, symbol?: string): number {
    const product = symbol === undefined ? '' : ` ${coinbaseInstrument(symbol).productId}`;
    return this.counts.get(`${type} ${channel}${product}`) ?? 0;
  }

  trueBook(symbol: string, depth: number): { bids: LevelText[]; asks: LevelText[] } {
    return this.feed.market(coinbaseInstrument(symbol).productId).top(depth);
  }

  trades(symbol: string): SimTrade[] {
    return [...this.feed.market(coinbaseInstrument(symbol).productId).trades()];
  }

  frameFault(fault: FrameFault, channel = 'l2_data', count = 1): void {
    this.faults.armFrameFault(fault, channel, count);
  }

  stall(): void {
    this.faults.stalled = true;
  }

  resume(): void {
    this.faults.stalled = false;
    for (const connection of this.connections) connection.flush();
  }

  failSubscribes(message: string, count = 1): void {
    this.faults.failSubscribes(message, count);
  }

  sendError(message: string): void {
    for (const connection of this.connections) connection.sendError(message);
  }

  dropConnections(code: CoinbaseCloseCode = 1006): void {
    for (const connection of this.connections) connection.close(code, code === 1006 ? '' : 'going away');
  }

  quiet(symbol: string, quiet = true): void {
    this.faults.setQuiet(coinbaseInstrument(symbol).productId, quiet);
  }

  pauseMarket(): void {
    this.faults.marketPaused = true;
  }

  resumeMarket(): void {
    this.faults.marketPaused = false;
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.feed.stop();
      this.timers.clear();
      for (const connection of this.connections) connection.close(1006);
      this.connections.clear();
      await closeServers(this.wss, this.http);
    })();
    return this.stopping;
  }

  private onConnection(ws: WebSocket): void {
    this.connectionsAccepted++;
    const connection = new CoinbaseSimConnection(ws, this.faults, this.options, this.stats, () => {
      const uptimeSeconds = (Date.now() - this.startedAt) / 1000;
      return { counter: HEARTBEAT_COUNTER_START + Math.floor(uptimeSeconds), uptimeSeconds: HEARTBEAT_COUNTER_START + uptimeSeconds };
    });
    this.connections.add(connection);
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (!isBinary) handleRequest(connection, rawText(data), this.context);
    });
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      connection.dispose();
      this.connections.delete(connection);
    });
  }
}

export async function startCoinbaseSimulator(options: CoinbaseSimulatorOptions = {}): Promise<CoinbaseSimulator> {
  const simulator = new CoinbaseSimulatorServer(resolveCoinbaseOptions(options));
  await simulator.listen();
  return simulator;
}
