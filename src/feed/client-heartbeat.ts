// The gateway's own ping on a connection whose venue expects one (Kraken): a ping every interval, and a deadline for
// the pong. Venues that ping us instead (Binance) get none: their liveness is judged on data alone, because a
// server that pings rarely must not look dead. Pure: time is an argument.

export type HeartbeatDue = 'ping' | 'pong_timeout' | undefined;

export class ClientHeartbeat {
  private nextPingAt = Infinity;
  private pongDeadline = Infinity;

  constructor(private readonly enabled: boolean, private readonly intervalMs: number, private readonly timeoutMs: number) {}

  opened(now: number): void {
    if (this.enabled) this.nextPingAt = now + this.intervalMs;
  }

  /** `ping`: send one now (the pong deadline starts unless one is already running). */
  due(now: number): HeartbeatDue {
    if (now > this.pongDeadline) return 'pong_timeout';
    if (now < this.nextPingAt) return undefined;
    this.nextPingAt = now + this.intervalMs;
    if (this.pongDeadline === Infinity) this.pongDeadline = now + this.timeoutMs;
    return 'ping';
  }

  pong(): void {
    this.pongDeadline = Infinity;
  }
}
