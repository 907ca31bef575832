// Client requests to the Coinbase simulator (coinbase-advanced.md §2.1, §7): `{"type","channel","product_ids"}`, one
// channel per message. Unknown channels get `authentication failure` (as observed); an unknown product is simply
// left out of the `subscriptions` ack. Live order by default: the data a subscribe starts goes out before its ack.
import { parseJsonObject } from '../json-value.ts';
import type { CoinbaseSimConnection, SimChannel } from './connection.ts';
import type { CoinbaseFaults } from './faults.ts';
import type { CoinbaseMarketFeed } from './market-feed.ts';
import type { ResolvedCoinbaseOptions } from './options.ts';

const CHANNELS: ReadonlySet<string> = new Set<SimChannel>(['level2', 'market_trades', 'heartbeats']);
/** Documented channels the simulator accepts but never feeds. */
const UNFED_CHANNELS: ReadonlySet<string> = new Set(['ticker', 'ticker_batch', 'candles', 'status']);

export interface RequestContext {
  readonly feed: CoinbaseMarketFeed;
  readonly faults: CoinbaseFaults;
  readonly options: ResolvedCoinbaseOptions;
  /** Counts requests: `subscribe level2 BTC-USD`. */
  readonly count: (key: string) => void;
  /** Runs `action` after `delayMs`, unless the simulator stops first. */
  readonly after: (delayMs: number, action: () => void) => void;
}

export function handleRequest(connection: CoinbaseSimConnection, text: string, context: RequestContext): void {
  const now = Date.now();
  if (!connection.countMessage(now)) return;
  const request = parseJsonObject(text);
  const type = request?.type;
  const channel = request?.channel;
  if (request === undefined || (type !== 'subscribe' && type !== 'unsubscribe') || typeof channel !== 'string') {
    connection.sendError('failure to subscribe');
    return;
  }
  if (!CHANNELS.has(channel) && !UNFED_CHANNELS.has(channel)) {
    connection.sendError('authentication failure');
    return;
  }
  const requested = Array.isArray(request.product_ids) ? request.product_ids.filter((id): id is string => typeof id === 'string') : [];
  for (const productId of requested) context.count(`${type} ${channel} ${productId}`);
  context.count(`${type} ${channel}`);
  if (type === 'subscribe') {
    const error = context.faults.takeSubscribeError();
    if (error !== undefined) {
      connection.sendError(error);
      return;
    }
  }
  if (!CHANNELS.has(channel)) {
    connection.ack(now);
    return;
  }
  const simChannel = channel as SimChannel;
  const products = simChannel === 'heartbeats' ? ['heartbeats'] : requested.filter((id) => context.feed.has(id));
  if (type === 'unsubscribe') {
    // Without product_ids the whole channel goes (§2).
    const whole = simChannel !== 'heartbeats' && request.product_ids === undefined;
    connection.unsubscribe(simChannel, whole ? [...connection.subscriptions.get(simChannel) ?? []] : products);
    connection.ack(now);
    return;
  }
  connection.subscribe(simChannel, products, now);
  if (context.options.ackBeforeData) connection.ack(now);
  if (simChannel === 'market_trades') {
    for (const productId of products) connection.sendData(context.feed.tradeSnapshotFrame(productId, now), 'market_trades', [productId], now);
  }
  if (simChannel === 'level2') {
    const snapshot = () => {
      for (const productId of products) {
        if (!connection.has('level2', productId)) continue;
        connection.sendData(context.feed.snapshotFrame(productId, Date.now()), 'level2', [productId], Date.now());
        connection.liveBooks.add(productId);
      }
    };
    if (context.options.snapshotDelayMs > 0) context.after(context.options.snapshotDelayMs, snapshot);
    else snapshot();
  }
  if (!context.options.ackBeforeData) connection.ack(now);
}
