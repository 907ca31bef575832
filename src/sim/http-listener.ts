// The node:http plumbing every simulator and replay server shares: listen on host/port (a failed listen rejects
// and leaves nothing behind), read the bound port back, refuse an upgrade with a plain HTTP response, and close the
// WebSocket and HTTP servers for good.
import { STATUS_CODES, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { WebSocketServer } from 'ws';

/** Resolves once `http` listens on `host:port` (port 0: an ephemeral port); rejects with the listen error. */
export async function listenOn(http: Server, port: number, host: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => {
      http.off('error', reject);
      resolve();
    });
  });
}

/** The port `http` is bound to (once listening). */
export function boundPort(http: Server): number {
  return (http.address() as AddressInfo).port;
}

/** Answer an upgrade request with `status` and `body` instead of 101, then end the socket. */
export function refuseUpgrade(socket: Duplex, status: number, contentType: string, body: string): void {
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nContent-Type: ${contentType}\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/**
 * Close `wss`, cut the HTTP connections still open (keep-alive, pending REST replies) and close `http`.
 * Callers end their own WebSocket connections first.
 */
export async function closeServers(wss: WebSocketServer, http: Server): Promise<void> {
  await new Promise<void>((resolve) => wss.close(() => resolve()));
  http.closeAllConnections();
  await new Promise<void>((resolve) => http.close(() => resolve()));
}
