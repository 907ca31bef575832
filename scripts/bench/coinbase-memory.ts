// Heap held by the BTC-USD book of the real capture (46,000 levels) in the store, as the gateway builds it from the
// 5 MB snapshot frame: several books are built and kept, the heap is measured around them with full collections.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { applyVenueEvent } from '../../src/book/book-sync.ts';
import type { BookStore } from '../../src/book/book-store.ts';
import { drained, newCoinbaseSession, newCoinbaseStore, type CoinbaseCorpus } from './ingest-coinbase-rig.ts';
import { defaultConfig } from './ingest-pipeline.ts';

const BOOKS = 4;

function collect(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

export function measureBookMemory(corpus: CoinbaseCorpus): { levels: number; bytesPerBook: number; bytesPerLevel: number } {
  const config = defaultConfig();
  const snapshot = corpus.frames.findIndex((text) => text.length > 5_000_000);
  const gc = collect();
  const kept: BookStore[] = [];
  const build = (): BookStore => {
    const session = newCoinbaseSession(config);
    const store = newCoinbaseStore(config);
    session.onOpen(0);
    for (const text of corpus.frames.slice(0, snapshot + 1)) {
      drained(session.onFrame(text, 0), (output) => {
        for (const event of output.events) if (event.type === 'book_snapshot') applyVenueEvent(store, 'coinbase', event);
      });
    }
    return store;
  };
  build();
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < BOOKS; i++) kept.push(build());
  gc();
  gc();
  const after = process.memoryUsage().heapUsed;
  const book = kept[0]!.get('coinbase', 'BTC/USD')!.book;
  const levels = book.bids.size + book.asks.size;
  const bytesPerBook = (after - before) / kept.length;
  return { levels, bytesPerBook, bytesPerLevel: bytesPerBook / levels };
}
