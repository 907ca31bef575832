// Plays a real Coinbase capture back as Coinbase sent it: once a client sends its first subscribe, every recorded
// server frame goes out verbatim and in order (data before acks, every channel the recording client subscribed,
// sequence numbers as recorded), whatever the client asked for. A client that does not subscribe within 5 s is
// closed, as by the venue.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { COINBASE_SUBSCRIBE_DEADLINE_MS } from '../../exchanges/coinbase/spec.ts';
import { boundPort, closeServers, listenOn } from '../http-listener.ts';
import { rawText } from '../ws-text.ts';
import { readCoinbaseCapture, type CoinbaseCapture } from './replay-capture.ts';

export interface CoinbaseReplayOptions {
  /** A `capture-*.jsonl.gz` file (test/fixtures/coinbase/SOURCES.md). */
  readonly capture: string | URL;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0. */
  readonly port?: number;
  /** 0 = as fast as possible (default), 1 = recorded timing, 10 = ten times faster. */
  readonly speed?: number;
}

export interface CoinbaseReplayServer {
  readonly url: string;
  readonly port: number;
  /** Server frames in the capture. */
  readonly frameCount: number;
  /** Resolves when a connection has been sent every frame of the capture. */
  readonly finished: Promise<void>;
  readonly framesSent: number;
  readonly connectionsAccepted: number;
  /** Client messages received, all connections (the subscribes). */
  readonly received: readonly string[];
  stop(): Promise<void>;
}

class ReplayServer implements CoinbaseReplayServer {
  connectionsAccepted = 0;
  framesSent = 0;
  readonly received: string[] = [];
  readonly finished: Promise<void>;
  private markFinished: () => void = () => undefined;
  private readonly capture: CoinbaseCapture;
  private readonly http: Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly aborts = new Set<AbortController>();
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: CoinbaseReplayOptions) {
    this.capture = readCoinbaseCapture(options.capture);
    this.finished = new Promise<void>((resolve) => {
      this.markFinished = resolve;
    });
    this.http = createServer((_request, response) => {
      response.writeHead(426, { 'content-type': 'text/plain' }).end('WebSocket upgrade required\n');
    });
    this.http.on('upgrade', (request: IncomingMessage, socket, head: Buffer) => {
      socket.on('error', () => socket.destroy());
      if (this.stopping !== undefined) {
        socket.destroy();
        return;
      }
      this.wss.handleUpgrade(request, socket, head, (ws) => this.onConnection(ws));
    });
  }

  async listen(): Promise<void> {
    await listenOn(this.http, this.options.port ?? 0, this.options.host ?? '127.0.0.1');
  }

  get port(): number {
    return boundPort(this.http);
  }

  get url(): string {
    return `ws://${this.options.host ?? '127.0.0.1'}:${this.port}`;
  }

  get frameCount(): number {
    return this.capture.frames.length;
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      for (const abort of this.aborts) abort.abort();
      for (const client of this.wss.clients) client.terminate();
      await closeServers(this.wss, this.http);
    })();
    return this.stopping;
  }

  private onConnection(socket: WebSocket): void {
    this.connectionsAccepted++;
    const abort = new AbortController();
    this.aborts.add(abort);
    const deadline = setTimeout(() => socket.close(1000, 'subscribe timeout'), COINBASE_SUBSCRIBE_DEADLINE_MS);
    let playing = false;
    socket.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) return;
      this.received.push(rawText(data));
      if (playing) return;
      playing = true;
      clearTimeout(deadline);
      this.play(socket, abort.signal).catch(() => undefined);
    });
    socket.on('error', () => socket.terminate());
    socket.on('close', () => {
      clearTimeout(deadline);
      abort.abort();
      this.aborts.delete(abort);
    });
  }

  private async play(socket: WebSocket, signal: AbortSignal): Promise<void> {
    const speed = this.options.speed ?? 0;
    let previous: number | undefined;
    let burst = 0;
    for (const frame of this.capture.frames) {
      if (signal.aborted) return;
      if (speed > 0 && previous !== undefined && frame.ts > previous) {
        await sleep(((frame.ts - previous) * 1000) / speed, undefined, { signal });
      } else if (++burst % 32 === 0) {
        await nextTurn(undefined, { signal });
      }
      previous = frame.ts;
      if (signal.aborted) return;
      socket.send(frame.text);
      this.framesSent++;
    }
    this.markFinished();
  }
}

export async function startCoinbaseReplayServer(options: CoinbaseReplayOptions): Promise<CoinbaseReplayServer> {
  const server = new ReplayServer(options);
  await server.listen();
  return server;
}
