// A raw Binance market-stream client for simulator and replay tests: records every frame, pings and the close.
import WebSocket from 'ws';
import { isRecord, parseJsonObject } from '../../src/sim/json-value.ts';
import { RawWsClient } from './raw-ws-client.ts';

export interface StreamMessage {
  /** The combined wrapper's stream name; undefined for bare frames. */
  readonly stream: string | undefined;
  readonly data: Record<string, unknown>;
}

export class BinanceSimClient extends RawWsClient {
  /** Payloads of the server's PING frames, as text. */
  readonly pings: string[] = [];
  private readonly listeners = new Set<(message: StreamMessage) => void>();

  private constructor(socket: WebSocket) {
    super(socket);
    socket.on('ping', (data: Buffer) => this.pings.push(data.toString()));
  }

  /** `autoPong: false` leaves the server's pings unanswered (answer with `pong`). */
  static async connect(url: string, options: { autoPong?: boolean } = {}): Promise<BinanceSimClient> {
    return RawWsClient.opened(new BinanceSimClient(new WebSocket(url, { autoPong: options.autoPong ?? true })));
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

  protected override onFrame(text: string): void {
    super.onFrame(text);
    const message = readStreamMessage(text);
    if (message !== undefined) for (const listener of this.listeners) listener(message);
  }
}

/** A data frame as `{stream, data}`; undefined for control replies and unreadable frames. */
export function readStreamMessage(text: string): StreamMessage | undefined {
  const value = parseJsonObject(text);
  if (value === undefined || 'result' in value || 'error' in value) return undefined;
  if (typeof value.stream === 'string' && isRecord(value.data)) return { stream: value.stream, data: value.data };
  return { stream: undefined, data: value };
}
