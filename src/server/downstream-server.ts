// The bots' side of the gateway: a ClientHub (WebSocket `/v1/ws` + HTTP on one port) wired to the
// protocol parser, the fan-out and the HTTP routes.
import type { ExchangeId } from '../exchanges/registry.ts';
import type { BookStore } from '../book/book-store.ts';
import type { ServerConfig } from '../config/types.ts';
import type { ClientHub, ClientSocket, HubHandlers } from './client-hub.ts';
import type { DownstreamClock, DownstreamLog, DownstreamMetrics } from './downstream-ports.ts';
import { Fanout } from './fanout.ts';
import { createHttpRoutes } from './http-routes.ts';
import { parseCommand, type BookCatalog, type ProtocolError } from './protocol.ts';
import { serializeError, serializePong } from './serializers.ts';

export const WS_PATH = '/v1/ws';
const ERROR_WINDOW_MS = 60_000;

export interface DownstreamServerDeps {
  readonly config: ServerConfig;
  readonly store: BookStore;
  readonly hub: ClientHub;
  readonly clock: DownstreamClock;
  readonly metrics: DownstreamMetrics;
  readonly log: DownstreamLog;
  /** Connector state etc. for `/v1/status` (books, clients and hub are added by the server). */
  status(): Record<string, unknown>;
  /** Prometheus exposition text for `/metrics`. */
  metricsText(): Promise<string>;
  /** Why a book cannot be served because its venue is unreachable, if that is so (for `/readyz`). */
  unreachableReason?(exchange: ExchangeId, symbol: string): string | undefined;
}

export interface DownstreamServer {
  /** Listens and starts serving; resolves with the bound port. Idempotent. */
  start(): Promise<number>;
  /** Stops serving, closes every client (1001) and releases the port. Idempotent; no restart after. */
  stop(): Promise<void>;
  /** `status` with state `shutting_down` to every connected client (call before stop()). */
  announceShutdown(): void;
  clientCount(): number;
}

interface ErrorWindow {
  startedAtMs: number;
  count: number;
}

export function createDownstreamServer(deps: DownstreamServerDeps): DownstreamServer {
  const { config, store, hub, clock, metrics, log } = deps;
  const fanout = new Fanout({
    store, clock, metrics, log,
    maxBackpressureBytes: config.maxBackpressureBytes,
    maxSubscriptionsPerClient: config.maxSubscriptionsPerClient,
    // Read when the first subscriber joins a topic: the hub is listening by then.
    native: { reserve: (bytes) => hub.nativeTopics?.reserve(bytes), publish: (topic, bytes) => hub.nativeTopics?.publish(topic, bytes) },
  });
  const catalog: BookCatalog = {
    exchanges: () => [...new Set<ExchangeId>(store.list().map((view) => view.exchange))],
    heldDepth: (exchange, symbol) => store.get(exchange, symbol)?.depth,
  };
  const errorWindows = new Map<ClientSocket, ErrorWindow>();

  const answerError = (socket: ClientSocket, error: ProtocolError): void => {
    metrics.clientError(error.code);
    fanout.reply(socket, 'error', serializeError(error));
    const now = clock.nowMs();
    let window = errorWindows.get(socket);
    if (window === undefined || now - window.startedAtMs >= ERROR_WINDOW_MS) {
      window = { startedAtMs: now, count: 0 };
      errorWindows.set(socket, window);
      // One line per client per minute: a misbehaving bot cannot flood the log, its author still sees why.
      log.info({ clientId: socket.id, code: error.code, id: error.id }, `bot error ${error.code}: ${error.message}`);
    }
    if (++window.count <= config.maxErrorsPerMinute) return;
    metrics.clientEvicted('too_many_errors');
    log.warn({ clientId: socket.id, remoteAddress: socket.remoteAddress, errors: window.count, lastCode: error.code },
      'closing client: too many protocol errors');
    fanout.removeClient(socket);
    socket.close(1008, 'too many errors');
  };

  const handlers: HubHandlers = {
    onOpen(socket) {
      fanout.addClient(socket);
      metrics.clientConnected();
      log.info({ clientId: socket.id, remoteAddress: socket.remoteAddress }, 'bot connected');
    },
    onMessage(socket, text, isBinary) {
      if (!fanout.hasClient(socket)) return; // closed by us; frames may still be in flight
      const parsed = parseCommand(text, isBinary, catalog);
      if (!parsed.ok) return answerError(socket, parsed.error);
      const command = parsed.command;
      if (command.op === 'ping') return fanout.reply(socket, 'pong', serializePong(command.id));
      const error = command.op === 'subscribe' ? fanout.subscribe(socket, command) : fanout.unsubscribe(socket, command);
      if (error !== undefined) answerError(socket, error);
    },
    onDrain(socket) {
      fanout.drained(socket);
    },
    onNativeOff(socket) {
      fanout.nativeOff(socket);
    },
    onClose(socket, code) {
      fanout.removeClient(socket);
      errorWindows.delete(socket);
      metrics.clientDisconnected();
      log.info({ clientId: socket.id, code }, 'bot disconnected');
    },
    onHttp: createHttpRoutes({ store, hub, status: deps.status, metricsText: deps.metricsText,
      unreachableReason: deps.unreachableReason,
      clientCount: () => fanout.clientCount() }),
  };

  let starting: Promise<number> | undefined;
  let stopping: Promise<void> | undefined;
  let removeListener: (() => void) | undefined;

  const listen = async (): Promise<number> => {
    removeListener = store.addListener(fanout.listener);
    try {
      const port = await hub.listen({
        host: config.host, port: config.port, wsPath: WS_PATH, maxPayloadBytes: config.maxPayloadBytes,
        maxBackpressureBytes: config.maxBackpressureBytes, idleTimeoutSeconds: config.idleTimeoutSeconds,
      }, handlers);
      log.info({ host: config.host, port, wsPath: WS_PATH, engine: hub.engine, engineDetail: hub.engineDetail },
        'downstream server listening');
      return port;
    } catch (error) {
      removeListener();
      removeListener = undefined;
      throw error;
    }
  };

  const shutdown = async (): Promise<void> => {
    await starting?.catch(() => undefined);
    removeListener?.();
    removeListener = undefined;
    await hub.close(1001, 'gateway shutting down');
    fanout.stop();
    errorWindows.clear();
    if (starting !== undefined) log.info({}, 'downstream server stopped');
  };

  return {
    start() {
      if (stopping !== undefined) return Promise.reject(new Error('downstream server was stopped; create a new one'));
      starting ??= listen().catch((error: unknown) => {
        starting = undefined;
        throw error;
      });
      return starting;
    },
    stop() {
      stopping ??= shutdown();
      return stopping;
    },
    announceShutdown() {
      fanout.announceShutdown();
    },
    clientCount() {
      return fanout.clientCount();
    },
  };
}
