// Make-before-break rotation of one connection slot. Before the venue's connection lifetime runs out (Binance cuts
// every connection at 24 h) or as soon as it announces a shutdown, a successor socket opens beside the current one;
// its session takes each book over once its stream continues the book's update-id chain, and only then is the old
// socket closed. Bots see contiguous seq, no snapshot reset, no lost or repeated trade.
import type { ExchangeId } from '../exchanges/registry.ts';
import type { FeedObserver, RotationCause, RotationPhase } from './feed-events.ts';
import type { ReconnectCause } from './reconnect-policy.ts';
import type { SocketSession } from './socket-session.ts';

export interface RotationHost {
  readonly exchange: ExchangeId;
  readonly id: number;
  readonly config: { readonly rotateAfterMs: number; readonly handoverTimeoutMs: number };
  readonly observe: FeedObserver;
  readonly now: () => number;
  readonly random: () => number;
  readonly stopping: () => boolean;
  readonly primary: () => SocketSession | undefined;
  /** Take a connect-budget slot at `now`, or the ms to wait for one. */
  readonly reserveAttempt: (now: number) => number;
  /** Backoff before trying a failed successor again (the slot's reconnect policy: full jitter, floors, budget). */
  readonly retryDelayMs: (cause: ReconnectCause) => number;
  readonly openSuccessor: (predecessor: SocketSession) => SocketSession;
  readonly promote: (successor: SocketSession) => void;
}

/**
 * Each rotation comes up to this share of `rotateAfterMs` early, at random: shards opened together (at start-up) do
 * not all reconnect at the same instant 23 h later.
 */
const ROTATION_SPREAD = 0.05;

export class ConnectionRotation {
  private successor: SocketSession | undefined;
  /** The successor itself got a shutdown notice: once it is the primary, it is rotated in turn. */
  private successorNoticed = false;
  private cause: RotationCause = 'lifetime';
  private startedAt = 0;
  private rotations = 0;
  private nextAt = 0;
  private lifetimeTimer: NodeJS.Timeout | undefined;
  private handoverTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(private readonly host: RotationHost) {}

  /** The primary socket opened at `openedAt`: rotate about `rotateAfterMs` later (0 = never). */
  scheduleLifetime(openedAt: number): void {
    clearTimeout(this.lifetimeTimer);
    const { rotateAfterMs } = this.host.config;
    if (rotateAfterMs <= 0) return;
    this.nextAt = openedAt + rotateAfterMs - Math.floor(this.host.random() * rotateAfterMs * ROTATION_SPREAD);
    this.lifetimeTimer = setTimeout(() => this.rotate('lifetime'), Math.max(0, this.nextAt - this.host.now()));
    this.lifetimeTimer.unref();
  }

  /** Open a successor now, unless one is already on its way (a second reason to rotate then changes nothing). */
  rotate(cause: RotationCause): void {
    const primary = this.host.primary();
    if (this.successor !== undefined || this.host.stopping() || primary === undefined || !primary.isOpen) return;
    clearTimeout(this.retryTimer);
    const now = this.host.now();
    const waitMs = this.host.reserveAttempt(now);
    if (waitMs > 0) {
      this.observe('failed', cause, `connect budget full; rotation retried in ${waitMs} ms`);
      this.retryTimer = setTimeout(() => this.rotate(cause), waitMs);
      this.retryTimer.unref();
      return;
    }
    this.cause = cause;
    this.startedAt = now;
    this.observe('started', cause);
    this.successor = this.host.openSuccessor(primary);
  }

  successorOpened(successor: SocketSession): void {
    if (successor !== this.successor) return;
    this.handoverTimer = setTimeout(() => this.finish('timed_out'), this.host.config.handoverTimeoutMs);
    this.handoverTimer.unref();
  }

  /** The successor's session continues every book: close the old socket. */
  handedOver(successor: SocketSession): void {
    if (successor === this.successor) this.finish('handed_over');
  }

  /** The venue announced it will close `socket`: rotate the primary now, or the successor once it is promoted. */
  shutdownNotice(socket: SocketSession): void {
    if (socket === this.successor) this.successorNoticed = true;
    else this.rotate('server_shutdown');
  }

  successorEnded(successor: SocketSession, cause: ReconnectCause, detail: string): void {
    if (successor !== this.successor) return;
    this.successor = undefined;
    this.successorNoticed = false;
    clearTimeout(this.handoverTimer);
    const delayMs = this.host.retryDelayMs(cause);
    this.observe('failed', this.cause, `successor ${cause}: ${detail}; retried in ${delayMs} ms`);
    const retryCause = this.cause;
    this.retryTimer = setTimeout(() => this.rotate(retryCause), delayMs);
    this.retryTimer.unref();
  }

  /**
   * The primary socket ended during a rotation. An open successor takes the books over (those it could not continue
   * are resynced) and becomes the primary: true. Otherwise the successor is dropped and the slot reconnects: false.
   */
  promoteOnLoss(predecessor: SocketSession, detail: string): boolean {
    const successor = this.successor;
    if (successor === undefined) return false;
    if (!successor.isOpen) {
      this.cancel();
      return false;
    }
    this.complete(successor, 'timed_out', `predecessor ended before the handover (${detail})`, predecessor);
    return true;
  }

  /** The slot reconnects from scratch: no successor survives it. */
  cancel(): void {
    clearTimeout(this.handoverTimer);
    clearTimeout(this.retryTimer);
    clearTimeout(this.lifetimeTimer);
    const successor = this.successor;
    this.successor = undefined;
    this.successorNoticed = false;
    successor?.retire('rotation abandoned');
  }

  stop(): void {
    clearTimeout(this.handoverTimer);
    clearTimeout(this.retryTimer);
    clearTimeout(this.lifetimeTimer);
    this.successor?.stop();
    this.successor = undefined;
  }

  status(): Record<string, unknown> {
    return {
      rotations: this.rotations,
      rotatingSince: this.successor === undefined ? null : new Date(this.startedAt).toISOString(),
      nextRotationAt: this.nextAt === 0 ? null : new Date(this.nextAt).toISOString(),
    };
  }

  private finish(outcome: 'handed_over' | 'timed_out'): void {
    const successor = this.successor;
    if (successor === undefined) return;
    const predecessor = this.host.primary();
    this.complete(successor, outcome, outcome === 'timed_out'
      ? `not every book continued within ${this.host.config.handoverTimeoutMs} ms; the new connection takes the rest over`
      : undefined, predecessor);
    predecessor?.retire('rotated to a new connection');
  }

  private complete(successor: SocketSession, outcome: 'handed_over' | 'timed_out', detail: string | undefined,
    predecessor: SocketSession | undefined): void {
    clearTimeout(this.handoverTimer);
    this.successor = undefined;
    const noticed = this.successorNoticed;
    this.successorNoticed = false;
    const current = predecessor !== undefined && isCurrent(predecessor, successor);
    this.rotations++;
    // Promoted before it takes the books over: if taking them over ends it (a replayed diff failing verification over
    // the resync budget), it ends as the primary and the slot reconnects the normal way.
    this.host.promote(successor);
    this.observe(outcome, this.cause, detail, this.host.now() - this.startedAt);
    this.scheduleLifetime(successor.openedAt);
    if (outcome === 'timed_out') successor.driver.takeOver(current);
    if (noticed) queueMicrotask(() => this.rotate('server_shutdown'));
  }

  private observe(phase: RotationPhase, cause: RotationCause, detail?: string,
    durationMs?: number): void {
    this.host.observe({ type: 'rotation', exchange: this.host.exchange, connection: this.host.id, phase, cause,
      ...(detail === undefined ? {} : { detail }), ...(durationMs === undefined ? {} : { durationMs }) });
  }
}

/**
 * The predecessor delivered everything the venue sent it before the successor's stream began: it was closed by the
 * venue with a close frame (TCP keeps order), or it received frames after the successor's first one.
 */
function isCurrent(predecessor: SocketSession, successor: SocketSession): boolean {
  return predecessor.closedByVenue || (successor.firstFrameAt > 0 && predecessor.lastFrameAt >= successor.firstFrameAt);
}
