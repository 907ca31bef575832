// Who subscribes to what. A book topic per (exchange, symbol, depth), a trades topic per (exchange,
// symbol); each topic owns its `seq`, so every subscriber of a topic sees the same contiguous stream.
// A connection holds at most one subscription per (channel, exchange, symbol): book messages carry no
// depth, so two depths of one book on one connection would be indistinguishable streams.
import type { LevelText } from '../core/model.ts';
import type { ExchangeId } from '../exchanges/registry.ts';
import { bookKeyText, type BookKey, type BookView } from '../book/book-store.ts';
import type { ClientSocket } from './client-hub.ts';
import type { ClientOutbox } from './client-outbox.ts';
import type { Channel } from './protocol.ts';
import { formatGatewayTime } from './serializers.ts';

export interface ClientState {
  readonly socket: ClientSocket;
  readonly outbox: ClientOutbox;
  readonly subscriptions: Map<string, Subscription>;
  closed: boolean;
}

export interface Subscription {
  readonly client: ClientState;
  readonly topic: BookTopic | TradesTopic;
  /** Book only: skip updates until a book_snapshot can be sent (slow, or joined before the book was servable). */
  needsSnapshot: boolean;
  /** Book only: needsSnapshot because the client fell behind (its catch-up counts as a slow-client snapshot). */
  slow: boolean;
  /** Book only: seq of the last book message queued to this client, -1 before the first (while `native`: stale). */
  lastSeq: number;
  /** Book only: on the hub's native topic, so publishes reach it without a per-client send. */
  native: boolean;
}

export interface BookTopic {
  readonly channel: 'book';
  readonly stream: SymbolStreams;
  readonly depth: number;
  /** The hub's native topic name (unique per book topic). */
  readonly nativeName: string;
  /** Subscribers with `native` set. */
  nativeCount: number;
  seq: number;
  /** The window last published on this topic: what every in-sync subscriber holds at `seq`. */
  bids: LevelText[];
  asks: LevelText[];
  /** The book sides' versions `bids` / `asks` were read at (-1: unknown): an unchanged side is not read again. */
  bidsVersion: number;
  asksVersion: number;
  exchangeTime: string;
  /** receivedTime of the window last published. */
  receivedTime: string;
  readonly subscribers: Set<Subscription>;
}

export interface TradesTopic {
  readonly channel: 'trades';
  readonly stream: SymbolStreams;
  seq: number;
  readonly subscribers: Set<Subscription>;
}

/** Every topic of one (exchange, symbol), and its pending-flush flags. */
export interface SymbolStreams {
  readonly key: string;
  readonly exchange: ExchangeId;
  readonly symbol: string;
  readonly view: BookView;
  readonly books: Map<number, BookTopic>;
  trades: TradesTopic | undefined;
  /** Changed since the last flush. */
  dirty: boolean;
  /** The next publish must be a book_snapshot (book replaced, or it left `live`). */
  snapshotPending: boolean;
}

export function subscriptionKey(channel: Channel, exchange: ExchangeId, symbol: string): string {
  return `${channel} ${exchange} ${symbol}`;
}

export class TopicRegistry {
  private readonly streams = new Map<string, SymbolStreams>();
  /** The same streams by the store's entry object (BookView / BookKey): no key string built per venue frame. */
  private readonly byEntry = new Map<BookKey, SymbolStreams>();

  stream(exchange: ExchangeId, symbol: string): SymbolStreams | undefined {
    return this.streams.get(bookKeyText(exchange, symbol));
  }

  /** `stream()` for the store's own entry object (what store listeners are given). */
  streamOf(entry: BookKey): SymbolStreams | undefined {
    return this.byEntry.get(entry) ?? this.stream(entry.exchange, entry.symbol);
  }

  /** Creates the topic on first use. A new book topic starts at seq 0 holding the current window. */
  bookTopic(view: BookView, depth: number): BookTopic {
    const stream = this.ensureStream(view);
    let topic = stream.books.get(depth);
    if (topic === undefined) {
      const servable = view.state === 'live' && !stream.snapshotPending;
      topic = {
        channel: 'book', stream, depth, nativeName: `book ${stream.key} ${depth}`, nativeCount: 0, seq: 0,
        bids: servable ? view.book.topLevels('bids', depth) : [],
        asks: servable ? view.book.topLevels('asks', depth) : [], bidsVersion: -1, asksVersion: -1,
        exchangeTime: view.exchangeTime, receivedTime: formatGatewayTime(view.receivedAt), subscribers: new Set(),
      };
      stream.books.set(depth, topic);
    }
    return topic;
  }

  tradesTopic(view: BookView): TradesTopic {
    const stream = this.ensureStream(view);
    stream.trades ??= { channel: 'trades', stream, seq: 0, subscribers: new Set() };
    return stream.trades;
  }

  attach(client: ClientState, key: string, topic: BookTopic | TradesTopic): Subscription {
    const subscription: Subscription = { client, topic, needsSnapshot: false, slow: false, lastSeq: -1, native: false };
    topic.subscribers.add(subscription);
    client.subscriptions.set(key, subscription);
    return subscription;
  }

  /** Removes the subscription; drops the topic when it has no subscribers and the stream when it has no topics. */
  detach(key: string, subscription: Subscription): void {
    subscription.client.subscriptions.delete(key);
    const topic = subscription.topic;
    topic.subscribers.delete(subscription);
    if (topic.subscribers.size > 0) return;
    const stream = topic.stream;
    if (topic.channel === 'book') stream.books.delete(topic.depth);
    else stream.trades = undefined;
    if (stream.books.size === 0 && stream.trades === undefined) {
      this.streams.delete(stream.key);
      this.byEntry.delete(stream.view);
    }
  }

  /** One subscription per distinct client subscribed to any topic of the stream. */
  subscriptionsOf(stream: SymbolStreams): Subscription[] {
    const seen = new Set<ClientState>();
    const out: Subscription[] = [];
    const add = (subscription: Subscription): void => {
      if (seen.has(subscription.client)) return;
      seen.add(subscription.client);
      out.push(subscription);
    };
    for (const topic of stream.books.values()) topic.subscribers.forEach(add);
    stream.trades?.subscribers.forEach(add);
    return out;
  }

  topicCount(): number {
    let count = 0;
    for (const stream of this.streams.values()) count += stream.books.size + (stream.trades === undefined ? 0 : 1);
    return count;
  }

  private ensureStream(view: BookView): SymbolStreams {
    const key = bookKeyText(view.exchange, view.symbol);
    let stream = this.streams.get(key);
    if (stream === undefined) {
      stream = {
        key, exchange: view.exchange, symbol: view.symbol, view, books: new Map(), trades: undefined,
        dirty: false, snapshotPending: view.state !== 'live',
      };
      this.streams.set(key, stream);
      this.byEntry.set(view, stream);
    }
    return stream;
  }
}
