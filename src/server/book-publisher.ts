// Publishing one book topic: the window diff (or a snapshot) at the next seq, serialized and encoded once,
// queued to every in-sync subscriber. A subscriber whose backlog is above the limit gets no updates; once
// it can take frames again (drain, or seen at a later publish) it gets one book_snapshot at the topic's
// current seq and continues from there, so its seq is contiguous again.
//
// With a hub that has native topics (uWebSockets.js), an in-sync subscriber whose backlog is low is put on the
// topic: one native publish reaches all of them, and only the others are visited here. The hub takes a
// subscriber off (nativeOff) before its backlog could make uWS drop a publish; from then on it is served here.
import type { LevelText } from '../core/model.ts';
import type { NativeTopics } from './client-hub.ts';
import type { DownstreamClock, DownstreamMetrics } from './downstream-ports.ts';
import { diffWindow } from './book-window.ts';
import { formatGatewayTime, serializeBookSnapshot, serializeBookUpdate } from './serializers.ts';
import type { BookTopic, Subscription } from './topic-registry.ts';

interface Frame {
  readonly text: string;
  /** UTF-8 of `text` for a frame going to many clients; undefined for one client (the hub encodes it). */
  readonly bytes: Uint8Array | undefined;
}

const NO_CHANGES: readonly LevelText[] = Object.freeze([]);

export class BookPublisher {
  constructor(private readonly metrics: DownstreamMetrics, private readonly clock: DownstreamClock,
    private readonly native?: NativeTopics) {}

  /** Call only while the book is live. */
  publish(topic: BookTopic, snapshot: boolean, gatewayTime: string): void {
    const view = topic.stream.view;
    const book = view.book;
    const bidsVersion = book.sideVersion('bids');
    const asksVersion = book.sideVersion('asks');
    // A side that did not change since the last publish is the window bots hold: no copy, no diff.
    const bidsSame = !snapshot && bidsVersion === topic.bidsVersion;
    const asksSame = !snapshot && asksVersion === topic.asksVersion;
    const bids = bidsSame ? topic.bids : book.topLevels('bids', topic.depth);
    const asks = asksSame ? topic.asks : book.topLevels('asks', topic.depth);
    topic.bidsVersion = bidsVersion;
    topic.asksVersion = asksVersion;
    let text: string;
    const receivedTime = formatGatewayTime(view.receivedAt);
    if (snapshot) {
      text = serializeBookSnapshot({ exchange: view.exchange, symbol: view.symbol, seq: topic.seq + 1,
        depth: topic.depth, bids, asks, exchangeTime: view.exchangeTime, receivedTime, gatewayTime });
    } else {
      const bidChanges = bidsSame ? NO_CHANGES : diffWindow('bids', topic.bids, bids);
      const askChanges = asksSame ? NO_CHANGES : diffWindow('asks', topic.asks, asks);
      // Keep the fresh tuples even when nothing changed, so the next diff takes the reference fast path.
      topic.bids = bids;
      topic.asks = asks;
      if (bidChanges.length === 0 && askChanges.length === 0) return;
      text = serializeBookUpdate({ exchange: view.exchange, symbol: view.symbol, seq: topic.seq + 1,
        bids: bidChanges, asks: askChanges, exchangeTime: view.exchangeTime, receivedTime, gatewayTime });
    }
    const native = this.native;
    // May take subscribers off the topic (nativeOff): they got everything up to the current seq.
    if (native !== undefined && topic.nativeCount > 0) native.reserve(Buffer.byteLength(text));
    // Encoded once here only for several one-by-one sends; a native publish or a single send encodes in the hub.
    const frame: Frame = { text, bytes: topic.subscribers.size - topic.nativeCount > 1 ? Buffer.from(text) : undefined };
    topic.seq++;
    topic.bids = bids;
    topic.asks = asks;
    topic.exchangeTime = view.exchangeTime;
    topic.receivedTime = receivedTime;
    let catchUpFrame = snapshot ? frame : undefined;
    let sent = 0;
    if (native !== undefined && topic.nativeCount > 0) {
      native.publish(topic.nativeName, text);
      sent += topic.nativeCount;
    }
    for (const subscription of topic.subscribers) {
      if (subscription.native) continue;
      const outbox = subscription.client.outbox;
      // Held back but missed nothing (its last frame was queued over the limit): the update suffices.
      const missedNothing = !snapshot && subscription.lastSeq === topic.seq - 1;
      if (subscription.needsSnapshot && !missedNothing) {
        if (!outbox.writable()) continue;
        catchUpFrame ??= this.snapshotFrame(topic, gatewayTime);
        this.sendSnapshot(subscription, catchUpFrame);
      } else if (!outbox.writable()) {
        subscription.needsSnapshot = subscription.slow = true;
      } else {
        const accepted = outbox.write(frame.text, frame.bytes);
        subscription.needsSnapshot = subscription.slow = !accepted;
        subscription.lastSeq = topic.seq;
        sent++;
        if (accepted) this.joinNative(subscription, topic);
      }
    }
    this.metrics.messageSent(snapshot ? 'book_snapshot' : 'book_update', sent);
  }

  /**
   * Outside a flush: a book_snapshot of the topic's last published window at the topic's seq, if the
   * client can take it now and that window is current. A client already at that seq just resumes.
   */
  catchUp(subscription: Subscription, topic: BookTopic): void {
    const stream = topic.stream;
    if (stream.view.state !== 'live' || stream.snapshotPending || !subscription.client.outbox.writable()) return;
    if (subscription.lastSeq === topic.seq) {
      subscription.needsSnapshot = subscription.slow = false;
      this.joinNative(subscription, topic);
      return;
    }
    this.sendSnapshot(subscription, this.snapshotFrame(topic, formatGatewayTime(this.clock.nowMs())));
  }

  private snapshotFrame(topic: BookTopic, gatewayTime: string): Frame {
    const view = topic.stream.view;
    const text = serializeBookSnapshot({ exchange: view.exchange, symbol: view.symbol, seq: topic.seq,
      depth: topic.depth, bids: topic.bids, asks: topic.asks, exchangeTime: topic.exchangeTime,
      receivedTime: topic.receivedTime, gatewayTime });
    return { text, bytes: undefined };
  }

  private sendSnapshot(subscription: Subscription, frame: Frame): void {
    if (subscription.slow) this.metrics.slowClientSnapshot();
    const accepted = subscription.client.outbox.write(frame.text, frame.bytes);
    subscription.lastSeq = subscription.topic.seq;
    subscription.needsSnapshot = subscription.slow = !accepted;
    this.metrics.messageSent('book_snapshot', 1);
    if (accepted && subscription.topic.channel === 'book') this.joinNative(subscription, subscription.topic);
  }

  /** An in-sync subscriber with nothing waiting and a low backlog goes on the native topic (the hub decides). */
  private joinNative(subscription: Subscription, topic: BookTopic): void {
    if (this.native === undefined || subscription.native || !subscription.client.outbox.writable()) return;
    if (subscription.client.socket.subscribeNative?.(topic.nativeName) !== true) return;
    subscription.native = true;
    topic.nativeCount++;
  }

  /** The hub took the client off its native topics: it holds each topic's current seq; served here from now on. */
  nativeOff(subscriptions: Iterable<Subscription>): void {
    for (const subscription of subscriptions) {
      if (!subscription.native || subscription.topic.channel !== 'book') continue;
      subscription.native = false;
      subscription.topic.nativeCount--;
      subscription.lastSeq = subscription.topic.seq;
    }
  }

  /** Before the subscription goes away. */
  leaveNative(subscription: Subscription): void {
    if (!subscription.native || subscription.topic.channel !== 'book') return;
    subscription.native = false;
    subscription.topic.nativeCount--;
    subscription.client.socket.unsubscribeNative?.(subscription.topic.nativeName);
  }
}
