// A Kraken-v2-like WebSocket server for the benchmarks: answers subscribe/ping like Kraken, sends the book
// snapshot on subscribe, then plays pre-built update frames to every book subscriber at a fixed rate or in
// bursts, looping a capture (a fresh snapshot between passes). Records when each frame went out
// (process.hrtime: CLOCK_MONOTONIC, the same clock the bot processes read).
import { createServer } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { parseClientRequest } from '../../src/sim/kraken/requests.ts';
import { pongResponse, successResponse } from '../../src/sim/kraken/responses.ts';
import { quote, rfc3339Micros, statusFrame } from '../../src/sim/kraken/wire-format.ts';
import type { KrakenFrameSet } from './kraken-frames.ts';

export type Pacing = { readonly kind: 'rate'; readonly perSecond: number } | { readonly kind: 'burst'; readonly frames: number; readonly everyMs: number };

export interface PlayResult {
  readonly framesSent: number;
  /** Send time of each frame, µs on CLOCK_MONOTONIC. */
  readonly sentMicros: Float64Array;
  readonly seconds: number;
}

const nowMicros = () => Number(process.hrtime.bigint()) / 1000;

export class KrakenFeed {
  private readonly http = createServer((_request, response) => response.writeHead(426).end());
  private readonly wss = new WebSocketServer({ server: this.http, perMessageDeflate: false });
  private readonly subscribers = new Set<WebSocket>();
  private readonly snapshot: Buffer;
  port = 0;

  constructor(private readonly frames: KrakenFrameSet) {
    this.snapshot = Buffer.from(frames.snapshot);
    this.wss.on('connection', (socket) => {
      socket.send(statusFrame('online', 1n));
      socket.on('message', (data) => this.request(socket, data.toString()));
      socket.on('close', () => this.subscribers.delete(socket));
      socket.on('error', () => undefined);
    });
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.http.listen(0, '127.0.0.1', resolve));
    const address = this.http.address();
    this.port = typeof address === 'object' && address !== null ? address.port : 0;
  }

  /**
   * Sends `count` updates (looping the frame set) with the pacing; resolves when the last one went out, or when
   * `deadlineFactor` × the planned duration has passed (a server that cannot keep up: the rest stay unsent, send
   * time 0).
   */
  play(count: number, pacing: Pacing, deadlineFactor = 3): Promise<PlayResult> {
    const { updates } = this.frames;
    const sentMicros = new Float64Array(count);
    const started = nowMicros();
    const plannedMs = pacing.kind === 'rate' ? count / pacing.perSecond * 1000 : count / pacing.frames * pacing.everyMs;
    let sent = 0;
    return new Promise((resolve) => {
      const sendOne = (): void => {
        const position = sent % updates.length;
        if (position === 0 && sent > 0) this.broadcast(this.snapshot);
        sentMicros[sent] = nowMicros();
        this.broadcast(updates[position]!);
        sent++;
      };
      const tick = (): void => {
        const elapsedMs = (nowMicros() - started) / 1000;
        const due = pacing.kind === 'rate'
          ? Math.min(count, Math.floor(elapsedMs * pacing.perSecond / 1000) + 1)
          : Math.min(count, (Math.floor(elapsedMs / pacing.everyMs) + 1) * pacing.frames);
        while (sent < due) sendOne();
        if (sent >= count || elapsedMs > plannedMs * deadlineFactor) {
          resolve({ framesSent: sent, sentMicros, seconds: (nowMicros() - started) / 1e6 });
          return;
        }
        setTimeout(tick, 1);
      };
      tick();
    });
  }

  async close(): Promise<void> {
    for (const socket of this.wss.clients) socket.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private broadcast(frame: Buffer): void {
    for (const socket of this.subscribers) socket.send(frame, { binary: false });
  }

  private request(socket: WebSocket, text: string): void {
    const timeIn = rfc3339Micros(Date.now());
    const request = parseClientRequest(text);
    const timing = { reqId: request.reqId, timeIn, timeOut: timeIn };
    if (request.kind === 'ping') {
      socket.send(pongResponse(timing));
      return;
    }
    if (request.kind !== 'subscribe' && request.kind !== 'unsubscribe') return;
    const symbols = request.symbols ?? [];
    if (symbols.length === 0) {
      socket.send(successResponse(request.kind, [['channel', quote(request.channel)], ['snapshot', 'true']], timing));
      return;
    }
    for (const symbol of symbols) {
      const book = request.channel === 'book';
      socket.send(successResponse(request.kind, [['channel', quote(request.channel)],
        ['depth', book ? String(request.depth ?? this.frames.depth) : undefined], ['snapshot', 'true'], ['symbol', quote(symbol)]], timing));
      if (!book || symbol !== this.frames.symbol) continue;
      if (request.kind === 'subscribe') {
        socket.send(this.snapshot, { binary: false });
        this.subscribers.add(socket);
      } else {
        this.subscribers.delete(socket);
      }
    }
  }
}
