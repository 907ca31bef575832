// Keeps a recorded REST snapshot at its recorded place in the replayed stream: playback waits at each recorded
// snapshot until the client has asked for it, and an early request is answered only once playback gets there.
// Both waits are bounded so a client that never asks (or asks twice) cannot hang the replay.

interface Waiter {
  readonly symbol: string;
  readonly ordinal: number;
  readonly release: () => void;
  readonly timer: NodeJS.Timeout;
}

export class SnapshotGate {
  private readonly requested = new Map<string, number>();
  private readonly reached = new Map<string, number>();
  private playbackWaiters: Waiter[] = [];
  private responseWaiters: Waiter[] = [];

  constructor(private readonly maxWaitMs: number) {}

  /** Forget what was asked and played (a new client session). */
  reset(): void {
    this.releaseAll();
    this.requested.clear();
    this.reached.clear();
  }

  /** Playback arrived at recorded snapshot `ordinal` of `symbol`; resolves once it has been requested. */
  reach(symbol: string, ordinal: number): Promise<void> {
    this.reached.set(symbol, Math.max(this.reached.get(symbol) ?? 0, ordinal + 1));
    this.responseWaiters = this.settle(this.responseWaiters, (waiter) => waiter.symbol === symbol && waiter.ordinal <= ordinal);
    if ((this.requested.get(symbol) ?? 0) > ordinal) return Promise.resolve();
    return this.wait(symbol, ordinal, 'playback');
  }

  /**
   * A REST request for `symbol`: returns which recorded snapshot it gets, and a promise that resolves when it may be
   * answered (`playing` false: no playback to wait for).
   */
  request(symbol: string, playing: boolean): { ordinal: number; ready: Promise<void> } {
    const ordinal = this.requested.get(symbol) ?? 0;
    this.requested.set(symbol, ordinal + 1);
    this.playbackWaiters = this.settle(this.playbackWaiters, (waiter) => waiter.symbol === symbol && waiter.ordinal <= ordinal);
    const ready = !playing || (this.reached.get(symbol) ?? 0) > ordinal ? Promise.resolve() : this.wait(symbol, ordinal, 'response');
    return { ordinal, ready };
  }

  releaseAll(): void {
    this.playbackWaiters = this.settle(this.playbackWaiters, () => true);
    this.responseWaiters = this.settle(this.responseWaiters, () => true);
  }

  private wait(symbol: string, ordinal: number, kind: 'playback' | 'response'): Promise<void> {
    return new Promise<void>((resolve) => {
      const waiter: Waiter = {
        symbol, ordinal, release: resolve,
        timer: setTimeout(() => {
          if (kind === 'playback') this.playbackWaiters = this.playbackWaiters.filter((other) => other !== waiter);
          else this.responseWaiters = this.responseWaiters.filter((other) => other !== waiter);
          resolve();
        }, this.maxWaitMs),
      };
      if (kind === 'playback') this.playbackWaiters.push(waiter);
      else this.responseWaiters.push(waiter);
    });
  }

  private settle(waiters: Waiter[], done: (waiter: Waiter) => boolean): Waiter[] {
    const remaining: Waiter[] = [];
    for (const waiter of waiters) {
      if (!done(waiter)) {
        remaining.push(waiter);
        continue;
      }
      clearTimeout(waiter.timer);
      waiter.release();
    }
    return remaining;
  }
}
