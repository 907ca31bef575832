// Plays one captured stream into a socket: frames in order, each no earlier than its capture offset / speed.
import type { ReplayFrame } from './replay-plan.ts';

export interface StreamPlayerSink {
  send(text: string): void;
  /** Captured heartbeats are sent only while this holds. */
  sendsHeartbeats(): boolean;
  onDone(): void;
}

/** At speed 0 frames go out back to back, yielding to the event loop every this many frames. */
const BURST = 200;

export class StreamPlayer {
  private index = 0;
  private startedAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private stopped = false;

  constructor(
    private readonly frames: readonly ReplayFrame[],
    private readonly speed: number,
    private readonly sink: StreamPlayerSink,
  ) {}

  /** Stopped, or played to the end. */
  get done(): boolean {
    return this.stopped;
  }

  start(): void {
    this.startedAt = performance.now();
    this.pump();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.immediate !== undefined) clearImmediate(this.immediate);
  }

  private pump(): void {
    let sent = 0;
    while (!this.stopped && this.index < this.frames.length) {
      const frame = this.frames[this.index];
      if (frame === undefined) break;
      if (this.speed > 0) {
        const wait = this.startedAt + frame.offsetMs / this.speed - performance.now();
        if (wait > 0) {
          this.timer = setTimeout(() => this.pump(), wait);
          return;
        }
      } else if (sent >= BURST) {
        this.immediate = setImmediate(() => this.pump());
        return;
      }
      if (!frame.heartbeat || this.sink.sendsHeartbeats()) this.sink.send(frame.text);
      this.index++;
      sent++;
    }
    if (!this.stopped && this.index >= this.frames.length) {
      this.stopped = true;
      this.sink.onDone();
    }
  }
}
