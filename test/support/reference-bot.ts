// A bot that follows README.md "Downstream protocol v1" to the letter, used to check what the gateway sends:
// a book_snapshot replaces the book; a book_update's levels are applied in order (size "0" removes) and each
// side is cut to the subscribed depth; seq must be previous + 1 except on a snapshot.
import assert from 'node:assert/strict';
import type { LevelText } from '../../src/core/model.ts';

interface BookCopy {
  depth: number;
  seq: number;
  bids: LevelText[];
  asks: LevelText[];
}

export class ReferenceBot {
  readonly books = new Map<string, BookCopy>();
  readonly tradeSeq = new Map<string, number>();
  readonly statuses: Record<string, unknown>[] = [];
  readonly others: Record<string, unknown>[] = [];
  snapshots = 0;
  updates = 0;
  trades = 0;
  private consumed = 0;

  /** Applies every message not seen yet from `received` (a client's raw text log). */
  consume(received: readonly string[]): void {
    for (; this.consumed < received.length; this.consumed++) this.apply(JSON.parse(received[this.consumed]!) as Msg);
  }

  book(exchange: string, symbol: string): BookCopy | undefined {
    return this.books.get(`${exchange} ${symbol}`);
  }

  private apply(msg: Msg): void {
    const key = `${msg.exchange} ${msg.symbol}`;
    switch (msg.type) {
      case 'book_snapshot':
        this.snapshots++;
        this.books.set(key, { depth: msg.depth!, seq: msg.seq!, bids: [...msg.bids!], asks: [...msg.asks!] });
        return;
      case 'book_update': {
        this.updates++;
        const book = this.books.get(key);
        assert.ok(book !== undefined, `book_update before any snapshot for ${key}`);
        assert.equal(msg.seq, book.seq + 1, `book seq for ${key} (depth ${book.depth})`);
        book.seq = msg.seq!;
        book.bids = applyLevels('bids', book.bids, msg.bids!, book.depth);
        book.asks = applyLevels('asks', book.asks, msg.asks!, book.depth);
        return;
      }
      case 'trade': {
        this.trades++;
        const previous = this.tradeSeq.get(key);
        if (previous !== undefined) assert.equal(msg.seq, previous + 1, `trade seq for ${key}`);
        this.tradeSeq.set(key, msg.seq!);
        return;
      }
      case 'status':
        this.statuses.push(msg);
        return;
      default:
        this.others.push(msg);
    }
  }
}

interface Msg extends Record<string, unknown> {
  type: string;
  exchange?: string;
  symbol?: string;
  seq?: number;
  depth?: number;
  bids?: LevelText[];
  asks?: LevelText[];
}

export function applyLevels(side: 'bids' | 'asks', levels: readonly LevelText[], update: readonly LevelText[],
  depth: number): LevelText[] {
  const byPrice = new Map<number, LevelText>();
  for (const level of levels) byPrice.set(Number(level[0]), level);
  for (const level of update) {
    if (Number(level[1]) === 0) byPrice.delete(Number(level[0]));
    else byPrice.set(Number(level[0]), level);
  }
  const sorted = [...byPrice.entries()].sort((a, b) => (side === 'bids' ? b[0] - a[0] : a[0] - b[0]));
  return sorted.slice(0, depth).map(([, level]) => level);
}
