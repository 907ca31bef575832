// What every raw venue-protocol test client shares: connect over `ws`, record every text frame and the close, wait
// for a frame or the close, and read the status of a refused upgrade. Venue clients extend it with their requests.
import WebSocket from 'ws';
import { waitFor } from './wait-for.ts';

export abstract class RawWsClient {
  readonly frames: string[] = [];
  closeCode: number | undefined;
  closeReason = '';

  protected constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => this.onFrame(data.toString()));
    socket.on('close', (code, reason) => {
      this.closeCode = code;
      this.closeReason = reason.toString();
    });
    socket.on('error', () => undefined);
  }

  /** The HTTP status an upgrade was refused with. */
  static async rejectedStatus(url: string): Promise<number> {
    const socket = new WebSocket(url);
    socket.on('error', () => undefined);
    return new Promise<number>((resolve, reject) => {
      socket.once('unexpected-response', (_request, response) => {
        resolve(response.statusCode ?? 0);
        socket.terminate();
      });
      socket.once('open', () => reject(new Error('upgrade unexpectedly accepted')));
    });
  }

  /** `client` (built on `socket` before it opens, so no frame is missed) once `socket` is open. */
  protected static async opened<T extends RawWsClient>(client: T): Promise<T> {
    await new Promise<void>((resolve, reject) => {
      client.socket.once('open', () => resolve());
      client.socket.once('error', reject);
    });
    return client;
  }

  get isClosed(): boolean {
    return this.closeCode !== undefined;
  }

  async waitForFrame(predicate: (frame: string) => boolean, timeoutMs = 5000, label?: string): Promise<string> {
    let found: string | undefined;
    await waitFor(() => (found = this.frames.find(predicate)) !== undefined, timeoutMs, label);
    return found ?? '';
  }

  async waitClosed(timeoutMs = 5000): Promise<{ code: number; reason: string }> {
    await waitFor(() => this.closeCode !== undefined, timeoutMs, 'connection closed');
    return { code: this.closeCode ?? 0, reason: this.closeReason };
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((resolve) => this.socket.once('close', () => resolve()));
    this.socket.terminate();
    await closed;
  }

  /** Every text frame, in arrival order; subclasses record it (super.onFrame) and then read it. */
  protected onFrame(text: string): void {
    this.frames.push(text);
  }
}
