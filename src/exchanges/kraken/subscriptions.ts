// The subscriptions of one Kraken v2 connection: requests (each with its own req_id), their acks, and per-symbol
// book resyncs. Resync = unsubscribe, await its ack, subscribe again: a duplicate subscribe gets
// `Already subscribed` and no new snapshot (kraken-v2.md §3.3).
import type { BookStatusReason } from '../../core/model.ts';
import { actionsOnly, reportAction } from '../session-output.ts';
import type { SessionAction, SessionOutput, VenueChannel, VenueEvent } from '../types.ts';
import type { KrakenAckFailure, KrakenAckMessage, KrakenAckSuccess, KrakenSubscriptionMethod } from './messages.ts';
import { bookSubscription, instrumentSubscription, KRAKEN_BOOK_DEPTHS, tradeSubscription } from './spec.ts';
import type { KrakenSymbolTable } from './symbols.ts';

type WireChannel = 'book' | 'trade' | 'instrument';

interface PendingRequest {
  readonly method: KrakenSubscriptionMethod;
  readonly channel: WireChannel;
  /** Normalized symbols the request named. */
  readonly symbols: readonly string[];
  /** Acks still expected (one per symbol). */
  remaining: number;
}

type SubscribeFailed = Extract<VenueEvent, { type: 'subscribe_failed' }>;

interface ResyncProgress {
  readonly stage: 'unsubscribing' | 'subscribing';
  /** When the resync started (the session's `now`). */
  readonly since: number;
}

/** A resync whose acks have not all come back after this long is considered lost and may be started again. */
const RESYNC_STUCK_MS = 30_000;

const NOT_FOUND = 'Subscription Not Found';
const ALREADY_SUBSCRIBED = 'Already subscribed';
const UNSUPPORTED_PAIR = /^Currency pair not supported (\S+)/;

export class KrakenSubscriptions {
  private readonly pending = new Map<number, PendingRequest>();
  /** A resync is in progress from `resync()` until the ack of its subscribe; keyed by `book:SYMBOL`/`trade:SYMBOL`. */
  private readonly resyncs = new Map<string, ResyncProgress>();
  private nextReqId = 1;

  constructor(private readonly table: KrakenSymbolTable, private readonly depth: number,
    private readonly tradeSnapshot: boolean) {}

  /** book (every symbol in one request), trade and instrument subscribe requests. */
  open(): SessionAction[] {
    const symbols = this.table.symbols;
    if (symbols.length === 0) return [];
    const venueNames = this.table.venueNames;
    return [
      this.request('subscribe', 'book', symbols, (id) => bookSubscription('subscribe', venueNames, this.depth, id)),
      this.request('subscribe', 'trade', symbols, (id) => tradeSubscription(venueNames, this.tradeSnapshot, id)),
      this.request('subscribe', 'instrument', [], instrumentSubscription),
    ];
  }

  /** Unsubscribe, await the ack, subscribe again (a duplicate subscribe would get no snapshot). */
  resync(symbol: string, reason: BookStatusReason | 'trades_silent', now: number, channel: 'book' | 'trade' = 'book'): SessionOutput {
    const venueName = this.table.venueNameOf(symbol);
    if (venueName === undefined) {
      return actionsOnly(reportAction('warn', 'resync_unknown_symbol',
        `kraken: ${channel} resync (${reason}) requested for ${symbol}, which this connection does not carry`, symbol));
    }
    const key = resyncKey(channel, symbol);
    const inProgress = this.resyncs.get(key);
    // An entry older than RESYNC_STUCK_MS lost its ack (e.g. an error reply without req_id): start over.
    if (inProgress !== undefined && now - inProgress.since < RESYNC_STUCK_MS) {
      return actionsOnly(reportAction('debug', 'resync_in_progress',
        `kraken ${symbol}: ${channel} resync (${reason}) already in progress`, symbol));
    }
    this.resyncs.set(key, { stage: 'unsubscribing', since: now });
    return actionsOnly(this.request('unsubscribe', channel, [symbol], (id) => channel === 'book'
      ? bookSubscription('unsubscribe', [venueName], this.depth, id)
      : tradeSubscription([venueName], this.tradeSnapshot, id, 'unsubscribe')));
  }

  onAck(ack: KrakenAckMessage): SessionOutput {
    return ack.success ? this.onSuccess(ack) : this.onFailure(ack);
  }

  private request(method: KrakenSubscriptionMethod, channel: WireChannel, symbols: readonly string[],
    build: (reqId: number) => string): SessionAction {
    const reqId = this.nextReqId++;
    this.pending.set(reqId, { method, channel, symbols, remaining: Math.max(1, symbols.length) });
    return { type: 'send', payload: build(reqId) };
  }

  /** Counts one ack against its request (all of it when the ack names no symbol). */
  private settle(reqId: number | undefined, whole: boolean): PendingRequest | undefined {
    if (reqId === undefined) return undefined;
    const request = this.pending.get(reqId);
    if (request !== undefined && (whole || --request.remaining <= 0)) this.pending.delete(reqId);
    return request;
  }

  /** True while a book resync waits for its unsubscribe ack: data still arriving is the old subscription's. */
  isUnsubscribing(symbol: string): boolean {
    return this.resyncs.size > 0 && this.resyncs.get(resyncKey('book', symbol))?.stage === 'unsubscribing';
  }

  private resubscribe(channel: 'book' | 'trade', symbol: string): SessionAction {
    const key = resyncKey(channel, symbol);
    this.resyncs.set(key, { stage: 'subscribing', since: this.resyncs.get(key)?.since ?? 0 });
    const venueName = this.table.venueNameOf(symbol)!;
    return this.request('subscribe', channel, [symbol], (id) => channel === 'book'
      ? bookSubscription('subscribe', [venueName], this.depth, id)
      : tradeSubscription([venueName], this.tradeSnapshot, id));
  }

  private onSuccess(ack: KrakenAckSuccess): SessionOutput {
    this.settle(ack.req_id, false);
    const { channel, symbol: venueName, warnings } = ack.result;
    const actions: SessionAction[] = [];
    if (warnings !== undefined && warnings.length > 0) {
      actions.push(reportAction('debug', 'venue_warning', `kraken ${ack.method} ${channel}: ${warnings.join('; ')}`));
    }
    const venueChannel = toVenueChannel(channel);
    if (venueChannel === undefined) return { events: [], actions };
    const symbol = venueName === undefined ? undefined : this.table.symbolOf(venueName);
    if (symbol === undefined) {
      actions.push(reportAction('warn', 'unexpected_symbol',
        `kraken acked ${channel} ${ack.method} for ${venueName ?? '(no symbol)'}, which this connection did not subscribe`));
      return { events: [], actions };
    }
    if (channel === 'book' || channel === 'trade') {
      const key = resyncKey(channel, symbol);
      const stage = this.resyncs.get(key)?.stage;
      if (ack.method === 'unsubscribe' && stage === 'unsubscribing') actions.push(this.resubscribe(channel, symbol));
      else if (ack.method === 'subscribe' && stage === 'subscribing') this.resyncs.delete(key);
    }
    const type = ack.method === 'subscribe' ? 'subscribed' : 'unsubscribed';
    return { events: [{ type, symbol, channel: venueChannel }], actions };
  }

  private onFailure(ack: KrakenAckFailure): SessionOutput {
    const request = this.settle(ack.req_id, ack.symbol === undefined);
    const symbol = this.failedSymbol(ack, request);
    // Matched by req_id first: `Subscription Not Found` comes back with "method":"subscribe" to an unsubscribe.
    const method = request?.method ?? ack.method;
    const what = `${request?.channel ?? 'channel'} ${method}${symbol === undefined ? '' : ` for ${symbol}`}`;
    const resyncChannel = request?.channel === 'trade' ? 'trade' : 'book';
    const key = symbol === undefined ? undefined : resyncKey(resyncChannel, symbol);
    const stage = key === undefined ? undefined : this.resyncs.get(key)?.stage;

    if (ack.error === ALREADY_SUBSCRIBED) {
      if (stage === 'subscribing') this.resyncs.delete(key!);
      return actionsOnly(reportAction('warn', 'already_subscribed',
        `kraken answered ${what} with "${ALREADY_SUBSCRIBED}": the subscription stands, no new snapshot follows`, symbol));
    }
    if (method === 'unsubscribe' || ack.error === NOT_FOUND) {
      if (stage === 'unsubscribing' && ack.error === NOT_FOUND) {
        return actionsOnly(
          reportAction('debug', 'unsubscribe_not_found', `kraken answered ${what} with "${NOT_FOUND}"; subscribing anyway`, symbol),
          this.resubscribe(resyncChannel, symbol!),
        );
      }
      if (stage === 'unsubscribing') this.resyncs.delete(key!);
      return actionsOnly(reportAction('warn', 'unsubscribe_failed',
        `kraken rejected ${what}: ${ack.error}${stage === 'unsubscribing' ? ' (resync abandoned)' : ''}`, symbol));
    }

    if (stage === 'subscribing') this.resyncs.delete(key!);
    const error = `${ack.error}${this.remedy(ack.error)}`;
    if (request?.channel === 'instrument') {
      return actionsOnly(reportAction('error', 'subscribe_failed', `kraken rejected ${what}: ${error}`, symbol));
    }
    // The subscribe_failed event is logged (once) and counted by the connector; no separate report line.
    const channel = toVenueChannel(request?.channel);
    const failed: SubscribeFailed = channel === undefined
      ? { type: 'subscribe_failed', error }
      : { type: 'subscribe_failed', error, channel };
    // An error naming no symbol (`Subscription depth not supported`) fails every symbol of its request.
    const symbols = symbol !== undefined ? [symbol] : request?.symbols ?? [];
    const events = symbols.length === 0 ? [failed] : symbols.map((each): VenueEvent => ({ ...failed, symbol: each }));
    return { events, actions: [] };
  }

  private failedSymbol(ack: KrakenAckFailure, request: PendingRequest | undefined): string | undefined {
    const venueName = ack.symbol ?? UNSUPPORTED_PAIR.exec(ack.error)?.[1];
    if (venueName !== undefined) return this.table.symbolOf(venueName) ?? venueName;
    return request?.symbols.length === 1 ? request.symbols[0] : undefined;
  }

  private remedy(error: string): string {
    if (UNSUPPORTED_PAIR.test(error)) {
      return /\b(XBT|XDG)\b/.test(error)
        ? ' (use the v2 name: BTC not XBT, DOGE not XDG; the instrument channel lists valid pairs)'
        : ' (check the pair exists on Kraken spot; the instrument channel lists valid pairs)';
    }
    if (error === 'Subscription depth not supported') {
      return ` (configured depth ${this.depth}; allowed: ${KRAKEN_BOOK_DEPTHS.join(', ')})`;
    }
    return '';
  }
}

function toVenueChannel(channel: string | undefined): VenueChannel | undefined {
  if (channel === 'book') return 'book';
  return channel === 'trade' ? 'trades' : undefined;
}

function resyncKey(channel: 'book' | 'trade', symbol: string): string {
  return `${channel}:${symbol}`;
}
