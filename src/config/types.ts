// The effective configuration after convict validation. The schema in schema.ts documents every key.
import type { ExchangeId } from '../exchanges/registry.ts';

export interface ReconnectConfig {
  /** First retry delay; the first retry after a healthy session is fast. */
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
  /** Delay floor after the venue reported maintenance or closed with 1013. */
  readonly maintenanceDelayMs: number;
  /** Delay floor after HTTP 429/418 on the upgrade (a Kraken IP ban lasts 10 min; retries renew it). */
  readonly rateLimitedDelayMs: number;
  /** Connection attempts allowed in `budgetWindowMs`; the connector slows down instead of exceeding it. */
  readonly budgetAttempts: number;
  readonly budgetWindowMs: number;
  /** Connections that end (or attempts that fail) within stableAfterMs, this many in breakerWindowMs, pause it. */
  readonly breakerFailures: number;
  readonly breakerWindowMs: number;
  readonly breakerPauseMs: number;
  /** Up this long = stayed up: the breaker closes and its count starts over. */
  readonly stableAfterMs: number;
}

export interface VenueConfig {
  readonly enabled: boolean;
  /** WebSocket URL (tests point it at ws://127.0.0.1:<port>). */
  readonly url: string;
  /** Normalized symbols, `BASE/QUOTE`. */
  readonly symbols: readonly string[];
  readonly bookDepth: number;
  readonly tradeSnapshot: boolean;
  readonly maxSymbolsPerConnection: number;
  readonly pingIntervalMs: number;
  readonly pongTimeoutMs: number;
  /** No data frame (book or trade) on a connection for this long → reconnect. Heartbeats do not count. */
  readonly staleAfterMs: number;
  readonly subscribeAckTimeoutMs: number;
  /** Acked but no snapshot within this → resubscribe; a second miss escalates to reconnect. */
  readonly snapshotTimeoutMs: number;
  /** A live book silent this long while its connection has data is refreshed (unsubscribe → subscribe). */
  readonly symbolStaleAfterMs: number;
  /** A subscription the venue rejected is retried after this, doubling up to 10 min. */
  readonly subscribeRetryMs: number;
  /** Per-symbol resyncs allowed in `resyncWindowMs` before escalating to a reconnect. */
  readonly resyncBudget: number;
  readonly resyncWindowMs: number;
  readonly connectTimeoutMs: number;
  /** Rotate make-before-break this long after a connection opened (0 = never; Binance cuts connections at 24 h). */
  readonly rotateAfterMs: number;
  /** A rotation whose new connection has not continued every book by then closes the old one anyway. */
  readonly handoverTimeoutMs: number;
  readonly reconnect: ReconnectConfig;
  /** REST base URL for depth snapshots (venues whose adapter has restSnapshot). */
  readonly restUrl?: string;
  readonly rest?: RestConfig;
}

export interface RestConfig {
  readonly requestTimeoutMs: number;
  /** Share of the IP's REST weight limit the gateway may spend (percent). */
  readonly weightSharePercent: number;
  /** Least pause after a 418 ban without Retry-After. */
  readonly banPauseMinMs: number;
}

export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  /** `auto` loads native uWebSockets.js and falls back to `ws` with a warning. */
  readonly engine: 'auto' | 'uws' | 'ws';
  readonly maxPayloadBytes: number;
  readonly maxBackpressureBytes: number;
  readonly maxSubscriptionsPerClient: number;
  /** Errors per client per minute before the connection is closed as abusive. */
  readonly maxErrorsPerMinute: number;
  readonly idleTimeoutSeconds: number;
}

export interface LoggingConfig {
  /** Empty = platform default (D:\market-gateway\logs, /mnt/d/market-gateway/logs under WSL2, ./logs). */
  readonly dir: string;
  readonly level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
  /** Rotate when the file reaches this size (files are gateway.<date>.<n>.log). */
  readonly maxFileBytes: number;
  /** Also rotate at each day (or hour) boundary. */
  readonly rotateFrequency: 'daily' | 'hourly';
  /** Log files kept, the current one included; older ones (earlier runs too) are deleted on rotation. */
  readonly keepFiles: number;
  /** stdout besides the files: auto = pretty on a terminal, NDJSON otherwise (services); or always one; or none. */
  readonly stdout: 'auto' | 'pretty' | 'json' | 'off';
  /** Lowest level written to stdout. */
  readonly stdoutLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
}

export interface RecorderConfig {
  readonly enabled: boolean;
  readonly maxTotalBytes: number;
  readonly maxFileBytes: number;
  readonly rotateAfterMs: number;
  readonly incidents: boolean;
  readonly incidentWindowMs: number;
  readonly keepIncidents: number;
}

export interface GatewayConfig {
  readonly server: ServerConfig;
  /** One entry per registered venue (src/exchanges/registry.ts). */
  readonly exchanges: Readonly<Record<ExchangeId, VenueConfig>>;
  readonly store: {
    readonly tradeBufferSize: number;
  };
  readonly logging: LoggingConfig;
  readonly recorder: RecorderConfig;
}

export type VenueConfigs = GatewayConfig['exchanges'];
