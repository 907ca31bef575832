// A raw Binance market-stream client for simulator and replay tests: records every frame, pings and the close.
import WebSocket from 'ws';
import { waitFor } from './wait-for.ts';

export interface StreamMessage {
  /** The combined wrapper's stream name; undefined for bare frames. */
  readonly stream: string | undefined;
  readonly data: Record<string, unknown>;
}

export class BinanceSimClient {
  readonly frames: string[] = [];
  /** Payloads of the server's PING frames, as text. */
  readonly pings: string[] = [];
  closeCode: number | undefined;
  closeReason = '';
  private readonly listeners = new Set<(message: StreamMessage) => void>();

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => this.onFrame(data.toString()));
    socket.on('ping', (data: Buffer) => this.pings.push(data.toString()));
    socket.on('close', (code, reason) => {
      this.closeCode = code;
      this.closeReason = reason.toString();
    });
    socket.on('error', () => undefined);
  }

  /** `autoPong: false` leaves the server's pings unanswered (answer with `pong`). */
  static async connect(url: string, options: { autoPong?: boolean } = {}): Promise<BinanceSimClient> {
    const socket = new WebSocket(url, { autoPong: options.autoPong ?? true });
    const client = new BinanceSimClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return client;
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

  get isClosed(): boolean {
    return this.closeCode !== undefined;
  }

  send(message: object | string): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Send a control request and wait for the reply carrying its id. */
  async request(method: string, params: unknown[] | undefined, id: number): Promise<Record<string, unknown>> {
    this.send(params === undefined ? { method, id } : { method, params, id });
    return this.reply(id);
  }

  async reply(id: number | string | null, timeoutMs = 5000): Promise<Record<string, unknown>> {
    const frame = await this.waitForFrame((text) => text.endsWith(`"id":${JSON.stringify(id)}}`) &&
      (text.startsWith('{"result"') || text.startsWith('{"error"')), timeoutMs, `reply ${String(id)}`);
    return JSON.parse(frame) as Record<string, unknown>;
  }

  pong(payload: string): void {
    this.socket.pong(payload);
  }

  /** Parsed data frames (not control replies), optionally of one stream or event type. */
  messages(filter: { stream?: string; event?: string } = {}): StreamMessage[] {
    return this.frames.flatMap((frame) => {
      const message = readStreamMessage(frame);
      if (message === undefined) return [];
      if (filter.stream !== undefined && message.stream !== filter.stream) return [];
      if (filter.event !== undefined && message.data.e !== filter.event) return [];
      return [message];
    });
  }

  /** Calls `listener` with every data message so far, then with each new one. */
  onMessage(listener: (message: StreamMessage) => void): void {
    for (const frame of this.frames) {
      const message = readStreamMessage(frame);
      if (message !== undefined) listener(message);
    }
    this.listeners.add(listener);
  }

  async waitForFrame(predicate: (frame: string) => boolean, timeoutMs = 5000, label?: string): Promise<string> {
    let found: string | undefined;
    await waitFor(() => {
      found = this.frames.find(predicate);
      return found !== undefined;
    }, timeoutMs, label);
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

  private onFrame(text: string): void {
    this.frames.push(text);
    const message = readStreamMessage(text);
    if (message !== undefined) for (const listener of this.listeners) listener(message);
  }
}

/** A data frame as `{stream, data}`; undefined for control replies and unreadable frames. */
export function readStreamMessage(text: string): StreamMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(value) || 'result' in value || 'error' in value) return undefined;
  if (typeof value.stream === 'string' && isRecord(value.data)) return { stream: value.stream, data: value.data };
  return { stream: undefined, data: value };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
