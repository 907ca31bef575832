// Per-symbol book subscription progress on one upstream connection: ack and first-snapshot deadlines and
// the resync budget. Pure: every method takes `now`, so timer logic is tested without sleeping.

export type SubscriptionPhase = 'pending' | 'acked' | 'live' | 'resyncing' | 'failed';

export interface TrackerLimits {
  readonly subscribeAckTimeoutMs: number;
  readonly snapshotTimeoutMs: number;
  readonly resyncBudget: number;
  readonly resyncWindowMs: number;
}

export type OverdueDecision =
  /** Acked (or resynced) but never fed: resubscribe once. */
  | { readonly symbol: string; readonly action: 'resubscribe'; readonly cause: 'snapshot_timeout' }
  /** No ack at all, or a second miss: the connection is not healthy. */
  | { readonly symbol: string; readonly action: 'reconnect'; readonly cause: 'subscribe_timeout' | 'snapshot_timeout' };

interface SymbolProgress {
  phase: SubscriptionPhase;
  deadline: number;
  snapshotMisses: number;
  resyncTimes: number[];
}

export class SubscriptionTracker {
  private readonly progress = new Map<string, SymbolProgress>();

  constructor(symbols: readonly string[], private readonly limits: TrackerLimits) {
    for (const symbol of symbols) {
      this.progress.set(symbol, { phase: 'pending', deadline: Infinity, snapshotMisses: 0, resyncTimes: [] });
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

  failed(symbol: string): void {
    const entry = this.progress.get(symbol);
    if (entry === undefined) return;
    entry.phase = 'failed';
    entry.deadline = Infinity;
  }

  snapshot(symbol: string): void {
    const entry = this.progress.get(symbol);
    if (entry === undefined) return;
    entry.phase = 'live';
    entry.deadline = Infinity;
    entry.snapshotMisses = 0;
  }

  /**
   * A resync of one book is about to start. Returns `escalate` when the symbol already used its budget
   * in the window: a reconnect is cheaper for the venue than a resubscribe storm.
   */
  beginResync(symbol: string, now: number): 'resync' | 'escalate' {
    const entry = this.progress.get(symbol);
    if (entry === undefined) return 'escalate';
    const cutoff = now - this.limits.resyncWindowMs;
    entry.resyncTimes = entry.resyncTimes.filter((time) => time > cutoff);
    if (entry.resyncTimes.length >= this.limits.resyncBudget) return 'escalate';
    entry.resyncTimes.push(now);
    entry.phase = 'resyncing';
    entry.deadline = now + this.limits.subscribeAckTimeoutMs + this.limits.snapshotTimeoutMs;
    return 'resync';
  }

  /** Deadlines passed at `now`, each reported once. */
  overdue(now: number): OverdueDecision[] {
    const decisions: OverdueDecision[] = [];
    for (const [symbol, entry] of this.progress) {
      if (now < entry.deadline) continue;
      entry.deadline = Infinity;
      if (entry.phase === 'pending') {
        decisions.push({ symbol, action: 'reconnect', cause: 'subscribe_timeout' });
      } else if (entry.phase === 'acked' || entry.phase === 'resyncing') {
        entry.snapshotMisses++;
        decisions.push(entry.snapshotMisses === 1
          ? { symbol, action: 'resubscribe', cause: 'snapshot_timeout' }
          : { symbol, action: 'reconnect', cause: 'snapshot_timeout' });
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

  symbols(): string[] {
    return [...this.progress.keys()];
  }
}
