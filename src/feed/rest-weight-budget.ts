// A venue's REST request-weight budget (Binance: 6000 per minute per IP, a limit-1000 depth snapshot costs 50).
// One instance per venue, shared by every connection's snapshot requests. Pure: time is an argument.
//
// Two views decide when a request may go:
// - our own requests, in a sliding window: together they stay within `share` of the venue's limit, so the other
//   programs on this IP keep the rest;
// - the venue's view (the used-weight header of the last response): the IP's total, other programs included. Their
//   weight is not ours to cap, but we never send the request that would take the IP over the venue's limit (a 429,
//   and after more of them an IP ban).

export interface RestWeightLimits {
  /** Weight the venue allows per IP per window. */
  readonly perWindow: number;
  readonly windowMs: number;
  /** Fraction of `perWindow` this gateway allows itself (0 < share ≤ 1). */
  readonly share: number;
}

interface Spent {
  readonly id: number;
  readonly at: number;
  readonly weight: number;
}

interface ServerReading {
  readonly used: number;
  readonly receivedAt: number;
  /** Reservations up to this id were already counted by the venue when it answered. */
  readonly throughId: number;
}

export class RestWeightBudget {
  private readonly spent: Spent[] = [];
  private server: ServerReading | undefined;
  private lastId = 0;

  constructor(private readonly limits: RestWeightLimits) {}

  /** The most weight our own requests may use per window. */
  get allowance(): number {
    return Math.floor(this.limits.perWindow * this.limits.share);
  }

  /** Weight our own requests used within the window ending at `now`. */
  used(now: number): number {
    this.prune(now);
    return this.spent.reduce((sum, s) => sum + s.weight, 0);
  }

  /** The venue's last word on the IP's used weight, while it can still matter (one window), else undefined. */
  serverUsed(now: number): number | undefined {
    return this.server !== undefined && now < this.server.receivedAt + this.limits.windowMs ? this.server.used : undefined;
  }

  /** Earliest time ≥ `now` at which a request of `weight` may be sent. */
  freeAt(weight: number, now: number): number {
    this.prune(now);
    return Math.max(this.ownFreeAt(weight, now), this.serverFreeAt(weight, now));
  }

  /** Charge a request sent at `now`; the id ties a later used-weight reading to the requests it already counts. */
  reserve(weight: number, now: number): number {
    this.prune(now);
    const id = ++this.lastId;
    this.spent.push({ id, at: now, weight });
    return id;
  }

  /** The response to reservation `id` said the IP has used `used` weight in the venue's current window. */
  observeServer(used: number, id: number, now: number): void {
    // Responses can arrive out of order: an older reading never replaces a newer one.
    if (this.server !== undefined && this.server.throughId > id && now < this.server.receivedAt + this.limits.windowMs) return;
    this.server = { used, receivedAt: now, throughId: id };
  }

  private ownFreeAt(weight: number, now: number): number {
    let total = this.spent.reduce((sum, s) => sum + s.weight, 0);
    // A request heavier than the whole allowance (misconfiguration) goes alone into an empty window rather than never.
    const fits = (): boolean => total + weight <= this.allowance || total === 0;
    if (fits()) return now;
    for (const s of this.spent) {
      total -= s.weight;
      if (fits()) return s.at + this.limits.windowMs;
    }
    return now;
  }

  private serverFreeAt(weight: number, now: number): number {
    const reading = this.server;
    const used = this.serverUsed(now);
    if (reading === undefined || used === undefined) return now;
    // Our requests sent after the venue answered are not in its figure yet.
    const unseen = this.spent.reduce((sum, s) => sum + (s.id > reading.throughId ? s.weight : 0), 0);
    if (used + unseen + weight <= this.limits.perWindow) return now;
    // We do not know where the venue's window starts; one window after the reading, all weight it counted is gone.
    return reading.receivedAt + this.limits.windowMs;
  }

  private prune(now: number): void {
    const cutoff = now - this.limits.windowMs;
    let drop = 0;
    while (drop < this.spent.length && this.spent[drop]!.at <= cutoff) drop++;
    if (drop > 0) this.spent.splice(0, drop);
  }
}
