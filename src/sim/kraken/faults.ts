// Fault knobs of a running simulator (kraken-v2.md §1.4, §1.5, §12). Plain state: the server consults it.
import { CountedFault } from '../counted-fault.ts';
import type { KrakenSystemStatus } from './wire-format.ts';

export type HandshakeRejectStatus = 503 | 429;

export class FaultState {
  /** Frames (incl. heartbeats and pongs) are held back while true; TCP stays open. */
  stalled = false;
  heartbeatsStopped = false;
  marketPaused = false;
  system: KrakenSystemStatus = 'online';
  handshakeDelayMs: number;
  private readonly rejections = new CountedFault<HandshakeRejectStatus>();
  private readonly corruptions = new Set<string>();
  private readonly truncations = new Set<string>();
  private readonly silentSymbols = new Set<string>();
  private msgRateRejections = 0;
  /** `dropAfterFrames` called with no connection open: applies to the next one. */
  pendingDropAfter: { frames: number; code: number } | undefined;

  constructor(handshakeDelayMs: number) {
    this.handshakeDelayMs = handshakeDelayMs;
  }

  rejectHandshakes(status: HandshakeRejectStatus, count: number): void {
    this.rejections.arm(status, count);
  }

  /** The HTTP status to refuse this upgrade with, if a rejection is pending. */
  takeHandshakeRejection(): HandshakeRejectStatus | undefined {
    return this.rejections.take();
  }

  corruptNextChecksum(symbol: string): void {
    this.corruptions.add(symbol);
  }

  takeCorruption(symbol: string): boolean {
    return this.corruptions.delete(symbol);
  }

  truncateNextBookFrame(symbol: string): void {
    this.truncations.add(symbol);
  }

  takeTruncation(symbol: string): boolean {
    return this.truncations.delete(symbol);
  }

  setSilent(symbol: string, silent: boolean): void {
    if (silent) this.silentSymbols.add(symbol);
    else this.silentSymbols.delete(symbol);
  }

  isSilent(symbol: string): boolean {
    return this.silentSymbols.has(symbol);
  }

  exceedMsgRate(requests: number): void {
    this.msgRateRejections = Math.max(0, requests);
  }

  takeMsgRateRejection(): boolean {
    if (this.msgRateRejections <= 0) return false;
    this.msgRateRejections--;
    return true;
  }
}

/** Cut a frame mid-way, as a broken proxy or a bug would: invalid JSON that hid real book changes. */
export function truncateFrame(frame: string): string {
  return frame.slice(0, Math.floor(frame.length / 2));
}

/** Corrupt a checksum so any client verifying it must notice. */
export function corruptChecksum(checksum: number): number {
  return (checksum ^ 0x5a5a5a5a) >>> 0;
}

export const CLOSE_REASONS: Readonly<Record<number, string>> = {
  1000: '',
  1001: 'CloudFlare WebSocket proxy restarting',
  1011: 'Internal error',
  1013: 'Market data unavailable',
};
