// ClientHub on native uWebSockets.js (the only file that drives it; hub-loader.ts loads the addon).

import type { ClientHub, HttpResponse, HubHandlers, HubOptions } from './client-hub.ts';
import { answerHttp, statusLine } from './hub-http.ts';
import { validateHubOptions } from './hub-options.ts';
import { ENGINE_PAYLOAD_CEILING_BYTES, OVERSIZE_CLOSE_CODE, oversizeReason } from './oversize-frame.ts';
import type {
  UwsApp, UwsHttpRequest, UwsHttpResponse, UwsListenSocket, UwsNative, UwsSocketContext,
} from './uws-api.ts';
import { UwsClient, type UserData } from './uws-client.ts';
import { UwsNativeTopics } from './uws-native-topics.ts';

const utf8 = new TextDecoder();

/**
 * uWS cuts the TCP connection on these errors (the client sees 1006); onClose reports the RFC code instead. Too big
 * only happens above ENGINE_PAYLOAD_CEILING_BYTES: below it the hub closes oversize messages itself, with a frame.
 */
const forcedCloseCodes: ReadonlyMap<string, number> = new Map([
  ['Received too big message', 1009],
  ['Received invalid UTF-8', 1007],
]);

function protocolErrorCode(message: ArrayBuffer): number {
  return forcedCloseCodes.get(utf8.decode(message)) ?? 1006;
}

export class UwsHub implements ClientHub {
  readonly engine = 'uWebSockets.js' as const;
  private app: UwsApp | null = null;
  private listenSocket: UwsListenSocket | null = null;
  private readonly clients = new Set<UwsClient>();
  private nextId = 1;
  private closing: Promise<void> | null = null;
  nativeTopics: UwsNativeTopics | undefined;

  constructor(private readonly uws: UwsNative, readonly engineDetail: string) {}

  listen(options: HubOptions, handlers: HubHandlers): Promise<number> {
    if (this.app !== null || this.closing !== null) {
      return Promise.reject(new Error('UwsHub.listen: a hub listens once; create a new hub'));
    }
    try {
      validateHubOptions(options);
    } catch (error) {
      return Promise.reject(error);
    }
    const app = this.uws.App();
    this.app = app;
    const native = new UwsNativeTopics(app, options.maxBackpressureBytes);
    this.nativeTopics = native;
    app.ws<UserData>(options.wsPath, {
      maxPayloadLength: ENGINE_PAYLOAD_CEILING_BYTES,
      maxBackpressure: options.maxBackpressureBytes,
      idleTimeout: options.idleTimeoutSeconds,
      closeOnBackpressureLimit: false,
      compression: this.uws.DISABLED,
      sendPingsAutomatically: true,
      upgrade: (res, req, context) => this.upgrade(res, req, context),
      open: (ws) => {
        const client = new UwsClient(this.nextId++, utf8.decode(ws.getRemoteAddressAsText()), ws,
          options.maxBackpressureBytes, native, (off) => handlers.onNativeOff?.(off));
        ws.getUserData().client = client;
        this.clients.add(client);
        handlers.onOpen(client);
      },
      message: (ws, message, isBinary) => {
        const client = ws.getUserData().client;
        if (client === null) return;
        if (message.byteLength > options.maxPayloadBytes) {
          client.close(OVERSIZE_CLOSE_CODE, oversizeReason(message.byteLength, options.maxPayloadBytes));
          return;
        }
        // decode() copies: the ArrayBuffer is neutered when this callback returns.
        handlers.onMessage(client, utf8.decode(message), isBinary);
      },
      drain: (ws) => {
        const client = ws.getUserData().client;
        if (client?.drainedBelowLimit() === true) handlers.onDrain(client);
      },
      close: (ws, code, message) => {
        const client = ws.getUserData().client;
        if (client === null) return;
        client.markClosed();
        this.clients.delete(client);
        handlers.onClose(client, code === 1006 ? protocolErrorCode(message) : code);
      },
    });
    app.any('/*', (res, req) => this.serveHttp(res, req, handlers));
    return new Promise<number>((resolve, reject) => {
      app.listen(options.host, options.port, this.uws.LIBUS_LISTEN_EXCLUSIVE_PORT, (listenSocket) => {
        if (listenSocket === false) {
          this.app = null;
          app.close();
          reject(new Error(`uWebSockets.js could not listen on ${options.host}:${options.port} `
            + '(port in use or address not available)'));
          return;
        }
        this.listenSocket = listenSocket;
        resolve(this.uws.us_socket_local_port(listenSocket));
      });
    });
  }

  close(code = 1001, reason = 'gateway shutting down'): Promise<void> {
    if (this.closing !== null) return this.closing;
    const app = this.app;
    if (app === null) {
      this.closing = Promise.resolve();
      return this.closing;
    }
    // end() runs each close handler synchronously, which removes the client from the set.
    for (const client of [...this.clients]) client.close(code, reason);
    if (this.listenSocket !== null) this.uws.us_listen_socket_close(this.listenSocket);
    this.listenSocket = null;
    this.closing = new Promise<void>((resolve) => {
      // One macrotask lets the close frames reach the kernel before idle keep-alive HTTP sockets are cut.
      setImmediate(() => {
        app.close();
        this.app = null;
        resolve();
      });
    });
    return this.closing;
  }

  private upgrade(res: UwsHttpResponse, req: UwsHttpRequest, context: UwsSocketContext): void {
    if (this.closing !== null) {
      res.writeStatus(statusLine(503)).end();
      return;
    }
    const userData: UserData = { client: null };
    res.upgrade(userData, req.getHeader('sec-websocket-key'), req.getHeader('sec-websocket-protocol'),
      req.getHeader('sec-websocket-extensions'), context);
  }

  private serveHttp(res: UwsHttpResponse, req: UwsHttpRequest, handlers: HubHandlers): void {
    // Registered first: returning without responding or an abort handler aborts the process.
    let aborted = false;
    res.onAborted(() => {
      aborted = true;
    });
    const request = {
      method: req.getMethod().toUpperCase(),
      path: req.getUrl(),
      query: new URLSearchParams(req.getQuery() ?? ''),
    };
    answerHttp(handlers, request, (response: HttpResponse) => {
      if (aborted) return;
      res.cork(() => {
        res.writeStatus(statusLine(response.status))
          .writeHeader('content-type', response.contentType)
          .end(response.body);
      });
    });
  }
}
