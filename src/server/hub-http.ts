// HTTP plumbing shared by both hubs, so a request is parsed and a failing handler is answered identically.

import { STATUS_CODES } from 'node:http';
import type { HttpRequest, HttpResponse, HubHandlers } from './client-hub.ts';

/** Splits a request target into path and query. */
export function splitTarget(target: string): { path: string; query: URLSearchParams } {
  const mark = target.indexOf('?');
  if (mark === -1) return { path: target, query: new URLSearchParams() };
  return { path: target.slice(0, mark), query: new URLSearchParams(target.slice(mark + 1)) };
}

const internalError: HttpResponse = {
  status: 500,
  contentType: 'text/plain; charset=utf-8',
  body: 'internal server error\n',
};

/**
 * Runs `onHttp` and always ends in `respond` exactly once: a throwing or rejecting handler becomes a 500.
 * Synchronous results are answered synchronously (uWS needs that to skip corking).
 */
export function answerHttp(handlers: HubHandlers, request: HttpRequest,
  respond: (response: HttpResponse) => void): void {
  let result: HttpResponse | Promise<HttpResponse>;
  try {
    result = handlers.onHttp(request);
  } catch {
    respond(internalError);
    return;
  }
  if (result instanceof Promise) {
    result.then(respond, () => respond(internalError));
  } else {
    respond(result);
  }
}

export function statusLine(status: number): string {
  return `${status} ${STATUS_CODES[status] ?? 'Unknown'}`;
}
