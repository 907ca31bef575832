// Exponential backoff, the one formula every retry in the gateway uses: the first delay doubled per failure, capped.
// Pure.

/** `firstMs * 2^doublings`, at most `capMs`. The exponent is clamped so a long failure streak cannot overflow. */
export function doublingDelayMs(firstMs: number, doublings: number, capMs: number): number {
  return Math.min(capMs, firstMs * 2 ** Math.min(Math.max(doublings, 0), 30));
}
