// A venue's connection-attempt budget (Kraken: ~150 per 10 min per IP, shared by every socket to it).
// One instance per venue, shared by all its connections. Pure: time is an argument.

export interface ConnectBudgetLimits {
  readonly budgetAttempts: number;
  readonly budgetWindowMs: number;
}

export class ConnectBudget {
  private readonly attempts: number[] = [];

  constructor(private readonly limits: ConnectBudgetLimits) {}

  /** Record a connection attempt starting at `now`. */
  record(now: number): void {
    this.prune(now);
    this.attempts.push(now);
  }

  /** Attempts made within the window ending at `now`. */
  used(now: number): number {
    this.prune(now);
    return this.attempts.length;
  }

  /** Earliest time ≥ `at` when one more attempt fits in the window. */
  freeAt(at: number): number {
    const live = this.attempts.filter((time) => time > at - this.limits.budgetWindowMs);
    if (live.length < this.limits.budgetAttempts) return at;
    return live[live.length - this.limits.budgetAttempts]! + this.limits.budgetWindowMs;
  }

  private prune(now: number): void {
    const cutoff = now - this.limits.budgetWindowMs;
    let drop = 0;
    while (drop < this.attempts.length && this.attempts[drop]! <= cutoff) drop++;
    if (drop > 0) this.attempts.splice(0, drop);
  }
}
