// Trade subscriptions of one connection: a rejected one is retried with backoff, and when the venue answers every
// subscribe with a trade snapshot (Kraken with `snapshot:true`), an acked subscription whose snapshot never comes is
// silent and gets resubscribed. Pure: time is an argument.
import { RetrySchedule } from './retry-schedule.ts';
import { doublingDelayMs } from '../core/backoff.ts';

export interface TradeWatchLimits {
  /** The venue sends a trade snapshot after every subscribe ack. */
  readonly snapshotExpected: boolean;
  readonly snapshotTimeoutMs: number;
  readonly retryFirstMs: number;
  readonly retryMaxMs: number;
}

export interface TradeResubscribe {
  readonly symbol: string;
  readonly cause: 'rejected' | 'no_snapshot';
}

export class TradeSubscriptionWatch {
  private readonly retries: RetrySchedule;
  private readonly snapshotDeadlines = new Map<string, number>();
  /** Consecutive acks without a snapshot: the wait doubles, so a venue that never sends one is not hammered. */
  private readonly snapshotMisses = new Map<string, number>();

  constructor(private readonly limits: TradeWatchLimits) {
    this.retries = new RetrySchedule(limits.retryFirstMs, limits.retryMaxMs);
  }

  acked(symbol: string, now: number): void {
    this.retries.succeeded(symbol);
    if (!this.limits.snapshotExpected) return;
    const misses = this.snapshotMisses.get(symbol) ?? 0;
    this.snapshotDeadlines.set(symbol, now + doublingDelayMs(this.limits.snapshotTimeoutMs, misses, this.limits.retryMaxMs));
  }

  snapshot(symbol: string): void {
    this.snapshotDeadlines.delete(symbol);
    this.snapshotMisses.delete(symbol);
  }

  rejected(symbol: string, now: number): void {
    this.snapshotDeadlines.delete(symbol);
    this.retries.failed(symbol, now);
  }

  /** Subscriptions to redo now, each reported once. */
  due(now: number): TradeResubscribe[] {
    const due: TradeResubscribe[] = this.retries.due(now).map((symbol) => ({ symbol, cause: 'rejected' }));
    for (const [symbol, deadline] of this.snapshotDeadlines) {
      if (now < deadline) continue;
      this.snapshotDeadlines.delete(symbol);
      this.snapshotMisses.set(symbol, (this.snapshotMisses.get(symbol) ?? 0) + 1);
      due.push({ symbol, cause: 'no_snapshot' });
    }
    return due;
  }
}
