// One upstream connection slot for a shard of a venue's symbols: connects (SocketSession), reconnects with p-retry
// and the ReconnectPolicy, and rotates make-before-break before the venue's connection lifetime runs out
// (ConnectionRotation), so the books never notice the venue's 24 h cut.
import { setTimeout as sleep } from 'node:timers/promises';
import pRetry from 'p-retry';
import type { ConnectionState } from './feed-events.ts';
import { CircuitBreaker } from './circuit-breaker.ts';
import { ConnectionRotation } from './connection-rotation.ts';
import { type ReconnectCause, ReconnectPolicy } from './reconnect-policy.ts';
import { ResyncBudget } from './resync-budget.ts';
import { SocketSession } from './socket-session.ts';
import { VenueCondition } from './venue-condition.ts';
import type { ConnectionSignal } from './connection-signals.ts';
import type { UpstreamConnectionDeps } from './connection-deps.ts';

/** A real timer that resolves (never rejects) when it fires or when `signal` aborts. */
function timerSleep(ms: number, signal: AbortSignal): Promise<void> {
  return sleep(ms, undefined, { signal }).catch(() => undefined);
}

export class ConnectionEnded extends Error {
  /** `notBefore` (epoch ms): the next attempt waits at least until then (a resync budget used up). */
  constructor(readonly endCause: ReconnectCause, readonly detail: string, readonly notBefore = 0) {
    super(`${endCause}: ${detail}`);
    this.name = 'ConnectionEnded';
  }
}

export class UpstreamConnection {
  private state: ConnectionState = 'idle';
  private readonly policy: ReconnectPolicy;
  private readonly breaker: CircuitBreaker;
  private readonly resyncBudget: ResyncBudget;
  private readonly venue = new VenueCondition();
  private readonly abort = new AbortController();
  private running: Promise<void> | undefined;
  /** The socket feeding the books (during a rotation its successor runs beside it). */
  private primary: SocketSession | undefined;
  private readonly rotation: ConnectionRotation;
  private settleSession: ((ended: ConnectionEnded | undefined) => void) | undefined;
  private lastCloseDetail = '';
  private connectedAt = 0;
  /** The current attempt's socket opened (the venue was reached). */
  private openedThisAttempt = false;
  /** Why the venue cannot be reached: set by an attempt that failed before its socket opened, cleared by an open. */
  private unreachable: string | undefined;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;

  constructor(private readonly deps: UpstreamConnectionDeps) {
    this.policy = new ReconnectPolicy(deps.config.reconnect, deps.random, deps.budget);
    this.breaker = new CircuitBreaker(deps.config.reconnect);
    this.resyncBudget = new ResyncBudget({ ...deps.config, escalate: deps.adapter.resyncEscalatesToReconnect ?? true });
    this.now = deps.now ?? Date.now;
    this.sleep = deps.sleep ?? timerSleep;
    this.rotation = new ConnectionRotation({
      exchange: deps.exchange, id: deps.id, config: deps.config, observe: deps.observe, now: this.now,
      random: deps.random ?? Math.random,
      stopping: () => this.abort.signal.aborted,
      primary: () => this.primary,
      reserveAttempt: (now) => this.policy.reserveAttempt(now),
      retryDelayMs: (cause) => this.policy.next(cause, this.now()).delayMs,
      openSuccessor: (predecessor) => this.openSocket(predecessor),
      promote: (successor) => this.promote(successor),
    });
  }

  start(): void {
    if (this.running !== undefined || this.abort.signal.aborted) return;
    this.running = this.runForever();
  }

  async stop(): Promise<void> {
    if (!this.abort.signal.aborted) {
      this.abort.abort();
      this.rotation.stop();
      this.primary?.stop();
      this.primary = undefined;
      this.settleSession?.(undefined);
    }
    await this.running;
    this.setState('stopped');
  }

  /** Ask for a reconnect (e.g. an operator or a venue action). */
  reconnect(detail: string): void {
    this.primary?.end('requested', detail);
  }

  status(): Record<string, unknown> {
    return {
      connection: this.deps.id, url: this.deps.config.url, state: this.state, symbols: this.deps.symbols,
      attemptsInBudgetWindow: this.policy.attemptsInWindow(this.now()),
      connectedAt: this.connectedAt === 0 ? null : new Date(this.connectedAt).toISOString(),
      lastDataAt: this.primary?.driver.lastDataAt ? new Date(this.primary.driver.lastDataAt).toISOString() : null,
      lastClose: this.lastCloseDetail || null,
      unreachable: this.unreachable ?? null,
      circuitOpen: this.breaker.isOpen,
      ...this.rotation.status(),
    };
  }

  get connectionState(): ConnectionState {
    return this.state;
  }

  /** Why this connection's books cannot be served because the venue is not reachable, if that is so. */
  unreachableReason(symbol: string): string | undefined {
    return this.deps.symbols.includes(symbol) ? this.unreachable : undefined;
  }

  /** The breaker's pause after the attempt that ended at `now` (0: none); its books say why while it is open. */
  private checkBreaker(now: number, openedAt: number): number {
    const { exchange, store, symbols } = this.deps;
    const verdict = this.breaker.ended(now, openedAt);
    if (verdict.closed) this.reportBreaker('closed');
    if (verdict.opened) this.reportBreaker('open');
    if (verdict.pauseMs > 0) {
      for (const symbol of symbols) {
        if (store.get(exchange, symbol)?.state !== 'live') store.setState(exchange, symbol, 'stale', 'circuit_open');
      }
    }
    return verdict.pauseMs;
  }

  private reportBreaker(phase: 'open' | 'closed'): void {
    const { reconnect } = this.deps.config;
    this.deps.observe({ type: 'circuit_breaker', exchange: this.deps.exchange, connection: this.deps.id, phase,
      pauseMs: reconnect.breakerPauseMs, failures: reconnect.breakerFailures, windowMs: reconnect.breakerWindowMs });
  }

  private markUnreachable(detail: string): void {
    const first = this.unreachable === undefined;
    this.unreachable = detail;
    if (first) {
      this.deps.observe({ type: 'upstream_unreachable', exchange: this.deps.exchange, connection: this.deps.id,
        url: this.deps.config.url, detail });
    }
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
          const now = this.now();
          const next = this.policy.next(ended.endCause, now);
          const pauseMs = this.checkBreaker(now, this.openedThisAttempt ? this.connectedAt : 0);
          const decision = { ...next, delayMs: Math.max(next.delayMs, ended.notBefore - now, pauseMs) };
          this.lastCloseDetail = ended.message;
          if (!this.openedThisAttempt) this.markUnreachable(ended.detail);
          this.setState('backoff');
          this.deps.observe({ type: 'reconnect_scheduled', exchange: this.deps.exchange, connection: this.deps.id,
            cause: ended.endCause, detail: ended.detail, ...decision });
          await this.sleep(decision.delayMs, signal);
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
      await this.sleep(waitMs, signal);
    }
  }

  /**
   * One connection's life, across make-before-break rotations: rejects with ConnectionEnded when the socket feeding
   * the books ends with no successor to take over; resolves only when stopping.
   */
  private runSession(): Promise<void> {
    if (this.abort.signal.aborted) return Promise.resolve();
    this.setState('connecting');
    this.openedThisAttempt = false;
    return new Promise<void>((resolve, reject) => {
      this.settleSession = (ended) => {
        this.settleSession = undefined;
        if (ended === undefined) resolve();
        else reject(ended);
      };
      this.primary = this.openSocket(undefined);
    });
  }

  private openSocket(predecessor: SocketSession | undefined): SocketSession {
    const { config } = this.deps;
    const url = this.deps.adapter.connectUrl?.(config.url, this.deps.symbols) ?? config.url;
    const socket: SocketSession = new SocketSession({
      ...this.deps, url, now: this.now, resyncBudget: this.resyncBudget, venue: this.venue, snapshots: this.deps.snapshots,
      predecessor: predecessor?.session,
      signal: (signal) => this.onSignal(socket, signal),
      ended: (cause, detail, notBefore) => this.socketEnded(socket, cause, detail, notBefore),
    });
    return socket;
  }

  private onSignal(socket: SocketSession, signal: ConnectionSignal): void {
    switch (signal) {
      case 'opened': return this.socketOpened(socket);
      case 'healthy': return this.policy.markHealthy();
      case 'live':
        if (socket !== this.primary) return;
        this.setState('live');
        if (this.breaker.recovered()) this.reportBreaker('closed');
        return;
      case 'server_shutdown': return this.rotation.shutdownNotice(socket);
      case 'handover_complete': return this.rotation.handedOver(socket);
    }
  }

  private socketOpened(socket: SocketSession): void {
    if (socket === this.primary) {
      this.openedThisAttempt = true;
      this.unreachable = undefined;
      this.connectedAt = this.now();
      this.setState('subscribing');
      this.rotation.scheduleLifetime(this.connectedAt);
    } else {
      this.rotation.successorOpened(socket);
    }
  }

  /** True when the books are not this socket's to mark stale: a successor that never took over, or one that did. */
  private socketEnded(socket: SocketSession, cause: ReconnectCause, detail: string, notBefore?: number): boolean {
    if (socket !== this.primary) {
      this.rotation.successorEnded(socket, cause, detail);
      // Books it had taken over are fed by nobody now (the predecessor no longer feeds them): start the slot over.
      if (this.deps.symbols.some((symbol) => socket.session.feeds?.(symbol) === true)) {
        this.primary?.end('requested', `successor lost mid-handover (${cause}: ${detail})`);
      }
      return true;
    }
    if (this.rotation.promoteOnLoss(socket, `${cause}: ${detail}`)) {
      this.lastCloseDetail = `${cause}: ${detail} (successor took over)`;
      return true;
    }
    this.primary = undefined;
    this.rotation.cancel();
    this.settleSession?.(new ConnectionEnded(cause, detail, notBefore));
    return false;
  }

  /** A successor now feeds the books: it is the connection from here on. */
  private promote(successor: SocketSession): void {
    this.primary = successor;
    this.connectedAt = successor.openedAt;
    if (successor.driver.allLive()) this.setState('live');
  }

  private setState(state: ConnectionState): void {
    if (state === this.state) return;
    const previous = this.state;
    this.state = state;
    this.deps.observe({ type: 'connection_state', exchange: this.deps.exchange, connection: this.deps.id, state, previous,
      url: this.deps.config.url });
  }
}
