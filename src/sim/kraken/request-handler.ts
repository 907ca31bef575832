// Answers one client request the way Kraken does (kraken-v2.md §3): one ack per symbol, exact error strings,
// snapshot after the ack, `Already subscribed` without a new snapshot, pong for ping.
import { subscriptionKey, type SimConnection, type Subscription } from './connection.ts';
import type { FaultState } from './faults.ts';
import type { KrakenInstrument } from './instruments.ts';
import { assetsFor } from './instruments.ts';
import { preciseNow, type MarketFeed } from './market-feed.ts';
import { parseClientRequest, isSubscriptionChannel, type ClientRequest } from './requests.ts';
import {
  errorResponse, KrakenErrors, NOT_FOUND_METHOD, pongResponse, successResponse, type ResultEntries,
} from './responses.ts';
import { instrumentFrame, quote, rfc3339Micros } from './wire-format.ts';

export const KRAKEN_BOOK_DEPTHS: readonly number[] = [10, 25, 100, 500, 1000];

type Method = 'subscribe' | 'unsubscribe';
type SubscriptionRequest = Extract<ClientRequest, { kind: Method }>;

/** Requests received per (method, channel, symbol), for tests. */
export class RequestCounts {
  private readonly counts = new Map<string, number>();

  add(method: Method, channel: string, symbol: string): void {
    const key = `${method}|${channel}|${symbol}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  get(method: Method, symbol: string, channel?: string): number {
    let total = 0;
    for (const [key, count] of this.counts) {
      const [m, c, s] = key.split('|');
      if (m === method && s === symbol && (channel === undefined || c === channel)) total += count;
    }
    return total;
  }
}

export interface RequestContext {
  readonly feed: MarketFeed;
  readonly faults: FaultState;
  readonly counts: RequestCounts;
  readonly instruments: readonly KrakenInstrument[];
  readonly snapshotDelayMs: number;
}

export function handleClientMessage(connection: SimConnection, text: string, context: RequestContext): void {
  const timeIn = rfc3339Micros(preciseNow());
  const request = parseClientRequest(text);
  const timing = () => ({ reqId: request.reqId, timeIn, timeOut: rfc3339Micros(preciseNow()) });
  switch (request.kind) {
    case 'ping':
      connection.send(pongResponse(timing()));
      return;
    case 'malformed':
      connection.send(errorResponse(KrakenErrors.malformed, 'unknown', timing()));
      return;
    case 'unsupported':
      connection.send(errorResponse(KrakenErrors.unsupportedMethod, request.method, timing()));
      return;
    case 'subscribe':
    case 'unsubscribe':
      handleSubscription(connection, request, context, timing);
  }
}

function handleSubscription(
  connection: SimConnection, request: SubscriptionRequest, context: RequestContext,
  timing: () => { reqId?: number; timeIn: string; timeOut: string },
): void {
  const method = request.kind;
  const { channel } = request;
  const fail = (error: string, symbol?: string, errorMethod: string = method) =>
    connection.send(errorResponse(error, errorMethod, timing(), symbol));
  if (!isSubscriptionChannel(channel)) return fail(KrakenErrors.unsupportedChannel);
  for (const symbol of request.symbols ?? []) context.counts.add(method, channel, symbol);
  if (context.faults.takeMsgRateRejection()) {
    for (const symbol of request.symbols ?? [undefined]) fail(KrakenErrors.exceededMsgRate, symbol);
    return;
  }
  if (channel === 'instrument') return instrument(connection, request, context, timing);
  const symbols = request.symbols ?? [];
  if (symbols.length === 0) return fail(KrakenErrors.missingSymbol);
  const depth = channel === 'book' ? (request.depth ?? 10) : 0;
  if (channel === 'book' && method === 'subscribe' && !KRAKEN_BOOK_DEPTHS.includes(depth)) {
    return fail(KrakenErrors.depthNotSupported);
  }
  for (const symbol of symbols) {
    const key = subscriptionKey(channel, symbol);
    if (!context.feed.has(symbol)) {
      fail(KrakenErrors.pairNotSupported(symbol), symbol);
    } else if (method === 'unsubscribe') {
      const removed = connection.unsubscribe(key);
      if (removed === undefined) fail(KrakenErrors.notFound, symbol, NOT_FOUND_METHOD);
      else connection.send(successResponse(method, resultEntries(removed, undefined), timing()));
    } else if (connection.subscriptions.has(key)) {
      fail(KrakenErrors.alreadySubscribed, symbol);
    } else {
      subscribe(connection, { channel, symbol, depth, snapshot: request.snapshot }, context, timing);
    }
  }
}

function subscribe(
  connection: SimConnection,
  request: { channel: 'book' | 'trade'; symbol: string; depth: number; snapshot: boolean | undefined },
  context: RequestContext,
  timing: () => { reqId?: number; timeIn: string; timeOut: string },
): void {
  const { channel, symbol, depth } = request;
  // Book snapshots default to on, trade snapshots to off (kraken-v2.md §3.1).
  const snapshot = request.snapshot ?? channel === 'book';
  const silent = context.faults.isSilent(symbol);
  const subscription: Subscription = { channel, symbol, depth, silent, live: false };
  connection.subscriptions.set(subscriptionKey(channel, symbol), subscription);
  connection.send(successResponse('subscribe', resultEntries(subscription, snapshot), timing()));
  connection.ensureHeartbeats();
  if (silent) return;
  if (channel === 'trade') {
    if (snapshot) connection.send(context.feed.tradeSnapshotFrame(symbol));
    subscription.live = true;
  } else if (!snapshot) {
    subscription.live = true;
  } else {
    subscription.snapshotTimer = setTimeout(() => {
      if (connection.subscriptions.get(subscriptionKey(channel, symbol)) !== subscription) return;
      connection.send(context.feed.bookSnapshotFrame(symbol, depth));
      subscription.live = true;
    }, context.snapshotDelayMs);
  }
}

function instrument(
  connection: SimConnection, request: SubscriptionRequest, context: RequestContext,
  timing: () => { reqId?: number; timeIn: string; timeOut: string },
): void {
  const key = subscriptionKey('instrument', '');
  if (request.kind === 'unsubscribe') {
    if (connection.unsubscribe(key) === undefined) {
      connection.send(errorResponse(KrakenErrors.notFound, NOT_FOUND_METHOD, timing()));
    } else {
      connection.send(successResponse('unsubscribe', [['channel', quote('instrument')]], timing()));
    }
    return;
  }
  if (connection.subscriptions.has(key)) {
    connection.send(errorResponse(KrakenErrors.alreadySubscribed, 'subscribe', timing()));
    return;
  }
  const snapshot = request.snapshot ?? true;
  connection.subscriptions.set(key, { channel: 'instrument', symbol: '', depth: 0, silent: false, live: true });
  connection.send(successResponse('subscribe', [
    ['channel', quote('instrument')], ['snapshot', String(snapshot)],
    ['warnings', `[${quote('tick_size is deprecated, use price_increment')}]`],
  ], timing()));
  connection.ensureHeartbeats();
  if (snapshot) connection.send(instrumentFrame('snapshot', assetsFor(context.instruments), context.instruments));
}

/** Ack `result` fields in Kraken's order; unsubscribe acks carry no `snapshot` (kraken-v2.md §3.2). */
function resultEntries(subscription: Subscription, snapshot: boolean | undefined): ResultEntries {
  return [
    ['channel', quote(subscription.channel)],
    ['depth', subscription.channel === 'book' ? String(subscription.depth) : undefined],
    ['snapshot', snapshot === undefined ? undefined : String(snapshot)],
    ['symbol', quote(subscription.symbol)],
  ];
}
