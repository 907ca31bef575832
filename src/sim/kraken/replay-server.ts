// Replays real Kraken captures over WebSocket the way Kraken sent them: the captured status on connect, then per
// book subscribe the captured ack and the captured snapshot, updates and heartbeats, in capture order, paced by the
// capture's receive times divided by `speed` (0 = as fast as possible). Never reorders.
import { createServer, type Server } from 'node:http';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { LevelText } from '../../core/model.ts';
import { boundPort, closeServers, listenOn } from '../http-listener.ts';
import { rawText } from '../ws-text.ts';
import { readCbcapFile } from './cbcap.ts';
import { assetsFor, findInstrument, type KrakenInstrument } from './instruments.ts';
import { preciseNow } from './market-feed.ts';
import { buildReplayPlan, finalBook, type ReplayInputFrame, type ReplayPlan } from './replay-plan.ts';
import { parseClientRequest } from './requests.ts';
import { errorResponse, KrakenErrors, NOT_FOUND_METHOD, pongResponse, successResponse } from './responses.ts';
import { StreamPlayer } from './stream-player.ts';
import { instrumentFrame, quote, rfc3339Micros, statusFrame } from './wire-format.ts';

export type ReplaySource = { readonly file: string | URL } | { readonly frames: readonly ReplayInputFrame[] };

export interface KrakenReplayOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0. */
  readonly port?: number;
  /** One capture per symbol: a `.cbcap` file or frames (text, or text with receive times). */
  readonly captures: readonly ReplaySource[];
  /** 1 = real time (default), 10 = ten times faster, 0 = as fast as possible. */
  readonly speed?: number;
  /** Replay the original client's unsubscribe/subscribe acks and re-snapshots verbatim (see replay-plan.ts). */
  readonly keepResubscribes?: boolean;
}

export interface KrakenReplayServer {
  readonly url: string;
  readonly port: number;
  readonly symbols: readonly string[];
  readonly connectionCount: number;
  readonly connectionsAccepted: number;
  /** (connection, symbol) streams that played to their last frame. */
  readonly streamsCompleted: number;
  /** The book a client holds after the whole capture, truncated to `depth` (default: the captured depth). */
  expectedFinalBook(depth?: number, symbol?: string): { bids: LevelText[]; asks: LevelText[] };
  /** Book snapshots + updates a subscriber of `symbol` receives. */
  bookFrameCount(symbol?: string): number;
  plan(symbol?: string): ReplayPlan;
  stop(): Promise<void>;
}

interface ReplayConnection {
  readonly socket: WebSocket;
  readonly players: Map<string, StreamPlayer>;
  instrument: boolean;
}

class ReplayServer implements KrakenReplayServer {
  connectionsAccepted = 0;
  streamsCompleted = 0;
  private readonly plans = new Map<string, ReplayPlan>();
  private readonly connections = new Set<ReplayConnection>();
  private readonly http: Server = createServer((_request, response) => response.writeHead(426).end());
  private readonly wss = new WebSocketServer({ server: this.http });
  private readonly speed: number;
  private nextConnectionId = 2n ** 62n + 1n;
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: KrakenReplayOptions) {
    this.speed = options.speed ?? 1;
    for (const source of options.captures) {
      const frames = 'file' in source ? readCbcapFile(source.file).frames : source.frames;
      const plan = buildReplayPlan(frames, options.keepResubscribes ?? false);
      this.plans.set(plan.symbol, plan);
    }
    if (this.plans.size === 0) throw new RangeError('replay: no captures');
    this.wss.on('connection', (socket) => this.onConnection(socket));
    // Listen errors reach the caller through listen(); the ws server re-emits them.
    this.wss.on('error', () => undefined);
  }

  async listen(): Promise<void> {
    await listenOn(this.http, this.options.port ?? 0, this.options.host ?? '127.0.0.1');
  }

  get port(): number {
    return boundPort(this.http);
  }

  get url(): string {
    return `ws://${this.options.host ?? '127.0.0.1'}:${this.port}/v2`;
  }

  get symbols(): string[] {
    return [...this.plans.keys()];
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  plan(symbol?: string): ReplayPlan {
    const plan = symbol === undefined ? this.plans.values().next().value : this.plans.get(symbol);
    if (plan === undefined) throw new RangeError(`replay has no capture for ${symbol ?? '(none)'}`);
    return plan;
  }

  expectedFinalBook(depth?: number, symbol?: string): { bids: LevelText[]; asks: LevelText[] } {
    return finalBook(this.plan(symbol), depth);
  }

  bookFrameCount(symbol?: string): number {
    return this.plan(symbol).bookFrames;
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      for (const connection of this.connections) this.dispose(connection);
      for (const client of this.wss.clients) client.terminate();
      await closeServers(this.wss, this.http);
    })();
    return this.stopping;
  }

  private onConnection(socket: WebSocket): void {
    this.connectionsAccepted++;
    const connection: ReplayConnection = { socket, players: new Map(), instrument: false };
    this.connections.add(connection);
    socket.on('message', (data: RawData, isBinary: boolean) => {
      if (!isBinary) this.onRequest(connection, rawText(data));
    });
    socket.on('error', () => socket.terminate());
    socket.on('close', () => {
      this.dispose(connection);
      this.connections.delete(connection);
    });
    const captured = [...this.plans.values()].find((plan) => plan.status !== undefined)?.status;
    socket.send(captured ?? statusFrame('online', this.nextConnectionId++));
  }

  private onRequest(connection: ReplayConnection, text: string): void {
    const timeIn = rfc3339Micros(preciseNow());
    const request = parseClientRequest(text);
    const timing = () => ({ reqId: request.reqId, timeIn, timeOut: rfc3339Micros(preciseNow()) });
    const send = (frame: string) => connection.socket.send(frame);
    if (request.kind === 'ping') return send(pongResponse(timing()));
    if (request.kind !== 'subscribe' && request.kind !== 'unsubscribe') {
      return send(errorResponse(KrakenErrors.malformed, request.kind === 'unsupported' ? request.method : 'unknown', timing()));
    }
    const method = request.kind;
    if (request.channel === 'instrument') return this.instrument(connection, method, timing);
    if (request.channel !== 'book' && request.channel !== 'trade') {
      return send(errorResponse(KrakenErrors.unsupportedChannel, method, timing()));
    }
    const depth = request.depth ?? 10;
    for (const symbol of request.symbols ?? []) {
      const plan = this.plans.get(symbol);
      const playing = connection.players.get(symbol);
      if (plan === undefined) send(errorResponse(KrakenErrors.pairNotSupported(symbol), method, timing(), symbol));
      else if (request.channel === 'trade') {
        // Captures hold no trades: the subscription is acknowledged and stays quiet.
        const result: Array<[string, string | undefined]> = [['channel', quote('trade')],
          ['snapshot', method === 'subscribe' ? String(request.snapshot ?? false) : undefined], ['symbol', quote(symbol)]];
        send(successResponse(method, result, timing()));
      } else if (method === 'unsubscribe') {
        if (playing === undefined) send(errorResponse(KrakenErrors.notFound, NOT_FOUND_METHOD, timing(), symbol));
        else {
          playing.stop();
          connection.players.delete(symbol);
          send(successResponse(method, [['channel', quote('book')], ['depth', String(plan.depth)], ['symbol', quote(symbol)]], timing()));
        }
      } else if (depth !== plan.depth) send(errorResponse(KrakenErrors.depthNotSupported, method, timing()));
      else if (playing !== undefined) send(errorResponse(KrakenErrors.alreadySubscribed, method, timing(), symbol));
      else this.play(connection, plan, request.reqId);
    }
  }

  private play(connection: ReplayConnection, plan: ReplayPlan, reqId: number | undefined): void {
    connection.socket.send(reqId === undefined ? plan.ack : plan.ack.replace('{"method":"subscribe",', `{"method":"subscribe","req_id":${reqId},`));
    const player: StreamPlayer = new StreamPlayer(plan.frames, this.speed, {
      send: (text) => connection.socket.send(text),
      // One heartbeat stream per connection, as on the wire: the earliest stream still playing sends its captured ones.
      sendsHeartbeats: (): boolean => [...connection.players.values()].find((other) => !other.done) === player,
      onDone: () => {
        this.streamsCompleted++;
      },
    });
    connection.players.set(plan.symbol, player);
    player.start();
  }

  private instrument(connection: ReplayConnection, method: 'subscribe' | 'unsubscribe', timing: () => { timeIn: string; timeOut: string }): void {
    const send = (frame: string) => connection.socket.send(frame);
    if (method === 'unsubscribe') {
      if (!connection.instrument) return send(errorResponse(KrakenErrors.notFound, NOT_FOUND_METHOD, timing()));
      connection.instrument = false;
      return send(successResponse(method, [['channel', quote('instrument')]], timing()));
    }
    if (connection.instrument) return send(errorResponse(KrakenErrors.alreadySubscribed, method, timing()));
    connection.instrument = true;
    send(successResponse(method, [['channel', quote('instrument')], ['snapshot', 'true']], timing()));
    const pairs = this.symbols.map(findInstrument).filter((pair): pair is KrakenInstrument => pair !== undefined);
    send(instrumentFrame('snapshot', assetsFor(pairs), pairs));
  }

  private dispose(connection: ReplayConnection): void {
    for (const player of connection.players.values()) player.stop();
    connection.players.clear();
  }
}

export async function startKrakenReplayServer(options: KrakenReplayOptions): Promise<KrakenReplayServer> {
  const server = new ReplayServer(options);
  await server.listen();
  return server;
}
