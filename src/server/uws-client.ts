// One bot socket on uWebSockets.js: direct sends with the port's backpressure semantics, and membership of
// native topics (uws-native-topics.ts), left as soon as its backlog passes the threshold.
import type { ClientSocket, SendOutcome } from './client-hub.ts';
import { UWS_SEND_DROPPED, type UwsWebSocket } from './uws-api.ts';
import type { NativeMember, UwsNativeTopics } from './uws-native-topics.ts';

export interface UserData {
  client: UwsClient | null;
}

export class UwsClient implements ClientSocket, NativeMember {
  closed = false;
  /** Set when send() reported backpressure; cleared (with onDrain) once the backlog is back under the limit. */
  congested = false;
  private readonly topics = new Set<string>();

  constructor(
    readonly id: number,
    readonly remoteAddress: string,
    private readonly ws: UwsWebSocket<UserData>,
    private readonly limitBytes: number,
    private readonly native: UwsNativeTopics,
    private readonly nativeOff: (client: UwsClient) => void,
  ) {}

  send(text: string, bytes?: Uint8Array): SendOutcome {
    if (this.closed) return 'closed';
    const status = this.ws.send(bytes ?? text, false);
    const buffered = this.ws.getBufferedAmount();
    // A direct send can push a native member over the threshold: it leaves its topics before the next publish.
    if (this.topics.size > 0 && buffered > this.native.threshold) this.leaveNative();
    // Status 0 only means "not all written to the kernel yet"; the port's notion is "above the limit".
    if (status === UWS_SEND_DROPPED || buffered > this.limitBytes) {
      this.congested = true;
      return 'backpressure';
    }
    return 'sent';
  }

  bufferedBytes(): number {
    return this.closed ? 0 : this.ws.getBufferedAmount();
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.markClosed();
    this.ws.end(code, reason);
  }

  /** The socket is gone (uWS unsubscribes it from its topics itself). */
  markClosed(): void {
    this.closed = true;
    if (this.topics.size > 0) {
      this.topics.clear();
      this.native.left(this);
    }
  }

  subscribeNative(topic: string): boolean {
    if (this.closed || this.ws.getBufferedAmount() > this.native.threshold) return false;
    if (this.topics.size === 0) this.native.joined(this);
    this.topics.add(topic);
    this.ws.subscribe(topic);
    return true;
  }

  unsubscribeNative(topic: string): void {
    if (!this.topics.delete(topic)) return;
    if (!this.closed) this.ws.unsubscribe(topic);
    if (this.topics.size === 0) this.native.left(this);
  }

  leaveNative(): void {
    if (this.topics.size === 0) return;
    for (const topic of this.topics) this.ws.unsubscribe(topic);
    this.topics.clear();
    this.native.left(this);
    this.nativeOff(this);
  }

  drainedBelowLimit(): boolean {
    if (!this.congested || this.closed || this.ws.getBufferedAmount() > this.limitBytes) return false;
    this.congested = false;
    return true;
  }
}
