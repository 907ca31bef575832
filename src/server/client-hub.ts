// The port between the downstream server and a WebSocket/HTTP engine. uWebSockets.js lives only in
// uws-hub.ts; ws-hub.ts is the fallback. Everything else talks to this interface.

export type HubEngine = 'uWebSockets.js' | 'ws';

/** Outcome of queueing one frame to one client. */
export type SendOutcome = 'sent' | 'backpressure' | 'closed';

export interface ClientSocket {
  /** Unique per hub, increasing. */
  readonly id: number;
  readonly remoteAddress: string;
  /**
   * Queue one text frame. `bytes` is the same message pre-encoded once per topic (UTF-8), so a frame
   * published to many clients is serialized and encoded once. Returns `backpressure` when the client's
   * backlog is above the hub's limit and the frame was DROPPED (uWS semantics, mirrored by the ws hub): the
   * caller must catch the client up, e.g. with a fresh book snapshot. `closed` if the socket is gone.
   */
  send(text: string, bytes?: Uint8Array): SendOutcome;
  /** Bytes queued for this client and not yet written to the kernel. */
  bufferedBytes(): number;
  close(code: number, reason: string): void;
  /**
   * Hubs with native topics only: from now on this socket gets what is published to `topic` without a
   * per-socket send. False (nothing changed) when its backlog is too high for that; the hub takes it off
   * every native topic before its backlog could reach the limit (HubHandlers.onNativeOff).
   */
  subscribeNative?(topic: string): boolean;
  unsubscribeNative?(topic: string): void;
}

/**
 * A hub's own pub/sub (uWebSockets.js topics): one call publishes to every subscribed socket. The hub
 * guarantees no publish is dropped: before `reserve` returns, every socket that could pass the backlog
 * limit with `bytes` more is taken off its native topics (onNativeOff), and the caller sends to it itself.
 */
export interface NativeTopics {
  reserve(bytes: number): void;
  /** `message`: text, or its UTF-8 bytes. */
  publish(topic: string, message: string | Uint8Array): void;
}

export interface HttpRequest {
  readonly method: string;
  /** Path without query string, e.g. `/v1/books/kraken/BTC-USD`. */
  readonly path: string;
  readonly query: URLSearchParams;
}

export interface HttpResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

export interface HubHandlers {
  onOpen(socket: ClientSocket): void;
  /** A text frame (binary frames arrive as `isBinary: true` and are rejected by the protocol layer). */
  onMessage(socket: ClientSocket, text: string, isBinary: boolean): void;
  /** The client's backlog drained below the limit. */
  onDrain(socket: ClientSocket): void;
  /** The hub took the socket off every native topic (its backlog grew): it got every publish so far, none after. */
  onNativeOff?(socket: ClientSocket): void;
  onClose(socket: ClientSocket, code: number): void;
  onHttp(request: HttpRequest): HttpResponse | Promise<HttpResponse>;
}

export interface HubOptions {
  readonly host: string;
  readonly port: number;
  /** WebSocket path bots connect to. */
  readonly wsPath: string;
  /** A message larger than this closes the connection with 1009 and a reason, on both engines. */
  readonly maxPayloadBytes: number;
  readonly maxBackpressureBytes: number;
  readonly idleTimeoutSeconds: number;
}

export interface ClientHub {
  readonly engine: HubEngine;
  /** e.g. `@trufflesuite/uws-js-unofficial@20.30.0-unofficial.0 (native uws_linux_x64_115.node)`. */
  readonly engineDetail: string;
  /** Present when the engine publishes to many sockets natively (uWebSockets.js); available once listening. */
  readonly nativeTopics?: NativeTopics;
  /** Resolves with the bound port (options.port 0 picks a free one). */
  listen(options: HubOptions, handlers: HubHandlers): Promise<number>;
  /** Stop accepting, close every client socket with `code`, release the port. Idempotent. */
  close(code?: number, reason?: string): Promise<void>;
}
