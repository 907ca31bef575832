// Frames whose work a venue session split across event-loop turns (SessionOutput.next: a multi-MB snapshot read in
// slices). While one continues, later frames of the same connection wait here in order, so the session sees them
// exactly as they arrived; other connections' frames run in between. One per socket, owned by its SessionDriver.
import type { SessionOutput } from '../exchanges/types.ts';

type Next = NonNullable<SessionOutput['next']>;

export interface SliceHost {
  /** Process one frame now; returns its remaining work, if any. */
  frame(text: string, bytes: number): Next | undefined;
  /** Run one piece of remaining work; returns what is left after it, if anything. */
  slice(next: Next): Next | undefined;
  /** A split frame is complete: `seconds` of processing over all its turns. */
  done(bytes: number, seconds: number): void;
  /** The connection ended: drop everything. */
  over(): boolean;
}

export class FrameSlices {
  private readonly waiting: { readonly text: string; readonly bytes: number }[] = [];
  private next: Next | undefined;
  private bytes = 0;
  private seconds = 0;

  constructor(private readonly defer: (work: () => void) => void, private readonly host: SliceHost) {}

  frame(text: string, bytes: number): void {
    if (this.next !== undefined) {
      this.waiting.push({ text, bytes });
      return;
    }
    this.start(text, bytes);
  }

  private start(text: string, bytes: number): void {
    const started = performance.now();
    const next = this.host.frame(text, bytes);
    if (next === undefined) return;
    this.next = next;
    this.bytes = bytes;
    this.seconds = (performance.now() - started) / 1000;
    this.defer(() => this.resume());
  }

  private resume(): void {
    const next = this.next;
    if (next === undefined || this.host.over()) {
      this.next = undefined;
      this.waiting.length = 0;
      return;
    }
    const started = performance.now();
    this.next = this.host.slice(next);
    this.seconds += (performance.now() - started) / 1000;
    if (this.next !== undefined) {
      this.defer(() => this.resume());
      return;
    }
    this.host.done(this.bytes, this.seconds);
    while (this.waiting.length > 0 && this.next === undefined && !this.host.over()) {
      const { text, bytes } = this.waiting.shift()!;
      this.start(text, bytes);
    }
  }
}
