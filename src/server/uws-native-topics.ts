// uWebSockets.js native pub/sub for book topics, without uWS's silent drops: a publish to a socket whose backlog is
// above maxBackpressure is dropped by uWS with no error (uWS #499/#1338). So a socket stays on native topics only
// while its backlog is at most half the limit (`threshold`), and publishes are counted: once `headroom` bytes
// (the other half) have gone out since the last look, every subscribed socket's backlog is read again before the
// next publish, and a socket above the threshold is taken off its topics (its direct sends check themselves after
// each send). Between two looks no socket can gain more than `headroom` from publishes, so none reaches the limit.
// The fan-out then sends to such a socket itself, catching it up with a snapshot exactly as before.
import type { NativeTopics } from './client-hub.ts';
import type { UwsApp } from './uws-api.ts';

export interface NativeMember {
  /** Backlog in bytes (uWS getBufferedAmount). */
  bufferedBytes(): number;
  /** Unsubscribes from every native topic and reports it (onNativeOff). */
  leaveNative(): void;
}

export class UwsNativeTopics implements NativeTopics {
  readonly threshold: number;
  private readonly headroom: number;
  private readonly members = new Set<NativeMember>();
  private publishedSinceLook = 0;

  constructor(private readonly app: UwsApp, maxBackpressureBytes: number) {
    this.threshold = Math.floor(maxBackpressureBytes / 2);
    this.headroom = maxBackpressureBytes - this.threshold;
  }

  joined(member: NativeMember): void {
    this.members.add(member);
  }

  left(member: NativeMember): void {
    this.members.delete(member);
  }

  reserve(bytes: number): void {
    if (this.publishedSinceLook + bytes <= this.headroom) return;
    this.publishedSinceLook = 0;
    for (const member of [...this.members]) if (member.bufferedBytes() > this.threshold) member.leaveNative();
  }

  publish(topic: string, message: string | Uint8Array): void {
    this.publishedSinceLook += typeof message === 'string' ? Buffer.byteLength(message) : message.byteLength;
    this.app.publish(topic, message, false);
  }
}
