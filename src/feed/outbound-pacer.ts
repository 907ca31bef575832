// Keeps one connection's outgoing messages under the venue's message rate (Kraken answers bursts with
// `Exceeded msg rate`; Binance closes the socket above 5/s): a token bucket. Pure: time is an argument; the
// connection owns the queue and the timer.

export class OutboundPacer {
  private tokens: number;
  private refilledAt: number;

  /** `perSecond` messages per second on average, bursts of up to `burst`. */
  constructor(private readonly perSecond: number, private readonly burst: number, now: number) {
    this.tokens = burst;
    this.refilledAt = now;
  }

  /** Take a slot for one message at `now`; false when the caller must wait `waitMs(now)`. */
  take(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Milliseconds until the next slot frees (0 if one is free now). */
  waitMs(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.perSecond) * 1000);
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.refilledAt);
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.perSecond) / 1000);
    this.refilledAt = now;
  }
}
