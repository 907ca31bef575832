// The demo's console bot: a real `ws` client of the gateway that keeps each book by the protocol's rules
// (snapshot replaces; update levels applied in order, then each side cut to the depth) and prints it.
import WebSocket from 'ws';
import { OrderBook } from '../../src/book/order-book.ts';
import type { LevelText } from '../../src/core/model.ts';

interface BotBook {
  readonly book: OrderBook;
  depth: number;
  seq: number;
  state: string;
  reason: string;
  updates: number;
}

/** One book (and its trades) the bot follows. */
export interface DemoMarket {
  readonly exchange: string;
  readonly symbol: string;
  /** Decimals of the venue's price tick and size lot, to show `76745.26` rather than the wire's `76745.26000000`. */
  readonly priceDecimals?: number;
  readonly sizeDecimals?: number;
}

/** A decimal string cut or padded to `decimals` places (the wire's trailing zeros beyond the tick are noise). */
function atDecimals(text: string, decimals: number | undefined): string {
  if (decimals === undefined || text === '') return text;
  const [whole, fraction = ''] = text.split('.');
  return decimals === 0 ? whole! : `${whole}.${fraction.padEnd(decimals, '0').slice(0, decimals)}`;
}

/** Rows of cells as aligned text: numbers right-aligned, a `|` column kept as is. */
function alignedRows(rows: readonly (readonly string[])[], rightAligned: readonly boolean[]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => `  ${row.map((cell, column) => (rightAligned[column] ? cell.padStart(widths[column]!)
    : cell.padEnd(widths[column]!))).join(' ').trimEnd()}`);
}

interface TradeLine {
  readonly exchange: string;
  readonly symbol: string;
  readonly side: string;
  readonly price: string;
  readonly size: string;
  readonly tradeId: string;
}

type GatewayMessage = Record<string, unknown> & { type: string };

export class DemoBot {
  readonly books = new Map<string, BotBook>();
  readonly trades: TradeLine[] = [];
  seqGaps = 0;
  private socket: WebSocket | undefined;

  constructor(private readonly url: string, private readonly markets: readonly DemoMarket[], private readonly depth: number) {}

  async connect(): Promise<void> {
    const socket = new WebSocket(this.url);
    this.socket = socket;
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    socket.on('message', (data) => this.onMessage(JSON.parse(data.toString()) as GatewayMessage));
    let id = 0;
    for (const { exchange, symbol } of this.markets) {
      this.books.set(`${exchange} ${symbol}`,
        { book: new OrderBook(), depth: this.depth, seq: 0, state: 'awaiting-snapshot', reason: '', updates: 0 });
      socket.send(JSON.stringify({ op: 'subscribe', id: ++id, channel: 'book', exchange, symbol, depth: this.depth }));
      socket.send(JSON.stringify({ op: 'subscribe', id: ++id, channel: 'trades', exchange, symbol }));
    }
  }

  close(): void {
    this.socket?.close();
  }

  private onMessage(message: GatewayMessage): void {
    const entry = typeof message.symbol === 'string' ? this.books.get(`${String(message.exchange)} ${message.symbol}`) : undefined;
    switch (message.type) {
      case 'book_snapshot':
        if (entry === undefined) return;
        entry.book.replace(message.bids as LevelText[], message.asks as LevelText[]);
        entry.seq = message.seq as number;
        entry.state = 'live';
        return;
      case 'book_update':
        if (entry === undefined) return;
        if (message.seq !== entry.seq + 1) this.seqGaps++;
        entry.seq = message.seq as number;
        entry.book.apply(message.bids as LevelText[], message.asks as LevelText[]);
        entry.book.truncate(entry.depth);
        entry.updates++;
        return;
      case 'status':
        if (entry === undefined) return;
        entry.state = String(message.state);
        entry.reason = String(message.reason ?? '');
        return;
      case 'trade':
        this.trades.push({ exchange: String(message.exchange), symbol: String(message.symbol), side: String(message.side), price: String(message.price),
          size: String(message.size), tradeId: String(message.tradeId) });
        if (this.trades.length > 8) this.trades.shift();
        return;
      default:
        return;
    }
  }

  render(): string {
    const lines: string[] = [];
    for (const [marketKey, entry] of this.books) {
      lines.push(`${marketKey.padEnd(16)} ${entry.state.padEnd(18)} seq ${String(entry.seq).padStart(6)}  updates ${entry.updates}`
        + `${entry.reason !== '' && entry.state !== 'live' ? `  (${entry.reason})` : ''}`);
      const bids = entry.book.topLevels('bids', 5);
      const asks = entry.book.topLevels('asks', 5);
      const market = this.markets.find((m) => `${m.exchange} ${m.symbol}` === marketKey);
      const price = (level: LevelText | undefined): string => atDecimals(level?.[0] ?? '', market?.priceDecimals);
      const size = (level: LevelText | undefined): string => atDecimals(level?.[1] ?? '', market?.sizeDecimals);
      const rows = [['bid size', 'bid', '|', 'ask', 'ask size']];
      for (let i = 0; i < 5; i++) rows.push([size(bids[i]), price(bids[i]), '|', price(asks[i]), size(asks[i])]);
      lines.push(...alignedRows(rows, [true, true, false, false, true]));
      lines.push('');
    }
    lines.push('recent trades (taker side):');
    const tradeRows = [...this.trades].reverse().map((trade) => {
      const market = this.markets.find((m) => m.exchange === trade.exchange && m.symbol === trade.symbol);
      return [`${trade.exchange} ${trade.symbol}`, trade.side, atDecimals(trade.size, market?.sizeDecimals), '@',
        atDecimals(trade.price, market?.priceDecimals), `id ${trade.tradeId}`];
    });
    if (tradeRows.length > 0) lines.push(...alignedRows(tradeRows, [false, false, true, false, true, false]));
    lines.push('', `seq gaps seen: ${this.seqGaps}`);
    return lines.join('\n');
  }
}
