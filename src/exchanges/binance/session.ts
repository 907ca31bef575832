// One Binance combined-stream connection's protocol state: frames → normalized events + connector actions.
// Books: session-book.ts (bridging, handover); trade resubscription: subscriptions.ts; this file routes frames
// and translates trades. Streams are in the connection URL, so opening sends nothing.
import type { BookStatusReason, NormalizedTrade } from '../../core/model.ts';
import { actionsOnly, reportAction } from '../session-output.ts';
import type { SessionAction, SessionOptions, SessionOutput, VenueEvent, VenueSession } from '../types.ts';
import { BookChain } from './book-chain.ts';
import type { BinanceDepthSnapshot, BinanceDepthUpdate, BinanceServerShutdown, BinanceTrade } from './messages.ts';
import { parseBinanceFrame } from './parse.ts';
import type { SequenceStats } from './sequence.ts';
import { type BookPhase, isoTime, SessionBook } from './session-book.ts';
import { BinanceSubscriptions } from './subscriptions.ts';
import { BinanceSymbolTable } from './symbols.ts';
import { TradeGate } from './trade-gate.ts';
import { symbolsNamedIn } from '../named-symbols.ts';

/** Text that may have carried diffs (or a snapshot) when a frame cannot be read. */
const DEPTH_TEXT = /depthUpdate|@depth|"mgwSnapshot"/;
const SYMBOL_TEXT = /"(?:s|mgwSnapshot)":\s*"([A-Z0-9]+)"/g;
const STREAM_SYMBOL_TEXT = /"stream":\s*"([a-z0-9]+)@/g;
const PREVIEW_CHARS = 200;
const SERVER_SHUTDOWN: VenueEvent = { type: 'server_shutdown' };

export function createBinanceSession(options: SessionOptions): VenueSession {
  return new BinanceSession(options);
}

export class BinanceSession implements VenueSession {
  /** Shared with the predecessor and successor of a rotation (book-chain.ts). */
  readonly chain: BookChain;
  private readonly token: number;
  private readonly table: BinanceSymbolTable;
  private readonly books = new Map<string, SessionBook>();
  private readonly trades = new Map<string, TradeGate<BinanceTrade>>();
  private readonly subscriptions: BinanceSubscriptions;
  /** Unused stream kinds already reported (once each). */
  private readonly unusedNoted = new Set<string>();
  private readonly successor: boolean;
  /** Books a successor has not taken over yet. */
  private handoverPending = 0;
  private handoverDone = false;

  constructor(options: SessionOptions) {
    this.table = new BinanceSymbolTable(options.symbols);
    const predecessor = options.predecessor instanceof BinanceSession ? options.predecessor : undefined;
    this.successor = predecessor !== undefined;
    this.chain = predecessor?.chain ?? new BookChain();
    this.token = this.chain.join();
    this.subscriptions = new BinanceSubscriptions(this.table);
    for (const symbol of this.table.symbols) {
      const link = this.chain.link(symbol, this.token);
      const book = new SessionBook(symbol, link, this.token);
      this.books.set(symbol, book);
      this.trades.set(symbol, new TradeGate<BinanceTrade>(link, !book.owned));
      if (!book.owned) this.handoverPending++;
    }
  }

  /** The streams were subscribed by the handshake (they are in the URL). */
  onOpen(_now: number): SessionOutput {
    const events: VenueEvent[] = [];
    for (const symbol of this.table.symbols) {
      events.push({ type: 'subscribed', symbol, channel: 'book' }, { type: 'subscribed', symbol, channel: 'trades' });
    }
    const actions: SessionAction[] = [
      ...this.table.invalid.map((symbol) => reportAction('error', 'invalid_symbol',
        `binance: configured symbol "${symbol}" is not BASE/QUOTE upper case; not subscribed`, symbol)),
      ...this.table.ambiguous.map((symbol) => reportAction('error', 'invalid_symbol',
        `binance: configured symbol "${symbol}" has the same Binance name as another configured symbol; not subscribed`, symbol)),
    ];
    const output = { events, actions };
    this.checkHandover(output);
    return output;
  }

  onFrame(text: string, _receivedAt: number): SessionOutput {
    const frame = parseBinanceFrame(text);
    switch (frame.kind) {
      case 'depth': return this.onDepth(frame.message);
      case 'trade': return this.onTrade(frame.message);
      case 'snapshot': return this.onSnapshot(frame.venueSymbol, frame.message);
      case 'snapshot_invalid': return this.onBadSnapshot(frame.venueSymbol, frame.reason);
      case 'result': return this.subscriptions.onResult(frame.message);
      case 'error': return this.subscriptions.onError(frame.message);
      case 'shutdown': return onShutdown(frame.message);
      case 'unused': return this.onUnused(frame.stream);
      case 'unknown': return this.onUnknown(text, frame.malformed, frame.reason);
    }
  }

  /** Rebuild one book from a new snapshot, asked for at once; nothing is sent (the diff stream stays subscribed). */
  resync(symbol: string, _reason: BookStatusReason, _now: number): SessionOutput {
    const book = this.books.get(symbol);
    if (book === undefined) {
      return actionsOnly(reportAction('warn', 'resync_unknown_symbol',
        `binance: resync requested for ${symbol}, which this connection does not carry`, symbol));
    }
    const output: SessionOutput = { events: [], actions: [] };
    if (book.resync(output)) this.handedOver(symbol, output);
    return output;
  }

  resyncTrades(symbol: string, now: number): SessionOutput {
    return this.subscriptions.resyncTrades(symbol, now);
  }

  /** The venue pings; the connector answers with WebSocket pongs. */
  ping(_reqId: number, _now: number): SessionOutput {
    return actionsOnly();
  }

  takeOver(_now: number, predecessorCurrent: boolean): SessionOutput {
    const output: SessionOutput = { events: [], actions: [] };
    if (!this.successor || this.handoverDone) return output;
    for (const book of this.books.values()) {
      if (book.takeOver(output, predecessorCurrent)) this.handedOver(book.symbol, output);
    }
    for (const [symbol, gate] of this.trades) {
      const missed = gate.missing();
      if (missed !== undefined) {
        output.actions.push(reportAction('warn', 'trades_missed', `binance ${symbol}: trades ${missed.from}–${missed.to} `
          + 'reached neither connection of the rotation', symbol));
      }
      this.emitTrades(symbol, gate.open(), output);
    }
    this.checkHandover(output);
    return output;
  }

  /** A symbol this session does not carry (left out as invalid) is fed by nobody here. */
  feeds(symbol: string): boolean {
    return this.books.get(symbol)?.owned ?? false;
  }

  /** The book's last applied update id, while it is synced and fed by this session (tests, diagnostics). */
  updateIdOf(symbol: string): number | undefined {
    return this.books.get(symbol)?.updateId;
  }

  phaseOf(symbol: string): BookPhase | undefined {
    return this.books.get(symbol)?.phase;
  }

  statsOf(symbol: string): Readonly<SequenceStats> | undefined {
    return this.books.get(symbol)?.stats;
  }

  /** Trades dropped as already emitted (by this session or another of the chain). */
  duplicateTradesOf(symbol: string): number | undefined {
    return this.trades.get(symbol)?.duplicates;
  }

  private onDepth(message: BinanceDepthUpdate): SessionOutput {
    const symbol = this.table.symbolOf(message.s);
    if (symbol === undefined) return actionsOnly(unexpectedSymbol('depth', message.s));
    const output: SessionOutput = { events: [], actions: [] };
    if (this.books.get(symbol)!.onDiff(message, output)) this.handedOver(symbol, output);
    else this.checkHandover(output);
    return output;
  }

  private onTrade(message: BinanceTrade): SessionOutput {
    const symbol = this.table.symbolOf(message.s);
    if (symbol === undefined) return actionsOnly(unexpectedSymbol('trade', message.s));
    const output: SessionOutput = { events: [], actions: [] };
    this.emitTrades(symbol, this.trades.get(symbol)!.accept(message), output);
    this.checkHandover(output);
    return output;
  }

  private onSnapshot(venueSymbol: string, snapshot: BinanceDepthSnapshot): SessionOutput {
    const symbol = this.table.symbolOf(venueSymbol);
    if (symbol === undefined) return actionsOnly(unexpectedSymbol('snapshot', venueSymbol));
    const output: SessionOutput = { events: [], actions: [] };
    this.books.get(symbol)!.onSnapshot(snapshot, output);
    return output;
  }

  private onBadSnapshot(venueSymbol: string, reason: string): SessionOutput {
    const symbol = this.table.symbolOf(venueSymbol);
    const output = actionsOnly(reportAction('warn', 'snapshot_invalid',
      `binance ${symbol ?? venueSymbol}: REST snapshot unusable (${reason})`, symbol));
    if (symbol !== undefined) this.books.get(symbol)!.onBadSnapshot(output);
    return output;
  }

  private onUnused(stream: string): SessionOutput {
    if (this.unusedNoted.has(stream)) return actionsOnly();
    this.unusedNoted.add(stream);
    return actionsOnly(reportAction('debug', 'unused_stream', `binance sends ${stream} data, which the gateway does not use`));
  }

  private onUnknown(text: string, malformed: boolean, reason: string): SessionOutput {
    const output = actionsOnly(reportAction('warn', malformed ? 'malformed_frame' : 'unknown_message',
      `binance ${malformed ? 'malformed' : 'unrecognised'} frame (${reason}): ${text.slice(0, PREVIEW_CHARS)}`));
    if (malformed && DEPTH_TEXT.test(text)) {
      const mentions = [{ pattern: SYMBOL_TEXT, symbolOf: (name: string) => this.table.symbolOf(name) },
        { pattern: STREAM_SYMBOL_TEXT, symbolOf: (name: string) => this.table.symbolOfStream(name) }];
      for (const symbol of symbolsNamedIn(text, mentions, this.table.symbols)) this.books.get(symbol)!.onLostDiff(output);
    }
    return output;
  }

  /**
   * A book now fed by this session. Its held trades go out if they continue the chain's trade ids (or there are
   * none); trades that jump ahead wait for the predecessor to deliver the ones between.
   */
  private handedOver(symbol: string, output: SessionOutput): void {
    this.emitTrades(symbol, this.trades.get(symbol)!.release(), output);
    this.handoverPending--;
    this.checkHandover(output);
  }

  /**
   * Complete once every book is fed here and every trade stream continues here (a held trade stream is released as
   * soon as the predecessor's trades reach it): the predecessor may close.
   */
  private checkHandover(output: SessionOutput): void {
    if (!this.successor || this.handoverDone || this.handoverPending > 0) return;
    for (const [symbol, gate] of this.trades) {
      if (!gate.holding) continue;
      this.emitTrades(symbol, gate.release(), output);
      if (gate.holding) return;
    }
    this.handoverDone = true;
    output.events.push({ type: 'handover_complete' });
  }

  private emitTrades(symbol: string, trades: readonly BinanceTrade[], output: SessionOutput): void {
    if (trades.length > 0) output.events.push({ type: 'trades', symbol, trades: trades.map(toTrade), snapshot: false });
  }
}

function toTrade(trade: BinanceTrade): NormalizedTrade {
  // `m`: the buyer was the maker, so the taker (aggressor) sold (gotcha 12).
  return { tradeId: String(trade.t), price: trade.p, size: trade.q, side: trade.m ? 'sell' : 'buy', exchangeTime: isoTime(trade.T) };
}

function onShutdown(message: BinanceServerShutdown): SessionOutput {
  const at = message.E === undefined ? '' : ` (event time ${isoTime(message.E)})`;
  return {
    events: [SERVER_SHUTDOWN],
    actions: [reportAction('info', 'server_shutdown', `binance announced it will close this connection soon${at}`)],
  };
}

function unexpectedSymbol(what: string, venueName: string): SessionAction {
  return reportAction('warn', 'unexpected_symbol', `binance sent ${what} data for ${venueName}, which this connection did not subscribe`);
}
