// One client connection: its streams and `combined` property, the 5 msg/s budget, server PINGs with a pong
// deadline, the lifetime close, and the stall gate every outgoing frame (data, acks, pings, closes) passes through.
import { WebSocket } from 'ws';
import { OwnedTimers } from '../owned-timers.ts';
import type { BinanceFaults } from './faults.ts';
import { MessageWindow } from './message-window.ts';
import { parseStreamName, type ParsedStream } from './streams.ts';
import { combinedFrame, SERVER_SHUTDOWN_STREAM, serverShutdownPayload, truncateFrame } from './wire-format.ts';

/** A data payload of one stream, wrapped at most once however many combined connections receive it. */
export class StreamFrame {
  private wrapped: string | undefined;

  constructor(readonly stream: string, readonly payload: string, readonly truncated = false) {}

  text(combined: boolean): string {
    if (!combined) return this.truncated ? truncateFrame(this.payload) : this.payload;
    this.wrapped ??= combinedFrame(this.stream, this.payload);
    return this.truncated ? truncateFrame(this.wrapped) : this.wrapped;
  }
}

/** Counters shared by all connections of one simulator. */
export class ConnectionStats {
  rateLimitCloses = 0;
  maxMessagesInOneSecond = 0;
  pingsSent = 0;
  pongsReceived = 0;
  pongsMatched = 0;
  pongTimeoutCloses = 0;
  lifetimeCloses = 0;
}

export interface ConnectionTimings {
  readonly pingIntervalMs: number;
  readonly pongTimeoutMs: number;
  readonly connectionLifetimeMs: number;
  readonly shutdownNoticeMs: number;
  readonly maxMessagesPerSecond: number;
}

type Outgoing = { readonly text: string } | { readonly ping: string } | { readonly close: number; readonly reason: string };

export class BinanceConnection {
  private readonly streamSet = new Map<string, ParsedStream>();
  private readonly window = new MessageWindow(1000);
  private readonly pendingPongs = new Map<string, NodeJS.Timeout>();
  private readonly timers = new OwnedTimers();
  private held: Outgoing[] = [];
  private pingTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    readonly socket: WebSocket,
    public combined: boolean,
    streams: readonly string[],
    private readonly faults: BinanceFaults,
    private readonly timings: ConnectionTimings,
    private readonly stats: ConnectionStats,
  ) {
    this.addStreams(streams);
    this.pingTimer = setInterval(() => this.ping(), timings.pingIntervalMs);
    const lifetime = timings.connectionLifetimeMs;
    if (lifetime > 0) {
      this.after(lifetime, () => {
        this.stats.lifetimeCloses++;
        this.close(1000, 'Connection lifetime exceeded');
      });
      const notice = timings.shutdownNoticeMs;
      if (notice > 0) this.after(Math.max(0, lifetime - notice), () => this.sendShutdownNotice());
    }
  }

  get isOpen(): boolean {
    return !this.closed && this.socket.readyState === WebSocket.OPEN;
  }

  get streams(): string[] {
    return [...this.streamSet.keys()];
  }

  has(stream: string): boolean {
    return this.streamSet.has(stream);
  }

  addStreams(names: readonly string[]): void {
    for (const name of names) {
      const parsed = parseStreamName(name);
      if (parsed !== undefined) this.streamSet.set(name, parsed);
    }
  }

  removeStreams(names: readonly string[]): void {
    for (const name of names) this.streamSet.delete(name);
  }

  sendStream(frame: StreamFrame): void {
    this.enqueue({ text: frame.text(this.combined) });
  }

  /** Control responses are never wrapped, even on combined connections. */
  sendControl(text: string): void {
    this.enqueue({ text });
  }

  sendShutdownNotice(): void {
    const payload = serverShutdownPayload(Date.now());
    this.enqueue({ text: this.combined ? combinedFrame(SERVER_SHUTDOWN_STREAM, payload) : payload });
  }

  /**
   * Count one incoming message (text, PING or PONG) against the budget. False when it was over budget: the
   * connection is then closed 1008 `Too many requests` and the message must be ignored.
   */
  countIncoming(nowMs: number): boolean {
    if (this.closed) return false;
    const count = this.window.record(nowMs);
    this.stats.maxMessagesInOneSecond = Math.max(this.stats.maxMessagesInOneSecond, count);
    if (count <= this.timings.maxMessagesPerSecond) return true;
    this.stats.rateLimitCloses++;
    this.close(1008, 'Too many requests');
    return false;
  }

  /** A PONG settles the ping whose payload it echoes (and every older one); others keep nothing alive. */
  onPong(payload: string): void {
    this.stats.pongsReceived++;
    if (!this.pendingPongs.has(payload)) return;
    this.stats.pongsMatched++;
    for (const [sent, timer] of this.pendingPongs) {
      clearTimeout(timer);
      this.pendingPongs.delete(sent);
      if (sent === payload) break;
    }
  }

  /** Answer a client PING (autoPong is off so that a stall silences pongs too). */
  onPing(payload: Buffer): void {
    if (!this.faults.stalled && this.isOpen) this.socket.pong(payload);
  }

  after(delayMs: number, action: () => void): void {
    this.timers.after(delayMs, action);
  }

  /** A close frame, held like any frame during a stall. */
  close(code: number, reason: string): void {
    this.enqueue({ close: code, reason });
  }

  /** 1006: end TCP without a close frame (never held). */
  terminate(): void {
    this.socket.terminate();
    this.dispose();
  }

  flush(): void {
    const items = this.held;
    this.held = [];
    for (const item of items) this.enqueue(item);
  }

  dispose(): void {
    this.closed = true;
    this.held = [];
    clearInterval(this.pingTimer);
    this.pingTimer = undefined;
    this.timers.clear();
    for (const timer of this.pendingPongs.values()) clearTimeout(timer);
    this.pendingPongs.clear();
  }

  private ping(): void {
    this.enqueue({ ping: String(Date.now()) });
  }

  private enqueue(item: Outgoing): void {
    if (!this.isOpen) return;
    if (this.faults.stalled) {
      this.held.push(item);
      return;
    }
    if ('text' in item) this.socket.send(item.text);
    else if ('ping' in item) this.sendPing(item.ping);
    else {
      this.socket.close(item.close, item.reason);
      this.dispose();
    }
  }

  /** The pong deadline starts when the PING actually leaves (a held ping cannot be answered). */
  private sendPing(payload: string): void {
    this.socket.ping(payload);
    this.stats.pingsSent++;
    if (this.pendingPongs.has(payload)) return;
    this.pendingPongs.set(payload, setTimeout(() => {
      this.stats.pongTimeoutCloses++;
      this.close(1008, 'Pong timeout');
    }, this.timings.pongTimeoutMs));
  }
}
