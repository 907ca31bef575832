// Replays a flight recording or an incident bundle through the same code the gateway runs: each recorded socket gets
// a SessionDriver (the venue adapter's session, book-sync, the store and its verification) on a virtual clock that
// reads the recorded receive times. Watchdog ticks are not replayed: what the venue sent decides every book.
// The result: each book's final state and levels, and every integrity verdict (checksum, gap, crossed book).
import { BookStore } from '../book/book-store.ts';
import type { LevelText } from '../core/model.ts';
import { EXCHANGE_IDS, venueAdapter } from '../exchanges/registry.ts';
import type { FeedEvent, FeedMetrics } from '../feed/feed-events.ts';
import type { ReconnectCause } from '../feed/reconnect-policy.ts';
import { createSessionDriver } from '../feed/driver-harness.ts';
import type { SessionDriver } from '../feed/session-driver.ts';
import { parseRecordLine, type IncidentRecord, type OpenRecord } from '../observability/recording-format.ts';

export interface ReplayVerdict {
  readonly at: number;
  readonly exchange: string;
  readonly symbol: string;
  readonly reason: string;
  readonly message: string;
  /** The replayed book's levels as of its last verified change before this verdict. */
  readonly bookBefore: { readonly bids: readonly LevelText[]; readonly asks: readonly LevelText[] } | null;
}

export interface ReplayBook {
  readonly exchange: string;
  readonly symbol: string;
  readonly state: string;
  readonly reason: string | null;
  readonly version: number;
  readonly bids: readonly LevelText[];
  readonly asks: readonly LevelText[];
}

export interface ReplayResult {
  readonly incident: IncidentRecord | undefined;
  readonly sockets: number;
  readonly frames: number;
  /** Frames the recorder could not write in time (the disk fell behind): books after that gap may differ. */
  readonly droppedFrames: number;
  readonly books: ReplayBook[];
  readonly verdicts: ReplayVerdict[];
  readonly problems: string[];
}

const NO_METRICS: FeedMetrics = { frameReceived: () => undefined, dataReceived: () => undefined };

export function replayLines(lines: Iterable<string>): ReplayResult {
  const store = new BookStore({ tradeBufferSize: 1_000 });
  const drivers = new Map<number, SessionDriver>();
  const verdicts: ReplayVerdict[] = [];
  const problems: string[] = [];
  let clock = 0;
  let incident: IncidentRecord | undefined;
  let frames = 0;
  let droppedFrames = 0;
  let sockets = 0;

  // Each book as of its last verified change, like the gateway's incident recorder keeps it.
  const lastGood = new Map<string, ReplayVerdict['bookBefore']>();
  store.addListener({ bookChanged: (view) => lastGood.set(`${view.exchange} ${view.symbol}`,
    { bids: view.book.topLevels('bids', view.depth), asks: view.book.topLevels('asks', view.depth) }) });
  const verdict = (exchange: string, symbol: string, reason: string, message: string): void => {
    verdicts.push({ at: clock, exchange, symbol, reason, message, bookBefore: lastGood.get(`${exchange} ${symbol}`) ?? null });
  };
  const observe = (event: FeedEvent): void => {
    if (event.type === 'integrity_failure') verdict(event.exchange, event.symbol, event.reason, event.message);
    else if (event.type === 'resync' && event.reason === 'sequence_gap') {
      verdict(event.exchange, event.symbol, event.reason, `sequence gap on ${event.exchange} ${event.symbol}`);
    }
  };

  const open = (record: OpenRecord): void => {
    if (!EXCHANGE_IDS.includes(record.x)) {
      problems.push(`socket ${record.s}: no adapter for ${record.x}`);
      return;
    }
    const adapter = venueAdapter(record.x);
    for (const symbol of record.symbols) {
      store.register(record.x, symbol, { depth: record.config.bookDepth, checksum: adapter.bookChecksum,
        checksumLevels: adapter.bookChecksumLevels, exactPrefix: adapter.wholeBook });
    }
    sockets++;
    drivers.set(record.s, createSessionDriver({
      adapter, config: record.config, store, observe, metrics: NO_METRICS, id: record.c, symbols: record.symbols,
      now: () => clock, defer: (work) => deferred.push(work),
    }));
  };

  // A frame whose work the session split across turns (a multi-MB snapshot) runs to its end before the next line,
  // as if the gateway had read nothing else meanwhile; its frames queued behind it were recorded after it anyway.
  const deferred: (() => void)[] = [];
  const drain = (): void => {
    for (let work = deferred.shift(); work !== undefined; work = deferred.shift()) work();
  };
  let lineNumber = 0;
  for (const text of lines) {
    lineNumber++;
    if (text.trim() === '') continue;
    const record = parseRecordLine(text);
    if (record === undefined) {
      problems.push(`line ${lineNumber}: not a record (a file cut short?)`);
      continue;
    }
    if ('t' in record && typeof record.t === 'number') clock = record.t;
    switch (record.k) {
      case undefined: {
        const driver = drivers.get(record.s);
        if (driver === undefined) continue;
        frames++;
        driver.frame(record.f, Buffer.byteLength(record.f));
        drain();
        break;
      }
      case 'open':
        open(record);
        break;
      case 'close':
        drivers.get(record.s)?.ended(record.how, record.cause as ReconnectCause);
        drivers.delete(record.s);
        break;
      case 'incident':
        incident = record;
        break;
      case 'dropped':
        droppedFrames += typeof record.frames === 'number' ? record.frames : 0;
        break;
      default:
        break;
    }
  }
  const books = store.list().map((view) => ({
    exchange: view.exchange, symbol: view.symbol, state: view.state, reason: view.reason ?? null, version: view.version,
    bids: view.book.topLevels('bids', view.depth), asks: view.book.topLevels('asks', view.depth),
  }));
  if (incident !== undefined && !incident.fromOpen) {
    problems.push('the bundle starts mid-connection (its window did not reach back to the socket\'s open): books are '
      + 'rebuilt only from the next snapshot on, and a verdict before it may differ');
  }
  return { incident, sockets, frames, droppedFrames, books, verdicts, problems };
}
