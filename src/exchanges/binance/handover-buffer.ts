// Successor side of a make-before-break rotation, for one symbol: this connection's diffs are held until they
// connect to the chain the predecessor keeps feeding (the chain is synced and has reached the buffer's first U).
import type { ChainLink } from './book-chain.ts';
import type { BinanceDepthUpdate } from './messages.ts';

export type HandoverPush = 'buffered' | 'duplicate' | 'gap';

export class HandoverBuffer {
  private events: BinanceDepthUpdate[] = [];

  get size(): number {
    return this.events.length;
  }

  /** Keeps the buffer contiguous: a gap inside it drops everything before the gap. */
  push(event: BinanceDepthUpdate): HandoverPush {
    const last = this.events[this.events.length - 1];
    if (last !== undefined) {
      if (event.u <= last.u) return 'duplicate';
      if (event.U > last.u + 1) {
        this.events = [event];
        return 'gap';
      }
    }
    this.events.push(event);
    return 'buffered';
  }

  /** The predecessor's chain reached (or passed) where this buffer starts: the buffer continues the book. */
  connects(link: ChainLink): boolean {
    const first = this.events[0];
    return link.phase === 'synced' && first !== undefined && first.U <= link.updateId + 1;
  }

  /** Everything buffered, in order; the buffer is empty afterwards. */
  take(): BinanceDepthUpdate[] {
    const events = this.events;
    this.events = [];
    return events;
  }

  clear(): void {
    this.events = [];
  }
}
