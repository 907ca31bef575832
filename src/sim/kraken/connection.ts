// One client connection of the simulator: its subscriptions, timers, and the stall gate every frame passes through.
import { WebSocket } from 'ws';
import { CLOSE_REASONS, type FaultState } from './faults.ts';
import type { SubscriptionChannel } from './requests.ts';
import { HEARTBEAT_FRAME } from './wire-format.ts';

export interface Subscription {
  readonly channel: SubscriptionChannel;
  /** Empty for `instrument`. */
  readonly symbol: string;
  /** Book depth; 0 for other channels. */
  readonly depth: number;
  /** Acked but never fed (the `silentSubscriptions` / `muteLiveSubscriptions` faults). */
  silent: boolean;
  /** Receives updates (book: after its snapshot was sent). */
  live: boolean;
  snapshotTimer?: NodeJS.Timeout;
}

export interface ConnectionTimings {
  readonly heartbeatIntervalMs: number;
  readonly idleTimeoutMs: number;
}

export function subscriptionKey(channel: SubscriptionChannel, symbol: string): string {
  return `${channel}:${symbol}`;
}

export class SimConnection {
  readonly subscriptions = new Map<string, Subscription>();
  private held: string[] = [];
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private dropAfter: { remaining: number; code: number } | undefined;

  constructor(
    readonly socket: WebSocket,
    readonly connectionId: bigint,
    private readonly faults: FaultState,
    private readonly timings: ConnectionTimings,
  ) {
    this.touch();
  }

  get isOpen(): boolean {
    return !this.closed && this.socket.readyState === WebSocket.OPEN;
  }

  /** Send now, or hold the frame while the simulator is stalled. */
  send(frame: string): void {
    if (!this.isOpen) return;
    if (this.faults.stalled) {
      this.held.push(frame);
      return;
    }
    this.socket.send(frame);
    if (this.dropAfter !== undefined && --this.dropAfter.remaining <= 0) this.drop(this.dropAfter.code);
  }

  /** Deliver `frames` more frames, then drop the connection with `code`. */
  dropAfterFrames(frames: number, code: number): void {
    this.dropAfter = { remaining: frames, code };
    if (frames <= 0) this.drop(code);
  }

  /** After a stall: deliver what was held, in order, as a recovered TCP stream would. */
  flush(): void {
    const frames = this.held;
    this.held = [];
    for (const frame of frames) this.send(frame);
  }

  /** Any client message keeps the connection alive (kraken-v2.md §1.4). */
  touch(): void {
    if (this.timings.idleTimeoutMs <= 0 || this.closed) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.onIdle(), this.timings.idleTimeoutMs);
  }

  /** Heartbeats start with the first subscription and run while any subscription exists. */
  ensureHeartbeats(): void {
    if (this.heartbeatTimer !== undefined || this.closed) return;
    this.heartbeatTimer = setInterval(() => {
      if (this.subscriptions.size > 0 && !this.faults.heartbeatsStopped) this.send(HEARTBEAT_FRAME);
    }, this.timings.heartbeatIntervalMs);
  }

  unsubscribe(key: string): Subscription | undefined {
    const subscription = this.subscriptions.get(key);
    if (subscription === undefined) return undefined;
    clearTimeout(subscription.snapshotTimer);
    this.subscriptions.delete(key);
    return subscription;
  }

  /** 1006 has no close frame: the TCP connection just ends. Other codes close cleanly with a reason. */
  drop(code: number, reason = CLOSE_REASONS[code] ?? ''): void {
    if (code === 1006) this.socket.terminate();
    else this.socket.close(code, reason);
    this.dispose();
  }

  dispose(): void {
    this.closed = true;
    this.dropAfter = undefined;
    this.held = [];
    clearTimeout(this.idleTimer);
    clearInterval(this.heartbeatTimer);
    for (const key of [...this.subscriptions.keys()]) this.unsubscribe(key);
  }

  private onIdle(): void {
    // A stalled server sends nothing, not even a close frame.
    if (this.faults.stalled) this.touch();
    else this.drop(1000, 'Connection idle');
  }
}
