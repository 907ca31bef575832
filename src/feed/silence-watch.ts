// Per-symbol, per-channel "last data" times on one connection: a single subscription can go silent while the
// connection itself keeps flowing (the connection-wide staleness watchdog cannot see that). Pure: time is an argument.
import type { VenueChannel } from '../exchanges/types.ts';

export interface SilentStream {
  readonly symbol: string;
  readonly channel: VenueChannel;
  readonly silentForMs: number;
}

export class SilenceWatch {
  private readonly lastSeen = new Map<string, { symbol: string; channel: VenueChannel; at: number }>();

  constructor(symbols: readonly string[], channels: readonly VenueChannel[]) {
    for (const symbol of symbols) {
      for (const channel of channels) this.lastSeen.set(`${channel}:${symbol}`, { symbol, channel, at: 0 });
    }
  }

  /** Every stream starts its clock now (a new connection). */
  restart(now: number): void {
    for (const entry of this.lastSeen.values()) entry.at = now;
  }

  seen(symbol: string, channel: VenueChannel, at: number): void {
    const entry = this.lastSeen.get(`${channel}:${symbol}`);
    if (entry !== undefined) entry.at = at;
  }

  /** Streams silent for more than `limitMs`; each one's clock restarts so it is reported once per period. */
  overdue(now: number, limitMs: number): SilentStream[] {
    const silent: SilentStream[] = [];
    for (const entry of this.lastSeen.values()) {
      if (now - entry.at <= limitMs) continue;
      silent.push({ symbol: entry.symbol, channel: entry.channel, silentForMs: now - entry.at });
      entry.at = now;
    }
    return silent;
  }
}
