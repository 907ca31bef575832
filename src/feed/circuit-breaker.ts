// A connection slot that keeps reconnecting without ever staying up (a venue that accepts and drops, a flapping
// route, a ban) is paused for a long while instead of hammering the venue: the circuit opens. It closes again on
// its own once a connection stays up. Pure: time is an argument.

export interface CircuitBreakerLimits {
  /** Short-lived connections (or failed attempts) within `breakerWindowMs` that open the circuit. */
  readonly breakerFailures: number;
  readonly breakerWindowMs: number;
  /** How long an open circuit waits before the next attempt. */
  readonly breakerPauseMs: number;
  /** A connection up at least this long counts as staying up: the circuit closes and the count starts over. */
  readonly stableAfterMs: number;
}

export interface BreakerVerdict {
  /** Least wait before the next attempt (0: the circuit is closed). */
  readonly pauseMs: number;
  /** The circuit opened now, after being closed (say it once; later pauses of the same streak are silent). */
  readonly opened: boolean;
  /** The connection stayed up: a circuit that was open is closed again. */
  readonly closed: boolean;
}

export class CircuitBreaker {
  private shortLived: number[] = [];
  /** Open, or half-open after a pause: the next short-lived connection opens it again at once. */
  private tripped = false;

  constructor(private readonly limits: CircuitBreakerLimits) {}

  get isOpen(): boolean {
    return this.tripped;
  }

  /** Every book of the connection is live again: the circuit closes. True when it was open. */
  recovered(): boolean {
    const wasOpen = this.tripped;
    this.tripped = false;
    this.shortLived = [];
    return wasOpen;
  }

  /** A connection attempt ended at `now`; `openedAt` is when its socket opened (0: it never did). */
  ended(now: number, openedAt: number): BreakerVerdict {
    const { breakerFailures, breakerWindowMs, breakerPauseMs, stableAfterMs } = this.limits;
    if (openedAt > 0 && now - openedAt >= stableAfterMs) {
      const closed = this.tripped;
      this.tripped = false;
      this.shortLived = [];
      return { pauseMs: 0, opened: false, closed };
    }
    if (this.tripped) return { pauseMs: breakerPauseMs, opened: false, closed: false };
    this.shortLived = this.shortLived.filter((at) => now - at < breakerWindowMs);
    this.shortLived.push(now);
    if (this.shortLived.length < breakerFailures) return { pauseMs: 0, opened: false, closed: false };
    this.tripped = true;
    this.shortLived = [];
    return { pauseMs: breakerPauseMs, opened: true, closed: false };
  }
}
