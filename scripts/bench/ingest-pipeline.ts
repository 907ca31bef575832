// The per-frame pipelines measured by ingest.ts, built from the gateway's own parts: the real Kraken
// captures, the Kraken adapter, the SessionDriver of src/feed (what UpstreamConnection calls per frame), a real
// BookStore wired as createGateway wires it (checksum from the adapter, depth from config), prom-client metrics,
// and the real Fanout with in-memory clients. Nothing here re-implements gateway logic; it only replaces sockets.
import { applyVenueEvent } from '../../src/book/book-sync.ts';
import { BookStore } from '../../src/book/book-store.ts';
import { loadConfig } from '../../src/config/load.ts';
import type { GatewayConfig } from '../../src/config/types.ts';
import { krakenAdapter } from '../../src/exchanges/kraken/index.ts';
import type { VenueSession } from '../../src/exchanges/types.ts';
import type { FeedEvent } from '../../src/feed/feed-events.ts';
import { createSessionDriver } from '../../src/feed/driver-harness.ts';
import type { SessionDriver } from '../../src/feed/session-driver.ts';
import { createMetrics, type GatewayMetrics } from '../../src/observability/metrics.ts';
import type { ClientSocket, SendOutcome } from '../../src/server/client-hub.ts';
import { Fanout } from '../../src/server/fanout.ts';
import { readKrakenCaptureFrames, readKrakenDoc } from '../../test/support/kraken-fixtures.ts';

export interface Capture {
  readonly file: string;
  readonly symbol: string;
  readonly depth: number;
  /** Verbatim wire text, in arrival order. */
  readonly frames: readonly string[];
  /** UTF-8 length of each frame (what UpstreamConnection passes to driver.frame). */
  readonly bytes: readonly number[];
  /**
   * Frames a live session has seen before the book data and that the capture lacks, fed untimed before each pass:
   * Kraken's documented `instrument` snapshot where it lists the symbol (BTC/USD), so the session's
   * instrument-precision check on every book message runs as it does live.
   */
  readonly prelude: readonly string[];
}

/** What the verification pass found in one capture (every timed pass must reproduce it). */
export interface CaptureFacts {
  readonly bookMessages: number;
  readonly checksummed: number;
  readonly checksumsMatched: number;
  readonly snapshots: number;
  /** store.version after a pass: one increment per applied (verified) book message. */
  readonly finalVersion: number;
}

export const CAPTURE_SPECS: readonly { file: string; symbol: string; depth: number }[] = [
  { file: 'crossbook_kraken_btcusd_d10_l2.frames.jsonl', symbol: 'BTC/USD', depth: 10 },
  { file: 'crossbook_kraken_ethusd_d25.frames.jsonl', symbol: 'ETH/USD', depth: 25 },
  { file: 'crossbook_kraken_xrpusd_d25.frames.jsonl', symbol: 'XRP/USD', depth: 25 },
  { file: 'depthcharge_kraken_minagbp_d25_20260816.ndjson', symbol: 'MINA/GBP', depth: 25 },
];

export function loadCaptures(files?: readonly string[]): Capture[] {
  const instrument = readKrakenDoc('instrument_snapshot.json');
  return CAPTURE_SPECS.filter((spec) => files === undefined || files.some((name) => spec.file.includes(name)))
    .map((spec) => {
      const frames = readKrakenCaptureFrames(spec.file);
      const prelude = instrument.includes(`"symbol":"${spec.symbol}"`) || instrument.includes(`"symbol": "${spec.symbol}"`)
        ? [instrument] : [];
      return { ...spec, frames, bytes: frames.map((text) => Buffer.byteLength(text)), prelude };
    });
}

/** The gateway's defaults (config schema), with the capture's symbol and depth, as createGateway would get them. */
export function defaultConfig(): GatewayConfig {
  const loaded = loadConfig({ argv: [], env: {} });
  if (!loaded.ok) throw new Error(`bench: default config does not load: ${loaded.error.message}`);
  return loaded.config;
}

export class IntegrityAlarm extends Error {
  constructor(message: string) {
    super(`CHECKSUM/INTEGRITY FAILURE in bench: ${message}`);
    this.name = 'IntegrityAlarm';
  }
}

/** A store with the capture's book registered as VenueConnector registers it. */
export function newStore(config: GatewayConfig, capture: Capture): BookStore {
  const store = new BookStore({ tradeBufferSize: config.store.tradeBufferSize });
  store.register('kraken', capture.symbol, {
    depth: capture.depth, checksum: krakenAdapter.bookChecksum, checksumLevels: krakenAdapter.bookChecksumLevels,
  });
  return store;
}

/** An opened session that has seen the capture's prelude. */
export function newSession(capture: Capture): VenueSession {
  const session = krakenAdapter.createSession({ symbols: [capture.symbol], bookDepth: capture.depth, tradeSnapshot: false });
  session.onOpen(0);
  for (const text of capture.prelude) session.onFrame(text, 0);
  return session;
}

/** Untimed: session → applyVenueEvent on a fresh store, counting what the store verified. Throws on any failure. */
export function verifyCapture(config: GatewayConfig, capture: Capture): CaptureFacts {
  const store = newStore(config, capture);
  const session = newSession(capture);
  let bookMessages = 0;
  let checksummed = 0;
  let checksumsMatched = 0;
  let snapshots = 0;
  for (const text of capture.frames) {
    for (const event of session.onFrame(text, 0).events) {
      const before = store.get('kraken', capture.symbol)!.version;
      const outcome = applyVenueEvent(store, 'kraken', event);
      if (outcome.failure !== undefined) throw new IntegrityAlarm(`${capture.file}: ${outcome.failure.message}`);
      if (event.type !== 'book_snapshot' && event.type !== 'book_update') continue;
      bookMessages++;
      if (event.type === 'book_snapshot') snapshots++;
      const applied = store.get('kraken', capture.symbol)!.version === before + 1;
      if (event.checksum === undefined) continue;
      checksummed++;
      if (applied) checksumsMatched++;
    }
  }
  if (checksumsMatched !== checksummed || checksummed !== bookMessages) {
    throw new IntegrityAlarm(`${capture.file}: ${checksumsMatched} of ${checksummed} checksums verified over `
      + `${bookMessages} book messages (every book message must carry a checksum and be verified)`);
  }
  return { bookMessages, checksummed, checksumsMatched, snapshots, finalVersion: store.get('kraken', capture.symbol)!.version };
}

/** Counts what a SessionDriver reports; an integrity failure is remembered and raised after the pass. */
export class DriverProbe {
  integrityFailures = 0;
  checksumMismatches = 0;
  firstFailure: string | undefined;
  warnings = 0;

  readonly observe = (event: FeedEvent): void => {
    if (event.type === 'integrity_failure') {
      this.integrityFailures++;
      if (event.reason === 'checksum_mismatch') this.checksumMismatches++;
      this.firstFailure ??= event.message;
    } else if (event.type === 'session_report' && (event.level === 'warn' || event.level === 'error')) {
      this.warnings++;
      this.firstFailure ??= `${event.code}: ${event.message}`;
    }
  };
}

/** A SessionDriver on an opened (socket-less) connection, exactly as UpstreamConnection drives it. */
export function newDriver(config: GatewayConfig, capture: Capture, store: BookStore, metrics: GatewayMetrics,
  probe: DriverProbe): SessionDriver {
  const driver = createSessionDriver({
    adapter: krakenAdapter, config: { ...config.exchanges.kraken, symbols: [capture.symbol], bookDepth: capture.depth },
    store, observe: probe.observe, metrics,
    end: (cause, detail) => {
      probe.firstFailure ??= `driver ended the connection: ${cause} (${detail})`;
      probe.integrityFailures++;
    },
  });
  for (const text of capture.prelude) driver.frame(text, Buffer.byteLength(text));
  return driver;
}

export function newMetrics(): GatewayMetrics {
  return createMetrics({ engine: 'bench', version: 'bench', exchanges: ['kraken'], defaultMetrics: false });
}

/** A bot connection that takes every frame (no backlog), counting frames and bytes; keeps nothing. */
export class CountingClient implements ClientSocket {
  private static nextId = 1;
  readonly id = CountingClient.nextId++;
  readonly remoteAddress = '127.0.0.1';
  frames = 0;
  bytes = 0;

  send(text: string, bytes?: Uint8Array): SendOutcome {
    this.frames++;
    this.bytes += bytes?.byteLength ?? text.length;
    return 'sent';
  }

  bufferedBytes(): number {
    return 0;
  }

  close(): void {
    // Nothing to close: the bench never evicts (bufferedBytes is always 0).
  }
}

export interface FanoutRig {
  readonly fanout: Fanout;
  readonly clients: readonly CountingClient[];
  /** Runs the end-of-turn flush the Fanout asked for, if any (what setImmediate does live). */
  endTurn(): void;
}

/**
 * A Fanout on `store` as createDownstreamServer builds it, except that its end-of-turn flush is run by the
 * caller (endTurn) instead of setImmediate, so it can run after each frame synchronously and be timed.
 */
export function newFanout(config: GatewayConfig, capture: Capture, store: BookStore, metrics: GatewayMetrics,
  clientCount: number, bookDepth: number): FanoutRig {
  let pending: (() => void) | undefined;
  const fanout = new Fanout({
    store, metrics, clock: { nowMs: () => performance.timeOrigin + performance.now() },
    log: { info: () => undefined, warn: () => undefined },
    maxBackpressureBytes: config.server.maxBackpressureBytes,
    maxSubscriptionsPerClient: config.server.maxSubscriptionsPerClient,
    schedule: (flush) => {
      pending = flush;
      return () => {
        pending = undefined;
      };
    },
  });
  store.addListener(fanout.listener);
  const clients: CountingClient[] = [];
  for (let i = 0; i < clientCount; i++) {
    const client = new CountingClient();
    clients.push(client);
    fanout.addClient(client);
    const depth = Math.min(bookDepth, capture.depth);
    const target = { exchange: 'kraken', symbol: capture.symbol } as const;
    const book = fanout.subscribe(client, { op: 'subscribe', id: 1, channel: 'book', depth, ...target });
    const trades = fanout.subscribe(client, { op: 'subscribe', id: 2, channel: 'trades', depth: undefined, ...target });
    if (book !== undefined || trades !== undefined) throw new Error(`bench: subscribe failed: ${(book ?? trades)!.message}`);
  }
  return {
    fanout, clients,
    endTurn() {
      const flush = pending;
      pending = undefined;
      flush?.();
    },
  };
}
