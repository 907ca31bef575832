// When to try the next upstream connection. Pure: time and randomness are arguments.
// Full jitter (delay = random × min(cap, base × 2^failures)), a fast first retry after a healthy session,
// a floor after maintenance, and a sliding-window connect budget so a venue's per-IP limit is never hit.
import type { ReconnectConfig } from '../config/types.ts';
import { ConnectBudget } from './connect-budget.ts';
import { doublingDelayMs } from '../core/backoff.ts';

export type ReconnectCause =
  | 'initial'
  | 'closed'
  | 'error'
  | 'handshake_rejected'
  | 'rate_limited'
  | 'maintenance'
  | 'stale_data'
  | 'pong_timeout'
  | 'subscribe_timeout'
  | 'snapshot_timeout'
  | 'resync_budget'
  /** The session found the venue's stream broken for every book (resync-connection): a new connection resyncs them. */
  | 'resync_connection'
  | 'requested';

export interface ReconnectDecision {
  readonly delayMs: number;
  /** Part of the delay spent waiting for the connect budget to free a slot. */
  readonly budgetWaitMs: number;
  /** Consecutive attempts without data so far (0 after a healthy session). */
  readonly failures: number;
}

export class ReconnectPolicy {
  private failures = 0;

  /** `budget` is shared by every connection to the same venue (the limit is per IP). */
  constructor(
    private readonly config: ReconnectConfig,
    private readonly random: () => number = Math.random,
    private readonly budget: ConnectBudget = new ConnectBudget(config),
  ) {}

  /** The first data frame proves the session healthy: the next retry is fast again. */
  markHealthy(): void {
    this.failures = 0;
  }

  /**
   * Take a connect-budget slot for an attempt at `now`, or say how long to wait for one. Checking and recording in
   * one synchronous step keeps connections that share the budget from claiming the same slot.
   */
  reserveAttempt(now: number): number {
    const freeAt = this.budget.freeAt(now);
    if (freeAt > now) return freeAt - now;
    this.budget.record(now);
    return 0;
  }

  /** Delay before the next attempt after a failure or close with `cause`. */
  next(cause: ReconnectCause, now: number): ReconnectDecision {
    const exponent = Math.min(this.failures, 30);
    const ceiling = doublingDelayMs(this.config.minDelayMs, exponent, this.config.maxDelayMs);
    let delayMs = Math.floor(this.random() * ceiling);
    if (cause === 'maintenance') delayMs = Math.max(delayMs, this.config.maintenanceDelayMs);
    if (cause === 'rate_limited') delayMs = Math.max(delayMs, this.config.rateLimitedDelayMs);
    this.failures++;
    const budgetWaitMs = Math.max(0, this.budget.freeAt(now + delayMs) - (now + delayMs));
    return { delayMs: delayMs + budgetWaitMs, budgetWaitMs, failures: this.failures };
  }

  /** Attempts made within the budget window ending at `now` (by every connection sharing the budget). */
  attemptsInWindow(now: number): number {
    return this.budget.used(now);
  }
}
