// Live control requests of one Binance connection (binance-spot.md §3) and their replies, matched by id. The
// streams themselves are in the connection URL; the only request the gateway sends is a trade resubscription:
// UNSUBSCRIBE → `{"result":null}` → SUBSCRIBE → `{"result":null}`. Books never need one (a resync only needs a
// new snapshot: the diff stream stays subscribed).
import { actionsOnly, reportAction } from '../session-output.ts';
import type { SessionAction, SessionOutput } from '../types.ts';
import type { BinanceControlError, BinanceControlResult, BinanceErrorBody, BinanceRequestId } from './messages.ts';
import { controlRequest, tradeStream } from './spec.ts';
import type { BinanceSymbolTable } from './symbols.ts';

type TradeRequestMethod = 'SUBSCRIBE' | 'UNSUBSCRIBE';

interface PendingRequest {
  readonly method: TradeRequestMethod;
  readonly symbol: string;
}

/** A resubscription whose replies have not all come back after this long is considered lost and may start again. */
const RESYNC_STUCK_MS = 30_000;
const PREVIEW_CHARS = 200;

export class BinanceSubscriptions {
  private readonly pending = new Map<number, PendingRequest>();
  /** Trade resubscriptions in progress: symbol → when started (the session's `now`). */
  private readonly tradeResyncs = new Map<string, number>();
  private nextId = 1;

  constructor(private readonly table: BinanceSymbolTable) {}

  /** Ids of requests still awaiting a reply (tests). */
  get pendingIds(): number[] {
    return [...this.pending.keys()];
  }

  resyncTrades(symbol: string, now: number): SessionOutput {
    if (this.table.streamSymbolOf(symbol) === undefined) {
      return actionsOnly(reportAction('warn', 'resync_unknown_symbol',
        `binance: trade resubscription requested for ${symbol}, which this connection does not carry`, symbol));
    }
    const since = this.tradeResyncs.get(symbol);
    if (since !== undefined && now - since < RESYNC_STUCK_MS) {
      return actionsOnly(reportAction('debug', 'resync_in_progress', `binance ${symbol}: trade resubscription already in progress`, symbol));
    }
    this.tradeResyncs.set(symbol, now);
    return actionsOnly(this.request('UNSUBSCRIBE', symbol));
  }

  onResult(message: BinanceControlResult): SessionOutput {
    const request = this.settle(message.id);
    if (request === undefined) {
      return actionsOnly(reportAction('debug', 'unexpected_response',
        `binance reply to a request this session did not send: ${JSON.stringify(message).slice(0, PREVIEW_CHARS)}`));
    }
    const { symbol } = request;
    if (request.method === 'UNSUBSCRIBE') {
      return { events: [{ type: 'unsubscribed', symbol, channel: 'trades' }], actions: [this.request('SUBSCRIBE', symbol)] };
    }
    this.tradeResyncs.delete(symbol);
    return { events: [{ type: 'subscribed', symbol, channel: 'trades' }], actions: [] };
  }

  onError(message: BinanceControlError): SessionOutput {
    const { code, msg } = errorBody(message);
    const id = message.id;
    const request = this.settle(id);
    if (request === undefined) {
      return actionsOnly(reportAction('warn', 'venue_error', `binance error code ${code}: ${msg} `
        + `(request id ${id === undefined ? 'absent' : JSON.stringify(id)}, not one this session is waiting for)`));
    }
    this.tradeResyncs.delete(request.symbol);
    return {
      events: [{ type: 'subscribe_failed', symbol: request.symbol, channel: 'trades', error: `code ${code}: ${msg}` }],
      actions: [],
    };
  }

  private request(method: TradeRequestMethod, symbol: string): SessionAction {
    const id = this.nextId++;
    this.pending.set(id, { method, symbol });
    return { type: 'send', payload: controlRequest(method, [tradeStream(this.table.streamSymbolOf(symbol)!)], id) };
  }

  private settle(id: BinanceRequestId | undefined): PendingRequest | undefined {
    if (typeof id !== 'number') return undefined;
    const request = this.pending.get(id);
    if (request !== undefined) this.pending.delete(id);
    return request;
  }
}

/** Nested (what the wire carries) or flat (the documentation's table) → code and message. */
function errorBody(message: BinanceControlError): BinanceErrorBody {
  return 'error' in message ? message.error : message;
}
