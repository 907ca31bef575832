// One upstream WebSocket connection for a shard of a venue's symbols: connects, runs the venue session,
// reconnects with p-retry and the ReconnectPolicy, and keeps the watchdogs (pong deadline, data-only
// staleness, subscribe-ack and first-snapshot deadlines).
import { setTimeout as sleep } from 'node:timers/promises';
import pRetry from 'p-retry';
import WebSocket from 'ws';
import type { BookStore } from '../book/book-store.ts';
import type { VenueConfig } from '../config/types.ts';
import type { ExchangeId } from '../core/model.ts';
import type { VenueAdapter } from '../exchanges/types.ts';
import type { ConnectBudget } from './connect-budget.ts';
import type { ConnectionState, FeedMetrics, FeedObserver } from './feed-events.ts';
import { type ReconnectCause, ReconnectPolicy } from './reconnect-policy.ts';
import { PacedSender } from './paced-sender.ts';
import { ResyncBudget } from './resync-budget.ts';
import { SessionDriver } from './session-driver.ts';

/** What a venue's connections share (the venue connector hands it to each). */
export interface VenueDeps {
  readonly adapter: VenueAdapter;
  readonly config: VenueConfig;
  readonly store: BookStore;
  readonly observe: FeedObserver;
  readonly metrics: FeedMetrics;
  readonly now?: () => number;
  readonly random?: () => number;
}

export interface UpstreamConnectionDeps extends VenueDeps {
  readonly exchange: ExchangeId;
  readonly id: number;
  readonly symbols: readonly string[];
  /** The venue's connection-attempt budget, shared by all its connections. */
  readonly budget: ConnectBudget;
}

export class ConnectionEnded extends Error {
  constructor(readonly endCause: ReconnectCause, readonly detail: string) {
    super(`${endCause}: ${detail}`);
    this.name = 'ConnectionEnded';
  }
}

const MAX_UPSTREAM_FRAME_BYTES = 64 * 1024 * 1024;
const CLOSE_GRACE_MS = 1000;

export class UpstreamConnection {
  private state: ConnectionState = 'idle';
  private readonly policy: ReconnectPolicy;
  private readonly resyncBudget: ResyncBudget;
  private readonly venue = { degraded: false };
  private readonly abort = new AbortController();
  private running: Promise<void> | undefined;
  private socket: WebSocket | undefined;
  private driver: SessionDriver | undefined;
  private endSession: ((cause: ReconnectCause, detail: string) => void) | undefined;
  private lastCloseDetail = '';
  private connectedAt = 0;
  private readonly now: () => number;

  constructor(private readonly deps: UpstreamConnectionDeps) {
    this.policy = new ReconnectPolicy(deps.config.reconnect, deps.random, deps.budget);
    this.resyncBudget = new ResyncBudget(deps.config);
    this.now = deps.now ?? Date.now;
  }

  start(): void {
    if (this.running !== undefined || this.abort.signal.aborted) return;
    this.running = this.runForever();
  }

  async stop(): Promise<void> {
    if (!this.abort.signal.aborted) {
      this.abort.abort();
      this.endSession?.('requested', 'gateway stopping');
    }
    await this.running;
    this.setState('stopped');
  }

  /** Ask for a reconnect (e.g. an operator or a venue action). */
  reconnect(detail: string): void {
    this.endSession?.('requested', detail);
  }

  status(): Record<string, unknown> {
    return {
      connection: this.deps.id, url: this.deps.config.url, state: this.state, symbols: this.deps.symbols,
      attemptsInBudgetWindow: this.policy.attemptsInWindow(this.now()),
      connectedAt: this.connectedAt === 0 ? null : new Date(this.connectedAt).toISOString(),
      lastDataAt: this.driver?.lastDataAt ? new Date(this.driver.lastDataAt).toISOString() : null,
      lastClose: this.lastCloseDetail || null,
    };
  }

  get connectionState(): ConnectionState {
    return this.state;
  }

  private async runForever(): Promise<void> {
    const signal = this.abort.signal;
    try {
      await pRetry(async () => {
        await this.reserveAttempt();
        await this.runSession();
      }, {
        retries: Infinity, minTimeout: 0, factor: 1, signal,
        shouldRetry: () => !signal.aborted,
        onFailedAttempt: async ({ error }) => {
          if (signal.aborted) return;
          const ended = error instanceof ConnectionEnded ? error : new ConnectionEnded('error', error.message);
          const decision = this.policy.next(ended.endCause, this.now());
          this.lastCloseDetail = ended.message;
          this.setState('backoff');
          this.deps.observe({ type: 'reconnect_scheduled', exchange: this.deps.exchange, connection: this.deps.id,
            cause: ended.endCause, detail: ended.detail, ...decision });
          await sleep(decision.delayMs, undefined, { signal }).catch(() => undefined);
        },
      });
    } catch (error) {
      if (!signal.aborted) throw error;
    }
  }

  /** Waits until the venue's connect budget has a free slot and takes it (the first attempt too). */
  private async reserveAttempt(): Promise<void> {
    const signal = this.abort.signal;
    for (;;) {
      if (signal.aborted) return;
      const now = this.now();
      const waitMs = this.policy.reserveAttempt(now);
      if (waitMs === 0) return;
      this.deps.observe({ type: 'connect_budget_wait', exchange: this.deps.exchange, connection: this.deps.id, waitMs,
        used: this.policy.attemptsInWindow(now) });
      await sleep(waitMs, undefined, { signal }).catch(() => undefined);
    }
  }

  /** One socket's life. Rejects with ConnectionEnded when it ends; resolves only when stopping. */
  private runSession(): Promise<void> {
    if (this.abort.signal.aborted) return Promise.resolve();
    const { config, exchange, id } = this.deps;
    this.setState('connecting');
    return new Promise<void>((resolve, reject) => {
      const socket = new WebSocket(config.url, {
        handshakeTimeout: config.connectTimeoutMs, perMessageDeflate: false, maxPayload: MAX_UPSTREAM_FRAME_BYTES,
      });
      this.socket = socket;
      const sender = new PacedSender(this.deps.adapter.outboundRate, this.now, (payload) => {
        if (socket.readyState === WebSocket.OPEN) socket.send(payload);
      });
      const driver = new SessionDriver({
        ...this.deps, now: this.now, resyncBudget: this.resyncBudget, venue: this.venue,
        send: (payload, urgent) => sender.send(payload, urgent),
        end: (cause, detail) => end(cause, detail),
        healthy: () => this.policy.markHealthy(),
        live: () => this.setState('live'),
      });
      this.driver = driver;
      let ended = false;
      let ticker: NodeJS.Timeout | undefined;
      const end = (cause: ReconnectCause, detail: string): void => {
        if (ended) return;
        ended = true;
        if (ticker !== undefined) clearInterval(ticker);
        sender.stop();
        this.endSession = undefined;
        driver.ended(this.abort.signal.aborted, cause);
        closeSocket(socket, this.abort.signal.aborted ? 1000 : 4000, cause);
        if (this.abort.signal.aborted) resolve();
        else reject(new ConnectionEnded(cause, detail));
      };
      this.endSession = end;
      socket.on('unexpected-response', (request, response) => {
        const status = response.statusCode ?? 0;
        this.deps.observe({ type: 'handshake_rejected', exchange, connection: id, status });
        request.destroy();
        end(status === 429 || status === 418 ? 'rate_limited' : 'handshake_rejected', `HTTP ${status} on upgrade`);
      });
      socket.on('open', () => {
        this.connectedAt = this.now();
        this.setState('subscribing');
        driver.opened();
        ticker = setInterval(() => driver.tick(), tickIntervalMs(config));
      });
      socket.on('message', (data, isBinary) => {
        if (isBinary) {
          this.deps.observe({ type: 'parse_error', exchange, connection: id, message: 'binary frame from a JSON venue' });
          return;
        }
        driver.frame(data.toString(), byteLength(data));
      });
      socket.on('close', (code, reason) => {
        end(code === 1013 ? 'maintenance' : 'closed', `close ${code}${reason.length > 0 ? ` ${reason.toString()}` : ''}`);
      });
      socket.on('error', (error) => end('error', error.message));
    });
  }

  private setState(state: ConnectionState): void {
    if (state === this.state) return;
    const previous = this.state;
    this.state = state;
    this.deps.observe({ type: 'connection_state', exchange: this.deps.exchange, connection: this.deps.id, state, previous,
      url: this.deps.config.url });
  }
}

function closeSocket(socket: WebSocket, code: number, reason: string): void {
  socket.removeAllListeners('message');
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
function tickIntervalMs(config: VenueConfig): number {
  const shortest = Math.min(config.staleAfterMs, config.pongTimeoutMs, config.subscribeAckTimeoutMs,
    config.snapshotTimeoutMs, config.pingIntervalMs);
  return Math.max(20, Math.min(1000, Math.floor(shortest / 4)));
}
