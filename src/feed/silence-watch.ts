// Per-symbol, per-channel "last data" times on one connection: a single subscription can go silent while the
// connection itself keeps flowing (the connection-wide staleness watchdog cannot see that). Pure: time is an argument.
import type { VenueChannel } from '../exchanges/types.ts';

export interface SilentStream {
  readonly symbol: string;
  readonly channel: VenueChannel;
  readonly silentForMs: number;
}

interface StreamClock {
  readonly symbol: string;
  readonly channel: VenueChannel;
  at: number;
}

export class SilenceWatch {
  /** channel → symbol → clock: `seen` runs per data message, so no key string is built there. */
  private readonly byChannel = new Map<VenueChannel, Map<string, StreamClock>>();
  private readonly all: StreamClock[] = [];

  constructor(symbols: readonly string[], channels: readonly VenueChannel[]) {
    for (const channel of channels) {
      const bySymbol = new Map<string, StreamClock>();
      for (const symbol of symbols) {
        const clock = { symbol, channel, at: 0 };
        bySymbol.set(symbol, clock);
        this.all.push(clock);
      }
      this.byChannel.set(channel, bySymbol);
    }
  }

  /** Every stream starts its clock now (a new connection). */
  restart(now: number): void {
    for (const entry of this.all) entry.at = now;
  }

  seen(symbol: string, channel: VenueChannel, at: number): void {
    const entry = this.byChannel.get(channel)?.get(symbol);
    if (entry !== undefined) entry.at = at;
  }

  /** Streams silent for more than `limitMs`; each one's clock restarts so it is reported once per period. */
  overdue(now: number, limitMs: number): SilentStream[] {
    const silent: SilentStream[] = [];
    for (const entry of this.all) {
      if (now - entry.at <= limitMs) continue;
      silent.push({ symbol: entry.symbol, channel: entry.channel, silentForMs: now - entry.at });
      entry.at = now;
    }
    return silent;
  }
}
