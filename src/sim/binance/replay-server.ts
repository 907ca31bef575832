// Plays back a real Binance capture: WebSocket frames verbatim and in order, REST depth snapshots with the recorded
// bodies. A recorded snapshot stays at its recorded place in the stream (snapshot-gate.ts), so a client following
// binance-spot.md §6.3 rebuilds exactly the books the capture's `.expected.json` describes.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { boundPort, closeServers, listenOn } from '../http-listener.ts';
import { rawText } from '../ws-text.ts';
import { handleControl } from './control.ts';
import { readBinanceCapture, type BinanceCapture } from './replay-capture.ts';
import { SnapshotGate } from './snapshot-gate.ts';
import { depthWeight, WeightBudget } from './weight-budget.ts';

export interface BinanceReplayOptions {
  /** A `capture-*.jsonl` file (fixtures/binance/SOURCES.md). */
  readonly capture: string | URL;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0. */
  readonly port?: number;
  /** 0 = as fast as possible (default), 1 = recorded timing, 10 = ten times faster. */
  readonly speed?: number;
  /** Longest wait for a snapshot request at a recorded snapshot (and for playback, by an early request). Default 5000. */
  readonly snapshotWaitMs?: number;
}

export interface BinanceReplayServer {
  /** `ws://host:port/stream` (append `?streams=…`). */
  readonly url: string;
  readonly restUrl: string;
  readonly port: number;
  /** Venue symbols in the capture (`NKNUSDT`), in order of appearance. */
  readonly symbols: readonly string[];
  /** The connect URL recorded in the capture. */
  readonly recordedUrl: string | undefined;
  /** Resolves when a connection has been sent every frame of the capture. */
  readonly finished: Promise<void>;
  readonly isFinished: boolean;
  /** WebSocket frames sent, all connections. */
  readonly framesSent: number;
  readonly connectionCount: number;
  readonly connectionsAccepted: number;
  snapshotRequests(symbol?: string): number;
  stop(): Promise<void>;
}

interface ReplayConnection {
  readonly socket: WebSocket;
  readonly streams: Set<string>;
  readonly abort: AbortController;
  playing: boolean;
}

/** `x@depth` and `x@depth@100ms` carry the same events; a client asking for either gets the recorded speed. */
const depthKey = (stream: string) => stream.replace(/@depth@100ms$/, '@depth');

class ReplayServer implements BinanceReplayServer {
  connectionsAccepted = 0;
  framesSent = 0;
  isFinished = false;
  readonly finished: Promise<void>;
  private markFinished: () => void = () => undefined;
  private readonly capture: BinanceCapture;
  private readonly gate: SnapshotGate;
  private readonly weight = new WeightBudget(6000, 120_000);
  private readonly requests = new Map<string, number>();
  private readonly connections = new Set<ReplayConnection>();
  private readonly http: Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly speed: number;
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: BinanceReplayOptions) {
    this.capture = readBinanceCapture(options.capture);
    this.speed = options.speed ?? 0;
    this.gate = new SnapshotGate(options.snapshotWaitMs ?? 5000);
    this.finished = new Promise<void>((resolve) => {
      this.markFinished = resolve;
    });
    this.http = createServer((request, response) => this.onRest(request, response));
    this.http.on('upgrade', (request: IncomingMessage, socket, head: Buffer) => {
      socket.on('error', () => socket.destroy());
      const path = new URL(request.url ?? '/', 'http://localhost').pathname;
      if (this.stopping !== undefined || !(path.startsWith('/stream') || path.startsWith('/ws'))) {
        socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(request, socket, head, (ws) => this.onConnection(ws, request.url ?? '/'));
    });
  }

  async listen(): Promise<void> {
    await listenOn(this.http, this.options.port ?? 0, this.options.host ?? '127.0.0.1');
  }

  get port(): number {
    return boundPort(this.http);
  }

  get url(): string {
    return `ws://${this.options.host ?? '127.0.0.1'}:${this.port}/stream`;
  }

  get restUrl(): string {
    return `http://${this.options.host ?? '127.0.0.1'}:${this.port}`;
  }

  get symbols(): readonly string[] {
    return this.capture.symbols;
  }

  get recordedUrl(): string | undefined {
    return this.capture.openUrl;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  snapshotRequests(symbol?: string): number {
    if (symbol !== undefined) return this.requests.get(symbol) ?? 0;
    return [...this.requests.values()].reduce((sum, count) => sum + count, 0);
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      for (const connection of this.connections) connection.abort.abort();
      this.gate.releaseAll();
      for (const client of this.wss.clients) client.terminate();
      await closeServers(this.wss, this.http);
    })();
    return this.stopping;
  }

  private onConnection(socket: WebSocket, rawUrl: string): void {
    this.connectionsAccepted++;
    const url = new URL(rawUrl, 'http://localhost');
    const named = url.pathname.startsWith('/ws') ? url.pathname.slice(3).split('/') : (url.searchParams.get('streams') ?? '').split('/');
    const connection: ReplayConnection = {
      socket, streams: new Set(named.filter((name) => name !== '')), abort: new AbortController(), playing: true,
    };
    if (![...this.connections].some((other) => other.playing)) this.gate.reset();
    this.connections.add(connection);
    socket.on('message', (data: RawData, isBinary: boolean) => {
      if (!isBinary) this.onControl(connection, rawText(data));
    });
    socket.on('error', () => socket.terminate());
    socket.on('close', () => {
      connection.abort.abort();
      connection.playing = false;
      this.connections.delete(connection);
    });
    this.play(connection).catch(() => undefined);
  }

  private async play(connection: ReplayConnection): Promise<void> {
    const signal = connection.abort.signal;
    let previousTs: number | undefined;
    let burst = 0;
    for (const entry of this.capture.entries) {
      if (signal.aborted) return;
      if (this.speed > 0 && previousTs !== undefined && entry.recvTs > previousTs) {
        await sleep(((entry.recvTs - previousTs) * 1000) / this.speed, undefined, { signal });
      } else if (++burst % 64 === 0) {
        await nextTurn(undefined, { signal });
      }
      previousTs = entry.recvTs;
      if (entry.kind === 'rest') {
        if (this.wantsDepth(connection, entry.symbol)) await this.gate.reach(entry.symbol, entry.ordinal);
        continue;
      }
      if (signal.aborted) return;
      if (!this.wants(connection, entry.stream)) continue;
      connection.socket.send(entry.text);
      this.framesSent++;
    }
    connection.playing = false;
    this.isFinished = true;
    this.markFinished();
  }

  private wants(connection: ReplayConnection, stream: string | undefined): boolean {
    if (stream === undefined || connection.streams.size === 0 || connection.streams.has(stream)) return true;
    return [...connection.streams].some((name) => depthKey(name) === depthKey(stream));
  }

  private wantsDepth(connection: ReplayConnection, symbol: string): boolean {
    return this.wants(connection, `${symbol.toLowerCase()}@depth`);
  }

  private onControl(connection: ReplayConnection, text: string): void {
    const outcome = handleControl(text, { streams: [...connection.streams], combined: true, maxStreams: 1024 });
    for (const stream of outcome.subscribe ?? []) connection.streams.add(stream);
    for (const stream of outcome.unsubscribe ?? []) connection.streams.delete(stream);
    connection.socket.send(outcome.reply);
  }

  private onRest(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (!/^\/api\/v[13]\/depth$/.test(url.pathname)) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found\n');
      return;
    }
    const symbol = url.searchParams.get('symbol') ?? '';
    this.requests.set(symbol, (this.requests.get(symbol) ?? 0) + 1);
    const decision = this.weight.charge(depthWeight(Number(url.searchParams.get('limit') ?? 100) || 100), Date.now());
    const headers = { 'content-type': 'application/json;charset=UTF-8', 'x-mbx-used-weight': String(decision.used),
      'x-mbx-used-weight-1m': String(decision.used) };
    const bodies = this.capture.snapshots.get(symbol);
    if (bodies === undefined || bodies.length === 0) {
      response.writeHead(400, headers).end('{"code":-1121,"msg":"Invalid symbol."}');
      return;
    }
    const playing = [...this.connections].some((connection) => connection.playing && this.wantsDepth(connection, symbol));
    const { ordinal, ready } = this.gate.request(symbol, playing);
    const body = bodies[Math.min(ordinal, bodies.length - 1)] ?? '';
    void ready.then(() => {
      if (!response.destroyed) response.writeHead(200, headers).end(body);
    });
  }
}

export async function startBinanceReplayServer(options: BinanceReplayOptions): Promise<BinanceReplayServer> {
  const server = new ReplayServer(options);
  await server.listen();
  return server;
}
