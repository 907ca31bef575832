// The Binance pipelines measured by ingest-binance.ts, from the gateway's own parts: the Binance adapter's
// session, a real BookStore registered as VenueConnector registers it (depth 5000), the SessionDriver of src/feed
// with prom-client metrics, and — in place of the REST client — a RestSnapshotSource that only records requests, so
// the capture's own REST answers go back through the driver's snapshot path (requestSnapshot → restSnapshot.frame →
// driver.frame) at their place in the capture. Plus the checks every timed pass must pass.
import { applyVenueEvent } from '../../src/book/book-sync.ts';
import { BookStore } from '../../src/book/book-store.ts';
import type { GatewayConfig } from '../../src/config/types.ts';
import { binanceAdapter } from '../../src/exchanges/binance/index.ts';
import { BinanceSession } from '../../src/exchanges/binance/session.ts';
import type { VenueSession } from '../../src/exchanges/types.ts';
import type { FeedEvent } from '../../src/feed/feed-events.ts';
import { DEFAULT_REST_SNAPSHOT_LIMITS, RestSnapshotSource, type SnapshotCallbacks } from '../../src/feed/rest-snapshot-source.ts';
import { createSessionDriver } from '../../src/feed/driver-harness.ts';
import type { SessionDriver } from '../../src/feed/session-driver.ts';
import type { GatewayMetrics } from '../../src/observability/metrics.ts';
import { normalizeDecimal } from '../../test/support/binance-replay.ts';
import type { CorpusEntry } from './ingest-binance-corpus.ts';
import { IntegrityAlarm } from './ingest-pipeline.ts';

/** Levels per side held (the config default, and the REST `limit`). */
export const BINANCE_DEPTH = 5000;

export function newBinanceStore(config: GatewayConfig, entry: CorpusEntry): BookStore {
  const store = new BookStore({ tradeBufferSize: config.store.tradeBufferSize });
  for (const symbol of entry.symbols) {
    store.register('binance', symbol, {
      depth: BINANCE_DEPTH, checksum: binanceAdapter.bookChecksum, checksumLevels: binanceAdapter.bookChecksumLevels,
    });
  }
  return store;
}

/** An opened session (its streams are in the URL: opening sends nothing). */
export function newBinanceSession(config: GatewayConfig, entry: CorpusEntry): BinanceSession {
  const session = binanceAdapter.createSession({ symbols: entry.symbols, bookDepth: BINANCE_DEPTH,
    tradeSnapshot: config.exchanges.binance.tradeSnapshot });
  if (!(session instanceof BinanceSession)) throw new Error('bench: binanceAdapter did not create a BinanceSession');
  session.onOpen(0);
  return session;
}

/** The venue's snapshot source without the HTTP: requests are recorded; the bench answers them with capture bodies. */
export class RecordingSnapshots extends RestSnapshotSource {
  requested = 0;
  delivered = 0;
  private readonly awaiting = new Map<string, SnapshotCallbacks>();

  constructor(config: GatewayConfig) {
    super({ exchange: 'binance', baseUrl: config.exchanges.binance.restUrl!, spec: binanceAdapter.restSnapshot!,
      limits: DEFAULT_REST_SNAPSHOT_LIMITS, observe: () => undefined, now: Date.now });
  }

  override request(symbol: string, limit: number, callbacks: SnapshotCallbacks): void {
    if (limit !== BINANCE_DEPTH) throw new IntegrityAlarm(`snapshot of ${symbol} requested with limit ${limit}`);
    this.requested++;
    this.awaiting.set(symbol, callbacks);
  }

  /** The REST answer for `symbol`: goes to whoever asked (the driver), as the real source's 200 answer does. */
  answer(entryName: string, symbol: string, body: string): void {
    const callbacks = this.awaiting.get(symbol);
    if (callbacks === undefined) {
      throw new IntegrityAlarm(`${entryName}: the capture's REST snapshot of ${symbol} arrived before the session asked for it`);
    }
    this.awaiting.delete(symbol);
    this.delivered++;
    callbacks.deliver(body, Date.now());
  }
}

/** What a SessionDriver reported during one pass. Anything at warn or above, or an ended connection, fails the pass. */
export class BinanceProbe {
  failures = 0;
  firstFailure: string | undefined;
  live = 0;

  readonly observe = (event: FeedEvent): void => {
    if (event.type === 'integrity_failure' || event.type === 'resync'
      || (event.type === 'session_report' && (event.level === 'warn' || event.level === 'error'))) {
      this.failures++;
      this.firstFailure ??= JSON.stringify(event);
    }
  };
}

/** A SessionDriver on an opened (socket-less) connection, as UpstreamConnection drives it. */
export function newBinanceDriver(config: GatewayConfig, entry: CorpusEntry, store: BookStore, metrics: GatewayMetrics,
  probe: BinanceProbe, snapshots: RecordingSnapshots): SessionDriver {
  const venue = config.exchanges.binance;
  return createSessionDriver({
    adapter: binanceAdapter, config: { ...venue, symbols: entry.symbols, bookDepth: BINANCE_DEPTH },
    store, observe: probe.observe, metrics, snapshots,
    send: (payload) => {
      probe.failures++;
      probe.firstFailure ??= `driver sent ${payload}`;
    },
    end: (cause, detail) => {
      probe.failures++;
      probe.firstFailure ??= `driver ended the connection: ${cause} (${detail})`;
    },
    signal: (signal) => {
      if (signal === 'live') probe.live++;
    },
  });
}

/** Session state after a pass: every symbol bridged once, its diffs applied, at the capture's final update id. */
export function checkSession(entry: CorpusEntry, session: VenueSession): void {
  if (!(session instanceof BinanceSession)) throw new Error('bench: not a BinanceSession');
  for (const want of entry.expected) {
    const stats = session.statsOf(want.symbol);
    const id = session.updateIdOf(want.symbol);
    if (stats === undefined || id !== want.finalUpdateId || stats.applied !== want.applied || stats.gaps !== 0) {
      throw new IntegrityAlarm(`${entry.name} ${want.symbol}: session at update id ${id} with ${stats?.applied} diffs `
        + `applied and ${stats?.gaps} gaps; expected ${want.finalUpdateId}, ${want.applied} applied, no gap`);
    }
  }
}

/** The books after a pass: live, level counts and top 5 per side as the capture's `.expected.json` says. */
export function checkBooks(entry: CorpusEntry, store: BookStore): number {
  for (const want of entry.expected) {
    const view = store.get('binance', want.symbol);
    if (view === undefined) throw new IntegrityAlarm(`${entry.name}: no book for ${want.symbol}`);
    const top = (side: 'bids' | 'asks'): string => JSON.stringify(view.book.topLevels(side, 5)
      .map(([price, size]) => [normalizeDecimal(price), normalizeDecimal(size)]));
    const problems = [
      view.state === 'live' ? '' : `state ${view.state} (${view.reason})`,
      view.book.bids.size === want.levels.bids && view.book.asks.size === want.levels.asks ? ''
        : `${view.book.bids.size}/${view.book.asks.size} levels, expected ${want.levels.bids}/${want.levels.asks}`,
      top('bids') === JSON.stringify(want.top5Bids) ? '' : `top-5 bids ${top('bids')}, expected ${JSON.stringify(want.top5Bids)}`,
      top('asks') === JSON.stringify(want.top5Asks) ? '' : `top-5 asks ${top('asks')}, expected ${JSON.stringify(want.top5Asks)}`,
    ].filter((problem) => problem !== '');
    if (problems.length > 0) throw new IntegrityAlarm(`${entry.name} ${want.symbol}: ${problems.join('; ')}`);
  }
  return entry.expected.length;
}

/** Deterministic counts of one pass through session → store, every timed pass must reproduce them. */
export interface EntryFacts {
  /** Events the session emits per pass (book_snapshot + book_update + trades + …). */
  readonly events: number;
  readonly bookUpdates: number;
  readonly snapshotsApplied: number;
  readonly tradeEvents: number;
  readonly fetches: number;
}

/** Untimed pass: session → applyVenueEvent, no warnings, one fetch per symbol before its REST answer, books as expected. */
export function verifyEntry(config: GatewayConfig, entry: CorpusEntry): EntryFacts {
  const session = newBinanceSession(config, entry);
  const store = newBinanceStore(config, entry);
  const asked = new Set<string>();
  let events = 0, bookUpdates = 0, snapshotsApplied = 0, tradeEvents = 0, fetches = 0;
  entry.frames.forEach((text, i) => {
    const rest = entry.rest.get(i);
    if (rest !== undefined && !asked.delete(rest.symbol)) {
      throw new IntegrityAlarm(`${entry.name}: REST snapshot of ${rest.symbol} (frame ${i + 1}) was never asked for`);
    }
    const output = session.onFrame(text, 0);
    for (const action of output.actions) {
      if (action.type === 'fetch-snapshot') {
        fetches++;
        asked.add(action.symbol);
      } else if (action.type !== 'report' || action.level === 'warn' || action.level === 'error') {
        throw new IntegrityAlarm(`${entry.name} frame ${i + 1}: unexpected action ${JSON.stringify(action)}`);
      }
    }
    for (const event of output.events) {
      events++;
      if (event.type === 'book_update') bookUpdates++;
      if (event.type === 'book_snapshot') snapshotsApplied++;
      if (event.type === 'trades') tradeEvents++;
      const outcome = applyVenueEvent(store, 'binance', event);
      if (outcome.failure !== undefined) throw new IntegrityAlarm(`${entry.name} frame ${i + 1}: ${outcome.failure.message}`);
    }
  });
  checkSession(entry, session);
  checkBooks(entry, store);
  const applied = entry.expected.reduce((sum, want) => sum + want.applied, 0);
  if (bookUpdates !== applied || snapshotsApplied !== entry.symbols.length || fetches !== entry.symbols.length) {
    throw new IntegrityAlarm(`${entry.name}: ${bookUpdates} book updates (expected ${applied}), ${snapshotsApplied} `
      + `snapshots and ${fetches} fetches (expected ${entry.symbols.length} each)`);
  }
  return { events, bookUpdates, snapshotsApplied, tradeEvents, fetches };
}
