// One client connection of the Coinbase simulator: its subscriptions, the connection-wide `sequence_num` stamped on
// every frame but errors, the 5 s subscribe deadline, idle-channel closes without heartbeats, the client message
// rate, and the stall gate every outgoing frame passes through (with the frame faults of faults.ts).
import { WebSocket } from 'ws';
import { OwnedTimers } from '../owned-timers.ts';
import type { CoinbaseFaults } from './faults.ts';
import { errorFrame, heartbeatFrame, stamp, subscriptionsFrame, type OutgoingFrame } from './wire-format.ts';

export type SimChannel = 'level2' | 'market_trades' | 'heartbeats';

export interface ConnectionTimings {
  readonly heartbeatIntervalMs: number;
  readonly subscribeDeadlineMs: number;
  readonly idleChannelMs: number;
  readonly maxClientMessagesPerSecond: number;
}

/** Counters shared by all connections of one simulator. */
export class ConnectionStats {
  deadlineCloses = 0;
  idleChannelCloses = 0;
  rateLimitCloses = 0;
  maxMessagesInOneSecond = 0;
  framesSent = 0;
}

export class CoinbaseSimConnection {
  /** Channel → product ids (`heartbeats` for the heartbeats channel). */
  readonly subscriptions = new Map<SimChannel, Set<string>>();
  /** level2 products whose snapshot went out: they receive updates. */
  readonly liveBooks = new Set<string>();
  private sequence = 0;
  private held: string[] = [];
  private reordered: string | undefined;
  private readonly lastData = new Map<string, number>();
  private readonly received: number[] = [];
  private readonly timers = new OwnedTimers();
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private subscribedOnce = false;
  private closed = false;

  constructor(
    readonly socket: WebSocket,
    private readonly faults: CoinbaseFaults,
    private readonly timings: ConnectionTimings,
    private readonly stats: ConnectionStats,
    private readonly heartbeatCounter: () => { counter: number; uptimeSeconds: number },
  ) {
    this.timers.after(timings.subscribeDeadlineMs, () => {
      if (this.subscribedOnce) return;
      this.stats.deadlineCloses++;
      this.close(1000, 'subscribe timeout');
    });
    this.idleTimer = setInterval(() => this.closeIdleChannels(), Math.max(10, Math.min(1000, timings.idleChannelMs / 4)));
  }

  get isOpen(): boolean {
    return !this.closed && this.socket.readyState === WebSocket.OPEN;
  }

  /** The next `sequence_num` this connection will stamp. */
  get nextSequence(): number {
    return this.sequence;
  }

  has(channel: SimChannel, productId: string): boolean {
    return this.subscriptions.get(channel)?.has(productId) === true;
  }

  /** One client message arrived: false when it broke the rate limit (the connection is then closed). */
  countMessage(now: number): boolean {
    if (this.closed) return false;
    this.received.push(now);
    while (this.received.length > 0 && this.received[0]! <= now - 1000) this.received.shift();
    this.stats.maxMessagesInOneSecond = Math.max(this.stats.maxMessagesInOneSecond, this.received.length);
    if (this.received.length <= this.timings.maxClientMessagesPerSecond) return true;
    this.stats.rateLimitCloses++;
    this.sendError('rate limit exceeded');
    this.close(1008, 'rate limit exceeded');
    return false;
  }

  subscribe(channel: SimChannel, productIds: readonly string[], now: number): void {
    this.subscribedOnce = true;
    let products = this.subscriptions.get(channel);
    if (products === undefined) this.subscriptions.set(channel, products = new Set());
    for (const productId of productIds) {
      products.add(productId);
      this.lastData.set(`${channel}:${productId}`, now);
    }
    if (channel === 'heartbeats') this.startHeartbeats();
  }

  unsubscribe(channel: SimChannel, productIds: readonly string[]): void {
    const products = this.subscriptions.get(channel);
    for (const productId of productIds) {
      products?.delete(productId);
      if (channel === 'level2') this.liveBooks.delete(productId);
    }
    if (channel === 'heartbeats' && products?.size === 0) {
      clearInterval(this.heartbeatTimer);
      this.heartbeatTimer = undefined;
    }
  }

  /** The cumulative `subscriptions` ack. */
  ack(now: number): void {
    this.send(subscriptionsFrame(this.subscriptions, now));
  }

  /** A data frame of `channel` for `productIds` (keeps those channels from going idle). */
  sendData(outgoing: OutgoingFrame, channel: SimChannel, productIds: readonly string[], now: number): void {
    for (const productId of productIds) this.lastData.set(`${channel}:${productId}`, now);
    this.send(outgoing);
  }

  /** Stamp the next sequence number and send, through the frame faults and the stall gate. */
  send(outgoing: OutgoingFrame): void {
    if (!this.isOpen) return;
    const fault = this.faults.takeFrameFault(outgoing.channel);
    if (fault === 'skip') this.sequence++;
    const text = stamp(outgoing, this.sequence++);
    if (fault === 'drop') return;
    if (fault === 'reorder') {
      this.reordered = text;
      return;
    }
    this.deliver(text);
    if (fault === 'duplicate') this.deliver(text);
    if (this.reordered !== undefined) {
      const late = this.reordered;
      this.reordered = undefined;
      this.deliver(late);
    }
  }

  /** Error frames carry no sequence number. */
  sendError(message: string): void {
    if (this.isOpen) this.deliver(errorFrame(message));
  }

  /** After a stall: deliver what was held, in order, as a recovered TCP stream would. */
  flush(): void {
    const frames = this.held;
    this.held = [];
    for (const text of frames) this.deliver(text);
  }

  /** 1006: the TCP connection just ends; other codes close cleanly. */
  close(code: number, reason = ''): void {
    if (this.closed) return;
    if (code === 1006) this.socket.terminate();
    else this.socket.close(code, reason);
    this.dispose();
  }

  dispose(): void {
    this.closed = true;
    this.held = [];
    this.timers.clear();
    clearInterval(this.heartbeatTimer);
    clearInterval(this.idleTimer);
  }

  private deliver(text: string): void {
    if (!this.isOpen) return;
    if (this.faults.stalled) {
      this.held.push(text);
      return;
    }
    this.stats.framesSent++;
    this.socket.send(text);
  }

  private startHeartbeats(): void {
    if (this.heartbeatTimer !== undefined || this.closed) return;
    this.heartbeatTimer = setInterval(() => {
      const { counter, uptimeSeconds } = this.heartbeatCounter();
      this.send(heartbeatFrame(counter, Date.now(), uptimeSeconds));
    }, this.timings.heartbeatIntervalMs);
  }

  /** Coinbase closes a channel with no update for 60–90 s unless the connection subscribed to heartbeats (§2). */
  private closeIdleChannels(): void {
    if (this.closed || this.faults.stalled || this.subscriptions.get('heartbeats')?.has('heartbeats') === true) return;
    const now = Date.now();
    for (const channel of ['level2', 'market_trades'] as const) {
      for (const productId of [...this.subscriptions.get(channel) ?? []]) {
        if (now - (this.lastData.get(`${channel}:${productId}`) ?? now) < this.timings.idleChannelMs) continue;
        this.stats.idleChannelCloses++;
        this.unsubscribe(channel, [productId]);
      }
    }
  }
}
