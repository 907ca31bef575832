// Recording implementations of the downstream server's metrics and log ports.
import type { ExchangeId } from '../../src/exchanges/registry.ts';
import type { DownstreamLog, DownstreamMetrics, EvictionReason } from '../../src/server/downstream-ports.ts';
import type { ProtocolErrorCode } from '../../src/server/protocol.ts';
import type { OutboundType } from '../../src/server/serializers.ts';

export class RecordingMetrics implements DownstreamMetrics {
  connected = 0;
  disconnected = 0;
  slowSnapshots = 0;
  readonly sent = new Map<OutboundType, number>();
  /** Clients reached by the latest frame of each type. */
  readonly lastReach = new Map<OutboundType, number>();
  readonly errors: ProtocolErrorCode[] = [];
  readonly evictions: EvictionReason[] = [];

  clientConnected(): void {
    this.connected++;
  }

  clientDisconnected(): void {
    this.disconnected++;
  }

  messageSent(type: OutboundType, count: number): void {
    this.sent.set(type, (this.sent.get(type) ?? 0) + count);
    this.lastReach.set(type, count);
  }

  slowClientSnapshot(): void {
    this.slowSnapshots++;
  }

  /** Venue receipt → publish latencies observed, seconds. */
  readonly publishLatencies: number[] = [];

  published(_exchange: ExchangeId, seconds: number): void {
    this.publishLatencies.push(seconds);
  }

  clientError(code: ProtocolErrorCode): void {
    this.errors.push(code);
  }

  clientEvicted(reason: EvictionReason): void {
    this.evictions.push(reason);
  }
}

export class RecordingLog implements DownstreamLog {
  readonly lines: { level: 'info' | 'warn'; fields: Record<string, unknown>; message: string }[] = [];

  info(fields: Record<string, unknown>, message: string): void {
    this.lines.push({ level: 'info', fields, message });
  }

  warn(fields: Record<string, unknown>, message: string): void {
    this.lines.push({ level: 'warn', fields, message });
  }
}
