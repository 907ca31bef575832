// One upstream socket's life: opens the WebSocket, paces what it sends (requests and pongs count against the
// venue's message rate), runs the venue session through a SessionDriver and ticks its watchdogs. It ends exactly
// once and says why; the owning UpstreamConnection decides what comes next (reconnect, or promote a successor).
import WebSocket from 'ws';
import type { VenueSession } from '../exchanges/types.ts';
import { PacedSender } from './paced-sender.ts';
import type { ReconnectCause } from './reconnect-policy.ts';
import { SessionDriver, type SessionDriverDeps } from './session-driver.ts';

/** The driver's port less what the socket itself provides (sending, ending), plus where to connect. */
export interface SocketSessionDeps extends Omit<SessionDriverDeps, 'send' | 'end' | 'defer'> {
  readonly url: string;
  /**
   * Called once, when the socket is gone for any reason but `retire()`/`stop()`. True: a successor took the books
   * over, so they are not marked stale. `notBefore` (epoch ms): the next connection must not start earlier.
   */
  readonly ended: (cause: ReconnectCause, detail: string, notBefore?: number) => boolean;
}

/** An outgoing text message, or the payload of a pong answering the venue's ping. */
type Outbound = string | { readonly pong: Buffer };

/** Unless the venue declares its own (VenueAdapter.maxFrameBytes). */
const DEFAULT_MAX_FRAME_BYTES = 64 * 1024 * 1024;
const CLOSE_GRACE_MS = 1000;

export class SocketSession {
  readonly driver: SessionDriver;
  openedAt = 0;
  /** Receive times of this socket's first and latest frames (0: none yet). */
  firstFrameAt = 0;
  lastFrameAt = 0;
  /** The venue closed with a close frame: every frame it sent before arrived (TCP keeps order). */
  closedByVenue = false;
  private readonly socket: WebSocket;
  private readonly sender: PacedSender<Outbound>;
  private ticker: NodeJS.Timeout | undefined;
  private done = false;

  constructor(private readonly deps: SocketSessionDeps) {
    const { config } = deps;
    const socket = new WebSocket(deps.url, {
      handshakeTimeout: config.connectTimeoutMs, perMessageDeflate: false, maxPayload: deps.adapter.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
      // Venue frames are JSON from a TLS connection we opened: an invalid byte cannot pass JSON parsing and book
      // verification unnoticed, so ws's per-frame UTF-8 scan is redundant work on the hot path.
      skipUTF8Validation: true,
      // Pongs go through the pacer: Binance counts them against its 5 messages/s.
      autoPong: false,
    });
    this.socket = socket;
    this.sender = new PacedSender<Outbound>(deps.adapter.outboundRate, deps.now, (message) => {
      if (socket.readyState !== WebSocket.OPEN) return;
      if (typeof message === 'string') socket.send(message);
      else socket.pong(message.pong);
    });
    this.driver = new SessionDriver({
      ...deps,
      send: (payload, urgent) => this.sender.send(payload, urgent),
      end: (cause, detail, notBefore) => this.finish(cause, detail, 'stale', notBefore),
    });
    this.listen();
  }

  get session(): VenueSession {
    return this.driver.session;
  }

  get isOpen(): boolean {
    return !this.done && this.socket.readyState === WebSocket.OPEN;
  }

  /** Replaced by a successor that now feeds every book: close without marking books stale. */
  retire(detail: string): void {
    this.finish('requested', detail, 'retire');
  }

  /** Gateway stopping: bots are told `shutting_down`. */
  stop(): void {
    this.finish('requested', 'gateway stopping', 'stop');
  }

  /** End for `cause` as if the venue had closed: books go stale and the owner is told. */
  end(cause: ReconnectCause, detail: string): void {
    this.finish(cause, detail, 'stale');
  }

  private listen(): void {
    const { socket, deps } = this;
    const { exchange, id } = deps;
    socket.on('unexpected-response', (request, response) => {
      const status = response.statusCode ?? 0;
      deps.observe({ type: 'handshake_rejected', exchange, connection: id, status });
      request.destroy();
      this.end(status === 429 || status === 418 ? 'rate_limited' : 'handshake_rejected', `HTTP ${status} on upgrade`);
    });
    socket.on('open', () => {
      this.openedAt = deps.now();
      deps.signal('opened');
      this.driver.opened();
      if (!this.done) this.ticker = setInterval(() => this.driver.tick(), tickIntervalMs(deps.config));
    });
    socket.on('ping', (payload) => this.sender.send({ pong: payload }, true));
    socket.on('message', (data, isBinary) => {
      if (isBinary) {
        deps.observe({ type: 'parse_error', exchange, connection: id, message: 'binary frame from a JSON venue' });
        return;
      }
      this.driver.frame(data.toString(), byteLength(data));
      // The driver read the clock for this frame; no second read on the hot path.
      this.lastFrameAt = this.driver.frameReceivedAt;
      if (this.firstFrameAt === 0) this.firstFrameAt = this.lastFrameAt;
    });
    socket.on('close', (code, reason) => {
      if (!this.done) this.closedByVenue = code !== 1006;
      this.end(code === 1013 ? 'maintenance' : 'closed', `close ${code}${reason.length > 0 ? ` ${reason.toString()}` : ''}`);
    });
    socket.on('error', (error) => this.end('error', error.message));
  }

  private finish(cause: ReconnectCause, detail: string, mode: 'stale' | 'retire' | 'stop', notBefore?: number): void {
    if (this.done) return;
    this.done = true;
    if (this.ticker !== undefined) clearInterval(this.ticker);
    this.sender.stop();
    closeSocket(this.socket, mode === 'stale' ? 4000 : 1000, mode === 'retire' ? 'rotated' : cause);
    const replaced = mode === 'stale' && this.deps.ended(cause, detail, notBefore);
    this.driver.ended(replaced ? 'retire' : mode, cause);
  }
}

function closeSocket(socket: WebSocket, code: number, reason: string): void {
  socket.removeAllListeners('message');
  socket.removeAllListeners('ping');
  socket.on('error', () => undefined);
  if (socket.readyState === WebSocket.OPEN) {
    socket.close(code, reason.slice(0, 120));
    setTimeout(() => socket.terminate(), CLOSE_GRACE_MS).unref();
  } else if (socket.readyState === WebSocket.CONNECTING) {
    socket.terminate();
  }
}

function byteLength(data: WebSocket.RawData): number {
  if (Array.isArray(data)) return data.reduce((sum, part) => sum + part.length, 0);
  return data instanceof ArrayBuffer ? data.byteLength : data.length;
}

/** Watchdogs are checked a few times per shortest deadline, at most once per second. */
function tickIntervalMs(config: SocketSessionDeps['config']): number {
  const shortest = Math.min(config.staleAfterMs, config.pongTimeoutMs, config.subscribeAckTimeoutMs,
    config.snapshotTimeoutMs, config.pingIntervalMs);
  return Math.max(20, Math.min(1000, Math.floor(shortest / 4)));
}
