// One symbol's book as one session sees it: bridging the diff stream to REST snapshots (sequence.ts), or — on a
// successor connection — holding the diffs until they continue the predecessor's chain (handover-buffer.ts).
// Session code: translates depth messages into normalized book events.
import { IsoTimeFormatter } from '../../core/iso-time.ts';
import { reportAction } from '../session-output.ts';
import type { SessionOutput } from '../types.ts';
import type { ChainLink, DepthPhase } from './book-chain.ts';
import { HandoverBuffer } from './handover-buffer.ts';
import type { BinanceDepthSnapshot, BinanceDepthUpdate } from './messages.ts';
import { DepthSequence, type SequenceStats } from './sequence.ts';

export type BookPhase = DepthPhase | 'handover' | 'handed-over';

export class SessionBook {
  private readonly sequence: DepthSequence;
  /** Set while this session waits to take the book over from its predecessor. */
  private handover: HandoverBuffer | undefined;

  constructor(readonly symbol: string, private readonly link: ChainLink, private readonly token: number) {
    this.sequence = new DepthSequence(link);
    this.handover = link.owner === token ? undefined : new HandoverBuffer();
  }

  get owned(): boolean {
    return this.link.owner === this.token;
  }

  get phase(): BookPhase {
    if (this.handover !== undefined) return 'handover';
    return this.owned ? this.link.phase : 'handed-over';
  }

  /** The book's last applied update id while it is synced and fed by this session. */
  get updateId(): number | undefined {
    return this.owned && this.link.phase === 'synced' ? this.link.updateId : undefined;
  }

  get stats(): Readonly<SequenceStats> {
    return this.sequence.stats;
  }

  /** One diff event. Returns true when it handed the book over to this session. */
  onDiff(event: BinanceDepthUpdate, out: SessionOutput): boolean {
    if (this.handover !== undefined) return this.onHandoverDiff(this.handover, event, out);
    if (this.link.owner === this.token) this.step(event, out);
    return false;
  }

  onSnapshot(snapshot: BinanceDepthSnapshot, out: SessionOutput): void {
    const symbol = this.symbol;
    if (!this.owned) {
      out.actions.push(reportAction('debug', 'snapshot_ignored',
        `binance ${symbol}: snapshot ${snapshot.lastUpdateId} ignored, another connection feeds this book`, symbol));
      return;
    }
    const step = this.sequence.snapshot(snapshot);
    switch (step.kind) {
      case 'unexpected':
        out.actions.push(reportAction('debug', 'snapshot_ignored', `binance ${symbol}: snapshot ${snapshot.lastUpdateId} `
          + `ignored, none awaited (book ${this.link.phase})`, symbol));
        return;
      case 'too_old':
        out.actions.push(reportAction('info', 'snapshot_too_old', `binance ${symbol}: snapshot lastUpdateId `
          + `${step.lastUpdateId} is older than the stream (needs ≥ ${step.needed}); fetching again`, symbol),
        { type: 'fetch-snapshot', symbol });
        return;
      case 'no_bridge':
        out.actions.push(reportAction('info', 'snapshot_no_bridge', `binance ${symbol}: no buffered event bridges `
          + `snapshot lastUpdateId ${step.lastUpdateId} (next is U=${step.first.U}, u=${step.first.u}); fetching again`, symbol),
        { type: 'fetch-snapshot', symbol });
        return;
      case 'bridged':
        out.events.push({ type: 'book_snapshot', symbol, bids: snapshot.bids, asks: snapshot.asks,
          exchangeTime: step.newestDroppedTime === undefined ? '' : isoTime(step.newestDroppedTime) });
        for (const event of step.replay) this.step(event, out);
        return;
    }
  }

  /**
   * Rebuild the book from a new snapshot, asked for at once: the diff stream stays subscribed, so nothing is sent,
   * and a quiet symbol does not wait for its next diff. A successor still waiting for the handover takes the book
   * over to do so. Returns true when that handed the book over.
   */
  resync(out: SessionOutput): boolean {
    if (this.handover === undefined && !this.owned) {
      out.actions.push(reportAction('debug', 'resync_ignored',
        `binance ${this.symbol}: resync ignored, another connection feeds this book`, this.symbol));
      return false;
    }
    const handedOver = this.own();
    this.sequence.restart(true);
    out.actions.push({ type: 'fetch-snapshot', symbol: this.symbol });
    return handedOver;
  }

  /**
   * A frame that may have carried this book's diffs could not be read: a synced book may be missing changes (the
   * next diff would show the gap, but a quiet symbol may not send one for long). While buffering, the bridging
   * checks already catch a hole; a successor's handover buffer starts again.
   */
  onLostDiff(out: SessionOutput): void {
    if (this.handover !== undefined) {
      this.handover.clear();
    } else if (this.owned && this.link.phase === 'synced') {
      out.actions.push({ type: 'resync', symbol: this.symbol, reason: 'malformed_frame' });
    }
  }

  /** A snapshot body that is not a depth snapshot: rebuild (under the connector's resync budget). */
  onBadSnapshot(out: SessionOutput): void {
    if (this.owned && this.link.phase === 'buffering' && this.sequence.awaiting) {
      out.actions.push({ type: 'resync', symbol: this.symbol, reason: 'malformed_frame' });
    }
  }

  /**
   * The predecessor is gone: continue the book here when this buffer connects to its chain, or when it is empty, the
   * chain synced and the predecessor current (it delivered every diff sent before this stream began, so nothing
   * can have fallen between the two); otherwise ask for a resync (`connection_lost`). True when handed over.
   */
  takeOver(out: SessionOutput, predecessorCurrent: boolean): boolean {
    const buffer = this.handover;
    if (buffer === undefined) return false;
    if (this.link.phase === 'synced' && (buffer.connects(this.link) || (buffer.size === 0 && predecessorCurrent))) {
      this.continueChain(buffer, out);
    } else {
      this.own();
      this.sequence.halt();
      out.actions.push(reportAction('info', 'handover_resync', `binance ${this.symbol}: the predecessor connection is gone `
        + 'and this stream does not continue its book; resyncing', this.symbol),
      { type: 'resync', symbol: this.symbol, reason: 'connection_lost' });
    }
    return true;
  }

  private onHandoverDiff(buffer: HandoverBuffer, event: BinanceDepthUpdate, out: SessionOutput): boolean {
    // Seen on this stream even if the buffer is dropped later: a snapshot bridging this book must hold it.
    this.sequence.seen(event.u);
    if (buffer.push(event) === 'gap') {
      out.actions.push(reportAction('debug', 'handover_gap', `binance ${this.symbol}: update ids jump to U=${event.U} `
        + 'in the handover buffer; buffering from there', this.symbol));
    }
    if (this.link.phase !== 'synced') {
      // The predecessor is itself rebuilding this book: bridge it here instead, with the normal snapshot procedure.
      this.own();
      this.sequence.restart();
      out.actions.push(reportAction('info', 'handover_rebridge', `binance ${this.symbol}: the predecessor connection is `
        + `${this.link.phase === 'halted' ? 'halted' : 'awaiting a snapshot'} for this book; bridging it on this connection`, this.symbol));
      for (const buffered of buffer.take()) this.step(buffered, out);
      return true;
    }
    if (!buffer.connects(this.link)) return false;
    this.continueChain(buffer, out);
    return true;
  }

  private continueChain(buffer: HandoverBuffer, out: SessionOutput): void {
    this.own();
    for (const event of buffer.take()) this.step(event, out);
    out.events.push({ type: 'book_continued', symbol: this.symbol });
  }

  /** Returns true when this took the book over from another session. */
  private own(): boolean {
    const wasHandover = this.handover !== undefined;
    this.handover = undefined;
    this.link.owner = this.token;
    return wasHandover;
  }

  private step(event: BinanceDepthUpdate, out: SessionOutput): void {
    const step = this.sequence.diff(event);
    switch (step.kind) {
      case 'apply':
        out.events.push({ type: 'book_update', symbol: this.symbol, bids: event.b, asks: event.a, exchangeTime: isoTime(event.E) });
        return;
      case 'buffered':
        if (step.fetch) out.actions.push({ type: 'fetch-snapshot', symbol: this.symbol });
        return;
      case 'gap':
        out.actions.push(reportAction('warn', 'sequence_gap', `binance ${this.symbol}: update ids jump from ${step.from} `
          + `to U=${event.U} (u=${event.u})`, this.symbol),
        { type: 'resync', symbol: this.symbol, reason: 'sequence_gap' });
        return;
      default:
        return;
    }
  }
}

const EXCHANGE_TIME = new IsoTimeFormatter(3);

/** Binance times are epoch milliseconds. */
export function isoTime(ms: number): string {
  return EXCHANGE_TIME.format(ms);
}
