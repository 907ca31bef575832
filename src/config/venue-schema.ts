// The `exchanges.<id>` part of the schema, built from each registered venue adapter: its defaults, depth rules,
// connect budget and lifetime come from the adapter (the single source of a venue's facts), never written here.
import type convict from 'convict';
import type { VenueAdapter } from '../exchanges/types.ts';
import { FORMAT, type FormatRules } from './formats.ts';
import { bool, int, leaf, MS_DAY, MS_HOUR } from './schema-leaves.ts';
import type { ReconnectConfig, RestConfig, VenueConfig } from './types.ts';

const DEFAULT_CONNECT_BUDGET = { attempts: 60, windowMs: 600_000 } as const;
/** A venue that cuts connections at a lifetime is rotated this long before it. */
const ROTATE_AHEAD_OF_LIFETIME_MS = MS_HOUR;

/** `doc` plus the venue's own note on `key`, if it has one. */
function withNote(adapter: VenueAdapter, key: string, doc: string): string {
  const note = adapter.configFacts.keyNotes?.[key];
  return note === undefined ? doc : `${doc} ${note}`;
}

function depthRules(adapter: VenueAdapter): FormatRules {
  return adapter.allowedBookDepths.length > 0 ? { oneOf: adapter.allowedBookDepths }
    : { min: 1, max: adapter.configFacts.maxBookDepth ?? 10_000 };
}

function reconnectSchema(adapter: VenueAdapter): convict.Schema<ReconnectConfig> {
  const { name } = adapter.configFacts;
  const budget = adapter.configFacts.defaultConnectBudget ?? DEFAULT_CONNECT_BUDGET;
  return {
    minDelayMs: int(250, `First ${name} reconnect delay (full jitter below it); the first retry after a healthy `
      + 'session is this fast.', { min: 10, max: 600_000 }),
    maxDelayMs: int(30_000, 'Cap of the exponential reconnect delay.', { min: 100, max: MS_HOUR }),
    maintenanceDelayMs: int(5_000, 'Delay floor after the venue reported maintenance or closed with 1013.',
      { min: 0, max: MS_HOUR }),
    rateLimitedDelayMs: int(600_000, withNote(adapter, 'rateLimitedDelayMs', 'Delay floor after HTTP 429/418 on the '
      + 'upgrade.'), { min: 0, max: MS_DAY }),
    budgetAttempts: int(budget.attempts, withNote(adapter, 'budgetAttempts', 'Connection attempts allowed per '
      + 'budgetWindowMs; the connector waits rather than exceed it. Stay well under the venue\'s own limit.'),
    { min: 1, max: 10_000 }),
    budgetWindowMs: int(budget.windowMs, 'Sliding window of the connect budget.', { min: 1_000, max: MS_DAY }),
    breakerFailures: int(10, 'Connections that end before stableAfterMs (or attempts that fail) within '
      + 'breakerWindowMs that open the circuit breaker: the connection then pauses breakerPauseMs, its books say '
      + '`circuit_open`, and one ERROR line says so.', { min: 1, max: 10_000 }),
    breakerWindowMs: int(600_000, 'Sliding window of breakerFailures.', { min: 1_000, max: MS_DAY }),
    breakerPauseMs: int(300_000, 'Pause of an open circuit before the next attempt; a connection that then stays up '
      + 'closes it, one that fails again pauses again.', { min: 1_000, max: MS_DAY }),
    stableAfterMs: int(30_000, 'A connection up this long has stayed up: the circuit breaker closes and its count '
      + 'starts over.', { min: 1_000, max: MS_HOUR }),
  };
}

function restSchema(adapter: VenueAdapter): convict.Schema<RestConfig> {
  const limit = adapter.restSnapshot!.weightLimit;
  return {
    requestTimeoutMs: int(10_000, 'One REST snapshot request, body included, must finish within this; then it is '
      + 'retried with backoff.', { min: 100, max: 600_000 }),
    weightSharePercent: int(50, `Share of the IP's REST weight limit (${limit.perWindow} per ${limit.windowMs / 1000} s) `
      + 'the gateway spends on snapshots; the rest is left to other programs on the same IP.', { min: 1, max: 100 }),
    banPauseMinMs: int(120_000, 'Least pause of every REST request after HTTP 418 (IP ban), whatever Retry-After '
      + 'says; bans last 2 minutes to 3 days and retrying during one lengthens it.', { min: 1_000, max: MS_DAY }),
  };
}

export function venueSchema(adapter: VenueAdapter): convict.Schema<VenueConfig> {
  const facts = adapter.configFacts;
  const lifetime = adapter.maxConnectionLifetimeMs;
  const base: convict.Schema<VenueConfig> = {
    enabled: bool(facts.enabled, `Connect to ${facts.name} at start-up.`),
    url: leaf(FORMAT.wsUrl, adapter.defaultUrl, `${facts.name} WebSocket URL (ws:// or wss://; tests and the simulator `
      + 'point it at ws://127.0.0.1:<port>).'),
    symbols: leaf(FORMAT.symbols, facts.symbols, `${facts.name} symbols to serve, normalized BASE/QUOTE upper case. `
      + 'Environment: a comma list.'),
    bookDepth: int(facts.bookDepth, facts.bookDepthDoc, depthRules(adapter)),
    tradeSnapshot: bool(facts.tradeSnapshot, 'Ask the venue for its recent trades on subscribe.'),
    maxSymbolsPerConnection: int(adapter.maxSymbolsPerConnection, 'Symbols per upstream connection; more symbols shard '
      + 'across several connections.', { min: 1, max: 1_000 }),
    pingIntervalMs: int(30_000, 'Application-level ping interval.', { min: 1_000, max: 600_000 }),
    pongTimeoutMs: int(10_000, 'No pong within this → reconnect.', { min: 100, max: 600_000 }),
    staleAfterMs: int(facts.staleAfterMs, withNote(adapter, 'staleAfterMs', 'No data frame (book or trade) on a '
      + 'connection for this long → reconnect. Heartbeats and pings do not count.'), { min: 1_000, max: MS_HOUR }),
    subscribeAckTimeoutMs: int(10_000, 'No subscribe acknowledgement within this → reconnect.',
      { min: 100, max: 600_000 }),
    snapshotTimeoutMs: int(10_000, 'Acked but no snapshot within this → resubscribe; a second miss reconnects.',
      { min: 100, max: 600_000 }),
    symbolStaleAfterMs: int(facts.symbolStaleAfterMs, withNote(adapter, 'symbolStaleAfterMs', 'A live book with no '
      + 'update for this long, while its connection still carries data, is refreshed: a subscription can go silent on '
      + 'its own. Quiet pairs go 10 s+ without updates, so keep this generous.'), { min: 1_000, max: MS_DAY }),
    subscribeRetryMs: int(30_000, 'A subscription the venue rejected is retried after this, doubling up to 10 min '
      + '(rejections such as "Exceeded msg rate" are transient).', { min: 100, max: 600_000 }),
    resyncBudget: int(5, 'Per-symbol resyncs allowed per resyncWindowMs; then one reconnect per window, then the book '
      + 'waits (not live) until a slot frees.', { min: 1, max: 1_000 }),
    resyncWindowMs: int(600_000, 'Sliding window of the resync budget.', { min: 1_000, max: MS_DAY }),
    connectTimeoutMs: int(10_000, 'TCP + TLS + WebSocket handshake must finish within this.',
      { min: 100, max: 600_000 }),
    rotateAfterMs: int(lifetime === undefined ? 0 : lifetime - ROTATE_AHEAD_OF_LIFETIME_MS, withNote(adapter,
      'rotateAfterMs', `Open a new ${facts.name} connection this long after the current one opened, hand every book `
      + 'over to it without a gap, then close the old one (0 = never).'), { min: 0, max: MS_DAY }),
    handoverTimeoutMs: int(30_000, withNote(adapter, 'handoverTimeoutMs', 'A rotation whose new connection has not '
      + 'continued every book within this closes the old connection anyway; the new one takes the rest over.'),
    { min: 100, max: 600_000 }),
    reconnect: reconnectSchema(adapter),
  };
  if (facts.rest === undefined || adapter.restSnapshot === undefined) return base;
  return { ...base, restUrl: leaf(FORMAT.httpUrl, facts.rest.defaultUrl, facts.rest.urlDoc), rest: restSchema(adapter) };
}
