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
    for (const [market, entry] of this.books) {
      lines.push(`${market.padEnd(16)} ${entry.state.padEnd(18)} seq ${String(entry.seq).padStart(6)}  updates ${entry.updates}`
        + `${entry.reason !== '' && entry.state !== 'live' ? `  (${entry.reason})` : ''}`);
      const bids = entry.book.topLevels('bids', 5);
      const asks = entry.book.topLevels('asks', 5);
      lines.push(`  ${'bid size'.padStart(14)} ${'bid'.padStart(12)} | ${'ask'.padEnd(12)} ${'ask size'.padEnd(14)}`);
      for (let i = 0; i < 5; i++) {
        const bid = bids[i];
        const ask = asks[i];
        lines.push(`  ${(bid?.[1] ?? '').padStart(14)} ${(bid?.[0] ?? '').padStart(12)} | ${(ask?.[0] ?? '').padEnd(12)} ${(ask?.[1] ?? '').padEnd(14)}`);
      }
      lines.push('');
    }
    lines.push('recent trades (taker side):');
    for (const trade of [...this.trades].reverse()) {
      lines.push(`  ${`${trade.exchange} ${trade.symbol}`.padEnd(16)} ${trade.side.padEnd(4)} ${trade.size.padStart(12)} @ ${trade.price.padEnd(12)} id ${trade.tradeId}`);
    }
    lines.push('', `seq gaps seen: ${this.seqGaps}`);
    return lines.join('\n');
  }
}
