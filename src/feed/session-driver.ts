// Runs one venue session on one open socket: feeds frames through the pure session, applies its events
// to the store, executes its actions, and checks the watchdogs on each tick.
import { performance } from 'node:perf_hooks';
import { applyVenueEvent } from '../book/book-sync.ts';
import type { BookStatusReason } from '../core/model.ts';
import type { SessionAction, SessionOutput, VenueEvent, VenueSession } from '../exchanges/types.ts';
import type { FrameTap } from '../observability/flight-recorder.ts';
import type { ReconnectCause } from './reconnect-policy.ts';
import type { RestSnapshotSource } from './rest-snapshot-source.ts';
import type { ResyncBudget, ResyncVerdict } from './resync-budget.ts';
import { ClientHeartbeat } from './client-heartbeat.ts';
import { booksOnEnd, booksOnOpen, type SocketEnd } from './connection-books.ts';
import { SilenceWatch } from './silence-watch.ts';
import { requestSnapshot } from './snapshot-request.ts';
import { TradeSubscriptionWatch } from './trade-subscription-watch.ts';
import { FAILED_RETRY_MAX_MS, SubscriptionTracker } from './subscription-tracker.ts';
import type { UpstreamConnectionDeps } from './connection-deps.ts';
import { FrameSlices } from './frame-slices.ts';
import type { VenueCondition } from './venue-condition.ts';
import type { ConnectionSignalSink } from './connection-signals.ts';

/** What a driver needs: the venue's shared parts, its connection's identity, and the socket's port. */
export interface SessionDriverDeps extends Omit<UpstreamConnectionDeps, 'budget' | 'random' | 'now' | 'snapshots'> {
  readonly now: () => number;
  readonly snapshots: RestSnapshotSource | undefined;
  /** Make-before-break: the session this one takes the books over from (they are live already). */
  readonly predecessor?: VenueSession;
  /** Kept by the connection across reconnects. */
  readonly resyncBudget: ResyncBudget;
  /** The venue's engine state, kept by the connection across reconnects. */
  readonly venue: VenueCondition;
  /** `urgent`: ahead of queued requests (a ping must not wait behind a resubscribe burst). */
  readonly send: (payload: string, urgent: boolean) => void;
  /** `notBefore` (epoch ms): the next connection must not start earlier. */
  readonly end: (cause: ReconnectCause, detail: string, notBefore?: number) => void;
  /** Runs the rest of a frame's work on a later event-loop turn (default setImmediate; benches run it at once). */
  readonly defer?: (work: () => void) => void;
  /** `healthy`, `live`, `server_shutdown`, `handover_complete` for the connection slot. */
  readonly signal: ConnectionSignalSink;
}

const INTEGRITY_REASONS: ReadonlySet<BookStatusReason> = new Set(['checksum_mismatch', 'crossed_book', 'malformed_frame',
  'sequence_gap']);
const RESYNC_NOW: ResyncVerdict = { verdict: 'resync' };

export class SessionDriver {
  lastDataAt = 0;
  /** Last book and last trade message per symbol: one subscription can go silent while the connection flows. */
  private readonly silence: SilenceWatch;
  /** Clock read once per frame (or per open, tick, takeover); the events that produces use it. */
  private receivedAt = 0;
  readonly session: VenueSession;
  /** When the last frame was received (the clock read `frame()` made). */
  frameReceivedAt = 0;
  private readonly tracker: SubscriptionTracker;
  /** Trade subscriptions: rejected ones retried, acked-but-silent ones resubscribed (books: the tracker). */
  private readonly trades: TradeSubscriptionWatch;
  private sawData = false;
  private readonly heartbeat: ClientHeartbeat;
  private pingSeq = 0;
  /** Sends made now are pings: they go ahead of queued requests. */
  private urgent = false;
  /** The connection ended: the rest of the current frame or tick is dropped. */
  private over = false;
  /** A frame's remaining work (SessionOutput.next) and the frames that arrived meanwhile, in order. */
  private readonly slices: FrameSlices;
  private tap: FrameTap | undefined;

  constructor(private readonly deps: SessionDriverDeps) {
    const { config, symbols } = deps;
    this.session = deps.adapter.createSession({ symbols, bookDepth: config.bookDepth, tradeSnapshot: config.tradeSnapshot,
      ...(deps.predecessor === undefined ? {} : { predecessor: deps.predecessor }) });
    this.tracker = new SubscriptionTracker(symbols, config);
    this.trades = new TradeSubscriptionWatch({ snapshotExpected: config.tradeSnapshot, snapshotTimeoutMs: config.snapshotTimeoutMs,
      retryFirstMs: config.subscribeRetryMs, retryMaxMs: FAILED_RETRY_MAX_MS });
    this.silence = new SilenceWatch(symbols, ['book', 'trades']);
    this.heartbeat = new ClientHeartbeat(deps.adapter.heartbeat === 'client-ping', config.pingIntervalMs, config.pongTimeoutMs);
    this.slices = new FrameSlices(deps.defer ?? setImmediate, {
      frame: (text, bytes) => this.frameNow(text, bytes),
      slice: (next) => {
        this.receivedAt = this.deps.now();
        return this.runSlice(next(this.receivedAt));
      },
      done: (bytes, seconds) => this.deps.metrics.frameReceived(this.deps.exchange, bytes, seconds),
      over: () => this.over,
    });
  }

  opened(): void {
    const now = this.receivedAt = this.deps.now();
    this.tap = this.deps.recorder?.openSocket({ exchange: this.deps.exchange, connection: this.deps.id,
      symbols: this.deps.symbols, config: this.deps.config }, now);
    booksOnOpen(this.deps.store, this.deps.exchange, this.deps.symbols);
    this.lastDataAt = now;
    this.silence.restart(now);
    this.heartbeat.opened(now);
    this.tracker.opened(now);
    // A successor's books are live and fed by the predecessor until handed over: no first-snapshot deadlines.
    if (this.deps.predecessor !== undefined) for (const symbol of this.deps.symbols) this.tracker.snapshot(symbol);
    this.run(this.session.onOpen(now));
  }

  /** Every book on this connection is live (or rejected by the venue). */
  allLive(): boolean {
    return this.tracker.allLive();
  }

  /** Successor: the predecessor is gone; books not handed over continue here or resync (see VenueSession.takeOver). */
  takeOver(predecessorCurrent: boolean): void {
    if (this.over || this.session.takeOver === undefined) return;
    this.receivedAt = this.deps.now();
    this.run(this.session.takeOver(this.receivedAt, predecessorCurrent));
  }

  /** One text frame as received; it waits while an earlier frame's work continues over several turns. */
  frame(text: string, bytes: number): void {
    this.slices.frame(text, bytes);
  }

  /** Returns the rest of the frame's work, if the session split it across turns. */
  private frameNow(text: string, bytes: number): SessionOutput['next'] {
    const started = performance.now();
    this.receivedAt = this.frameReceivedAt = this.deps.now();
    // Recorded as the session sees it: after frames queued behind a split one, with the time it runs.
    this.tap?.frame(text, this.receivedAt);
    const next = this.runSlice(this.session.onFrame(text, this.receivedAt));
    if (next === undefined) this.deps.metrics.frameReceived(this.deps.exchange, bytes, (performance.now() - started) / 1000);
    return next;
  }

  private runSlice(output: SessionOutput): SessionOutput['next'] {
    this.run(output);
    return this.over ? undefined : output.next;
  }

  tick(): void {
    const now = this.receivedAt = this.deps.now();
    const { config } = this.deps;
    if (now - this.lastDataAt > config.staleAfterMs) {
      this.deps.end('stale_data', `no book or trade data for ${now - this.lastDataAt} ms (heartbeats do not count)`);
      return;
    }
    const heartbeat = this.heartbeat.due(now);
    if (heartbeat === 'pong_timeout') {
      this.deps.end('pong_timeout', `no pong within ${config.pongTimeoutMs} ms`);
      return;
    }
    if (heartbeat === 'ping') {
      this.urgent = true;
      this.run(this.session.ping(++this.pingSeq, now));
      this.urgent = false;
    }
    for (const stream of this.silence.overdue(now, config.symbolStaleAfterMs)) {
      if (this.over) return;
      if (!this.feeds(stream.symbol)) continue;
      if (stream.channel === 'book') {
        // During maintenance books are held stale on purpose; silence then proves nothing.
        if (this.tracker.phase(stream.symbol) === 'live' && !this.deps.venue.degraded) this.resync(stream.symbol, 'stale_data');
      } else {
        this.report('info', 'trades_silent', stream.symbol, `no trade for ${stream.silentForMs} ms; resubscribing trades to be sure`);
        this.run(this.session.resyncTrades(stream.symbol, now));
      }
    }
    for (const { symbol, cause } of this.trades.due(now)) {
      if (this.over) return;
      if (cause === 'no_snapshot') this.report('warn', 'trades_snapshot_timeout', symbol, `no trade snapshot after the ack; resubscribing`);
      this.run(this.session.resyncTrades(symbol, now));
    }
    for (const decision of this.tracker.overdue(now)) {
      if (this.over) return;
      // The snapshot waits in the REST source (its weight budget, a 429/418 pause, a retry): neither a resubscribe
      // nor a reconnect would bring it sooner, and a reconnect would throw away the snapshots already queued.
      if (decision.cause === 'snapshot_timeout' && this.deps.snapshots?.pending(decision.symbol) === true) {
        this.tracker.postpone(decision.symbol, now + config.snapshotTimeoutMs);
        continue;
      }
      if (decision.action === 'reconnect') {
        this.deps.end(decision.cause, `${decision.symbol}: ${decision.cause === 'subscribe_timeout' ? 'no subscribe ack' : 'no snapshot after resubscribe'}`);
        return;
      }
      if (decision.action === 'resubscribe') this.resync(decision.symbol, 'snapshot_timeout');
      else if (decision.cause === 'subscribe_failed') this.retrySubscribe(decision.symbol, now);
      else this.resync(decision.symbol, this.deps.store.get(this.deps.exchange, decision.symbol)?.reason ?? 'checksum_mismatch');
    }
  }

  /** The socket is gone: unless a successor feeds them, its books can no longer be trusted. Bots are told why. */
  ended(how: SocketEnd, cause: ReconnectCause): void {
    this.over = true;
    this.tap?.closed(this.deps.now(), how, cause);
    this.tap = undefined;
    booksOnEnd(this.deps.store, this.deps.exchange, this.deps.symbols, how, cause);
    // Snapshots asked for on this socket would be dropped on arrival: do not spend REST weight on them. A retired
    // socket's books are fed by its successor, whose requests may be the ones in flight.
    if (how !== 'retire') for (const symbol of this.deps.symbols) this.deps.snapshots?.cancel(symbol);
  }

  private run(output: SessionOutput): void {
    for (const event of output.events) {
      if (this.over) return;
      this.handleEvent(event);
    }
    for (const action of output.actions) {
      if (this.over) return;
      this.handleAction(action);
    }
  }

  private handleEvent(event: VenueEvent): void {
    const { store, exchange, id } = this.deps;
    if (this.deps.venue.degraded && event.type === 'book_snapshot' && store.has(exchange, event.symbol)) {
      this.holdDuringMaintenance(event.symbol);
      return;
    }
    const outcome = applyVenueEvent(store, exchange, event, this.receivedAt);
    if (outcome.data) {
      this.lastDataAt = this.receivedAt;
      this.deps.metrics.dataReceived(exchange, id, this.receivedAt);
      if (!this.sawData) {
        this.sawData = true;
        this.deps.signal('healthy');
      }
      const symbol = outcome.symbol!;
      this.silence.seen(symbol, event.type === 'trades' ? 'trades' : 'book', this.receivedAt);
      if (event.type === 'trades' && event.snapshot) this.trades.snapshot(symbol);
      if (outcome.failure !== undefined) {
        const { reason, message, expected, computed } = outcome.failure;
        this.deps.observe({ type: 'integrity_failure', exchange, connection: id, symbol, reason, message, expected, computed });
        this.resync(symbol, reason);
      } else if (outcome.snapshotApplied === true) {
        this.tracker.snapshot(symbol);
        if (this.tracker.allLive()) this.deps.signal('live');
      }
      if ((outcome.tradesDuplicated ?? 0) > 0) {
        this.deps.observe({ type: 'trades_deduplicated', exchange, connection: id, symbol, count: outcome.tradesDuplicated! });
      }
      return;
    }
    switch (event.type) {
      case 'subscribed':
        if (event.channel === 'book') this.tracker.acked(event.symbol, this.deps.now());
        else this.trades.acked(event.symbol, this.deps.now());
        break;
      case 'subscribe_failed':
        this.deps.observe({ type: 'subscription_failed', exchange, connection: id, symbol: event.symbol,
          ...(event.channel === undefined ? {} : { channel: event.channel }), error: event.error });
        if (event.symbol !== undefined && event.channel === 'trades') this.trades.rejected(event.symbol, this.receivedAt);
        if (event.symbol !== undefined && event.channel !== 'trades' && store.has(exchange, event.symbol)) {
          this.tracker.failed(event.symbol, this.receivedAt);
          store.setState(exchange, event.symbol, 'awaiting-snapshot', 'subscribe_failed');
          if (this.tracker.allLive()) this.deps.signal('live');
        }
        break;
      case 'venue_status':
        this.onVenueStatus(event.status, event.degraded);
        break;
      case 'pong':
        this.heartbeat.pong();
        break;
      case 'book_continued':
        this.silence.seen(event.symbol, 'book', this.receivedAt);
        break;
      case 'handover_complete':
        this.deps.signal('handover_complete');
        break;
      case 'server_shutdown':
        this.deps.signal('server_shutdown');
        break;
      default:
        break;
    }
  }

  /** The venue is in maintenance: a snapshot proves the subscription works, but the book is not served as live. */
  private holdDuringMaintenance(symbol: string): void {
    this.lastDataAt = this.receivedAt;
    this.tracker.snapshot(symbol);
    if (this.deps.store.get(this.deps.exchange, symbol)?.state !== 'stale') {
      this.deps.store.setState(this.deps.exchange, symbol, 'stale', 'maintenance');
    }
  }

  private report(level: 'info' | 'warn', code: string, symbol: string, message: string): void {
    this.deps.observe({ type: 'session_report', exchange: this.deps.exchange, connection: this.deps.id, level, code, symbol,
      message: `${this.deps.exchange} ${symbol}: ${message}` });
  }

  private onVenueStatus(status: string, degraded: boolean | undefined): void {
    const { store, exchange, id } = this.deps;
    this.deps.observe({ type: 'venue_status', exchange, connection: id, status,
      ...(degraded === undefined ? {} : { degraded }) });
    if (degraded === true) {
      this.deps.venue.report(true);
      for (const symbol of this.deps.symbols) {
        if (store.get(exchange, symbol)?.state === 'live') store.setState(exchange, symbol, 'stale', 'maintenance');
      }
    } else if (this.deps.venue.report(degraded)) {
      for (const symbol of this.deps.symbols) this.resync(symbol, 'maintenance');
    }
  }

  private handleAction(action: SessionAction): void {
    const { exchange, id } = this.deps;
    switch (action.type) {
      case 'send':
        this.deps.send(action.payload, this.urgent);
        break;
      case 'resync':
        this.resync(action.symbol, action.reason);
        break;
      case 'reconnect':
        this.deps.end('requested', action.reason);
        break;
      case 'resync-connection':
        this.resyncConnection(action.reason, action.detail);
        break;
      case 'report':
        this.deps.observe({ type: 'session_report', exchange, connection: id, level: action.level, code: action.code,
          message: action.message, symbol: action.symbol });
        break;
      case 'fetch-snapshot':
        this.fetchSnapshot(action.symbol);
        break;
    }
  }

  private fetchSnapshot(symbol: string): void {
    requestSnapshot(this.deps, symbol, {
      frame: (text, bytes) => {
        if (!this.over) this.frame(text, bytes);
      },
      refused: () => {
        if (this.over || !this.deps.store.has(this.deps.exchange, symbol)) return;
        this.tracker.failed(symbol, this.deps.now());
        this.deps.store.setState(this.deps.exchange, symbol, 'awaiting-snapshot', 'subscribe_failed');
      },
    });
  }

  /**
   * Resync one book. Only integrity failures (the book was wrong) are charged to the resync budget: maintenance,
   * silence and snapshot timeouts are spaced by their own timers and must not use up the budget a real fault needs.
   */
  private resync(symbol: string, reason: BookStatusReason): void {
    const { store, exchange, id, config } = this.deps;
    if (!store.has(exchange, symbol) || !this.feeds(symbol)) return;
    const now = this.deps.now();
    const decision = INTEGRITY_REASONS.has(reason) ? this.deps.resyncBudget.request(symbol, now) : RESYNC_NOW;
    if (decision.verdict === 'escalate') {
      this.deps.observe({ type: 'resync', exchange, connection: id, symbol, reason, escalated: true });
      this.deps.end('resync_budget', `${symbol} used its resync budget (${config.resyncBudget} per ${config.resyncWindowMs} ms)`);
      return;
    }
    store.setState(exchange, symbol, 'resyncing', reason);
    if (decision.verdict === 'defer') {
      this.deps.observe({ type: 'resync', exchange, connection: id, symbol, reason, escalated: false, retryAt: decision.retryAt });
      this.tracker.deferred(symbol, decision.retryAt);
      return;
    }
    this.deps.observe({ type: 'resync', exchange, connection: id, symbol, reason, escalated: false });
    this.refresh(symbol, reason, now);
  }

  /**
   * The venue's stream broke for every book on this connection: each goes `resyncing` at once (bots are told why),
   * each is charged to the resync budget, and the connection is replaced (a new one starts a clean stream). A book
   * over its budget after its reconnect holds the next connection back until its budget frees.
   */
  private resyncConnection(reason: BookStatusReason, detail: string): void {
    const { store, exchange, id } = this.deps;
    const now = this.deps.now();
    let notBefore = 0;
    for (const symbol of this.deps.symbols) {
      if (!store.has(exchange, symbol) || !this.feeds(symbol)) continue;
      const decision = this.deps.resyncBudget.request(symbol, now);
      store.setState(exchange, symbol, 'resyncing', reason);
      if (decision.verdict === 'defer') {
        notBefore = Math.max(notBefore, decision.retryAt);
        this.deps.observe({ type: 'resync', exchange, connection: id, symbol, reason, escalated: false, retryAt: decision.retryAt });
      } else {
        this.deps.observe({ type: 'resync', exchange, connection: id, symbol, reason, escalated: false });
      }
    }
    this.deps.end('resync_connection', detail, notBefore);
  }

  /** Subscribe again to a book the venue rejected (not an integrity resync: no budget, the book stays as it is). */
  private retrySubscribe(symbol: string, now: number): void {
    if (this.feeds(symbol)) this.refresh(symbol, 'subscribe_failed', now);
  }

  /** False while another session of a rotation feeds the book: its state and watchdogs are that session's. */
  private feeds(symbol: string): boolean {
    return this.session.feeds?.(symbol) ?? true;
  }

  /** Unsubscribe → subscribe outside the integrity budget (spaced by its own timer), expecting a snapshot. */
  private refresh(symbol: string, reason: BookStatusReason, now: number): void {
    this.tracker.resyncing(symbol, now);
    this.run(this.session.resync(symbol, reason, now));
  }
}
