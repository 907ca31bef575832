// createGateway(config, deps) → { start(), stop() }: the one composition of store, connectors, downstream
// server and observability. Used by main.ts, the demo and the integration tests alike.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pino, { type Logger } from 'pino';
import { BookStore } from './book/book-store.ts';
import type { GatewayConfig } from './config/types.ts';
import { EXCHANGE_IDS, type ExchangeId, venueAdapter } from './exchanges/registry.ts';
import { VenueConnector } from './feed/venue-connector.ts';
import { redactSecrets } from './config/redact.ts';
import { createStatusCounts } from './observability/status-counts.ts';
import { FlightRecorder } from './observability/flight-recorder.ts';
import type { GatewayEvent } from './observability/gateway-events.ts';
import { watchLoopDelay } from './observability/loop-delay.ts';
import { createObserver, type GatewayObserver } from './observability/observer.ts';
import { IncidentRecorder } from './observability/incident-recorder.ts';
import { createMetrics, type GatewayMetrics } from './observability/metrics.ts';
import { GATEWAY_VERSION } from './version.ts';
import type { HubEngine } from './server/client-hub.ts';
import { createDownstreamServer, type DownstreamServer } from './server/downstream-server.ts';
import { createClientHub } from './server/hub-loader.ts';

export interface GatewayDeps {
  /** Defaults to a silent logger (tests); main.ts passes the pino-roll logger. */
  readonly logger?: Logger;
  readonly now?: () => number;
  readonly random?: () => number;
  /** The log directory: the flight recorder and incident bundles go under it. Without it, neither runs. */
  readonly logDirectory?: string;
  /** Waits between upstream connection attempts (default real timers; tests pass a fake clock's). */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export interface Gateway {
  /** Listen for bots, then connect upstream. Resolves with the bound port. Idempotent; rolls back on failure. */
  start(): Promise<{ readonly port: number }>;
  /** Bots get `status` `shutting_down`, upstream and downstream sockets close. Idempotent. */
  stop(reason?: string): Promise<void>;
  readonly store: BookStore;
  readonly metrics: GatewayMetrics;
  readonly recorder: FlightRecorder | undefined;
  readonly incidents: IncidentRecorder | undefined;
  port(): number | undefined;
  engine(): HubEngine | undefined;
}

export class GatewayStartError extends Error {
  constructor(readonly keyPath: string, message: string) {
    super(`${keyPath}: ${message}`);
    this.name = 'GatewayStartError';
  }
}

/**
 * Epoch-like milliseconds that never step backwards: every deadline, watchdog and budget runs on this, so an NTP
 * correction or a VM/WSL2 resume cannot switch the staleness watchdog off (Date.now can jump back by hours).
 */
export function monotonicEpochMs(): number {
  return performance.timeOrigin + performance.now();
}

export function createGateway(config: GatewayConfig, deps: GatewayDeps = {}): Gateway {
  const logger = deps.logger ?? pino({ level: 'silent' });
  const now = deps.now ?? monotonicEpochMs;
  const enabled = EXCHANGE_IDS.filter((id) => config.exchanges[id].enabled);
  const store = new BookStore({ tradeBufferSize: config.store.tradeBufferSize });
  const restExchanges = enabled.filter((exchange) => venueAdapter(exchange).restSnapshot !== undefined);
  const metrics = createMetrics({ engine: config.server.engine, version: GATEWAY_VERSION, exchanges: enabled, restExchanges, now });
  const observer: GatewayObserver = createObserver(logger, metrics, { now });
  const counts = createStatusCounts();
  const { recorder, incidents } = createRecorders(config, store, deps, now, logger);
  const observe = (event: GatewayEvent): void => {
    observer.observe(event);
    counts.observe(event);
    incidents?.observe(event);
  };
  store.addListener({
    bookStateChanged: (view, previous) => observer.observe({ type: 'book_state', exchange: view.exchange,
      symbol: view.symbol, state: view.state, previous, reason: view.reason }),
  });
  const connectors = enabled.map((exchange) => createConnector(exchange));
  for (const book of store.list()) metrics.registerBook(book.exchange, book.symbol);
  for (const connector of connectors) {
    for (const id of connector.connectionIds()) metrics.registerConnection(connector.exchange, id);
  }
  let server: DownstreamServer | undefined;
  let engine: HubEngine | undefined;
  let boundPort: number | undefined;
  let starting: Promise<{ port: number }> | undefined;
  let stopping: Promise<void> | undefined;

  function createConnector(exchange: ExchangeId): VenueConnector {
    return new VenueConnector({ adapter: venueAdapter(exchange), config: config.exchanges[exchange], store, observe, metrics,
      now, random: deps.random, recorder, sleep: deps.sleep });
  }

  function status(): Record<string, unknown> {
    const exchanges: Record<string, unknown> = {};
    for (const connector of connectors) {
      const rest = connector.restStatus();
      exchanges[connector.exchange] = rest === undefined ? { connections: connector.status() }
        : { connections: connector.status(), rest };
    }
    return { version: GATEWAY_VERSION, startedAt: new Date(startedAt).toISOString(), exchanges, bookCounts: counts.books(),
      reconnects: Object.fromEntries(connectors.flatMap((c) => c.connectionIds()
        .map((id) => [`${c.exchange} ${id}`, counts.reconnects(c.exchange, id)]))),
      recorder: recorder === undefined ? null : { ...recorder.stats(), incidents: incidents?.bundles().length ?? 0 } };
  }
  let startedAt = 0;
  let stopLoopDelay: (() => void) | undefined;

  async function doStart(): Promise<{ port: number }> {
    startedAt = now();
    const hub = createClientHub(config.server.engine, (message) => logger.warn({ event: 'hub_fallback' }, message));
    engine = hub.engine;
    metrics.setEngine(hub.engine);
    server = createDownstreamServer({
      config: config.server, store, hub, metrics, log: logger,
      clock: { nowMs: monotonicEpochMs },
      status, metricsText: () => metrics.metricsText(),
      unreachableReason: (exchange, symbol) => connectors.find((c) => c.exchange === exchange)?.unreachableReason(symbol),
    });
    try {
      boundPort = await server.start();
    } catch (error) {
      await server.stop();
      throw error;
    }
    observer.observe({ type: 'server_listening', engine: hub.engine, host: config.server.host, port: boundPort });
    for (const connector of connectors) connector.start();
    stopLoopDelay = watchLoopDelay((seconds) => metrics.eventLoopDelay(seconds));
    return { port: boundPort };
  }

  async function doStop(reason: string): Promise<void> {
    if (starting !== undefined) await starting.catch(() => undefined);
    observer.observe({ type: 'shutdown', reason, phase: 'begin' });
    stopLoopDelay?.();
    server?.announceShutdown();
    await Promise.all(connectors.map((connector) => connector.stop()));
    await server?.stop();
    await recorder?.stop();
    await incidents?.stop();
    observer.flush();
    observer.observe({ type: 'shutdown', reason, phase: 'complete' });
  }

  return {
    store,
    metrics,
    recorder,
    incidents,
    start: () => {
      if (stopping !== undefined) return Promise.reject(new Error('gateway stopped; create a new one to start again'));
      return (starting ??= doStart());
    },
    stop: (reason = 'requested') => (stopping ??= doStop(reason)),
    port: () => boundPort,
    engine: () => engine,
  };
}

function createRecorders(config: GatewayConfig, store: BookStore, deps: GatewayDeps, now: () => number, logger: Logger): {
  recorder: FlightRecorder | undefined; incidents: IncidentRecorder | undefined;
} {
  const options = config.recorder;
  if (deps.logDirectory === undefined || (!options.enabled && !options.incidents)) return { recorder: undefined, incidents: undefined };
  const redacted = redactSecrets(config);
  const onError = (error: Error): void => logger.warn({ event: 'recorder_error', err: error }, `flight recorder: ${error.message}`);
  const recorder = new FlightRecorder({
    record: options.enabled, dir: join(deps.logDirectory, 'recorder'), maxTotalBytes: options.maxTotalBytes,
    maxFileBytes: options.maxFileBytes, rotateAfterMs: options.rotateAfterMs,
    windowMs: options.incidents ? options.incidentWindowMs : 0, header: { version: GATEWAY_VERSION, config: redacted }, now,
    onError,
  });
  const incidents = !options.incidents ? undefined : new IncidentRecorder({
    dir: join(deps.logDirectory, 'incidents'), keep: options.keepIncidents, recorder, store, config: redacted, now, onError,
    written: (path, incident) => logger.warn({ event: 'incident_bundle', path, exchange: incident.exchange,
      symbol: incident.symbol, reason: incident.reason }, `${incident.exchange} ${incident.symbol}: incident bundle `
      + `(${incident.reason}) written to ${path}; replay it with: npm run replay -- ${path}`),
  });
  return { recorder, incidents };
}
