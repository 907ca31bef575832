// Incoming-message count over a strict sliding window (binance-spot.md §2.2: 5 per second, PING and PONG frames
// included). Pure: time is an argument.

export class MessageWindow {
  private readonly times: number[] = [];

  constructor(private readonly windowMs = 1000) {}

  /** Record one message at `nowMs`; returns how many arrived in the last `windowMs` including this one. */
  record(nowMs: number): number {
    this.times.push(nowMs);
    while (this.times.length > 0 && nowMs - (this.times[0] ?? nowMs) >= this.windowMs) this.times.shift();
    return this.times.length;
  }
}
