// The per-symbol update-id bridging state machine (binance-spot.md §6.1, §6.3): buffer diffs, bridge them to a
// REST snapshot (`lastUpdateId + 1 >= U` of the first buffered event, then `U <= lastUpdateId + 1 <= u` for the
// first one left after dropping `u <= lastUpdateId`), then apply each event by the per-event rule. It decides;
// the session turns decisions into events and actions. The phase and update id live in the shared ChainLink.
import type { ChainLink } from './book-chain.ts';
import type { BinanceDepthSnapshot, BinanceDepthUpdate } from './messages.ts';

export type DiffStep =
  | { readonly kind: 'buffered'; readonly fetch: boolean }
  | { readonly kind: 'apply' }
  /** `u <= updateId`: already in the book (a duplicate, or overlapping the snapshot). */
  | { readonly kind: 'stale' }
  /** `U > updateId + 1`: ids were missed; the book is halted until `restart()`. */
  | { readonly kind: 'gap'; readonly from: number }
  | { readonly kind: 'halted' };

export type SnapshotStep =
  /** No snapshot was awaited (synced, halted, or the attempt was restarted before its first event). */
  | { readonly kind: 'unexpected' }
  /**
   * Older than the stream: `lastUpdateId + 1 < U` of the first buffered event, or (nothing buffered) below the last
   * update id the stream already showed. `needed`: the least lastUpdateId that would do. Fetch again.
   */
  | { readonly kind: 'too_old'; readonly lastUpdateId: number; readonly needed: number }
  /** The first event left after dropping has `U > lastUpdateId + 1` (a hole in the buffer); fetch again. */
  | { readonly kind: 'no_bridge'; readonly lastUpdateId: number; readonly first: BinanceDepthUpdate }
  /** Synced at `lastUpdateId`; `replay` (in order) goes through the per-event rule next. */
  | { readonly kind: 'bridged'; readonly dropped: number; readonly newestDroppedTime: number | undefined;
      readonly replay: readonly BinanceDepthUpdate[] };

export interface SequenceStats {
  /** `lastUpdateId` of the snapshot the book was last bridged to. */
  snapshotLastUpdateId: number | undefined;
  /** Buffered events dropped by bridges (`u <= lastUpdateId`). */
  discarded: number;
  /** Events applied (buffered after a bridge, or live). */
  applied: number;
  /** Events ignored as `u <= updateId` once synced. */
  stale: number;
  gaps: number;
  /** Snapshots that could not bridge (too old or no bridge). */
  snapshotsRejected: number;
}

/**
 * Diffs kept while a snapshot is awaited (a REST ban can last minutes to days). Dropping the oldest is safe: the
 * bridging check then simply needs a newer snapshot.
 */
export const MAX_BUFFERED_DIFFS = 10_000;

const BUFFERED: DiffStep = { kind: 'buffered', fetch: false };
const BUFFERED_FETCH: DiffStep = { kind: 'buffered', fetch: true };
const APPLY: DiffStep = { kind: 'apply' };
const STALE: DiffStep = { kind: 'stale' };
const HALTED: DiffStep = { kind: 'halted' };
const UNEXPECTED: SnapshotStep = { kind: 'unexpected' };

export class DepthSequence {
  readonly stats: SequenceStats = { snapshotLastUpdateId: undefined, discarded: 0, applied: 0, stale: 0, gaps: 0, snapshotsRejected: 0 };
  private buffer: BinanceDepthUpdate[] = [];
  /** One snapshot fetch in flight per attempt: set by the attempt's first buffered event. */
  private awaitingSnapshot = false;
  /** The highest `u` this stream has shown for the symbol, whatever the phase (buffers are dropped; this is not). */
  private lastSeenU = 0;

  constructor(private readonly link: ChainLink) {}

  get buffered(): number {
    return this.buffer.length;
  }

  get awaiting(): boolean {
    return this.awaitingSnapshot;
  }

  /** The stream showed update ids up to `u` (also diffs that never reach `diff()`, e.g. a successor's handover buffer). */
  seen(u: number): void {
    if (u > this.lastSeenU) this.lastSeenU = u;
  }

  diff(event: BinanceDepthUpdate): DiffStep {
    const link = this.link;
    this.seen(event.u);
    switch (link.phase) {
      case 'synced':
        if (event.u <= link.updateId) {
          this.stats.stale++;
          return STALE;
        }
        if (event.U > link.updateId + 1) {
          link.phase = 'halted';
          this.stats.gaps++;
          return { kind: 'gap', from: link.updateId };
        }
        link.updateId = event.u;
        this.stats.applied++;
        return APPLY;
      case 'buffering':
        if (this.buffer.length >= MAX_BUFFERED_DIFFS) this.buffer.splice(0, this.buffer.length - MAX_BUFFERED_DIFFS + 1);
        this.buffer.push(event);
        if (this.awaitingSnapshot) return BUFFERED;
        this.awaitingSnapshot = true;
        return BUFFERED_FETCH;
      case 'halted':
        return HALTED;
    }
  }

  snapshot(snapshot: BinanceDepthSnapshot): SnapshotStep {
    if (this.link.phase !== 'buffering' || !this.awaitingSnapshot) return UNEXPECTED;
    const lastUpdateId = snapshot.lastUpdateId;
    const first = this.buffer[0];
    // An empty buffer only happens after `restart(true)`: the stream was subscribed before the request went out, so
    // a snapshot holding every change the stream has shown lacks only changes still to come, which the per-event
    // rule checks. One older than the stream (REST can lag it) would serve a wrong book: fetch again.
    const needed = first === undefined ? this.lastSeenU : first.U - 1;
    if (lastUpdateId < needed) {
      this.stats.snapshotsRejected++;
      return { kind: 'too_old', lastUpdateId, needed };
    }
    const replay: BinanceDepthUpdate[] = [];
    let dropped = 0;
    let newestDroppedTime: number | undefined;
    for (const event of this.buffer) {
      if (event.u <= lastUpdateId) {
        dropped++;
        newestDroppedTime = newestDroppedTime === undefined ? event.E : Math.max(newestDroppedTime, event.E);
      } else {
        replay.push(event);
      }
    }
    if (replay.length > 0 && replay[0].U > lastUpdateId + 1) {
      this.stats.snapshotsRejected++;
      return { kind: 'no_bridge', lastUpdateId, first: replay[0] };
    }
    this.buffer = [];
    this.awaitingSnapshot = false;
    this.link.phase = 'synced';
    this.link.updateId = lastUpdateId;
    this.stats.snapshotLastUpdateId = lastUpdateId;
    this.stats.discarded += dropped;
    return { kind: 'bridged', dropped, newestDroppedTime, replay };
  }

  /**
   * A new attempt (the diff stream stays subscribed). `fetchNow`: the caller asks for the snapshot at once — safe
   * because the stream has been subscribed all along, and needed for a quiet symbol whose next diff may be minutes
   * away; otherwise the next buffered event asks for it (the documented order for a stream that just started).
   */
  restart(fetchNow = false): void {
    this.link.phase = 'buffering';
    this.buffer = [];
    this.awaitingSnapshot = fetchNow;
  }

  /** Stop until `restart()` (the connector decides when: resync budget). */
  halt(): void {
    this.link.phase = 'halted';
    this.buffer = [];
    this.awaitingSnapshot = false;
  }
}
