// The subscriptions of one Coinbase connection: one request per channel (coinbase-advanced.md §2), the cumulative
// `subscriptions` acks, and error frames. An ack lists every current subscription of the connection, not the one
// request it answers, and data often arrives before it (§2.3): a product counts as subscribed on whichever comes
// first, its first data or an ack naming it. A product missing from the first ack that lists its channel was not
// subscribed (typo, delisted): there is no per-product error. Error frames name no channel or product: one is charged
// to the oldest request still waiting for an answer.
import { reportAction } from '../session-output.ts';
import type { SessionAction, SessionOutput, VenueChannel, VenueEvent } from '../types.ts';
import type { CoinbaseSubscriptionChannel, CoinbaseSubscriptionsMessage } from './messages.ts';
import { subscriptionRequest } from './spec.ts';
import type { CoinbaseSymbolTable } from './symbols.ts';

interface PendingRequest {
  readonly type: 'subscribe' | 'unsubscribe';
  readonly channel: CoinbaseSubscriptionChannel;
  /** Product ids not answered yet (`heartbeats` for the heartbeats channel). */
  readonly unresolved: Set<string>;
  /** One of the connection's first subscribes: the first ack listing its channel answers it. */
  readonly initial: boolean;
}

const HEARTBEATS = 'heartbeats';

/** The bot-facing channel of a subscription channel. */
export function venueChannelOf(channel: CoinbaseSubscriptionChannel): VenueChannel | undefined {
  if (channel === 'level2') return 'book';
  return channel === 'market_trades' ? 'trades' : undefined;
}

export class CoinbaseSubscriptions {
  private readonly pending: PendingRequest[] = [];
  /** Channel → products known to be subscribed (from an ack or their data). */
  private readonly confirmed = new Map<CoinbaseSubscriptionChannel, Set<string>>();
  /** Channels some ack has listed already. */
  private readonly listed = new Set<string>();

  constructor(private readonly table: CoinbaseSymbolTable) {}

  /** level2, market_trades and heartbeats: three messages, sent as soon as the socket opens. */
  open(): SessionAction[] {
    const products = this.table.productIds;
    if (products.length === 0) return [];
    return [
      this.request('subscribe', 'level2', products, true),
      this.request('subscribe', 'market_trades', products, true),
      this.request('subscribe', 'heartbeats', [HEARTBEATS], true),
    ];
  }

  /** Unsubscribe and subscribe again (a new snapshot follows). Coinbase answers in order, so both go at once. */
  resubscribe(channel: CoinbaseSubscriptionChannel, productId: string): SessionAction[] {
    this.confirmed.get(channel)?.delete(productId);
    return [this.request('unsubscribe', channel, [productId], false), this.request('subscribe', channel, [productId], false)];
  }

  /** Data for `productId` arrived on `channel`: proof of the subscription, whether or not its ack came yet. */
  confirmByData(channel: CoinbaseSubscriptionChannel, productId: string, out: SessionOutput): void {
    if (this.confirmed.get(channel)?.has(productId) === true) return;
    for (const request of this.pending) {
      if (request.type === 'subscribe' && request.channel === channel) request.unresolved.delete(productId);
    }
    this.settle();
    this.confirm(channel, productId, out);
  }

  onAck(message: CoinbaseSubscriptionsMessage): SessionOutput {
    const out: SessionOutput = { events: [], actions: [] };
    for (const { subscriptions } of message.events) {
      for (const request of this.pending) this.answer(request, subscriptions, out);
      for (const channel of Object.keys(subscriptions)) this.listed.add(channel);
      this.settle();
    }
    return out;
  }

  /** `failure to subscribe`, `authentication failure`: the oldest request still waiting failed. */
  onError(error: string): SessionOutput {
    const index = this.pending.findIndex((request) => request.type === 'subscribe' && request.unresolved.size > 0);
    if (index === -1) {
      return { events: [], actions: [reportAction('warn', 'venue_error',
        `coinbase error "${error}" with no subscription waiting for an answer`)] };
    }
    const [request] = this.pending.splice(index, 1);
    const out: SessionOutput = { events: [], actions: [] };
    this.fail(request!, `coinbase answered the ${request!.channel} subscribe with "${error}"`, out);
    return out;
  }

  private answer(request: PendingRequest, subscriptions: Readonly<Record<string, readonly string[]>>,
    out: SessionOutput): void {
    const list = subscriptions[request.channel];
    for (const productId of [...request.unresolved]) {
      const present = list?.includes(productId) === true;
      if (request.type === 'unsubscribe') {
        if (!present) request.unresolved.delete(productId);
      } else if (present) {
        request.unresolved.delete(productId);
        this.confirm(request.channel, productId, out);
      }
    }
    if (request.type === 'subscribe' && request.initial && list !== undefined && !this.listed.has(request.channel)
      && request.unresolved.size > 0) {
      this.fail(request, `coinbase did not list it in its ${request.channel} subscriptions (unknown or delisted product?)`, out);
      request.unresolved.clear();
    }
  }

  private fail(request: PendingRequest, why: string, out: SessionOutput): void {
    const channel = venueChannelOf(request.channel);
    if (channel === undefined) {
      out.actions.push(reportAction('error', 'subscribe_failed', `${why} (heartbeats keep quiet channels open)`));
      return;
    }
    for (const productId of request.unresolved) {
      const symbol = this.table.symbolOf(productId) ?? productId;
      out.events.push({ type: 'subscribe_failed', symbol, channel, error: `${productId}: ${why}` });
    }
  }

  private confirm(channel: CoinbaseSubscriptionChannel, productId: string, out: SessionOutput): void {
    let products = this.confirmed.get(channel);
    if (products === undefined) this.confirmed.set(channel, products = new Set());
    if (products.has(productId)) return;
    products.add(productId);
    // Subscribed again: an unsubscribe before it is settled too, even if the ack answering it came after the data.
    for (const request of this.pending) {
      if (request.type === 'unsubscribe' && request.channel === channel) request.unresolved.delete(productId);
    }
    const venueChannel = venueChannelOf(channel);
    const symbol = this.table.symbolOf(productId);
    if (venueChannel !== undefined && symbol !== undefined) {
      const event: VenueEvent = { type: 'subscribed', symbol, channel: venueChannel };
      out.events.push(event);
    }
  }

  private settle(): void {
    for (let i = this.pending.length - 1; i >= 0; i--) if (this.pending[i]!.unresolved.size === 0) this.pending.splice(i, 1);
  }

  private request(type: 'subscribe' | 'unsubscribe', channel: CoinbaseSubscriptionChannel, products: readonly string[],
    initial: boolean): SessionAction {
    this.pending.push({ type, channel, unresolved: new Set(products), initial });
    return { type: 'send', payload: subscriptionRequest(type, channel, channel === 'heartbeats' ? [] : products) };
  }
}
