// A SessionDriver on a fake clock: the real venue session, BookStore and budgets, with the socket replaced by calls.
// Frames go in with `frame`, time moves only with `advance` (which then ticks the watchdogs, as the socket's ticker
// would), and everything the driver does comes back as recorded calls. No timer, no socket: each case runs in ms.
import { BookStore } from '../../src/book/book-store.ts';
import { loadConfig } from '../../src/config/load.ts';
import type { VenueConfig } from '../../src/config/types.ts';
import { venueAdapter, type ExchangeId } from '../../src/exchanges/registry.ts';
import type { VenueAdapter } from '../../src/exchanges/types.ts';
import type { FeedEvent } from '../../src/feed/feed-events.ts';
import type { ReconnectCause } from '../../src/feed/reconnect-policy.ts';
import { ResyncBudget } from '../../src/feed/resync-budget.ts';
import type { RestSnapshotSource } from '../../src/feed/rest-snapshot-source.ts';
import { SessionDriver } from '../../src/feed/session-driver.ts';
import { VenueCondition } from '../../src/feed/venue-condition.ts';

export interface DriverHarnessOptions {
  readonly exchange: ExchangeId;
  readonly symbols: readonly string[];
  readonly config?: Partial<VenueConfig>;
  readonly snapshots?: (now: () => number) => RestSnapshotSource;
  /** Epoch ms the clock starts at. */
  readonly start?: number;
}

export interface DriverHarness {
  readonly driver: SessionDriver;
  readonly store: BookStore;
  readonly config: VenueConfig;
  readonly adapter: VenueAdapter<ExchangeId>;
  readonly resyncBudget: ResyncBudget;
  readonly snapshots: RestSnapshotSource | undefined;
  /** Everything observed, in order. */
  readonly events: FeedEvent[];
  readonly sent: { readonly payload: string; readonly urgent: boolean }[];
  /** `end` calls (the socket would close): the first one ends the connection. */
  readonly ended: { readonly cause: ReconnectCause; readonly detail: string }[];
  /** `notBefore` of each `end` call that set one (epoch ms). */
  readonly notBefore: number[];
  readonly counts: { healthy: number; live: number };
  now(): number;
  /** Move the clock and tick the watchdogs once, as the socket's ticker does. */
  advance(ms: number): void;
  frame(text: string): void;
  /** Feed frames, each `stepMs` after the previous one (no tick in between). */
  frames(texts: readonly string[], stepMs?: number): void;
  /** Observed events of one type. */
  of<Type extends FeedEvent['type']>(type: Type): Extract<FeedEvent, { type: Type }>[];
  /** Sent payloads parsed as JSON. */
  sentJson(): Record<string, unknown>[];
}

export function venueConfig(exchange: ExchangeId, overrides: Partial<VenueConfig> = {}): VenueConfig {
  const loaded = loadConfig({ argv: [], env: {} });
  if (!loaded.ok) throw loaded.error;
  return { ...loaded.config.exchanges[exchange], ...overrides };
}

export function driverHarness(options: DriverHarnessOptions): DriverHarness {
  const adapter = venueAdapter(options.exchange);
  const config = venueConfig(options.exchange, { symbols: options.symbols, ...options.config });
  let clock = options.start ?? 1_000_000;
  const now = (): number => clock;
  const store = new BookStore({ tradeBufferSize: 100 });
  for (const symbol of options.symbols) {
    store.register(options.exchange, symbol, { depth: config.bookDepth, checksum: adapter.bookChecksum,
      checksumLevels: adapter.bookChecksumLevels });
  }
  const events: FeedEvent[] = [];
  const sent: { payload: string; urgent: boolean }[] = [];
  const ended: { cause: ReconnectCause; detail: string }[] = [];
  const notBefore: number[] = [];
  const counts = { healthy: 0, live: 0 };
  const resyncBudget = new ResyncBudget({ ...config, escalate: adapter.resyncEscalatesToReconnect ?? true });
  const snapshots = options.snapshots?.(now);
  let over = false;
  const driver: SessionDriver = new SessionDriver({
    adapter, config, store, exchange: options.exchange, id: 1, symbols: options.symbols, now, snapshots,
    observe: (event) => events.push(event),
    metrics: { frameReceived: () => undefined, dataReceived: () => undefined },
    resyncBudget, venue: new VenueCondition(),
    send: (payload, urgent) => sent.push({ payload, urgent }),
    // The rest of a frame's work runs at once: the test sees its effects when frame() returns.
    defer: (work) => work(),
    end: (cause, detail, at) => {
      ended.push({ cause, detail });
      if (at !== undefined) notBefore.push(at);
      // What SocketSession.finish does: the driver stops, its books go stale.
      if (!over) {
        over = true;
        driver.ended('stale', cause);
      }
    },
    signal: (signal) => {
      if (signal === 'healthy') counts.healthy++;
      if (signal === 'live') counts.live++;
    },
  });
  const harness: DriverHarness = {
    driver, store, config, adapter, resyncBudget, snapshots, events, sent, ended, notBefore, counts,
    now,
    advance(ms) {
      clock += ms;
      if (!over) driver.tick();
    },
    frame(text) {
      if (!over) driver.frame(text, text.length);
    },
    frames(texts, stepMs = 0) {
      for (const text of texts) {
        clock += stepMs;
        harness.frame(text);
      }
    },
    of: <Type extends FeedEvent['type']>(type: Type) =>
      events.filter((event): event is Extract<FeedEvent, { type: Type }> => event.type === type),
    sentJson: () => sent.map((each) => JSON.parse(each.payload) as Record<string, unknown>),
  };
  driver.opened();
  return harness;
}
