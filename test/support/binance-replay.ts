// Drives a real BookStore with Binance frames through the real session and book-sync code, as the connector
// would: events applied in order, `resync` actions mark the book resyncing (the driver's job).
import { applyVenueEvent } from '../../src/book/book-sync.ts';
import { BookStore } from '../../src/book/book-store.ts';
import type { LevelText } from '../../src/core/model.ts';
import { binanceAdapter } from '../../src/exchanges/binance/index.ts';
import type { BinanceSession } from '../../src/exchanges/binance/session.ts';
import type { SessionAction, SessionOptions, SessionOutput } from '../../src/exchanges/types.ts';

export const DEPTH = 5000;

export function binanceSession(symbols: readonly string[], overrides: Partial<SessionOptions> = {}): BinanceSession {
  return binanceAdapter.createSession({ symbols, bookDepth: DEPTH, tradeSnapshot: false, ...overrides }) as BinanceSession;
}

export function binanceStore(symbols: readonly string[]): BookStore {
  const store = new BookStore({ tradeBufferSize: 1000 });
  for (const symbol of symbols) store.register('binance', symbol, { depth: DEPTH });
  return store;
}

/** Applies a session's output to the store; a verification failure is a test failure. */
export function applyOutput(store: BookStore, output: SessionOutput): void {
  for (const event of output.events) {
    const outcome = applyVenueEvent(store, 'binance', event);
    if (outcome.failure !== undefined) throw new Error(`event failed verification: ${outcome.failure.message}`);
  }
  for (const action of output.actions) {
    if (action.type === 'resync' && store.has('binance', action.symbol)) store.setState('binance', action.symbol, 'resyncing', action.reason);
  }
}

export type Report = Extract<SessionAction, { type: 'report' }>;

export const fetches = (output: SessionOutput): string[] =>
  output.actions.flatMap((action) => action.type === 'fetch-snapshot' ? [action.symbol] : []);
export const resyncs = (output: SessionOutput): string[] =>
  output.actions.flatMap((action) => action.type === 'resync' ? [`${action.symbol}:${action.reason}`] : []);
export const sends = (output: SessionOutput): unknown[] =>
  output.actions.flatMap((action) => action.type === 'send' ? [JSON.parse(action.payload) as unknown] : []);
export const reports = (output: SessionOutput): Report[] =>
  output.actions.filter((action): action is Report => action.type === 'report');
export const codes = (output: SessionOutput): string[] => reports(output).map((report) => `${report.level}:${report.code}`);

/** `"0.35270000"` → `"0.3527"`, `"100.00000000"` → `"100"` (the expected files' normal form). */
export function normalizeDecimal(text: string): string {
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

export function topLevels(store: BookStore, symbol: string, side: 'bids' | 'asks', count: number): [string, string][] {
  return store.get('binance', symbol)!.book.topLevels(side, count)
    .map(([price, size]: LevelText): [string, string] => [normalizeDecimal(price), normalizeDecimal(size)]);
}

/** A REST depth body built from a book's levels (real level text), at `lastUpdateId`. */
export function snapshotBody(store: BookStore, symbol: string, lastUpdateId: number): string {
  const book = store.get('binance', symbol)!.book;
  return JSON.stringify({ lastUpdateId, bids: book.topLevels('bids', DEPTH), asks: book.topLevels('asks', DEPTH) });
}
