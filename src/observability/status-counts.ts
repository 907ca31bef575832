// Running counts per book and per connection for /v1/status (the status view shows them without Prometheus).
import type { ExchangeId } from '../exchanges/registry.ts';
import type { GatewayEvent } from './gateway-events.ts';

export interface BookCounts {
  resyncs: number;
  checksumMismatches: number;
  sequenceGaps: number;
  crossedBooks: number;
}

export interface StatusCounts {
  observe(event: GatewayEvent): void;
  /** `"<exchange> <symbol>"` → counts, for books with any. */
  books(): Record<string, BookCounts>;
  reconnects(exchange: ExchangeId, connection: number): number;
}

export function createStatusCounts(): StatusCounts {
  const books = new Map<string, BookCounts>();
  const reconnects = new Map<string, number>();
  const book = (exchange: ExchangeId, symbol: string): BookCounts => {
    const key = `${exchange} ${symbol}`;
    let counts = books.get(key);
    if (counts === undefined) books.set(key, counts = { resyncs: 0, checksumMismatches: 0, sequenceGaps: 0, crossedBooks: 0 });
    return counts;
  };
  return {
    observe(event) {
      if (event.type === 'integrity_failure') {
        if (event.reason === 'checksum_mismatch') book(event.exchange, event.symbol).checksumMismatches++;
        if (event.reason === 'crossed_book') book(event.exchange, event.symbol).crossedBooks++;
      } else if (event.type === 'resync') {
        const counts = book(event.exchange, event.symbol);
        if (event.reason === 'sequence_gap') counts.sequenceGaps++;
        if (!event.escalated && event.retryAt === undefined) counts.resyncs++;
      } else if (event.type === 'reconnect_scheduled') {
        const key = `${event.exchange} ${event.connection}`;
        reconnects.set(key, (reconnects.get(key) ?? 0) + 1);
      }
    },
    books: () => Object.fromEntries(books),
    reconnects: (exchange, connection) => reconnects.get(`${exchange} ${connection}`) ?? 0,
  };
}
