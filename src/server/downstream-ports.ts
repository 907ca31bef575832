// What the downstream server needs from the outside world, kept narrow so the lead can wire
// prom-client and pino behind them (and tests can count calls).
import type { ExchangeId } from '../exchanges/registry.ts';
import type { ProtocolErrorCode } from './protocol.ts';
import type { OutboundType } from './serializers.ts';

export interface DownstreamMetrics {
  clientConnected(): void;
  clientDisconnected(): void;
  /** One call per published frame: `count` = clients it was queued to. */
  messageSent(type: OutboundType, count: number): void;
  /** A slow client got a book_snapshot instead of the updates it missed. */
  slowClientSnapshot(): void;
  /** A book or trade message of `exchange` went out `seconds` after its newest venue frame was received. */
  published(exchange: ExchangeId, seconds: number): void;
  /** A protocol error answered to a bot (bounded label: the error code). */
  clientError(code: ProtocolErrorCode): void;
  /** The gateway closed a client: its backlog grew past 2× maxBackpressureBytes, or it sent too many errors. */
  clientEvicted(reason: EvictionReason): void;
}

export type EvictionReason = 'slow_consumer' | 'too_many_errors';

/** pino-compatible subset: `log.info({ clientId: 3 }, 'client connected')`. */
export interface DownstreamLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface DownstreamClock {
  /** Epoch milliseconds; may be fractional (µs precision reaches bots as gatewayTime). */
  nowMs(): number;
}
