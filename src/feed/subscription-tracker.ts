// Per-symbol book subscription progress on one upstream connection: ack and first-snapshot deadlines, retries of
// subscriptions the venue rejected, and resyncs deferred by the budget. Pure: every method takes `now`, so timer
// logic is tested without sleeping.
import { doublingDelayMs } from '../core/backoff.ts';

export type SubscriptionPhase = 'pending' | 'acked' | 'live' | 'resyncing' | 'failed' | 'deferred';

export interface TrackerLimits {
  readonly subscribeAckTimeoutMs: number;
  readonly snapshotTimeoutMs: number;
  /** First retry of a rejected subscribe (it may be transient: `Exceeded msg rate`); doubles up to the max. */
  readonly subscribeRetryMs: number;
}

export const FAILED_RETRY_MAX_MS = 600_000;

export type OverdueDecision =
  /** Acked (or resynced) but never fed: resubscribe once. */
  | { readonly symbol: string; readonly action: 'resubscribe'; readonly cause: 'snapshot_timeout' }
  /** Rejected by the venue, or held back by the resync budget: subscribe again now. */
  | { readonly symbol: string; readonly action: 'retry'; readonly cause: 'subscribe_failed' | 'resync_deferred' }
  /** No ack at all, or a second snapshot miss: the connection is not healthy. */
  | { readonly symbol: string; readonly action: 'reconnect'; readonly cause: 'subscribe_timeout' | 'snapshot_timeout' };

interface SymbolProgress {
  phase: SubscriptionPhase;
  deadline: number;
  snapshotMisses: number;
  failures: number;
}

export class SubscriptionTracker {
  private readonly progress = new Map<string, SymbolProgress>();

  constructor(symbols: readonly string[], private readonly limits: TrackerLimits) {
    for (const symbol of symbols) {
      this.progress.set(symbol, { phase: 'pending', deadline: Infinity, snapshotMisses: 0, failures: 0 });
    }
  }

  /** Subscribe requests sent: every symbol must be acked within the ack timeout. */
  opened(now: number): void {
    for (const entry of this.progress.values()) {
      entry.phase = 'pending';
      entry.deadline = now + this.limits.subscribeAckTimeoutMs;
      entry.snapshotMisses = 0;
    }
  }

  acked(symbol: string, now: number): void {
    const entry = this.progress.get(symbol);
    if (entry === undefined || entry.phase === 'live') return;
    entry.phase = 'acked';
    entry.deadline = now + this.limits.snapshotTimeoutMs;
  }

  /** The venue rejected the subscription: retry later, backing off. */
  failed(symbol: string, now: number): void {
    const entry = this.progress.get(symbol);
    if (entry === undefined) return;
    entry.phase = 'failed';
    entry.deadline = now + doublingDelayMs(this.limits.subscribeRetryMs, entry.failures, FAILED_RETRY_MAX_MS);
    entry.failures++;
  }

  snapshot(symbol: string): void {
    const entry = this.progress.get(symbol);
    if (entry === undefined) return;
    entry.phase = 'live';
    entry.deadline = Infinity;
    entry.snapshotMisses = 0;
    entry.failures = 0;
  }

  /** A resync (unsubscribe → subscribe) was sent: the snapshot must follow within both timeouts. */
  resyncing(symbol: string, now: number): void {
    const entry = this.progress.get(symbol);
    if (entry === undefined) return;
    entry.phase = 'resyncing';
    entry.deadline = now + this.limits.subscribeAckTimeoutMs + this.limits.snapshotTimeoutMs;
  }

  /**
   * The snapshot deadline just reported passed for a reason outside the venue's stream (the REST request is still
   * queued): the same phase, a new deadline, and the miss is not counted.
   */
  postpone(symbol: string, until: number): void {
    const entry = this.progress.get(symbol);
    if (entry === undefined) return;
    entry.deadline = until;
    if (entry.snapshotMisses > 0) entry.snapshotMisses--;
  }

  /** The resync budget holds this book back until `retryAt`; it stays not live meanwhile. */
  deferred(symbol: string, retryAt: number): void {
    const entry = this.progress.get(symbol);
    if (entry === undefined) return;
    entry.phase = 'deferred';
    entry.deadline = retryAt;
  }

  /** Deadlines passed at `now`, each reported once. */
  overdue(now: number): OverdueDecision[] {
    const decisions: OverdueDecision[] = [];
    for (const [symbol, entry] of this.progress) {
      if (now < entry.deadline) continue;
      entry.deadline = Infinity;
      switch (entry.phase) {
        case 'pending':
          decisions.push({ symbol, action: 'reconnect', cause: 'subscribe_timeout' });
          break;
        case 'acked':
        case 'resyncing':
          entry.snapshotMisses++;
          decisions.push(entry.snapshotMisses === 1
            ? { symbol, action: 'resubscribe', cause: 'snapshot_timeout' }
            : { symbol, action: 'reconnect', cause: 'snapshot_timeout' });
          break;
        case 'failed':
          decisions.push({ symbol, action: 'retry', cause: 'subscribe_failed' });
          break;
        case 'deferred':
          decisions.push({ symbol, action: 'retry', cause: 'resync_deferred' });
          break;
        case 'live':
          break;
      }
    }
    return decisions;
  }

  phase(symbol: string): SubscriptionPhase | undefined {
    return this.progress.get(symbol)?.phase;
  }

  /** Every symbol that was not rejected by the venue has a live book. */
  allLive(): boolean {
    for (const entry of this.progress.values()) if (entry.phase !== 'live' && entry.phase !== 'failed') return false;
    return true;
  }
}
