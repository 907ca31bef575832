// An in-memory ClientSocket with the hub contract of ws-hub.ts / uws-hub.ts: a frame sent while the backlog
// is above the limit is dropped (`backpressure`), a frame that takes the backlog above it is queued
// (`backpressure`). `stall()` makes sent bytes pile up as a stuck reader would; `drain()` empties the backlog.
import type { ClientSocket, SendOutcome } from '../../src/server/client-hub.ts';

let nextId = 1;

export class MemoryClient implements ClientSocket {
  readonly id = nextId++;
  readonly remoteAddress = '127.0.0.1';
  readonly received: string[] = [];
  readonly dropped: string[] = [];
  closeInfo: { code: number; reason: string } | undefined;
  private backlog = 0;
  private stalled = false;

  constructor(private readonly limitBytes: number) {}

  send(text: string, bytes?: Uint8Array): SendOutcome {
    if (this.closeInfo !== undefined) return 'closed';
    if (bytes !== undefined && Buffer.from(bytes).toString('utf8') !== text) throw new Error('bytes differ from text');
    if (this.backlog > this.limitBytes) {
      this.dropped.push(text);
      return 'backpressure';
    }
    this.received.push(text);
    if (this.stalled) this.backlog += Buffer.byteLength(text);
    return this.backlog > this.limitBytes ? 'backpressure' : 'sent';
  }

  bufferedBytes(): number {
    return this.backlog;
  }

  close(code: number, reason: string): void {
    this.closeInfo ??= { code, reason };
  }

  stall(): void {
    this.stalled = true;
  }

  drain(): void {
    this.stalled = false;
    this.backlog = 0;
  }

  /** Messages received since `from`, parsed. */
  messages(from = 0): Record<string, unknown>[] {
    return this.received.slice(from).map((text) => JSON.parse(text) as Record<string, unknown>);
  }
}
