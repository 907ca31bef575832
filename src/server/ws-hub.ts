// ClientHub on the pure-JS `ws` package: the fallback when native uWebSockets.js cannot load. It mirrors
// uws-hub.ts: frames sent while a backlog is above the limit are dropped, onClose runs as soon as close() is
// called, drain is reported once the backlog is back under the limit, idle sockets are pinged then closed.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type {
  ClientHub, ClientSocket, HttpResponse, HubHandlers, HubOptions, SendOutcome,
} from './client-hub.ts';
import { answerHttp, splitTarget, statusLine } from './hub-http.ts';
import { validateHubOptions } from './hub-options.ts';
import { ENGINE_PAYLOAD_CEILING_BYTES, OVERSIZE_CLOSE_CODE, oversizeReason } from './oversize-frame.ts';

/** How long close() waits for clients to answer the close handshake before cutting their sockets. */
const CLOSE_GRACE_MS = 1000;

const protocolErrorCodes: ReadonlyMap<string, number> = new Map([
  ['WS_ERR_UNSUPPORTED_MESSAGE_LENGTH', 1009],
  ['WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH', 1009],
  ['WS_ERR_INVALID_UTF8', 1007],
]);

class WsClient implements ClientSocket {
  closed = false;
  /** Cleared by the heartbeat, set by any frame from the client. */
  alive = true;
  private congested = false;
  private readonly afterWrite = (): void => {
    if (this.congested && !this.closed && this.ws.bufferedAmount <= this.limitBytes) {
      this.congested = false;
      this.onDrain(this);
    }
  };

  constructor(
    readonly id: number,
    readonly remoteAddress: string,
    private readonly ws: WebSocket,
    private readonly limitBytes: number,
    private readonly onDrain: (client: WsClient) => void,
    private readonly onClosed: (client: WsClient, code: number) => void,
  ) {}

  send(text: string, bytes?: Uint8Array): SendOutcome {
    if (this.closed) return 'closed';
    if (this.ws.bufferedAmount > this.limitBytes) {
      this.congested = true;
      return 'backpressure';
    }
    this.ws.send(bytes ?? text, { binary: false }, this.afterWrite);
    if (this.ws.bufferedAmount > this.limitBytes) {
      this.congested = true;
      return 'backpressure';
    }
    return 'sent';
  }

  bufferedBytes(): number {
    return this.closed ? 0 : this.ws.bufferedAmount;
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.ws.close(code, reason);
    this.finish(code);
  }

  /** The socket is gone or going: report it once. */
  finish(code: number): void {
    if (this.closed) return;
    this.closed = true;
    this.onClosed(this, code);
  }
}

export class WsHub implements ClientHub {
  readonly engine = 'ws' as const;
  private server: Server | null = null;
  private readonly sockets = new Map<WebSocket, WsClient>();
  private heartbeat: NodeJS.Timeout | null = null;
  private nextId = 1;
  private closing: Promise<void> | null = null;

  constructor(readonly engineDetail = 'ws') {}

  listen(options: HubOptions, handlers: HubHandlers): Promise<number> {
    if (this.server !== null || this.closing !== null) {
      return Promise.reject(new Error('WsHub.listen: a hub listens once; create a new hub'));
    }
    try {
      validateHubOptions(options);
    } catch (error) {
      return Promise.reject(error);
    }
    const wss = new WebSocketServer({
      noServer: true,
      maxPayload: ENGINE_PAYLOAD_CEILING_BYTES,
      perMessageDeflate: false,
      clientTracking: false,
    });
    const server = createServer((req, res) => this.serveHttp(req, res, handlers));
    this.server = server;
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.on('error', () => socket.destroy());
      const { path, query } = splitTarget(req.url ?? '/');
      if (this.closing !== null) {
        writeRawResponse(socket, { status: 503, contentType: 'text/plain', body: '' });
      } else if (path !== options.wsPath) {
        // uWS routes an upgrade on another path to the HTTP handler; do the same.
        answerHttp(handlers, { method: (req.method ?? 'GET').toUpperCase(), path, query },
          (response) => writeRawResponse(socket, response));
      } else {
        wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, req, options, handlers));
      }
    });
    return new Promise<number>((resolve, reject) => {
      const onError = (error: Error): void => {
        this.server = null;
        reject(new Error(`ws hub could not listen on ${options.host}:${options.port}: ${error.message}`));
      };
      server.once('error', onError);
      server.listen(options.port, options.host, () => {
        server.off('error', onError);
        if (options.idleTimeoutSeconds > 0) this.startHeartbeat(options.idleTimeoutSeconds);
        const address = server.address();
        resolve(typeof address === 'object' && address !== null ? address.port : options.port);
      });
    });
  }

  close(code = 1001, reason = 'gateway shutting down'): Promise<void> {
    if (this.closing !== null) return this.closing;
    const server = this.server;
    if (server === null) {
      this.closing = Promise.resolve();
      return this.closing;
    }
    if (this.heartbeat !== null) clearInterval(this.heartbeat);
    this.heartbeat = null;
    this.closing = new Promise<void>((resolve) => {
      const grace = setTimeout(() => {
        for (const ws of this.sockets.keys()) ws.terminate();
        server.closeAllConnections();
      }, CLOSE_GRACE_MS);
      server.close(() => {
        clearTimeout(grace);
        this.server = null;
        resolve();
      });
      for (const client of [...this.sockets.values()]) client.close(code, reason);
      server.closeIdleConnections();
    });
    return this.closing;
  }

  private accept(ws: WebSocket, req: IncomingMessage, options: HubOptions, handlers: HubHandlers): void {
    const remote = req.socket.remoteAddress ?? '';
    const client = new WsClient(this.nextId++, remote.startsWith('::ffff:') ? remote.slice(7) : remote, ws,
      options.maxBackpressureBytes, (drained) => handlers.onDrain(drained),
      (closed, code) => handlers.onClose(closed, code));
    this.sockets.set(ws, client);
    const markAlive = (): void => {
      client.alive = true;
    };
    ws.on('message', (data: RawData, isBinary: boolean) => {
      client.alive = true;
      if (client.closed) return;
      const bytes = rawByteLength(data);
      if (bytes > options.maxPayloadBytes) {
        client.close(OVERSIZE_CLOSE_CODE, oversizeReason(bytes, options.maxPayloadBytes));
        return;
      }
      handlers.onMessage(client, rawToText(data), isBinary);
    });
    ws.on('pong', markAlive);
    ws.on('ping', markAlive);
    // ws sends the close frame itself on protocol errors, but its 'close' event then says 1006.
    let errorCode: number | undefined;
    ws.on('error', (error: Error & { code?: string }) => {
      errorCode = error.code === undefined ? undefined : protocolErrorCodes.get(error.code);
    });
    ws.on('close', (code: number) => {
      this.sockets.delete(ws);
      client.finish(errorCode ?? code);
    });
    handlers.onOpen(client);
  }

  private startHeartbeat(idleTimeoutSeconds: number): void {
    // A socket silent for a whole period gets a ping; silent for the next one too, it is cut (like uWS).
    this.heartbeat = setInterval(() => {
      for (const [ws, client] of this.sockets) {
        if (!client.alive) {
          ws.terminate();
          continue;
        }
        client.alive = false;
        ws.ping();
      }
    }, (idleTimeoutSeconds * 1000) / 2);
    this.heartbeat.unref();
  }

  private serveHttp(req: IncomingMessage, res: ServerResponse, handlers: HubHandlers): void {
    const { path, query } = splitTarget(req.url ?? '/');
    answerHttp(handlers, { method: (req.method ?? 'GET').toUpperCase(), path, query }, (response) => {
      if (res.writableEnded || res.destroyed || req.socket.destroyed) return;
      res.writeHead(response.status, {
        'content-type': response.contentType,
        'content-length': Buffer.byteLength(response.body),
      });
      res.end(response.body);
    });
  }
}

function rawByteLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((sum, part) => sum + part.length, 0);
  return data.byteLength;
}

function rawToText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

function writeRawResponse(socket: Duplex, response: HttpResponse): void {
  if (socket.destroyed) return;
  const body = Buffer.from(response.body, 'utf8');
  socket.end(`HTTP/1.1 ${statusLine(response.status)}\r\ncontent-type: ${response.contentType}\r\n`
    + `content-length: ${body.length}\r\nconnection: close\r\n\r\n${response.body}`);
}
