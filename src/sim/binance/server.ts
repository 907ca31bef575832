// Binance spot simulator: market streams over `ws` and REST depth snapshots on one node:http server, serving
// seeded random-walk books with production framing (binance-spot.md §10) and fault knobs for integration tests.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { LevelText } from '../../core/model.ts';
import { boundPort, closeServers, listenOn, refuseUpgrade } from '../http-listener.ts';
import { rawText } from '../ws-text.ts';
import { BinanceConnection, ConnectionStats } from './connection.ts';
import { handleControl } from './control.ts';
import { BinanceFaults, type RestFailureStatus } from './faults.ts';
import type { SimTrade } from './market.ts';
import { MarketFeed } from './market-feed.ts';
import { resolveBinanceOptions, type BinanceSimulatorOptions, type ResolvedBinanceOptions } from './options.ts';
import { DepthRestApi } from './rest-api.ts';
import { parseUpgradePath } from './upgrade-path.ts';

export type { BinanceSimulatorOptions } from './options.ts';
export type { RestFailureStatus } from './faults.ts';
export type { SimTrade as BinanceSimTrade } from './market.ts';

export type BinanceCloseCode = 1000 | 1001 | 1006 | 1008 | 1011;

export interface BinanceSimulator {
  /** `ws://host:port/stream`: append `?streams=a/b` for a combined connection. `/ws` and `/ws/<s>` work too. */
  readonly url: string;
  /** `http://host:port`: `GET /api/v3/depth?symbol=BTCUSDT&limit=N`. */
  readonly restUrl: string;
  readonly port: number;
  /** Venue names served (`BTCUSDT`). */
  readonly venueSymbols: readonly string[];
  readonly connectionCount: number;
  readonly connectionsAccepted: number;
  /** Connections closed 1008 `Too many requests`. */
  readonly rateLimitCloses: number;
  /** The most incoming messages (text, PING, PONG) any connection sent within 1000 ms. */
  readonly maxMessagesInOneSecond: number;
  readonly pingsSent: number;
  readonly pongsReceived: number;
  /** Pongs that echoed the payload of an outstanding ping. */
  readonly pongsMatched: number;
  readonly pongTimeoutCloses: number;
  readonly lifetimeCloses: number;
  /** REST depth requests of any symbol, including refused ones. */
  readonly restRequests: number;
  /** REST depth requests naming `symbol` (`BTCUSDT` or `BTC/USDT`), including refused ones. */
  depthRequests(symbol: string): number;
  /** REST weight used in the current minute window. */
  readonly usedWeight: number;
  /** SUBSCRIBE messages received; with `stream`, those that listed it. URL streams are not counted. */
  subscribeRequests(stream?: string): number;
  /** The true book, best first, as [price, qty] text. `symbol`: `BTC/USDT` or `BTCUSDT`. */
  trueBook(symbol: string, depth: number): { bids: LevelText[]; asks: LevelText[] };
  /** The last update id of `symbol`: the `u` of its last depth event, and what a snapshot now reports. */
  updateId(symbol: string): number;
  /** Every trade produced (subscribed or not), oldest first. */
  trades(symbol: string): SimTrade[];
  pauseMarket(): void;
  resumeMarket(): void;
  /** Send `serverShutdown` to every open connection, then close them (1001) after `closeAfterMs` (default 0). */
  serverShutdown(options?: { closeAfterMs?: number }): void;
  /** The next depth event of `symbol` skips update ids (U > prev u + 1); the true book keeps the skipped changes. */
  gapNext(symbol: string): void;
  /** The next REST snapshot of `symbol` is a book from a few steps ago (older than streams already delivered). */
  staleSnapshotNext(symbol: string): void;
  /** The next `count` REST requests get `status` (with Retry-After for 429/418, or when `retryAfterS` is given). */
  failRest(status: RestFailureStatus, count?: number, retryAfterS?: number): void;
  /** Close every connection: 1006 ends TCP without a close frame. Default 1006. */
  dropConnections(code?: BinanceCloseCode, reason?: string): void;
  /** Close only the connection accepted last (e.g. a client's make-before-break successor). Default 1006. */
  dropNewestConnection(code?: BinanceCloseCode, reason?: string): void;
  /** Hold every outgoing frame (data, acks, pings, closes) while TCP stays open. */
  stall(): void;
  /** Deliver the held frames in order and carry on. */
  resume(): void;
  /** The next depth frame of `symbol` (each speed) is cut mid-way: invalid JSON hiding real changes. */
  truncateNextDepthFrame(symbol: string): void;
  /** The previous depth event of `symbol` is sent again before the next one: a stale duplicate. */
  duplicateNext(symbol: string): void;
  stop(): Promise<void>;
}

class BinanceSimulatorServer implements BinanceSimulator {
  connectionsAccepted = 0;
  private readonly faults = new BinanceFaults();
  private readonly stats = new ConnectionStats();
  private readonly connections = new Set<BinanceConnection>();
  private readonly subscribeCounts = new Map<string, number>();
  private subscribeMessages = 0;
  private readonly feed: MarketFeed;
  private readonly rest: DepthRestApi;
  private readonly http: Server;
  private readonly wss = new WebSocketServer({ noServer: true, autoPong: false });
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: ResolvedBinanceOptions) {
    this.feed = new MarketFeed(options, this.faults, this.connections);
    this.rest = new DepthRestApi(this.feed, this.faults, options);
    // A URL with 1024 streams is ~25 KB: above node's default 16 KB header limit.
    this.http = createServer({ maxHeaderSize: 256 * 1024 }, (request, response) => this.rest.handle(request, response));
    this.http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => this.onUpgrade(request, socket, head));
  }

  async listen(): Promise<void> {
    await listenOn(this.http, this.options.port, this.options.host);
    this.feed.start();
  }

  get port(): number {
    return boundPort(this.http);
  }

  get url(): string {
    return `ws://${this.options.host}:${this.port}/stream`;
  }

  get restUrl(): string {
    return `http://${this.options.host}:${this.port}`;
  }

  get venueSymbols(): string[] {
    return this.feed.venueSymbols;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  get rateLimitCloses(): number {
    return this.stats.rateLimitCloses;
  }

  get maxMessagesInOneSecond(): number {
    return this.stats.maxMessagesInOneSecond;
  }

  get pingsSent(): number {
    return this.stats.pingsSent;
  }

  get pongsReceived(): number {
    return this.stats.pongsReceived;
  }

  get pongsMatched(): number {
    return this.stats.pongsMatched;
  }

  get pongTimeoutCloses(): number {
    return this.stats.pongTimeoutCloses;
  }

  get lifetimeCloses(): number {
    return this.stats.lifetimeCloses;
  }

  get restRequests(): number {
    return this.rest.restRequests;
  }

  get usedWeight(): number {
    return this.rest.usedWeight();
  }

  depthRequests(symbol: string): number {
    return this.rest.depthRequests(symbol);
  }

  subscribeRequests(stream?: string): number {
    return stream === undefined ? this.subscribeMessages : this.subscribeCounts.get(stream) ?? 0;
  }

  trueBook(symbol: string, depth: number): { bids: LevelText[]; asks: LevelText[] } {
    const top = this.feed.feed(symbol).market.top(depth);
    return { bids: [...top.bids], asks: [...top.asks] };
  }

  updateId(symbol: string): number {
    return this.feed.feed(symbol).market.updateId;
  }

  trades(symbol: string): SimTrade[] {
    return [...this.feed.feed(symbol).market.allTrades()];
  }

  pauseMarket(): void {
    this.faults.marketPaused = true;
  }

  resumeMarket(): void {
    this.faults.marketPaused = false;
  }

  serverShutdown({ closeAfterMs = 0 }: { closeAfterMs?: number } = {}): void {
    for (const connection of this.connections) {
      connection.sendShutdownNotice();
      connection.after(closeAfterMs, () => connection.close(1001, 'Server shutdown'));
    }
  }

  gapNext(symbol: string): void {
    this.faults.gapNext(this.venueSymbol(symbol));
  }

  staleSnapshotNext(symbol: string): void {
    this.faults.staleSnapshotNext(this.venueSymbol(symbol));
  }

  failRest(status: RestFailureStatus, count = 1, retryAfterS?: number): void {
    this.faults.failRest(status, count, retryAfterS);
  }

  dropConnections(code: BinanceCloseCode = 1006, reason = ''): void {
    for (const connection of this.connections) closeConnection(connection, code, reason);
  }

  dropNewestConnection(code: BinanceCloseCode = 1006, reason = ''): void {
    const newest = [...this.connections].at(-1);
    if (newest !== undefined) closeConnection(newest, code, reason);
  }

  stall(): void {
    this.faults.stalled = true;
  }

  resume(): void {
    this.faults.stalled = false;
    for (const connection of this.connections) connection.flush();
  }

  truncateNextDepthFrame(symbol: string): void {
    this.faults.truncateNext(this.venueSymbol(symbol));
  }

  duplicateNext(symbol: string): void {
    this.faults.duplicateNext(this.venueSymbol(symbol));
  }

  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private venueSymbol(symbol: string): string {
    return this.feed.feed(symbol).instrument.venueSymbol;
  }

  private async shutdown(): Promise<void> {
    this.feed.stop();
    this.rest.stop();
    for (const connection of this.connections) connection.terminate();
    this.connections.clear();
    await closeServers(this.wss, this.http);
  }

  private onUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    if (this.stopping !== undefined) {
      socket.destroy();
      return;
    }
    const target = parseUpgradePath(request.url ?? '/', this.options.maxStreamsPerConnection);
    if (target.kind === 'refuse') {
      refuseUpgrade(socket, target.status, 'application/json', target.body);
      return;
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => this.onConnection(ws, target.combined, target.streams));
  }

  private onConnection(ws: WebSocket, combined: boolean, streams: readonly string[]): void {
    this.connectionsAccepted++;
    const connection = new BinanceConnection(ws, combined, streams, this.faults, this.options, this.stats);
    this.connections.add(connection);
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (!connection.countIncoming(performance.now()) || isBinary) return;
      this.onControl(connection, rawText(data));
    });
    ws.on('ping', (data: Buffer) => {
      if (connection.countIncoming(performance.now())) connection.onPing(data);
    });
    ws.on('pong', (data: Buffer) => {
      if (connection.countIncoming(performance.now())) connection.onPong(data.toString('utf8'));
    });
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      connection.dispose();
      this.connections.delete(connection);
    });
  }

  private onControl(connection: BinanceConnection, text: string): void {
    const outcome = handleControl(text, {
      streams: connection.streams, combined: connection.combined, maxStreams: this.options.maxStreamsPerConnection,
    });
    if (outcome.method === 'SUBSCRIBE') {
      this.subscribeMessages++;
      for (const stream of listedStreams(text)) this.subscribeCounts.set(stream, (this.subscribeCounts.get(stream) ?? 0) + 1);
    }
    if (outcome.subscribe !== undefined) connection.addStreams(outcome.subscribe);
    if (outcome.unsubscribe !== undefined) connection.removeStreams(outcome.unsubscribe);
    if (outcome.combined !== undefined) connection.combined = outcome.combined;
    connection.sendControl(outcome.reply);
    if (outcome.close !== undefined) connection.close(outcome.close.code, outcome.close.reason);
  }
}

function listedStreams(text: string): string[] {
  const request = JSON.parse(text) as { params?: unknown };
  return Array.isArray(request.params) ? request.params.filter((param): param is string => typeof param === 'string') : [];
}

export async function startBinanceSimulator(options: BinanceSimulatorOptions = {}): Promise<BinanceSimulator> {
  const simulator = new BinanceSimulatorServer(resolveBinanceOptions(options));
  await simulator.listen();
  return simulator;
}

function closeConnection(connection: BinanceConnection, code: BinanceCloseCode, reason: string): void {
  if (code === 1006) connection.terminate();
  else connection.close(code, reason);
}
