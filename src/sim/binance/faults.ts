// Fault knobs of a running Binance simulator. Plain state: the feed, connections and REST handler consult it.
import { CountedFault } from '../counted-fault.ts';

export type RestFailureStatus = 500 | 503 | 429 | 418;
export type DepthStreamKind = 'depth' | 'depth@100ms';

const DEPTH_KINDS: readonly DepthStreamKind[] = ['depth', 'depth@100ms'];

export class BinanceFaults {
  /** Frames (data, acks, pings, closes) are held while true; TCP stays open. */
  stalled = false;
  marketPaused = false;
  private readonly gaps = new Set<string>();
  private readonly staleSnapshots = new Set<string>();
  private readonly truncations = new Set<string>();
  private readonly duplicates = new Set<string>();
  private readonly restFailures = new CountedFault<{ status: RestFailureStatus; retryAfterS: number | undefined }>();

  gapNext(symbol: string): void {
    this.gaps.add(symbol);
  }

  takeGap(symbol: string): boolean {
    return this.gaps.delete(symbol);
  }

  staleSnapshotNext(symbol: string): void {
    this.staleSnapshots.add(symbol);
  }

  takeStaleSnapshot(symbol: string): boolean {
    return this.staleSnapshots.delete(symbol);
  }

  /** Both depth speeds: each cuts its own next frame. */
  truncateNext(symbol: string): void {
    for (const kind of DEPTH_KINDS) this.truncations.add(`${symbol}:${kind}`);
  }

  takeTruncation(symbol: string, kind: DepthStreamKind): boolean {
    return this.truncations.delete(`${symbol}:${kind}`);
  }

  duplicateNext(symbol: string): void {
    for (const kind of DEPTH_KINDS) this.duplicates.add(`${symbol}:${kind}`);
  }

  takeDuplicate(symbol: string, kind: DepthStreamKind): boolean {
    return this.duplicates.delete(`${symbol}:${kind}`);
  }

  failRest(status: RestFailureStatus, count: number, retryAfterS?: number): void {
    this.restFailures.arm({ status, retryAfterS }, count);
  }

  takeRestFailure(): { status: RestFailureStatus; retryAfterS: number | undefined } | undefined {
    return this.restFailures.take();
  }
}
