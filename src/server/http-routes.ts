// HTTP on the bots' port (README.md "Downstream protocol v1"): health, readiness, status, one book, Prometheus metrics.
// Errors are JSON `{"error":"<code>","message":"…"}`; the codes are the protocol's where they overlap.
import { symbolFromUrl } from '../core/model.ts';
import type { ExchangeId } from '../exchanges/registry.ts';
import type { BookStore, BookView } from '../book/book-store.ts';
import { runtimeInfo } from '../observability/runtime-info.ts';
import type { HttpRequest, HttpResponse } from './client-hub.ts';
import { normalizeSymbol, resolveDepth } from './protocol.ts';

export const JSON_CONTENT_TYPE = 'application/json';
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export interface HttpRoutesDeps {
  readonly store: BookStore;
  readonly hub: { readonly engine: string; readonly engineDetail: string };
  /** Connectors and anything else the gateway reports; merged under the server's own keys. */
  status(): Record<string, unknown>;
  metricsText(): Promise<string>;
  clientCount(): number;
  /** Why a book cannot be served because its venue is unreachable, if that is so. */
  unreachableReason?(exchange: ExchangeId, symbol: string): string | undefined;
}

export type HttpRoutes = (request: HttpRequest) => HttpResponse | Promise<HttpResponse>;

export function createHttpRoutes(deps: HttpRoutesDeps): HttpRoutes {
  return (request) => {
    if (request.method !== 'GET') return errorResponse(405, 'method_not_allowed', `${request.method} is not supported; use GET`);
    switch (request.path) {
      case '/healthz':
        return json(200, { status: 'ok' });
      case '/readyz':
        return readiness(deps);
      case '/v1/status':
        return json(200, {
          ...deps.status(),
          books: deps.store.list().map(bookSummary),
          clients: deps.clientCount(),
          hub: { engine: deps.hub.engine, detail: deps.hub.engineDetail },
          runtime: runtimeInfo(),
        });
      case '/metrics':
        return deps.metricsText().then((body) => ({ status: 200, contentType: PROMETHEUS_CONTENT_TYPE, body }));
      default:
        return request.path.startsWith('/v1/books/') ? book(deps.store, request)
          : errorResponse(404, 'not_found', `no route for ${request.path}`);
    }
  };
}

function readiness(deps: HttpRoutesDeps): HttpResponse {
  const reasons = deps.store.list().filter((view) => view.state !== 'live').map((view) => {
    const unreachable = deps.unreachableReason?.(view.exchange, view.symbol);
    const reason = unreachable === undefined ? view.reason ?? 'starting' : 'upstream_unreachable';
    return { exchange: view.exchange, symbol: view.symbol, state: view.state, reason,
      ...(unreachable === undefined ? {} : { detail: unreachable }) };
  });
  return reasons.length === 0 ? json(200, { ready: true }) : json(503, { ready: false, reasons });
}

/** `/v1/books/kraken/BTC-USD?depth=5`. `seq` is the store's book version (one per applied venue message). */
function book(store: BookStore, request: HttpRequest): HttpResponse {
  const segments = request.path.split('/');
  if (segments.length !== 5 || segments[3] === '' || segments[4] === '') {
    return errorResponse(404, 'not_found', 'expected /v1/books/<exchange>/<BASE-QUOTE>');
  }
  const exchangeText = decode(segments[3]!);
  const exchange = store.list().find((view) => view.exchange === exchangeText)?.exchange;
  if (exchange === undefined) return errorResponse(404, 'unknown_exchange', `unknown exchange "${clip(exchangeText)}"`);
  const symbolText = decode(segments[4]!);
  const symbol = normalizeSymbol(symbolFromUrl(symbolText));
  const view = symbol === undefined ? undefined : store.get(exchange, symbol);
  // The normalized form (DOGE/USD), as bots see it on the WebSocket, not the URL's DOGE-USD.
  if (view === undefined) {
    return errorResponse(404, 'unknown_symbol', `${exchange} has no configured symbol ${clip(symbol ?? symbolFromUrl(symbolText))}`);
  }
  const rawDepth = request.query.get('depth');
  const depth = resolveDepth(rawDepth === null ? undefined : /^[0-9]{1,9}$/.test(rawDepth) ? Number(rawDepth) : rawDepth, view.depth);
  if (typeof depth !== 'number') return errorResponse(400, depth.code, depth.message);
  return json(200, {
    exchange: view.exchange, symbol: view.symbol, state: view.state, seq: view.version,
    bids: view.book.topLevels('bids', depth), asks: view.book.topLevels('asks', depth),
  });
}

function bookSummary(view: BookView): Record<string, unknown> {
  return {
    exchange: view.exchange, symbol: view.symbol, state: view.state, reason: view.reason ?? 'starting',
    depth: view.depth, bidLevels: view.book.bids.size, askLevels: view.book.asks.size,
    bestBid: view.book.bids.best()?.[0] ?? null, bestAsk: view.book.asks.best()?.[0] ?? null,
    exchangeTime: view.exchangeTime, version: view.version,
  };
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function clip(text: string): string {
  return text.length <= 40 ? text : `${text.slice(0, 40)}…`;
}

function json(status: number, body: unknown): HttpResponse {
  return { status, contentType: JSON_CONTENT_TYPE, body: JSON.stringify(body) };
}

function errorResponse(status: number, code: string, message: string): HttpResponse {
  return json(status, { error: code, message });
}
