// One Kraken v2 connection's protocol state: frames → normalized events + connector actions.
// Subscriptions, acks and resyncs live in subscriptions.ts; this file translates the data channels.
import type { BookStatusReason, LevelText, NormalizedTrade } from '../../core/model.ts';
import { actionsOnly, reportAction } from '../session-output.ts';
import type { SessionAction, SessionOptions, SessionOutput, VenueEvent, VenueSession } from '../types.ts';
import type {
  KrakenBookMessage, KrakenInstrumentMessage, KrakenLevel, KrakenPongMessage, KrakenStatusMessage, KrakenTradeMessage,
} from './messages.ts';
import { parseKrakenFrame } from './parse.ts';
import { pingRequest } from './spec.ts';
import { KrakenSubscriptions } from './subscriptions.ts';
import { KrakenSymbolTable } from './symbols.ts';
import { symbolsNamedIn } from '../named-symbols.ts';

interface Precision {
  readonly price: number;
  readonly qty: number;
}

const BOOK_CHANNEL_TEXT = /"channel":\s*"book"/;
const SYMBOL_TEXT = /"symbol":\s*"([^"\\]*)"/g;
const PREVIEW_CHARS = 200;
const HEARTBEAT: VenueEvent = { type: 'heartbeat' };

export function createKrakenSession(options: SessionOptions): VenueSession {
  return new KrakenSession(options);
}

class KrakenSession implements VenueSession {
  private readonly table: KrakenSymbolTable;
  private readonly subscriptions: KrakenSubscriptions;
  /** From the instrument channel, for configured symbols. */
  private readonly precisions = new Map<string, Precision>();
  /** Symbols already reported for off-precision level text: once per symbol and precision. */
  private readonly precisionNoted = new Set<string>();

  constructor(options: SessionOptions) {
    this.table = new KrakenSymbolTable(options.symbols);
    this.subscriptions = new KrakenSubscriptions(this.table, options.bookDepth, options.tradeSnapshot);
  }

  onOpen(_now: number): SessionOutput {
    return actionsOnly(
      ...this.table.invalid.map((symbol) => reportAction('error', 'invalid_symbol',
        `kraken: configured symbol "${symbol}" is not BASE/QUOTE upper case; not subscribed`, symbol)),
      ...this.subscriptions.open(),
    );
  }

  onFrame(text: string, _receivedAt: number): SessionOutput {
    const frame = parseKrakenFrame(text);
    switch (frame.kind) {
      case 'book': return this.onBook(frame.message);
      case 'trade': return this.onTrades(frame.message);
      case 'heartbeat': return { events: [HEARTBEAT], actions: [] };
      case 'ack': return this.subscriptions.onAck(frame.message);
      case 'instrument': return this.onInstrument(frame.message);
      case 'status': return onStatus(frame.message);
      case 'pong': return onPong(frame.message);
      case 'unknown': return this.onUnknown(text, frame.malformed, frame.reason);
    }
  }

  /** Unsubscribe the book, and subscribe again when that is acked. A resync in progress is not restarted. */
  resync(symbol: string, reason: BookStatusReason, now: number): SessionOutput {
    return this.subscriptions.resync(symbol, reason, now);
  }

  resyncTrades(symbol: string, now: number): SessionOutput {
    return this.subscriptions.resync(symbol, 'trades_silent', now, 'trade');
  }

  ping(reqId: number, _now: number): SessionOutput {
    return actionsOnly({ type: 'send', payload: pingRequest(reqId) });
  }

  private onBook(message: KrakenBookMessage): SessionOutput {
    const type = message.type === 'snapshot' ? 'book_snapshot' : 'book_update';
    const events: VenueEvent[] = [];
    const actions: SessionAction[] = [];
    for (const data of message.data) {
      const symbol = this.table.symbolOf(data.symbol);
      if (symbol === undefined) {
        actions.push(unexpectedSymbol('book', data.symbol));
        continue;
      }
      // Book data between a resync's unsubscribe and its ack belongs to the subscription being dropped: a late
      // snapshot would make the book live again just before the venue stops feeding it.
      if (this.subscriptions.isUnsubscribing(symbol)) continue;
      const bids = data.bids.map(toLevelText);
      const asks = data.asks.map(toLevelText);
      const precision = this.precisions.get(symbol);
      if (precision !== undefined && !this.precisionNoted.has(symbol)) {
        const level = offPrecision(bids, precision) ?? offPrecision(asks, precision);
        if (level !== undefined) {
          this.precisionNoted.add(symbol);
          actions.push(reportAction('warn', 'precision_mismatch', `kraken ${symbol}: level ${level[0]} × ${level[1]} is `
            + `not printed with the instrument's ${precision.price}/${precision.qty} decimals; stored as sent, and the `
            + 'checksum uses this text (kraken-v2.md §11 gotcha 11)', symbol));
        }
      }
      events.push({ type, symbol, bids, asks, exchangeTime: data.timestamp ?? '', checksum: data.checksum });
    }
    return { events, actions };
  }

  private onTrades(message: KrakenTradeMessage): SessionOutput {
    const snapshot = message.type === 'snapshot';
    const events: VenueEvent[] = [];
    const actions: SessionAction[] = [];
    let symbol: string | undefined;
    let trades: NormalizedTrade[] = [];
    for (const trade of message.data) {
      const tradeSymbol = this.table.symbolOf(trade.symbol);
      if (tradeSymbol === undefined) {
        actions.push(unexpectedSymbol('trades', trade.symbol));
        continue;
      }
      if (tradeSymbol !== symbol) {
        symbol = tradeSymbol;
        trades = [];
        events.push({ type: 'trades', symbol, trades, snapshot });
      }
      trades.push({
        tradeId: String(trade.trade_id), price: trade.price, size: trade.qty, side: trade.side,
        exchangeTime: trade.timestamp,
      });
    }
    return { events, actions };
  }

  /** Emits `instrument` for configured symbols whose precisions are new or changed. */
  private onInstrument(message: KrakenInstrumentMessage): SessionOutput {
    const events: VenueEvent[] = [];
    const actions: SessionAction[] = [];
    for (const pair of message.data.pairs) {
      const symbol = this.table.symbolOf(pair.symbol);
      if (symbol === undefined) continue;
      const known = this.precisions.get(symbol);
      if (known?.price === pair.price_precision && known.qty === pair.qty_precision) continue;
      this.precisions.set(symbol, { price: pair.price_precision, qty: pair.qty_precision });
      this.precisionNoted.delete(symbol);
      events.push({ type: 'instrument', symbol, pricePrecision: pair.price_precision, qtyPrecision: pair.qty_precision });
      if (known !== undefined) {
        actions.push(reportAction('warn', 'precision_changed', `kraken ${symbol}: instrument precision changed from `
          + `${known.price}/${known.qty} to ${pair.price_precision}/${pair.qty_precision} decimals`, symbol));
      }
    }
    return { events, actions };
  }

  private onUnknown(text: string, malformed: boolean, reason: string): SessionOutput {
    const actions: SessionAction[] = [reportAction('warn', malformed ? 'malformed_frame' : 'unknown_message',
      `kraken ${malformed ? 'malformed' : 'unrecognised'} frame (${reason}): ${text.slice(0, PREVIEW_CHARS)}`)];
    if (malformed && BOOK_CHANNEL_TEXT.test(text)) {
      const mentions = [{ pattern: SYMBOL_TEXT, symbolOf: (name: string) => this.table.symbolOf(name) }];
      for (const symbol of symbolsNamedIn(text, mentions, this.table.symbols)) {
        actions.push({ type: 'resync', symbol, reason: 'malformed_frame' });
      }
    }
    return { events: [], actions };
  }
}

/** Engine states in which Kraken does not trade normally (`post_only` still matches orders: not degraded, not normal). */
const DEGRADED_SYSTEM_STATES: ReadonlySet<string> = new Set(['maintenance', 'cancel_only']);

function onStatus(message: KrakenStatusMessage): SessionOutput {
  return {
    events: message.data.map((data): VenueEvent => {
      const degraded = DEGRADED_SYSTEM_STATES.has(data.system) ? true : data.system === 'online' ? false : undefined;
      return degraded === undefined ? { type: 'venue_status', status: data.system }
        : { type: 'venue_status', status: data.system, degraded };
    }),
    actions: message.data.map((data) => reportAction('debug', 'venue_status', `kraken status ${data.system} `
      + `(version ${data.version ?? '?'}, connection ${data.connection_id ?? '?'})`)),
  };
}

function onPong(message: KrakenPongMessage): SessionOutput {
  const event: VenueEvent = message.req_id === undefined ? { type: 'pong' } : { type: 'pong', reqId: message.req_id };
  const actions = message.error === undefined ? [] : [reportAction('warn', 'ping_failed', `kraken ping failed: ${message.error}`)];
  return { events: [event], actions };
}

function toLevelText(level: KrakenLevel): LevelText {
  return [level.price, level.qty];
}

function decimals(text: string): number {
  const point = text.indexOf('.');
  return point === -1 ? 0 : text.length - point - 1;
}

function offPrecision(levels: readonly LevelText[], precision: Precision): LevelText | undefined {
  return levels.find(([price, qty]) => decimals(price) !== precision.price || decimals(qty) !== precision.qty);
}

function unexpectedSymbol(channel: string, venueName: string): SessionAction {
  return reportAction('warn', 'unexpected_symbol',
    `kraken sent ${channel} data for ${venueName}, which this connection did not subscribe`);
}
