// Prometheus metrics, one prom-client Registry per gateway instance (two gateways in one test process do not
// collide). Labels are bounded: exchange ids, small connection numbers, symbols from config, reason codes.
// Every series of a configured book or connection exists from start-up at 0 (registerBook/registerConnection), so
// `== 0` queries and absent() alerts mean what they say. Process and Node.js metrics keep prom-client's standard
// names (process_*, nodejs_*) so off-the-shelf dashboards find them.
//
// Per-frame and per-message figures are plain method calls (FeedMetrics and DownstreamMetrics are satisfied
// structurally); the per-frame ones count into plain numbers that prom-client reads at scrape time; everything else arrives as a GatewayEvent through the observer.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { BookState, BookStatusReason } from '../core/model.ts';
import { EXCHANGE_IDS, type ExchangeId } from '../exchanges/registry.ts';
import type { ReconnectCause } from '../feed/reconnect-policy.ts';
import { FrameTimingHistogram } from './frame-timing.ts';

export const CONNECTION_STATES = ['idle', 'connecting', 'subscribing', 'live', 'backoff', 'stopped'] as const;
export type ConnectionStateName = (typeof CONNECTION_STATES)[number];
export const BOOK_STATES: readonly BookState[] = ['awaiting-snapshot', 'live', 'stale', 'resyncing'];
export type ClientMessageType = 'ack' | 'error' | 'pong' | 'book_snapshot' | 'book_update' | 'trade' | 'status';
const CLIENT_MESSAGE_TYPES: readonly ClientMessageType[] =
  ['ack', 'error', 'pong', 'book_snapshot', 'book_update', 'trade', 'status'];
const ALL_EXCHANGES: readonly ExchangeId[] = EXCHANGE_IDS;

/** 1 µs … 10 ms: parsing and applying one venue frame. */
export const FRAME_PROCESSING_BUCKETS: readonly number[] =
  [1e-6, 2.5e-6, 5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 1e-2];

/** 50 µs … 50 ms: venue receipt → publish to bots, and event-loop delay (bounded: 1-2-5 steps). */
export const LATENCY_BUCKETS: readonly number[] =
  [5e-5, 1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 1e-2, 2e-2, 5e-2];

const PUBLISH_LATENCY = { name: 'mgw_publish_latency_seconds', help: 'Venue frame receipt to publish to bots (the newest '
  + 'frame a book or trade message covers), per venue.' };
const LOOP_DELAY = { name: 'mgw_event_loop_delay_seconds', help: 'Event-loop delay: how late a 10 ms timer ran, each tick.' };

/** 10 ms … 30 s: one REST snapshot request, answer body included (a timeout lands in the top buckets). */
export const REST_SNAPSHOT_BUCKETS: readonly number[] = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
export const ROTATION_OUTCOMES = ['handed_over', 'timed_out', 'failed'] as const;
/** Book failures counted per book by mgw_book_integrity_failures_total (each resyncs the book). */
export const INTEGRITY_REASONS = ['checksum_mismatch', 'sequence_gap', 'crossed_book', 'malformed_frame'] as const;
export type IntegrityReason = (typeof INTEGRITY_REASONS)[number];
/** The `reason` values of mgw_book_resyncs_total, all present from start-up. */
export const RESYNC_REASONS: readonly BookStatusReason[] = [...INTEGRITY_REASONS, 'snapshot_timeout', 'stale_data',
  'maintenance', 'connection_lost', 'subscribe_failed'];
/** The `reason` values of mgw_upstream_reconnects_total, all present from start-up (ReconnectCause but `initial`). */
export const RECONNECT_REASONS = ['closed', 'error', 'handshake_rejected', 'rate_limited', 'maintenance', 'stale_data',
  'pong_timeout', 'subscribe_timeout', 'snapshot_timeout', 'resync_budget', 'resync_connection', 'requested'] as const;
/** Compile-time check: a new ReconnectCause must be added above (or the build fails here). */
const _everyReconnectReason: Exclude<ReconnectCause, 'initial' | (typeof RECONNECT_REASONS)[number]> extends never
  ? true : never = true;

const LINT_FAILING_DEFAULTS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

/** A code from another module becomes a label only if it looks like one; anything else is "other". */
export function boundedLabel(value: string): string {
  return /^[a-z][a-z0-9_]{0,47}$/.test(value) ? value : 'other';
}

export interface MetricsOptions {
  /** Configured engine (`auto`, `uws`, `ws`); the observer replaces it with the one in use once listening. */
  readonly engine: string;
  readonly version: string;
  /** Exchanges whose counters start at 0 (so rate() works from the first increment). Default: none. */
  readonly exchanges?: readonly ExchangeId[];
  /** Exchanges that fetch REST snapshots: their rate-limit counters start at 0 and mgw_rest_paused shows 0. */
  readonly restExchanges?: readonly ExchangeId[];
  /** Epoch-ms clock for mgw_upstream_seconds_since_last_data and mgw_rest_paused (default Date.now). */
  readonly now?: () => number;
  /** Process metrics (CPU, memory, event-loop lag, GC) under their standard names process_*, nodejs_*. Default true. */
  readonly defaultMetrics?: boolean;
}

export interface GatewayInstruments {
  readonly buildInfo: Gauge<'version' | 'engine' | 'node'>;
  readonly connectionState: Gauge<'exchange' | 'connection' | 'state'>;
  readonly reconnects: Counter<'exchange' | 'reason'>;
  readonly framesReceived: Counter<'exchange'>;
  readonly bytesReceived: Counter<'exchange'>;
  readonly parseErrors: Counter<'exchange'>;
  readonly checksumMismatches: Counter<'exchange' | 'symbol'>;
  readonly integrityFailures: Counter<'exchange' | 'symbol' | 'reason'>;
  readonly resyncs: Counter<'exchange' | 'reason'>;
  readonly secondsSinceLastData: Gauge<'exchange' | 'connection'>;
  readonly bookState: Gauge<'exchange' | 'symbol' | 'state'>;
  readonly frameProcessing: FrameTimingHistogram;
  readonly publishLatency: FrameTimingHistogram;
  readonly eventLoopDelay: FrameTimingHistogram;
  readonly clientsConnected: Gauge;
  readonly clientMessagesSent: Counter<'type'>;
  readonly slowClientSnapshots: Counter;
  readonly clientErrors: Counter<'code'>;
  readonly clientEvictions: Counter<'reason'>;
  readonly tradesDeduplicated: Counter<'exchange'>;
  readonly handshakeRejections: Counter<'exchange' | 'status'>;
  readonly connectBudgetWaits: Counter<'exchange'>;
  readonly subscriptionFailures: Counter<'exchange'>;
  readonly restSnapshotRequests: Counter<'exchange' | 'status'>;
  readonly restSnapshotSeconds: Histogram<'exchange'>;
  readonly restWeightUsed: Gauge<'exchange'>;
  readonly restRateLimited: Counter<'exchange' | 'status'>;
  readonly restPaused: Gauge<'exchange'>;
  readonly rotations: Counter<'exchange' | 'outcome'>;
  readonly circuitOpen: Gauge<'exchange' | 'connection'>;
}

export interface GatewayMetrics {
  readonly registry: Registry;
  /** Content-Type of GET /metrics. */
  readonly contentType: string;
  /** Prometheus text exposition. */
  metricsText(): Promise<string>;
  /** The prom-client objects, for the observer and tests. */
  readonly instruments: GatewayInstruments;

  // Upstream hot path (FeedMetrics).
  frameReceived(exchange: ExchangeId, bytes: number, processingSeconds: number): void;
  /** A book or trade message arrived on this connection (heartbeats do not count). */
  dataReceived(exchange: ExchangeId, connection: number, atMs: number): void;

  // Downstream hot path (DownstreamMetrics).
  clientConnected(): void;
  clientDisconnected(): void;
  /** One call per published frame; `count` = clients it was queued to. */
  messageSent(type: ClientMessageType, count: number): void;
  slowClientSnapshot(): void;
  /** A book or trade message of `exchange` went out this long after its newest venue frame was received. */
  published(exchange: ExchangeId, seconds: number): void;
  /** One event-loop delay sample (observability/loop-delay.ts). */
  eventLoopDelay(seconds: number): void;
  clientError(code: string): void;
  clientEvicted(reason: string): void;

  // State, normally set by the observer from events.
  setConnectionState(exchange: ExchangeId, connection: number, state: ConnectionStateName): void;
  /** Drop a connection's series (its shard no longer exists). */
  forgetConnection(exchange: ExchangeId, connection: number): void;
  setBookState(exchange: ExchangeId, symbol: string, state: BookState): void;
  /** A configured book: its per-book series start at 0 and its state at awaiting-snapshot. */
  registerBook(exchange: ExchangeId, symbol: string): void;
  /** A configured connection: its state starts at idle and its data age counts from now. */
  registerConnection(exchange: ExchangeId, connection: number): void;
  /** The venue paused our REST requests until `untilMs` (epoch ms); mgw_rest_paused is 1 until then. */
  setRestPausedUntil(exchange: ExchangeId, untilMs: number): void;
  setClientsConnected(count: number): void;
  setEngine(engine: string): void;
}

function createInstruments(registry: Registry, lastDataAt: ReadonlyMap<ExchangeId, number[]>, now: () => number,
  flushUpstreamCounts: () => void, exchanges: readonly ExchangeId[],
  restPausedUntil: ReadonlyMap<ExchangeId, number>): GatewayInstruments {
  const registers = [registry];
  const deferredCounter = (name: string, help: string): Counter<'exchange'> =>
    new Counter({ name, help, labelNames: ['exchange'] as const, registers, collect: flushUpstreamCounts });
  const counter = <T extends string>(name: string, help: string, labelNames: readonly T[]): Counter<T> =>
    new Counter<T>({ name, help, labelNames, registers });
  const gauge = <T extends string>(name: string, help: string, labelNames: readonly T[]): Gauge<T> =>
    new Gauge<T>({ name, help, labelNames, registers });
  return {
    buildInfo: gauge('mgw_build_info', 'Always 1; the labels say what runs.', ['version', 'engine', 'node']),
    connectionState: gauge('mgw_upstream_connection_state', '1 for the current state of each upstream connection, 0 '
      + 'for the others.', ['exchange', 'connection', 'state']),
    reconnects: counter('mgw_upstream_reconnects_total', 'Upstream reconnections scheduled, by cause.', ['exchange', 'reason']),
    circuitOpen: gauge('mgw_upstream_circuit_open', '1 while a connection\'s circuit breaker is open (it kept failing '
      + 'without staying up and pauses between attempts).', ['exchange', 'connection']),
    framesReceived: deferredCounter('mgw_upstream_frames_received_total', 'Upstream WebSocket frames received.'),
    bytesReceived: deferredCounter('mgw_upstream_bytes_received_total', 'Upstream WebSocket payload bytes received.'),
    parseErrors: counter('mgw_upstream_parse_errors_total', 'Upstream frames that could not be parsed or had an unknown '
      + 'shape.', ['exchange']),
    checksumMismatches: counter('mgw_book_checksum_mismatches_total', 'Book checksums that did not match the venue\'s.',
      ['exchange', 'symbol']),
    integrityFailures: counter('mgw_book_integrity_failures_total', 'Books found wrong and resynced, by cause: '
      + 'checksum_mismatch, sequence_gap, crossed_book, malformed_frame.', ['exchange', 'symbol', 'reason']),
    resyncs: counter('mgw_book_resyncs_total', 'Per-symbol book resyncs, by reason.', ['exchange', 'reason']),
    secondsSinceLastData: new Gauge({
      name: 'mgw_upstream_seconds_since_last_data', help: 'Seconds since the last book or trade message on each '
        + 'upstream connection (heartbeats do not count; since the connection first appeared if it never had data).', labelNames: ['exchange', 'connection'] as const, registers,
      collect() {
        const at = now();
        for (const [exchange, connections] of lastDataAt) {
          connections.forEach((last, connection) => {
            this.set({ exchange, connection: String(connection) }, Math.max(0, (at - last) / 1000));
          });
        }
      },
    }),
    bookState: gauge('mgw_book_state', '1 for the current state of each book, 0 for the others.',
      ['exchange', 'symbol', 'state']),
    frameProcessing: new FrameTimingHistogram(FRAME_PROCESSING_BUCKETS, exchanges),
    publishLatency: new FrameTimingHistogram(LATENCY_BUCKETS, exchanges, PUBLISH_LATENCY),
    eventLoopDelay: new FrameTimingHistogram(LATENCY_BUCKETS, [], LOOP_DELAY),
    clientsConnected: new Gauge({ name: 'mgw_clients_connected', help: 'Bot connections open now.', registers }),
    clientMessagesSent: new Counter({ name: 'mgw_client_messages_sent_total', help: 'Messages queued to bots, by type.',
      labelNames: ['type'] as const, registers, collect: flushUpstreamCounts }),
    slowClientSnapshots: new Counter({ name: 'mgw_client_snapshots_for_slow_clients_total', help: 'Book snapshots sent '
      + 'to bots that fell behind, instead of their backlog.', registers }),
    clientErrors: counter('mgw_client_errors_total', 'Protocol errors answered to bots, by code.', ['code']),
    clientEvictions: counter('mgw_client_evictions_total', 'Bot connections closed by the gateway, by reason.', ['reason']),
    tradesDeduplicated: counter('mgw_trades_deduplicated_total', 'Venue trades dropped as already seen.', ['exchange']),
    handshakeRejections: counter('mgw_upstream_handshake_rejections_total', 'Upstream WebSocket upgrades answered with '
      + 'an HTTP error, by status.', ['exchange', 'status']),
    connectBudgetWaits: counter('mgw_connect_budget_waits_total', 'Reconnects delayed to stay within the venue\'s '
      + 'connection budget.', ['exchange']),
    subscriptionFailures: counter('mgw_upstream_subscription_failures_total', 'Venue subscriptions rejected or failed.',
      ['exchange']),
    restSnapshotRequests: counter('mgw_rest_snapshot_requests_total', 'REST snapshot requests answered, by HTTP status '
      + '("network": no answer, a timeout included).', ['exchange', 'status']),
    restSnapshotSeconds: new Histogram({ name: 'mgw_rest_snapshot_seconds', help: 'Duration of REST snapshot requests, '
      + 'answer body included.', labelNames: ['exchange'] as const, buckets: [...REST_SNAPSHOT_BUCKETS], registers }),
    restWeightUsed: gauge('mgw_rest_weight_used', 'The IP\'s used REST request weight in the venue\'s window, per the '
      + 'venue\'s header on the last answer (other programs on this IP included).', ['exchange']),
    restRateLimited: counter('mgw_rest_rate_limited_total', 'REST answers that paused every request of the venue: 429 '
      + '(slow down) and 418 (IP banned).', ['exchange', 'status']),
    restPaused: new Gauge({
      name: 'mgw_rest_paused', help: '1 while the venue\'s REST requests are paused by a 429 or 418, else 0.',
      labelNames: ['exchange'] as const, registers,
      collect() {
        const at = now();
        for (const [exchange, until] of restPausedUntil) this.set({ exchange }, at < until ? 1 : 0);
      },
    }),
    rotations: counter('mgw_upstream_rotations_total', 'Finished make-before-break connection rotations, by outcome.',
      ['exchange', 'outcome']),
  };
}

export function createMetrics(options: MetricsOptions): GatewayMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) {
    collectDefaultMetrics({ register: registry });
    // Gauges named *_total break the exposition conventions (`promtool check metrics`); nodejs_active_handles,
    // nodejs_active_requests and nodejs_active_resources carry the same counts by type.
    for (const name of LINT_FAILING_DEFAULTS) registry.removeSingleMetric(name);
  }
  const lastDataAt = new Map<ExchangeId, number[]>(ALL_EXCHANGES.map((id) => [id, []]));
  const now = options.now ?? Date.now;
  // Frame and byte counts are plain numbers on the hot path (prom-client hashes labels on every inc); the counters
  // take them at scrape time through their collect().
  const upstream = new Map(ALL_EXCHANGES.map((exchange) => [exchange, { frames: 0, bytes: 0 }]));
  // Likewise messages sent to bots: one increment per publish, label hashing only at scrape time.
  const sentCounts = new Map<ClientMessageType, number>();
  const flushUpstreamCounts = (): void => {
    for (const [type, count] of sentCounts) {
      if (count > 0) m.clientMessagesSent.inc({ type }, count);
      sentCounts.set(type, 0);
    }
    for (const [exchange, counts] of upstream) {
      if (counts.frames > 0) m.framesReceived.inc({ exchange }, counts.frames);
      if (counts.bytes > 0) m.bytesReceived.inc({ exchange }, counts.bytes);
      counts.frames = 0;
      counts.bytes = 0;
    }
  };
  const restPausedUntil = new Map<ExchangeId, number>((options.restExchanges ?? []).map((id) => [id, 0]));
  const m = createInstruments(registry, lastDataAt, now, flushUpstreamCounts, options.exchanges ?? ALL_EXCHANGES,
    restPausedUntil);
  for (const type of CLIENT_MESSAGE_TYPES) sentCounts.set(type, 0);
  for (const exchange of options.exchanges ?? []) {
    for (const c of [m.framesReceived, m.bytesReceived, m.parseErrors, m.tradesDeduplicated, m.connectBudgetWaits,
      m.subscriptionFailures]) c.inc({ exchange }, 0);
    for (const outcome of ROTATION_OUTCOMES) m.rotations.inc({ exchange, outcome }, 0);
    for (const reason of RECONNECT_REASONS) m.reconnects.inc({ exchange, reason }, 0);
    for (const reason of RESYNC_REASONS) m.resyncs.inc({ exchange, reason }, 0);
  }
  for (const exchange of options.restExchanges ?? []) {
    for (const status of ['429', '418']) m.restRateLimited.inc({ exchange, status }, 0);
  }
  for (const type of CLIENT_MESSAGE_TYPES) m.clientMessagesSent.inc({ type }, 0);
  m.clientsConnected.set(0);
  m.slowClientSnapshots.inc(0);
  const setEngine = (engine: string): void => {
    m.buildInfo.reset();
    m.buildInfo.set({ version: options.version, engine, node: process.version }, 1);
  };
  setEngine(options.engine);

  return {
    registry,
    contentType: registry.contentType,
    metricsText: async () => `${await registry.metrics()}${m.frameProcessing.exposition()}${m.publishLatency.exposition()}`
      + m.eventLoopDelay.exposition(),
    instruments: m,
    frameReceived(exchange, bytes, processingSeconds) {
      const u = upstream.get(exchange);
      if (u === undefined) return;
      u.frames++;
      u.bytes += bytes;
      m.frameProcessing.observe(exchange, processingSeconds);
    },
    dataReceived(exchange, connection, atMs) {
      const connections = lastDataAt.get(exchange);
      if (connections !== undefined) connections[connection] = atMs;
    },
    clientConnected: () => m.clientsConnected.inc(),
    clientDisconnected: () => m.clientsConnected.dec(),
    messageSent(type, count) {
      const pending = sentCounts.get(type);
      if (pending !== undefined) sentCounts.set(type, pending + count);
    },
    slowClientSnapshot: () => m.slowClientSnapshots.inc(),
    published(exchange, seconds) {
      m.publishLatency.observe(exchange, seconds);
    },
    eventLoopDelay(seconds) {
      m.eventLoopDelay.observeOne(seconds);
    },
    clientError: (code) => m.clientErrors.inc({ code: boundedLabel(code) }),
    clientEvicted: (reason) => m.clientEvictions.inc({ reason: boundedLabel(reason) }),
    setConnectionState(exchange, connection, state) {
      for (const s of CONNECTION_STATES) m.connectionState.set({ exchange, connection: String(connection), state: s }, s === state ? 1 : 0);
      // A connection that never gets data still shows its silence (counted from when it was first seen).
      const connections = lastDataAt.get(exchange);
      if (connections !== undefined && connections[connection] === undefined) connections[connection] = now();
    },
    forgetConnection(exchange, connection) {
      for (const state of CONNECTION_STATES) m.connectionState.remove({ exchange, connection: String(connection), state });
      const connections = lastDataAt.get(exchange);
      if (connections !== undefined) delete connections[connection];
      m.secondsSinceLastData.remove({ exchange, connection: String(connection) });
    },
    setBookState(exchange, symbol, state) {
      for (const s of BOOK_STATES) m.bookState.set({ exchange, symbol, state: s }, s === state ? 1 : 0);
    },
    registerBook(exchange, symbol) {
      this.setBookState(exchange, symbol, 'awaiting-snapshot');
      m.checksumMismatches.inc({ exchange, symbol }, 0);
      for (const reason of INTEGRITY_REASONS) m.integrityFailures.inc({ exchange, symbol, reason }, 0);
    },
    registerConnection(exchange, connection) {
      this.setConnectionState(exchange, connection, 'idle');
      m.circuitOpen.set({ exchange, connection: String(connection) }, 0);
    },
    setRestPausedUntil(exchange, untilMs) {
      restPausedUntil.set(exchange, Math.max(untilMs, restPausedUntil.get(exchange) ?? 0));
    },
    setClientsConnected: (count) => m.clientsConnected.set(count),
    setEngine,
  };
}
