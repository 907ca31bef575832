// Starts a ClientHub with recording handlers and connects real `ws` bot clients to it.

import { it, type TestContext } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import WebSocket, { type RawData } from 'ws';
import type {
  ClientHub, ClientSocket, HttpRequest, HttpResponse, HubHandlers, HubOptions,
} from '../../src/server/client-hub.ts';
import { createClientHub } from '../../src/server/hub-loader.ts';
import { nativeHubSkip } from './native-hub.ts';

export interface HubFactory {
  readonly name: 'uWebSockets.js' | 'ws';
  create(): ClientHub;
  /** node:test `skip` for this engine's suites: the reason, or false to run them. */
  readonly skip: string | false;
}

const noWarning = (message: string): void => {
  throw new Error(`unexpected hub warning: ${message}`);
};

export const hubFactories: readonly HubFactory[] = [
  { name: 'uWebSockets.js', create: () => createClientHub('uws', noWarning), skip: nativeHubSkip },
  { name: 'ws', create: () => createClientHub('ws', noWarning), skip: false },
];

/**
 * `it` for one engine's tests: where the engine cannot run here each test is skipped with the reason, so the
 * skips are counted and printed per test (a skipped `describe` would drop its tests from the counts).
 */
export function hubIt(factory: HubFactory): (name: string, fn: (t: TestContext) => void | Promise<void>) => void {
  return (name, fn) => {
    void it(name, { skip: factory.skip }, fn);
  };
}

export const baseOptions: HubOptions = {
  host: '127.0.0.1',
  port: 0,
  wsPath: '/v1/ws',
  maxPayloadBytes: 16 * 1024,
  maxBackpressureBytes: 64 * 1024,
  idleTimeoutSeconds: 120,
};

/** Handlers that do nothing, for hubs that are never connected to. */
export const inertHandlers: HubHandlers = {
  onOpen: () => undefined,
  onMessage: () => undefined,
  onDrain: () => undefined,
  onClose: () => undefined,
  onHttp: () => ({ status: 404, contentType: 'text/plain', body: '' }),
};

export interface HubEvents {
  readonly opened: ClientSocket[];
  readonly messages: { socket: ClientSocket; text: string; isBinary: boolean }[];
  readonly drained: ClientSocket[];
  readonly closed: { socket: ClientSocket; code: number }[];
  readonly http: HttpRequest[];
}

export interface StartedHub {
  readonly hub: ClientHub;
  readonly port: number;
  readonly events: HubEvents;
  readonly wsUrl: string;
  readonly httpUrl: string;
}

/** Echoes text frames; serves `/v1/books/...` asynchronously, `/throw` by throwing, anything else 404. */
async function serveHttp(request: HttpRequest): Promise<HttpResponse> {
  await nextTurn();
  const body = JSON.stringify({ method: request.method, path: request.path, depth: request.query.get('depth') });
  return { status: 200, contentType: 'application/json', body };
}

export async function startHub(factory: HubFactory, options: Partial<HubOptions> = {}): Promise<StartedHub> {
  const hub = factory.create();
  const events: HubEvents = { opened: [], messages: [], drained: [], closed: [], http: [] };
  const handlers: HubHandlers = {
    onOpen: (socket) => events.opened.push(socket),
    onMessage: (socket, text, isBinary) => {
      events.messages.push({ socket, text, isBinary });
      if (!isBinary && text.startsWith('echo:')) socket.send(text);
    },
    onDrain: (socket) => events.drained.push(socket),
    onClose: (socket, code) => events.closed.push({ socket, code }),
    onHttp: (request) => {
      events.http.push(request);
      if (request.path === '/throw') throw new Error('handler failure');
      if (request.path.startsWith('/v1/books/')) return serveHttp(request);
      return { status: 404, contentType: 'text/plain; charset=utf-8', body: `not found: ${request.path}` };
    },
  };
  const port = await hub.listen({ ...baseOptions, ...options }, handlers);
  return { hub, port, events, wsUrl: `ws://127.0.0.1:${port}/v1/ws`, httpUrl: `http://127.0.0.1:${port}` };
}

export interface RecordingClient {
  readonly ws: WebSocket;
  readonly received: string[];
  /** Set once the client saw the connection close. */
  closeInfo: { code: number; reason: string } | null;
}

export function connectClient(url: string): Promise<RecordingClient> {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  const client: RecordingClient = { ws, received: [], closeInfo: null };
  ws.on('message', (data: RawData, isBinary: boolean) => {
    const buffer = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    const text = buffer.toString('utf8');
    client.received.push(isBinary ? `<binary>${text}` : text);
  });
  ws.on('close', (code: number, reason: Buffer) => {
    client.closeInfo = { code, reason: reason.toString('utf8') };
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(client));
    ws.once('error', reject);
  });
}
