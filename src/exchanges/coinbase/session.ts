// One Coinbase Advanced Trade connection's protocol state: frames → normalized events + connector actions.
// Every non-error frame first passes the connection's `sequence_num` check (sequence.ts): a frame lost, repeated or
// reordered breaks the stream for every book on the connection, which is then rebuilt (resync-connection). Books:
// l2-books.ts; trades: trades.ts; requests and acks: subscriptions.ts. A level2 snapshot over SLICE_FROM_BYTES is read
// in slices over several event-loop turns (snapshot-slices.ts). The ticker never touches a book (gotcha: the
// channels are not synchronized).
import type { BookStatusReason } from '../../core/model.ts';
import { actionsOnly, reportAction } from '../session-output.ts';
import type { SessionOptions, SessionOutput, VenueEvent, VenueSession } from '../types.ts';
import { addLevels, CoinbaseL2Books, type SnapshotBuild } from './l2-books.ts';
import type { CoinbaseL2Message } from './messages.ts';
import { classifyCoinbaseValue, parseCoinbaseFrame, type CoinbaseFrame } from './parse.ts';
import { ConnectionSequence, describeBreak } from './sequence.ts';
import { openSnapshotSlices, type SnapshotSlices } from './snapshot-slices.ts';
import { CoinbaseSubscriptions } from './subscriptions.ts';
import { CoinbaseSymbolTable } from './symbols.ts';
import { CoinbaseTrades } from './trades.ts';

/** Frames from this size on may be level2 snapshots worth reading in slices (ETH-USD: 2.5 MB, BTC-USD: 5 MB). */
export const SLICE_FROM_BYTES = 512 * 1024;
/** About 2 ms of parsing per event-loop turn. */
export const SLICE_BYTES = 256 * 1024;
const PREVIEW_CHARS = 200;
const HEARTBEAT: VenueEvent = { type: 'heartbeat' };

export function createCoinbaseSession(options: SessionOptions): VenueSession {
  return new CoinbaseSession(options);
}

export class CoinbaseSession implements VenueSession {
  private readonly table: CoinbaseSymbolTable;
  private readonly subscriptions: CoinbaseSubscriptions;
  private readonly books: CoinbaseL2Books;
  private readonly trades: CoinbaseTrades;
  private readonly sequence = new ConnectionSequence();
  /** Set once the sequence broke: nothing more from this connection is used; the connector replaces it. */
  private broken: string | undefined;
  /** Frames of channels the gateway does not use, by channel (reported once each). */
  private readonly ignored = new Map<string, number>();

  constructor(options: SessionOptions) {
    this.table = new CoinbaseSymbolTable(options.symbols);
    this.subscriptions = new CoinbaseSubscriptions(this.table);
    this.books = new CoinbaseL2Books(this.table, this.subscriptions);
    this.trades = new CoinbaseTrades(this.table, this.subscriptions, options.tradeSnapshot);
  }

  /** The subscribes go out at once: Coinbase closes a connection that has not subscribed within 5 s. */
  onOpen(_now: number): SessionOutput {
    return actionsOnly(
      ...this.table.invalid.map((symbol) => reportAction('error', 'invalid_symbol',
        `coinbase: configured symbol "${symbol}" is not BASE/QUOTE upper case; not subscribed`, symbol)),
      ...this.subscriptions.open(),
    );
  }

  onFrame(text: string, _receivedAt: number): SessionOutput {
    if (this.broken !== undefined) return actionsOnly();
    if (text.length >= SLICE_FROM_BYTES) {
      const slices = openSnapshotSlices(text, SLICE_BYTES);
      if (slices !== undefined) return this.onSlicedFrame(text, slices);
    }
    return this.onParsed(parseCoinbaseFrame(text), text, true);
  }

  /** Resubscribe the product's level2 (a new snapshot follows); nothing while the connection is being replaced. */
  resync(symbol: string, _reason: BookStatusReason, now: number): SessionOutput {
    const out: SessionOutput = { events: [], actions: [] };
    if (this.broken === undefined) this.books.resubscribe(symbol, now, out);
    return out;
  }

  resyncTrades(symbol: string, _now: number): SessionOutput {
    const productId = this.table.productOf(symbol);
    if (productId === undefined) {
      return actionsOnly(reportAction('warn', 'resync_unknown_symbol',
        `coinbase: trade resubscription requested for ${symbol}, which this connection does not carry`, symbol));
    }
    return this.broken === undefined ? actionsOnly(...this.subscriptions.resubscribe('market_trades', productId)) : actionsOnly();
  }

  /** No application-level ping exists: liveness is judged on data (heartbeats keep quiet channels open). */
  ping(_reqId: number, _now: number): SessionOutput {
    return actionsOnly();
  }

  /** Frames of unused channels seen so far, by channel (tests, diagnostics). */
  ignoredFrames(): ReadonlyMap<string, number> {
    return this.ignored;
  }

  /** The sequence number the next frame must carry. */
  get nextSequence(): number {
    return this.sequence.next;
  }

  isSynced(symbol: string): boolean {
    return this.books.synced(symbol);
  }

  private onParsed(frame: CoinbaseFrame, text: string, checkSequence: boolean): SessionOutput {
    if (checkSequence) {
      const sequence = sequenceOf(frame);
      if (sequence !== undefined) {
        const verdict = this.sequence.check(sequence);
        if (verdict.kind !== 'next') return this.breakStream('sequence_gap', describeBreak(verdict));
      }
    }
    switch (frame.kind) {
      case 'l2': return this.onL2(frame.message);
      case 'trades': {
        const out: SessionOutput = { events: [], actions: [] };
        for (const event of frame.message.events) this.trades.onEvent(event, out);
        return out;
      }
      case 'heartbeat': return { events: [HEARTBEAT], actions: [] };
      case 'subscriptions': return this.subscriptions.onAck(frame.message);
      case 'error': return this.subscriptions.onError(frame.message.message);
      case 'ignored': return this.onIgnored(frame.channel, 'debug', 'unused_channel',
        `coinbase sends ${frame.channel} frames, which the gateway does not use`);
      case 'unknown':
        if (frame.malformed) return this.onUnreadable(text, frame.reason);
        return this.onIgnored(frame.channel ?? '?', 'warn', 'unknown_message',
          `coinbase unrecognised frame (${frame.reason}), ignored: ${text.slice(0, PREVIEW_CHARS)}`);
    }
  }

  private onL2(message: CoinbaseL2Message): SessionOutput {
    const out: SessionOutput = { events: [], actions: [] };
    for (const event of message.events) this.books.onEvent(event, message.timestamp, out);
    return out;
  }

  /**
   * A big frame in the live layout: its sequence number is checked now, its levels are read one slice per turn, and
   * the book is replaced once the last slice is in. A layout surprise part-way falls back to parsing the whole frame.
   */
  private onSlicedFrame(text: string, slices: SnapshotSlices): SessionOutput {
    const frame = classifyCoinbaseValue(slices.envelope);
    if (frame.kind !== 'l2' || frame.message.events.length !== 1 || frame.message.events[0]!.type !== 'snapshot') {
      return this.onParsed(parseCoinbaseFrame(text), text, true);
    }
    const verdict = this.sequence.check(frame.message.sequence_num);
    if (verdict.kind !== 'next') return this.breakStream('sequence_gap', describeBreak(verdict));
    const out: SessionOutput = { events: [], actions: [] };
    const build = this.books.startSnapshot(frame.message.events[0]!.product_id, frame.message.timestamp, out);
    if (build === undefined) return out;
    return { ...out, next: () => this.nextSlice(text, slices, build) };
  }

  private nextSlice(text: string, slices: SnapshotSlices, build: SnapshotBuild): SessionOutput {
    if (this.broken !== undefined) return actionsOnly();
    const levels = slices.next();
    if (levels === 'invalid') return this.onParsed(parseCoinbaseFrame(text), text, false);
    const out: SessionOutput = { events: [], actions: [] };
    if (levels === undefined) {
      this.books.finishSnapshot(build, out);
      return out;
    }
    addLevels(build, levels);
    return { ...out, next: () => this.nextSlice(text, slices, build) };
  }

  private onIgnored(channel: string, level: 'debug' | 'warn', code: string, message: string): SessionOutput {
    const seen = this.ignored.get(channel) ?? 0;
    this.ignored.set(channel, seen + 1);
    return seen === 0 ? actionsOnly(reportAction(level, code, message)) : actionsOnly();
  }

  /** A frame that cannot be read may have carried any channel's data: the connection's stream is broken. */
  private onUnreadable(text: string, reason: string): SessionOutput {
    return this.breakStream('malformed_frame', `malformed frame (${reason}): ${text.slice(0, PREVIEW_CHARS)}`);
  }

  private breakStream(reason: BookStatusReason, detail: string): SessionOutput {
    this.broken = detail;
    return actionsOnly(
      reportAction('warn', reason, `coinbase ${detail}; every book on this connection resyncs on a new connection`),
      { type: 'resync-connection', reason, detail: `coinbase ${detail}` },
    );
  }
}

/**
 * The frame's place in the connection's count; undefined for frames outside it (errors, frames with no channel) and
 * for unreadable ones (which break the stream anyway).
 */
function sequenceOf(frame: CoinbaseFrame): number | undefined {
  switch (frame.kind) {
    case 'error': return undefined;
    case 'ignored':
    case 'unknown': return frame.sequence;
    default: return frame.message.sequence_num;
  }
}
