// The slice of the uWebSockets.js native API (v20.30 – v20.57) that uws-hub.ts uses, typed narrowly. The
// package typings are not imported: the module is loaded from a `.node` file at run time (hub-loader.ts).

/** Opaque native `us_listen_socket_t`. */
export interface UwsListenSocket {
  readonly __uwsListenSocket: never;
}

/** Opaque native socket context handed to `upgrade`. */
export interface UwsSocketContext {
  readonly __uwsSocketContext: never;
}

export type UwsMessage = string | Uint8Array | ArrayBuffer;

/** `send` results. */
export const UWS_SEND_BACKPRESSURE = 0;
export const UWS_SEND_SUCCESS = 1;
export const UWS_SEND_DROPPED = 2;

export interface UwsWebSocket<UserData> {
  /** 1 success, 0 queued with backpressure, 2 dropped (backlog already above `maxBackpressure`). */
  send(message: UwsMessage, isBinary?: boolean, compress?: boolean): number;
  getBufferedAmount(): number;
  /** Native pub/sub: `publish` on the app reaches every socket subscribed to the topic. */
  subscribe(topic: string): boolean;
  unsubscribe(topic: string): boolean;
  /** Sends a close frame and calls the `close` handler synchronously. */
  end(code?: number, shortMessage?: string): void;
  getRemoteAddressAsText(): ArrayBuffer;
  getUserData(): UserData;
}

export interface UwsHttpResponse {
  writeStatus(status: string): UwsHttpResponse;
  writeHeader(key: string, value: string): UwsHttpResponse;
  end(body?: string): UwsHttpResponse;
  onAborted(handler: () => void): UwsHttpResponse;
  cork(callback: () => void): UwsHttpResponse;
  upgrade<UserData>(userData: UserData, secWebSocketKey: string, secWebSocketProtocol: string,
    secWebSocketExtensions: string, context: UwsSocketContext): void;
}

export interface UwsHttpRequest {
  getHeader(lowerCaseKey: string): string;
  getUrl(): string;
  /** Lower case in v20.30. */
  getMethod(): string;
  /** `undefined` (not '') when the URL has no query string in v20.30. */
  getQuery(): string | undefined;
}

export interface UwsWebSocketBehavior<UserData> {
  maxPayloadLength: number;
  maxBackpressure: number;
  /** 0 or ≥ 8; other values make the native code abort the process. */
  idleTimeout: number;
  closeOnBackpressureLimit: boolean;
  compression: number;
  sendPingsAutomatically: boolean;
  upgrade(res: UwsHttpResponse, req: UwsHttpRequest, context: UwsSocketContext): void;
  open(ws: UwsWebSocket<UserData>): void;
  /** `message` is only valid until the callback returns. */
  message(ws: UwsWebSocket<UserData>, message: ArrayBuffer, isBinary: boolean): void;
  drain(ws: UwsWebSocket<UserData>): void;
  close(ws: UwsWebSocket<UserData>, code: number, message: ArrayBuffer): void;
}

export interface UwsApp {
  ws<UserData>(pattern: string, behavior: UwsWebSocketBehavior<UserData>): UwsApp;
  any(pattern: string, handler: (res: UwsHttpResponse, req: UwsHttpRequest) => void): UwsApp;
  /**
   * `options` is a `LIBUS_LISTEN_*` flag. Without LIBUS_LISTEN_EXCLUSIVE_PORT the socket gets SO_REUSEPORT and a
   * second process listening on the same port succeeds too: the kernel then splits connections between them.
   */
  listen(host: string, port: number, options: number, callback: (listenSocket: UwsListenSocket | false) => void): UwsApp;
  /**
   * One message to every socket subscribed to `topic`, in C++ (no per-socket JS). A socket whose backlog is
   * already above maxBackpressure silently misses it (uWS #499/#1338): callers keep sockets well below that.
   */
  publish(topic: string, message: UwsMessage, isBinary?: boolean, compress?: boolean): boolean;
  /** Force-closes every socket of the app, listen sockets included. */
  close(): void;
}

export interface UwsNative {
  App(): UwsApp;
  us_listen_socket_close(listenSocket: UwsListenSocket): void;
  us_socket_local_port(socket: UwsListenSocket): number;
  readonly DISABLED: number;
  /** 1 in v20.30 and v20.57 (SO_EXCLUSIVEADDRUSE on Windows, no SO_REUSEPORT elsewhere). */
  readonly LIBUS_LISTEN_EXCLUSIVE_PORT: number;
}

/** True for the native addon; the pure-JS shims of some packages define JS functions instead. */
export function isUwsNative(value: unknown): value is UwsNative {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return isNativeFunction(record.App)
    && isNativeFunction(record.us_listen_socket_close)
    && isNativeFunction(record.us_socket_local_port)
    && typeof record.DISABLED === 'number'
    && typeof record.LIBUS_LISTEN_EXCLUSIVE_PORT === 'number';
}

function isNativeFunction(value: unknown): boolean {
  return typeof value === 'function' && Function.prototype.toString.call(value).includes('[native code]');
}
