// Store changes → bot messages. Book changes are coalesced per event-loop turn (flushed in setImmediate,
// after the I/O phase that delivered the venue frames), diffed per topic window, serialized and encoded
// once per topic, and queued to every subscriber without waiting on any of them.
//
// Slow clients: book topics catch up with a snapshot (book-publisher.ts); every other message waits in the
// client's outbox (client-outbox.ts); past 2 × maxBackpressureBytes the client is closed with 1008.
import type { BookStore, BookView, StoreListener } from '../book/book-store.ts';
import type { ClientSocket, NativeTopics } from './client-hub.ts';
import { ClientOutbox } from './client-outbox.ts';
import { BookPublisher } from './book-publisher.ts';
import type { DownstreamClock, DownstreamLog, DownstreamMetrics } from './downstream-ports.ts';
import { DEFAULT_BOOK_DEPTH, type Command, type ProtocolError } from './protocol.ts';
import {
  formatGatewayTime, serializeAck, serializeShutdown, serializeStatus, serializeTrade, type OutboundType,
} from './serializers.ts';
import {
  subscriptionKey, TopicRegistry, type ClientState, type Subscription, type SymbolStreams,
} from './topic-registry.ts';

export interface FanoutOptions {
  readonly store: BookStore;
  readonly clock: DownstreamClock;
  readonly metrics: DownstreamMetrics;
  readonly log: DownstreamLog;
  readonly maxBackpressureBytes: number;
  readonly maxSubscriptionsPerClient: number;
  /** The hub's native topics (uWebSockets.js): book updates published once to every in-sync subscriber. */
  readonly native?: NativeTopics;
  /** Defers `flush` to the end of the current turn; returns a cancel function. Default: setImmediate. */
  readonly schedule?: (flush: () => void) => () => void;
}

type SubscribeCommand = Extract<Command, { op: 'subscribe' }>;
type UnsubscribeCommand = Extract<Command, { op: 'unsubscribe' }>;


export class Fanout {
  readonly listener: StoreListener = {
    bookChanged: (view, change) => this.bookChanged(view, change === 'snapshot'),
    bookStateChanged: (view) => this.bookStateChanged(view),
    tradesAdded: (key, trades, receivedAt) => {
      const topic = this.topics.streamOf(key)?.trades;
      if (topic === undefined || topic.subscribers.size === 0) return;
      const nowMs = this.options.clock.nowMs();
      const gatewayTime = formatGatewayTime(nowMs);
      const receivedTime = formatGatewayTime(receivedAt);
      for (const trade of trades) {
        topic.seq++;
        this.broadcast(topic.subscribers, 'trade',
          serializeTrade(key.exchange, key.symbol, topic.seq, trade, receivedTime, gatewayTime));
      }
      this.options.metrics.published(key.exchange, (nowMs - receivedAt) / 1000);
    },
  };

  private readonly topics = new TopicRegistry();
  private readonly clients = new Map<ClientSocket, ClientState>();
  private readonly dirty = new Set<SymbolStreams>();
  private readonly schedule: ((flush: () => void) => () => void) | undefined;
  /** The default scheduler's pending setImmediate (no closure per turn). */
  private immediate: NodeJS.Immediate | undefined;
  private readonly flushNow = (): void => this.flush();
  private readonly books: BookPublisher;
  private cancelFlush: (() => void) | undefined;

  constructor(private readonly options: FanoutOptions) {
    this.schedule = options.schedule;
    this.books = new BookPublisher(options.metrics, options.clock, options.native);
  }

  addClient(socket: ClientSocket): void {
    const outbox = new ClientOutbox(socket, this.options.maxBackpressureBytes);
    this.clients.set(socket, { socket, outbox, subscriptions: new Map(), closed: false });
  }

  removeClient(socket: ClientSocket): void {
    const client = this.clients.get(socket);
    if (client === undefined) return;
    client.closed = true;
    this.clients.delete(socket);
    for (const [key, subscription] of [...client.subscriptions]) {
      this.books.leaveNative(subscription);
      this.topics.detach(key, subscription);
    }
  }

  /** The hub took the client off its native topics (its backlog grew): its books are sent one by one again. */
  nativeOff(socket: ClientSocket): void {
    const client = this.clients.get(socket);
    if (client !== undefined) this.books.nativeOff(client.subscriptions.values());
  }

  hasClient(socket: ClientSocket): boolean {
    return this.clients.has(socket);
  }

  clientCount(): number {
    return this.clients.size;
  }

  topicCount(): number {
    return this.topics.topicCount();
  }

  /** A reply to one client (ack, pong, error), in order with everything else it is sent. */
  reply(socket: ClientSocket, type: OutboundType, text: string): void {
    const client = this.clients.get(socket);
    if (client !== undefined) this.deliver(client, type, text);
  }

  /** Acks, then status if the book is not live, then (book) a snapshot as soon as one is servable. */
  subscribe(socket: ClientSocket, command: SubscribeCommand): ProtocolError | undefined {
    const client = this.clients.get(socket);
    const view = this.options.store.get(command.exchange, command.symbol);
    if (client === undefined) return undefined;
    if (view === undefined) {
      return { code: 'unknown_symbol', id: command.id, message: `${command.exchange} has no configured symbol ${command.symbol}` };
    }
    const key = subscriptionKey(command.channel, command.exchange, command.symbol);
    if (client.subscriptions.has(key)) {
      return { code: 'already_subscribed', id: command.id,
        message: `already subscribed to ${command.channel} ${command.exchange} ${command.symbol}; unsubscribe first to change depth` };
    }
    if (client.subscriptions.size >= this.options.maxSubscriptionsPerClient) {
      return { code: 'too_many_subscriptions', id: command.id,
        message: `at most ${this.options.maxSubscriptionsPerClient} subscriptions per connection` };
    }
    const topic = command.channel === 'book'
      ? this.topics.bookTopic(view, command.depth ?? Math.min(DEFAULT_BOOK_DEPTH, view.depth))
      : this.topics.tradesTopic(view);
    const subscription = this.topics.attach(client, key, topic);
    this.deliver(client, 'ack', serializeAck(command.id));
    if (view.state !== 'live') this.deliver(client, 'status', serializeStatus(view.exchange, view.symbol, view.state, view.reason));
    if (topic.channel === 'book' && !client.closed) {
      subscription.needsSnapshot = true;
      this.books.catchUp(subscription, topic);
      // Live, but the window is not published yet (book just replaced): the snapshot goes out at the end of this turn.
      if (subscription.needsSnapshot && view.state === 'live' && topic.stream.snapshotPending) this.markDirty(topic.stream);
    }
    return undefined;
  }

  unsubscribe(socket: ClientSocket, command: UnsubscribeCommand): ProtocolError | undefined {
    const client = this.clients.get(socket);
    if (client === undefined) return undefined;
    const key = subscriptionKey(command.channel, command.exchange, command.symbol);
    const subscription = client.subscriptions.get(key);
    if (subscription === undefined) {
      return { code: 'not_subscribed', id: command.id,
        message: `not subscribed to ${command.channel} ${command.exchange} ${command.symbol}` };
    }
    this.books.leaveNative(subscription);
    this.topics.detach(key, subscription);
    this.deliver(client, 'ack', serializeAck(command.id));
    return undefined;
  }

  /** The client's backlog fell below the limit: send what waited, then catch up its books. */
  drained(socket: ClientSocket): void {
    const client = this.clients.get(socket);
    if (client === undefined || !client.outbox.pump()) return;
    for (const subscription of client.subscriptions.values()) {
      const topic = subscription.topic;
      if (subscription.needsSnapshot && topic.channel === 'book') this.books.catchUp(subscription, topic);
    }
  }

  /** Publishes every book changed since the last flush. Called by the scheduler; tests may call it directly. */
  flush(): void {
    this.cancelFlush = undefined;
    this.immediate = undefined;
    if (this.dirty.size === 0) return;
    const nowMs = this.options.clock.nowMs();
    const gatewayTime = formatGatewayTime(nowMs);
    for (const stream of this.dirty) {
      stream.dirty = false;
      if (stream.view.state !== 'live') continue;
      const snapshot = stream.snapshotPending;
      stream.snapshotPending = false;
      for (const topic of stream.books.values()) this.books.publish(topic, snapshot, gatewayTime);
      this.options.metrics.published(stream.exchange, (nowMs - stream.view.receivedAt) / 1000);
    }
    this.dirty.clear();
  }

  /** `status` state `shutting_down`, once per subscribed symbol (symbol-less to clients with none). */
  announceShutdown(): void {
    for (const client of [...this.clients.values()]) {
      const streams = new Set([...client.subscriptions.values()].map((subscription) => subscription.topic.stream));
      if (streams.size === 0) this.deliver(client, 'status', serializeShutdown());
      for (const stream of streams) this.deliver(client, 'status', serializeShutdown(stream.exchange, stream.symbol));
    }
  }

  /** Cancels a pending flush and forgets every client (the hub closes the sockets). */
  stop(): void {
    this.cancelFlush?.();
    this.cancelFlush = undefined;
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    this.immediate = undefined;
    for (const socket of [...this.clients.keys()]) this.removeClient(socket);
    this.dirty.clear();
  }

  private bookChanged(view: BookView, replaced: boolean): void {
    const stream = this.topics.streamOf(view);
    if (stream === undefined || stream.books.size === 0) return;
    if (replaced) stream.snapshotPending = true;
    this.markDirty(stream);
  }

  private bookStateChanged(view: BookView): void {
    const stream = this.topics.streamOf(view);
    if (stream === undefined) return;
    // What bots hold is suspect once the book leaves `live`; the way back is always a snapshot, even if
    // the state returns to live without the store replacing the book.
    stream.snapshotPending = true;
    if (view.state === 'live' && stream.books.size > 0) this.markDirty(stream);
    this.broadcast(this.topics.subscriptionsOf(stream), 'status',
      serializeStatus(view.exchange, view.symbol, view.state, view.reason));
  }

  private markDirty(stream: SymbolStreams): void {
    if (!stream.dirty) {
      stream.dirty = true;
      this.dirty.add(stream);
    }
    if (this.schedule === undefined) this.immediate ??= setImmediate(this.flushNow);
    else this.cancelFlush ??= this.schedule(this.flushNow);
  }

  /** One frame to many clients, in order with everything else they are sent; slow consumers are closed. */
  private broadcast(subscriptions: Iterable<Subscription>, type: OutboundType, text: string): void {
    // Encoded once, from the second client on (one client: the hub encodes it, no extra copy).
    let bytes: Uint8Array | undefined;
    let sent = 0;
    let slow: ClientState[] | undefined;
    for (const { client } of subscriptions) {
      if (sent === 1) bytes = Buffer.from(text);
      if (!client.outbox.deliver(text, bytes)) (slow ??= []).push(client);
      sent++;
    }
    this.options.metrics.messageSent(type, sent);
    if (slow !== undefined) for (const client of slow) this.evictSlow(client);
  }

  private deliver(client: ClientState, type: OutboundType, text: string): void {
    this.options.metrics.messageSent(type, 1);
    if (!client.outbox.deliver(text)) this.evictSlow(client);
  }

  private evictSlow(client: ClientState): void {
    if (client.closed) return;
    const fields = { clientId: client.socket.id, bufferedBytes: client.socket.bufferedBytes(),
      queuedBytes: client.outbox.pendingBytes() };
    this.removeClient(client.socket);
    this.options.metrics.clientEvicted('slow_consumer');
    this.options.log.warn(fields, 'closing slow consumer');
    client.socket.close(1008, 'slow consumer');
  }
}
