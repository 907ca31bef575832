// Incident bundles: on a checksum mismatch, sequence gap or crossed book, the last window of that connection's frames
// (from the flight recorder's ring), the gateway's book before the failing frame and as it failed, the reason and the
// redacted config go to <log directory>/incidents/incident-<time>-<venue>-<symbol>-<reason>.ndjson.gz, written
// asynchronously. `npm run replay -- <bundle>` plays it back through the same adapters.
import { mkdir, readdir, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { BookStore, BookView } from '../book/book-store.ts';
import type { FlightRecorder } from './flight-recorder.ts';
import type { GatewayEvent } from './gateway-events.ts';
import { RECORDING_VERSION, type BookCopy, type IncidentRecord } from './recording-format.ts';

const gzipAsync = promisify(gzip);
const BUNDLE_PATTERN = /^incident-.*\.ndjson\.gz$/;
/** One bundle per book per this long: a book failing in a loop must not fill the disk with copies of one story. */
const PER_BOOK_INTERVAL_MS = 10_000;

export interface IncidentRecorderOptions {
  readonly dir: string;
  readonly keep: number;
  readonly recorder: FlightRecorder;
  readonly store: BookStore;
  readonly config: unknown;
  readonly now: () => number;
  readonly written?: (path: string, incident: IncidentRecord) => void;
  readonly onError?: (error: Error) => void;
}

function copyBook(view: BookView): BookCopy {
  return { state: view.state, reason: view.reason ?? null, version: view.version,
    bids: view.book.topLevels('bids', view.depth), asks: view.book.topLevels('asks', view.depth) };
}

export class IncidentRecorder {
  /** Each book as of its last verified change: the "before" of a failure (levels are immutable tuples: a slice is a copy). */
  private readonly lastGood = new Map<string, BookCopy>();
  private readonly failed = new Map<string, BookCopy>();
  private readonly lastBundleAt = new Map<string, number>();
  /** A connection-wide break (Coinbase) resyncs every book of the connection in one go: one bundle tells it. */
  private readonly capturedThisTurn = new Set<string>();
  private readonly writes = new Set<Promise<void>>();
  private readonly paths: string[] = [];
  private readonly detach: () => void;

  constructor(private readonly options: IncidentRecorderOptions) {
    this.detach = options.store.addListener({
      bookChanged: (view) => { this.lastGood.set(`${view.exchange} ${view.symbol}`, copyBook(view)); },
      bookFailed: (view) => { this.failed.set(`${view.exchange} ${view.symbol}`, copyBook(view)); },
    });
  }

  observe(event: GatewayEvent): void {
    if (event.type === 'integrity_failure' && event.reason !== 'sequence_gap') {
      this.capture(event.exchange, event.connection, event.symbol, event.reason, event.message);
    } else if (event.type === 'resync' && event.reason === 'sequence_gap') {
      this.capture(event.exchange, event.connection, event.symbol, event.reason, `sequence gap on ${event.exchange} ${event.symbol}`);
    }
  }

  /** Bundles written so far (paths). */
  bundles(): readonly string[] {
    return this.paths;
  }

  async stop(): Promise<void> {
    this.detach();
    await Promise.all([...this.writes]);
  }

  private capture(exchange: BookView['exchange'], connection: number, symbol: string, reason: string, message: string): void {
    const key = `${exchange} ${symbol}`;
    const now = this.options.now();
    const connectionKey = `${exchange} ${connection} ${reason}`;
    if (now - (this.lastBundleAt.get(key) ?? -Infinity) < PER_BOOK_INTERVAL_MS) return;
    if (this.capturedThisTurn.has(connectionKey)) return;
    const recent = this.options.recorder.recentLines(exchange, connection, now);
    if (recent === undefined) return;
    this.lastBundleAt.set(key, now);
    if (this.capturedThisTurn.size === 0) queueMicrotask(() => this.capturedThisTurn.clear());
    this.capturedThisTurn.add(connectionKey);
    const view = this.options.store.get(exchange, symbol);
    const incident: IncidentRecord = {
      k: 'incident', v: RECORDING_VERSION, at: new Date(now).toISOString(), exchange, connection, symbol, reason, message,
      fromOpen: recent.fromOpen, bookBefore: this.lastGood.get(key) ?? null,
      bookAfter: this.failed.get(key) ?? (view === undefined ? null : copyBook(view)), config: this.options.config,
    };
    this.failed.delete(key);
    const name = `incident-${incident.at.replace(/[:.]/g, '-')}-${exchange}-${symbol.replace(/[^\w-]/g, '')}-${reason}.ndjson.gz`;
    const write = this.write(name, [`${JSON.stringify(incident)}\n`, ...recent.lines].join(''), incident)
      .catch((error: unknown) => this.options.onError?.(error as Error));
    this.writes.add(write);
    void write.finally(() => this.writes.delete(write));
  }

  private async write(name: string, text: string, incident: IncidentRecord): Promise<void> {
    await mkdir(this.options.dir, { recursive: true });
    const path = join(this.options.dir, name);
    await writeFile(path, await gzipAsync(text));
    this.paths.push(path);
    this.options.written?.(path, incident);
    const bundles = (await readdir(this.options.dir)).filter((file) => BUNDLE_PATTERN.test(file)).sort();
    for (const old of bundles.slice(0, Math.max(0, bundles.length - this.options.keep))) {
      await unlink(join(this.options.dir, old)).catch(() => undefined);
    }
  }
}
