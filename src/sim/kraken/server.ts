// Kraken Spot WS v2 simulator: a `ws` server on a node:http server, serving seeded random-walk books with
// production framing (kraken-v2.md §12) and fault knobs for integration tests.
import { createServer, STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { LevelText } from '../../core/model.ts';
import { boundPort, closeServers, listenOn, refuseUpgrade } from '../http-listener.ts';
import { OwnedTimers } from '../owned-timers.ts';
import { SeededRandom } from '../seeded-random.ts';
import { rawText } from '../ws-text.ts';
import { SimConnection, subscriptionKey } from './connection.ts';
import { FaultState, type HandshakeRejectStatus } from './faults.ts';
import { MarketFeed } from './market-feed.ts';
import { resolveSimulatorOptions, type KrakenSimulatorOptions, type ResolvedSimulatorOptions } from './options.ts';
import { handleClientMessage, RequestCounts, type RequestContext } from './request-handler.ts';
import { statusFrame, type KrakenSystemStatus, type SimTrade } from './wire-format.ts';

export type { KrakenSimulatorOptions } from './options.ts';

export type SimCloseCode = 1000 | 1001 | 1006 | 1011 | 1013;

export interface KrakenSimulator {
  /** `ws://host:port/v2` (any path is accepted). */
  readonly url: string;
  readonly port: number;
  /** Open connections now. */
  readonly connectionCount: number;
  /** Upgrades completed since start. */
  readonly connectionsAccepted: number;
  /** Upgrades refused by `rejectHandshakes`. */
  readonly handshakesRejected: number;
  /** Current handshake delay; settable. */
  handshakeDelayMs: number;
  subscribeRequests(symbol: string, channel?: string): number;
  unsubscribeRequests(symbol: string, channel?: string): number;
  /** The server's true book, best first, as [price, size] text. */
  trueBook(symbol: string, depth: number): { bids: LevelText[]; asks: LevelText[] };
  /** Every trade the market produced (whether or not anyone was subscribed), oldest first. */
  trades(symbol: string): SimTrade[];
  /** Close every connection: 1006 ends TCP without a close frame; 1001/1013 carry Kraken's reasons. Default 1006. */
  dropConnections(code?: SimCloseCode, reason?: string): void;
  /**
   * Every open connection delivers `frames` more frames (status, acks, data, heartbeats…) and is then dropped with
   * `code` (default 1006). With no connection open, applies to the next connection accepted. One-shot.
   */
  dropAfterFrames(frames: number, code?: SimCloseCode): void;
  /** Hold every outgoing frame (status, heartbeats, pongs, acks, data) while TCP stays open; idle closes wait. */
  stall(): void;
  /** Deliver the held frames in order and carry on. */
  resume(): void;
  stopHeartbeats(stopped?: boolean): void;
  /** The next book frame (snapshot or update) for `symbol` carries a wrong checksum. */
  corruptNextChecksum(symbol: string): void;
  /** The next book update for `symbol` is cut mid-way (invalid JSON hiding real changes). */
  truncateNextBookFrame(symbol: string): void;
  /** Answer the next `count` upgrades with this HTTP status instead of 101. */
  rejectHandshakes(status: HandshakeRejectStatus, count?: number): void;
  /** Push a `status` update to every connection; new connections get it too. */
  sendStatus(system: KrakenSystemStatus): void;
  /** New subscriptions to `symbol` are acked but never get a snapshot, updates or trades. */
  silentSubscriptions(symbol: string, silent?: boolean): void;
  /** Subscriptions to `symbol` that are already live stop being fed, silently (no unsubscribe, no error). */
  muteLiveSubscriptions(symbol: string, channels?: readonly ('book' | 'trade')[]): void;
  /** Freeze the markets so a client's book can be compared with `trueBook`. */
  pauseMarket(): void;
  resumeMarket(): void;
  /** The next `requests` subscribe/unsubscribe requests fail with `Exceeded msg rate`. */
  exceededMsgRate(requests?: number): void;
  stop(): Promise<void>;
}

class KrakenSimulatorServer implements KrakenSimulator {
  connectionsAccepted = 0;
  handshakesRejected = 0;
  private readonly faults: FaultState;
  private readonly connections = new Set<SimConnection>();
  private readonly counts = new RequestCounts();
  private readonly feed: MarketFeed;
  private readonly context: RequestContext;
  private readonly ids: SeededRandom;
  private readonly http: Server;
  private readonly wss = new WebSocketServer({ noServer: true, autoPong: false });
  private readonly pendingUpgrades = new OwnedTimers();
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: ResolvedSimulatorOptions) {
    this.faults = new FaultState(options.handshakeDelayMs);
    this.feed = new MarketFeed(options, this.faults, this.connections);
    this.context = {
      feed: this.feed, faults: this.faults, counts: this.counts, instruments: options.instruments,
      snapshotDelayMs: options.snapshotDelayMs,
    };
    this.ids = new SeededRandom((options.seed ^ 0x9e3779b9) >>> 0);
    this.http = createServer((_request, response) => {
      response.writeHead(426, { 'content-type': 'text/plain' }).end('WebSocket upgrade required\n');
    });
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
    return `ws://${this.options.host}:${this.port}/v2`;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  get handshakeDelayMs(): number {
    return this.faults.handshakeDelayMs;
  }

  set handshakeDelayMs(delayMs: number) {
    this.faults.handshakeDelayMs = delayMs;
  }

  subscribeRequests(symbol: string, channel?: string): number {
    return this.counts.get('subscribe', symbol, channel);
  }

  unsubscribeRequests(symbol: string, channel?: string): number {
    return this.counts.get('unsubscribe', symbol, channel);
  }

  trueBook(symbol: string, depth: number): { bids: LevelText[]; asks: LevelText[] } {
    const top = this.feed.market(symbol).top(depth);
    return { bids: [...top.bids], asks: [...top.asks] };
  }

  trades(symbol: string): SimTrade[] {
    return this.feed.trades(symbol);
  }

  dropConnections(code: SimCloseCode = 1006, reason?: string): void {
    for (const connection of this.connections) connection.drop(code, reason);
  }

  dropAfterFrames(frames: number, code: SimCloseCode = 1006): void {
    if (this.connections.size === 0) this.faults.pendingDropAfter = { frames, code };
    for (const connection of this.connections) connection.dropAfterFrames(frames, code);
  }

  stall(): void {
    this.faults.stalled = true;
  }

  resume(): void {
    this.faults.stalled = false;
    for (const connection of this.connections) connection.flush();
  }

  stopHeartbeats(stopped = true): void {
    this.faults.heartbeatsStopped = stopped;
  }

  truncateNextBookFrame(symbol: string): void {
    this.feed.market(symbol);
    this.faults.truncateNextBookFrame(symbol);
  }

  corruptNextChecksum(symbol: string): void {
    this.feed.market(symbol);
    this.faults.corruptNextChecksum(symbol);
  }

  rejectHandshakes(status: HandshakeRejectStatus, count = 1): void {
    this.faults.rejectHandshakes(status, count);
  }

  sendStatus(system: KrakenSystemStatus): void {
    this.faults.system = system;
    for (const connection of this.connections) connection.send(statusFrame(system, connection.connectionId));
  }

  muteLiveSubscriptions(symbol: string, channels: readonly ('book' | 'trade')[] = ['book', 'trade']): void {
    for (const connection of this.connections) {
      for (const channel of channels) {
        const subscription = connection.subscriptions.get(subscriptionKey(channel, symbol));
        if (subscription !== undefined) subscription.silent = true;
      }
    }
  }

  silentSubscriptions(symbol: string, silent = true): void {
    this.faults.setSilent(symbol, silent);
  }

  pauseMarket(): void {
    this.faults.marketPaused = true;
  }

  resumeMarket(): void {
    this.faults.marketPaused = false;
  }

  exceededMsgRate(requests = 1): void {
    this.faults.exceedMsgRate(requests);
  }

  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    this.feed.stop();
    this.pendingUpgrades.clear();
    for (const connection of this.connections) connection.drop(1006);
    this.connections.clear();
    await closeServers(this.wss, this.http);
  }

  private onUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    if (this.stopping !== undefined) {
      socket.destroy();
      return;
    }
    const status = this.faults.takeHandshakeRejection();
    if (status !== undefined) {
      this.handshakesRejected++;
      refuseUpgrade(socket, status, 'text/plain', `${STATUS_CODES[status] ?? 'Error'}\n`);
      return;
    }
    const accept = () => {
      if (this.stopping !== undefined || socket.destroyed) return;
      this.wss.handleUpgrade(request, socket, head, (ws) => this.onConnection(ws));
    };
    if (this.faults.handshakeDelayMs <= 0) return accept();
    this.pendingUpgrades.after(this.faults.handshakeDelayMs, accept);
  }

  private onConnection(ws: WebSocket): void {
    this.connectionsAccepted++;
    const connection = new SimConnection(ws, this.nextConnectionId(), this.faults, this.options);
    this.connections.add(connection);
    ws.on('message', (data: RawData, isBinary: boolean) => {
      connection.touch();
      if (!isBinary) handleClientMessage(connection, rawText(data), this.context);
    });
    // Protocol-level pings are answered by hand so a stall silences them too. Unlike a JSON ping they do not
    // count as activity for the idle timeout (Kraken: "use the JSON one to keep the session alive").
    ws.on('ping', (data: Buffer) => {
      if (!this.faults.stalled) ws.pong(data);
    });
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      connection.dispose();
      this.connections.delete(connection);
    });
    const dropAfter = this.faults.pendingDropAfter;
    this.faults.pendingDropAfter = undefined;
    if (dropAfter !== undefined) connection.dropAfterFrames(dropAfter.frames, dropAfter.code);
    connection.send(statusFrame(this.faults.system, connection.connectionId));
  }

  /** Kraken connection ids are 64-bit and usually above 2^53 (kraken-v2.md §1.1); ours always are. */
  private nextConnectionId(): bigint {
    const id = this.ids.uint64();
    return id > 2n ** 53n ? id : id + 2n ** 60n;
  }
}

export async function startKrakenSimulator(options: KrakenSimulatorOptions = {}): Promise<KrakenSimulator> {
  const simulator = new KrakenSimulatorServer(resolveSimulatorOptions(options));
  await simulator.listen();
  return simulator;
}
