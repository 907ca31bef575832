// Turns one captured Kraken session into what a replay serves a client that subscribes once: the captured status,
// the first book ack, then every data frame after it in capture order, timed by receive time.
//
// Re-subscribe cycles of the original client (the BTC/USD capture has 7 unsubscribe/subscribe pairs, each followed
// by a fresh snapshot) are collapsed by default: its later acks are dropped, and so is each re-snapshot that equals
// the book continued from the frames before it (true for every cycle in our captures), so the client sees one
// uninterrupted subscription. A re-snapshot that differs is kept: it replaces the book and keeps the final book
// exact. `keepResubscribes` replays those acks and snapshots verbatim instead.
import { OrderBook } from '../../book/order-book.ts';
import type { LevelText } from '../../core/model.ts';
import { krakenChecksum } from '../../exchanges/kraken/checksum.ts';
import type { CapturedFrame } from './cbcap.ts';
import { isRecord } from '../json-value.ts';
import { frameKind, readBookFrame } from './wire-read.ts';

export interface ReplayFrame {
  readonly text: string;
  /** Capture time after the ack, ms. */
  readonly offsetMs: number;
  readonly heartbeat: boolean;
}

export interface ReplayPlan {
  readonly symbol: string;
  readonly depth: number;
  /** The captured `status` frame, if the capture has one. */
  readonly status: string | undefined;
  /** The captured subscribe ack of the book. */
  readonly ack: string;
  readonly frames: readonly ReplayFrame[];
  /** Book snapshots and updates among `frames`. */
  readonly bookFrames: number;
  /** Re-snapshots dropped because they equalled the continued book. */
  readonly collapsedSnapshots: number;
}

/** Frames as text only (e.g. a `.frames.jsonl`) have no timing: they replay back to back. */
export type ReplayInputFrame = string | CapturedFrame;

export function buildReplayPlan(input: readonly ReplayInputFrame[], keepResubscribes = false): ReplayPlan {
  const frames = input.map((frame) => (typeof frame === 'string' ? { text: frame, receivedNs: undefined } : frame));
  const ackIndex = frames.findIndex((frame) => bookAck(frame.text) !== undefined);
  const ackFrame = frames[ackIndex];
  const ack = ackFrame === undefined ? undefined : bookAck(ackFrame.text);
  if (ackFrame === undefined || ack === undefined) throw new Error('replay: capture has no successful book subscribe ack');
  const status = frames.slice(0, ackIndex + 1).find((frame) => frameKind(frame.text) === 'status:update')?.text;
  const book = new OrderBook();
  const planned: ReplayFrame[] = [];
  let bookFrames = 0;
  let collapsedSnapshots = 0;
  let inCycle = false;
  for (const frame of frames.slice(ackIndex + 1)) {
    const kind = frameKind(frame.text);
    const offsetMs = frame.receivedNs === undefined || ackFrame.receivedNs === undefined
      ? 0 : Number(frame.receivedNs - ackFrame.receivedNs) / 1e6;
    if (kind === 'subscribe' || kind === 'unsubscribe') {
      inCycle = true;
      if (keepResubscribes) planned.push({ text: frame.text, offsetMs, heartbeat: false });
      continue;
    }
    const read = kind === 'book:snapshot' || kind === 'book:update' ? readBookFrame(frame.text) : undefined;
    if (read !== undefined) {
      if (read.symbol !== ack.symbol) continue;
      if (read.type === 'snapshot' && inCycle && !keepResubscribes && sameBook(book, read.bids, read.asks, ack.depth)) {
        collapsedSnapshots++;
        inCycle = false;
        continue;
      }
      if (read.type === 'snapshot') book.replace(read.bids, read.asks);
      else book.apply(read.bids, read.asks);
      book.truncate(ack.depth);
      inCycle = false;
      bookFrames++;
    }
    planned.push({ text: frame.text, offsetMs, heartbeat: kind === 'heartbeat' });
  }
  return { symbol: ack.symbol, depth: ack.depth, status, ack: ackFrame.text, frames: planned, bookFrames, collapsedSnapshots };
}

/** The book a client holds after applying every book frame of the plan (truncated to `depth` ≤ plan depth). */
export function finalBook(plan: ReplayPlan, depth = plan.depth): { bids: LevelText[]; asks: LevelText[] } {
  const book = replayBook(plan, () => undefined);
  return { bids: book.topLevels('bids', Math.min(depth, plan.depth)), asks: book.topLevels('asks', Math.min(depth, plan.depth)) };
}

/** Apply the plan's book frames as a client would; `onChecksum(ok)` per frame. */
export function replayBook(plan: ReplayPlan, onChecksum: (ok: boolean) => void): OrderBook {
  const book = new OrderBook();
  for (const frame of plan.frames) {
    const read = readBookFrame(frame.text);
    if (read === undefined) continue;
    if (read.type === 'snapshot') book.replace(read.bids, read.asks);
    else book.apply(read.bids, read.asks);
    book.truncate(plan.depth);
    onChecksum(krakenChecksum(book) === read.checksum);
  }
  return book;
}

function bookAck(text: string): { symbol: string; depth: number } | undefined {
  if (frameKind(text) !== 'subscribe') return undefined;
  const value: unknown = JSON.parse(text);
  if (!isRecord(value) || !isRecord(value.result) || value.result.channel !== 'book') return undefined;
  const { symbol, depth } = value.result;
  return typeof symbol === 'string' && typeof depth === 'number' ? { symbol, depth } : undefined;
}

function sameBook(book: OrderBook, bids: readonly LevelText[], asks: readonly LevelText[], depth: number): boolean {
  const same = (a: readonly LevelText[], b: readonly LevelText[]) =>
    a.length === b.length && a.every(([price, qty], i) => b[i]?.[0] === price && b[i]?.[1] === qty);
  const snapshot = new OrderBook();
  snapshot.replace(bids, asks);
  return same(book.topLevels('bids', depth), snapshot.topLevels('bids', depth)) &&
    same(book.topLevels('asks', depth), snapshot.topLevels('asks', depth));
}
