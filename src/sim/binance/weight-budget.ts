// REST request weight per IP (binance-spot.md §5, §5.1): a minute window of used weight; over the limit → 429 with
// Retry-After until the window ends; any request while limited → 418 ban. The window starts at its first request
// (not at the clock minute) so tests never straddle a minute boundary. Pure: time is an argument.

export type WeightDecision =
  | { readonly kind: 'ok'; readonly used: number }
  | { readonly kind: 'limited' | 'banned'; readonly used: number; readonly retryAfterS: number; readonly untilMs: number };

const WINDOW_MS = 60_000;

/** Weight of `GET /api/v3/depth` by limit (doc, since 2023-10-19). */
export function depthWeight(limit: number): number {
  if (limit <= 100) return 5;
  if (limit <= 500) return 25;
  if (limit <= 1000) return 50;
  return 250;
}

export class WeightBudget {
  private windowStart = -Infinity;
  private usedWeight = 0;
  private limitedUntil = -Infinity;
  private bannedUntil = -Infinity;

  constructor(private readonly limit: number, private readonly banMs: number) {}

  used(nowMs: number): number {
    this.roll(nowMs);
    return this.usedWeight;
  }

  charge(weight: number, nowMs: number): WeightDecision {
    this.roll(nowMs);
    if (nowMs < this.bannedUntil) return this.refusal('banned', this.bannedUntil, nowMs);
    if (nowMs < this.limitedUntil) {
      this.bannedUntil = nowMs + this.banMs;
      return this.refusal('banned', this.bannedUntil, nowMs);
    }
    if (this.usedWeight + weight > this.limit) {
      this.limitedUntil = this.windowStart + WINDOW_MS;
      return this.refusal('limited', this.limitedUntil, nowMs);
    }
    this.usedWeight += weight;
    return { kind: 'ok', used: this.usedWeight };
  }

  private refusal(kind: 'limited' | 'banned', untilMs: number, nowMs: number): WeightDecision {
    return { kind, used: this.usedWeight, untilMs, retryAfterS: Math.max(1, Math.ceil((untilMs - nowMs) / 1000)) };
  }

  private roll(nowMs: number): void {
    if (nowMs - this.windowStart < WINDOW_MS) return;
    this.windowStart = nowMs;
    this.usedWeight = 0;
  }
}
