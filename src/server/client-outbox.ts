// Ordered delivery to one bot on top of a hub that DROPS frames once a client's backlog is above
// maxBackpressureBytes (both hubs do; the port only says `backpressure`). Frames that cannot be caught up
// later (acks, errors, status, trades) wait here instead, in order, and go out on drain; a client whose
// backlog plus this queue passes 2 × maxBackpressureBytes is a slow consumer and must be closed.
// Book updates never wait here: the fan-out skips them and sends a snapshot later.
import type { ClientSocket } from './client-hub.ts';

interface QueuedFrame {
  readonly text: string;
  readonly bytes: Uint8Array | undefined;
  readonly size: number;
}

export class ClientOutbox {
  private queue: QueuedFrame[] = [];
  private queuedBytes = 0;
  /** A send returned `backpressure`: check the backlog before the next one. */
  private congested = false;

  constructor(readonly socket: ClientSocket, private readonly limitBytes: number) {}

  /** A frame handed to the hub now would be queued, not dropped, and would not jump the local queue. */
  writable(): boolean {
    if (this.queue.length > 0) return false;
    if (!this.congested) return true;
    if (this.socket.bufferedBytes() > this.limitBytes) return false;
    this.congested = false;
    return true;
  }

  /** Hands a frame to the hub; call only when writable(). False when the backlog is now above the limit. */
  write(text: string, bytes?: Uint8Array): boolean {
    if (this.socket.send(text, bytes) !== 'backpressure') return true;
    this.congested = true;
    return false;
  }

  /** Sends now or queues in order. False when the client is a slow consumer (close it). */
  deliver(text: string, bytes?: Uint8Array): boolean {
    if (this.writable()) {
      this.write(text, bytes);
      return true;
    }
    const size = bytes?.byteLength ?? Buffer.byteLength(text);
    this.queue.push({ text, bytes, size });
    this.queuedBytes += size;
    return this.socket.bufferedBytes() + this.queuedBytes <= 2 * this.limitBytes;
  }

  /** Sends queued frames while the hub takes them. True when nothing is left waiting. */
  pump(): boolean {
    let sent = 0;
    while (sent < this.queue.length) {
      if (this.congested && this.socket.bufferedBytes() > this.limitBytes) break;
      const frame = this.queue[sent++]!;
      this.queuedBytes -= frame.size;
      this.write(frame.text, frame.bytes);
    }
    if (sent > 0) this.queue = this.queue.slice(sent);
    return this.queue.length === 0;
  }

  pendingBytes(): number {
    return this.queuedBytes;
  }
}
