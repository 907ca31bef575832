// Sends one socket's outgoing messages in order, never faster than the venue's message rate: messages over the
// rate wait in a queue drained by one timer. Owned by one socket's life; stop() drops what is left.
import { OutboundPacer } from './outbound-pacer.ts';

export interface OutboundRate {
  readonly perSecond: number;
  readonly burst: number;
}

/** `T`: what one outgoing message is (text, or a pong frame's payload). */
export class PacedSender<T> {
  private readonly queue: T[] = [];
  private readonly pacer: OutboundPacer;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(rate: OutboundRate, private readonly now: () => number, private readonly write: (message: T) => void) {
    this.pacer = new OutboundPacer(rate.perSecond, rate.burst, now());
  }

  /** `urgent` messages go ahead of the queue (still within the rate). */
  send(message: T, urgent = false): void {
    if (this.stopped) return;
    if (urgent) this.queue.unshift(message);
    else this.queue.push(message);
    if (this.timer === undefined) this.drain();
  }

  /** Messages waiting for a slot. */
  get queued(): number {
    return this.queue.length;
  }

  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private drain(): void {
    this.timer = undefined;
    while (this.queue.length > 0 && this.pacer.take(this.now())) this.write(this.queue.shift()!);
    if (this.queue.length > 0 && !this.stopped) {
      this.timer = setTimeout(() => this.drain(), Math.max(1, this.pacer.waitMs(this.now())));
    }
  }
}
