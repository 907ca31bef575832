// The one configuration schema (convict). Every leaf has doc, format, default and env.
//
// Environment variables: `MGW_` + the key path in SCREAMING_SNAKE_CASE, one variable per key:
//   server.port → MGW_SERVER_PORT, logging.dir → MGW_LOGGING_DIR,
//   exchanges.kraken.reconnect.minDelayMs → MGW_EXCHANGES_KRAKEN_RECONNECT_MIN_DELAY_MS,
//   exchanges.kraken.symbols → MGW_EXCHANGES_KRAKEN_SYMBOLS="BTC/USD,ETH/USD" (comma list).
// `configKeys()` lists them all. An MGW_* variable that names no key is an error, like an unknown key in a file.
//
// Secrets (none exist yet; market data needs no credentials). When a venue key is added, add it as a pair:
//   exchanges.<venue>.apiKey      format mgw-text, default '', sensitive: true
//   exchanges.<venue>.apiKeyFile  path to a file holding the key (the loader reads it and trims the newline)
// and have load.ts reject setting both. Prefer the *File form for services: the secret then lives in a file
// readable only by the service account, not in the JSON config or the service's environment block.
// Any key matching SECRET_KEY_PATTERN (redact.ts) is shown as "[redacted]" by --print-config, and pino redacts
// the same names in log lines. TLS certificate verification cannot be disabled: there is no such key.
import type convict from 'convict';
import {
  COINBASE_DEFAULT_BOOK_DEPTH, COINBASE_DEFAULT_CONNECT_BUDGET, COINBASE_MAX_BOOK_DEPTH, COINBASE_MAX_SYMBOLS_PER_CONNECTION,
  COINBASE_WS_URL,
} from '../exchanges/coinbase/spec.ts';
import { KRAKEN_BOOK_DEPTHS, KRAKEN_MAX_SYMBOLS_PER_CONNECTION, KRAKEN_WS_URL } from '../exchanges/kraken/spec.ts';
import { FORMAT, registerFormats, type FormatRules } from './formats.ts';
import type { GatewayConfig, ReconnectConfig, VenueConfig } from './types.ts';

export const ENV_PREFIX = 'MGW_';

/** A schema leaf: convict's property plus the rule properties our formats read. */
type Leaf<T> = convict.SchemaObj<T> & FormatRules;

function leaf<T>(format: string, defaultValue: T, doc: string, rules: FormatRules = {}): Leaf<T> {
  return { doc, format, default: defaultValue, ...rules };
}
const int = (defaultValue: number, doc: string, rules: FormatRules): Leaf<number> =>
  leaf(FORMAT.int, defaultValue, doc, rules);
const bool = (defaultValue: boolean, doc: string): Leaf<boolean> => leaf(FORMAT.bool, defaultValue, doc);
const oneOf = <T extends string>(values: readonly T[], defaultValue: T, doc: string): Leaf<T> =>
  leaf(FORMAT.oneOf, defaultValue, doc, { values });

const MS_HOUR = 3_600_000;
const MS_DAY = 86_400_000;
const MIB = 1_048_576;

interface VenueDefaults {
  readonly name: string;
  readonly enabled: boolean;
  readonly url: string;
  readonly symbols: readonly string[];
  readonly bookDepth: number;
  readonly depthRules: FormatRules;
  readonly depthDoc: string;
  readonly tradeSnapshot: boolean;
  readonly maxSymbolsPerConnection: number;
  readonly rotateAfterMs: number;
  readonly staleAfterMs: number;
  readonly symbolStaleAfterMs: number;
  /** The connect budget's default: well under the venue's own per-IP limit. */
  readonly connectBudget?: { readonly attempts: number; readonly windowMs: number };
}

const DEFAULT_CONNECT_BUDGET = { attempts: 60, windowMs: 600_000 } as const;

function reconnectSchema(name: string, budget: { readonly attempts: number; readonly windowMs: number }): convict.Schema<ReconnectConfig> {
  return {
    minDelayMs: int(250, `First ${name} reconnect delay (full jitter below it); the first retry after a healthy `
      + 'session is this fast.', { min: 10, max: 600_000 }),
    maxDelayMs: int(30_000, 'Cap of the exponential reconnect delay.', { min: 100, max: MS_HOUR }),
    maintenanceDelayMs: int(5_000, 'Delay floor after the venue reported maintenance or closed with 1013.',
      { min: 0, max: MS_HOUR }),
    rateLimitedDelayMs: int(600_000, 'Delay floor after HTTP 429/418 on the upgrade. Kraken bans an IP for 10 minutes '
      + 'and retrying during a ban renews it.', { min: 0, max: MS_DAY }),
    budgetAttempts: int(budget.attempts, `Connection attempts allowed per budgetWindowMs; the connector waits rather `
      + 'than exceed it. Kraken bans an IP after ~150 attempts in 10 minutes, Binance allows 300 per 5 minutes, '
      + 'Coinbase 8 per second: stay well under.', { min: 1, max: 10_000 }),
    budgetWindowMs: int(budget.windowMs, 'Sliding window of the connect budget.', { min: 1_000, max: MS_DAY }),
  };
}

function venueSchema(d: VenueDefaults): convict.Schema<VenueConfig> {
  return {
    enabled: bool(d.enabled, `Connect to ${d.name} at start-up.`),
    url: leaf(FORMAT.wsUrl, d.url, `${d.name} WebSocket URL (ws:// or wss://; tests and the simulator point it at `
      + 'ws://127.0.0.1:<port>).'),
    symbols: leaf(FORMAT.symbols, d.symbols, `${d.name} symbols to serve, normalized BASE/QUOTE upper case. `
      + 'Environment: a comma list.'),
    bookDepth: int(d.bookDepth, d.depthDoc, d.depthRules),
    tradeSnapshot: bool(d.tradeSnapshot, 'Ask the venue for its recent trades on subscribe.'),
    maxSymbolsPerConnection: int(d.maxSymbolsPerConnection, 'Symbols per upstream connection; more symbols shard '
      + 'across several connections.', { min: 1, max: 1_000 }),
    pingIntervalMs: int(30_000, 'Application-level ping interval.', { min: 1_000, max: 600_000 }),
    pongTimeoutMs: int(10_000, 'No pong within this → reconnect.', { min: 100, max: 600_000 }),
    staleAfterMs: int(d.staleAfterMs, 'No data frame (book or trade) on a connection for this long → reconnect. '
      + 'Heartbeats and pings do not count. Quiet Kraken pairs go ~9 s without book data; Binance sends diffs only '
      + 'when a book changes and quiet pairs go 10–20 s without one.', { min: 1_000, max: MS_HOUR }),
    subscribeAckTimeoutMs: int(10_000, 'No subscribe acknowledgement within this → reconnect.',
      { min: 100, max: 600_000 }),
    snapshotTimeoutMs: int(10_000, 'Acked but no snapshot within this → resubscribe; a second miss reconnects.',
      { min: 100, max: 600_000 }),
    symbolStaleAfterMs: int(d.symbolStaleAfterMs, 'A live book with no update for this long, while its connection '
      + 'still carries data, is refreshed (Kraken: unsubscribe → subscribe; Binance: a new REST snapshot, weight 250 '
      + 'at depth 5000, so its default is long): a subscription can go silent on its own. Quiet pairs go 10 s+ without '
      + 'updates, so keep this generous.', { min: 1_000, max: MS_DAY }),
    subscribeRetryMs: int(30_000, 'A subscription the venue rejected is retried after this, doubling up to 10 min '
      + '(rejections such as "Exceeded msg rate" are transient).', { min: 100, max: 600_000 }),
    resyncBudget: int(5, 'Per-symbol resyncs allowed per resyncWindowMs; then one reconnect per window, then the book '
      + 'waits (not live) until a slot frees.',
      { min: 1, max: 1_000 }),
    resyncWindowMs: int(600_000, 'Sliding window of the resync budget.', { min: 1_000, max: MS_DAY }),
    connectTimeoutMs: int(10_000, 'TCP + TLS + WebSocket handshake must finish within this.',
      { min: 100, max: 600_000 }),
    rotateAfterMs: int(d.rotateAfterMs, `Open a new ${d.name} connection this long after the current one opened, hand `
      + 'every book over to it without a gap, then close the old one (0 = never). Binance closes every connection at '
      + '24 h, so its default is 23 h.', { min: 0, max: MS_DAY }),
    handoverTimeoutMs: int(30_000, 'A rotation whose new connection has not continued every book within this closes '
      + 'the old connection anyway; the new one takes the rest over. Quiet Binance pairs go 10–20 s without a diff.',
    { min: 100, max: 600_000 }),
    reconnect: reconnectSchema(d.name, d.connectBudget ?? DEFAULT_CONNECT_BUDGET),
  };
}

function buildSchema(): convict.Schema<GatewayConfig> {
  const kraken = venueSchema({
    name: 'Kraken', enabled: true, url: KRAKEN_WS_URL, symbols: ['BTC/USD', 'ETH/USD'], bookDepth: 25,
    depthRules: { oneOf: KRAKEN_BOOK_DEPTHS }, depthDoc: 'Kraken book subscription depth (levels per side).',
    tradeSnapshot: true, maxSymbolsPerConnection: KRAKEN_MAX_SYMBOLS_PER_CONNECTION, rotateAfterMs: 0,
    staleAfterMs: 15_000, symbolStaleAfterMs: 120_000,
  });
  const binance = venueSchema({
    name: 'Binance', enabled: false, url: 'wss://stream.binance.com:9443/stream', symbols: ['BTC/USDT'],
    bookDepth: 5000, depthRules: { oneOf: [5, 10, 20, 50, 100, 500, 1000, 5000] },
    depthDoc: 'Binance REST depth snapshot limit = levels per side kept (weight 250 at 1001–5000, 50 at 501–1000; '
      + 'the IP may spend 6000 per minute on every request together).', tradeSnapshot: false,
    maxSymbolsPerConnection: 50, rotateAfterMs: 23 * MS_HOUR, staleAfterMs: 30_000, symbolStaleAfterMs: 30 * 60_000,
  });
  const coinbase = venueSchema({
    name: 'Coinbase', enabled: false, url: COINBASE_WS_URL, symbols: ['BTC/USD', 'ETH/USD'],
    bookDepth: COINBASE_DEFAULT_BOOK_DEPTH, depthRules: { min: 1, max: COINBASE_MAX_BOOK_DEPTH },
    depthDoc: 'Levels per side the store keeps of each Coinbase level2 book (the venue always sends the whole book; '
      + 'bots may subscribe up to this depth). The default keeps every level: BTC-USD\'s 46,000 levels take about '
      + '6 MB of heap (npm run bench -- ingest --venue coinbase measures it). A lower value saves memory; the book then '
      + 'stays exact down to the worst level kept, and may hold fewer levels after the market moved away, until its '
      + 'next snapshot.',
    tradeSnapshot: true, maxSymbolsPerConnection: COINBASE_MAX_SYMBOLS_PER_CONNECTION, rotateAfterMs: 0,
    staleAfterMs: 15_000, symbolStaleAfterMs: 120_000, connectBudget: COINBASE_DEFAULT_CONNECT_BUDGET,
  });
  return {
    server: {
      host: leaf(FORMAT.host, '127.0.0.1', 'Address the bot WebSocket and HTTP server binds. Keep it on loopback: '
        + 'there is no authentication.'),
      port: int(8787, 'Port of ws://<host>:<port>/v1/ws and the HTTP endpoints (0 = any free port, for tests).',
        { min: 0, max: 65_535 }),
      engine: oneOf(['auto', 'uws', 'ws'] as const, 'auto', 'WebSocket engine: auto loads native uWebSockets.js and '
        + 'falls back to ws with a warning.'),
      maxPayloadBytes: int(16_384, 'Largest bot → gateway message accepted.', { min: 256, max: MIB }),
      maxBackpressureBytes: int(MIB, 'Bytes queued to one bot before it gets a fresh snapshot instead of the backlog.',
        { min: 16_384, max: 1_024 * MIB }),
      maxSubscriptionsPerClient: int(200, 'Subscriptions one bot connection may hold.', { min: 1, max: 100_000 }),
      maxErrorsPerMinute: int(60, 'Protocol errors per bot per minute before it is closed as abusive.',
        { min: 1, max: 100_000 }),
      idleTimeoutSeconds: int(120, 'Close a bot connection silent for this long (uWebSockets.js: 8..960).',
        { min: 8, max: 960 }),
    },
    exchanges: { kraken, binance: { ...binance, restUrl: leaf(FORMAT.httpUrl, 'https://api.binance.com',
      'Binance REST base URL for depth snapshots (http:// or https://; https://data-api.binance.vision serves the '
      + 'same depth data).'),
    rest: {
      requestTimeoutMs: int(10_000, 'One REST snapshot request, body included, must finish within this; then it is '
        + 'retried with backoff.', { min: 100, max: 600_000 }),
      weightSharePercent: int(50, 'Share of the IP\'s REST weight limit (6000 per minute) the gateway spends on '
        + 'snapshots; the rest is left to other programs on the same IP.', { min: 1, max: 100 }),
      banPauseMinMs: int(120_000, 'Least pause of every REST request after HTTP 418 (IP ban), whatever Retry-After '
        + 'says; bans last 2 minutes to 3 days and retrying during one lengthens it.', { min: 1_000, max: MS_DAY }),
    } }, coinbase },
    store: {
      tradeBufferSize: int(1_000, 'Recent trades kept per symbol: the dedup window. At least 100, since Kraken resends '
        + 'its last 50 trades on every reconnect.', { min: 100, max: 1_000_000 }),
    },
    logging: {
      dir: leaf(FORMAT.text, '', 'Log directory. Empty = platform default: D:\\market-gateway\\logs on Windows, '
        + '/mnt/d/market-gateway/logs under WSL2, ./logs elsewhere; ./logs if that is not writable.'),
      level: oneOf(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const, 'info', 'Log level.'),
      maxFileBytes: int(10 * MIB, 'Rotate the log file when it reaches this size (checked after each write, so a '
        + 'file can end a few lines over).', { min: 65_536, max: 1_024 * MIB }),
      rotateFrequency: oneOf(['daily', 'hourly'] as const, 'daily', 'Also rotate at every day (or hour) boundary.'),
      keepFiles: int(14, 'Log files kept, the current one included; older ones are deleted on rotation.',
        { min: 1, max: 10_000 }),
      stdout: oneOf(['auto', 'pretty', 'json', 'off'] as const, 'auto', 'What goes to stdout besides the files: auto = '
        + 'human-readable lines on a terminal, NDJSON when stdout is not one (a service: journalctl, the Windows service '
        + 'log); pretty; json; off.'),
      stdoutLevel: oneOf(['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const, 'info',
        'Lowest level written to stdout (the files follow logging.level).'),
    },
  };
}

export function envNameFor(path: readonly string[]): string {
  return ENV_PREFIX + path.map((part) => part.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('_');
}

export interface ConfigKeyInfo {
  readonly key: string;
  readonly env: string;
  readonly doc: string;
  readonly default: unknown;
}

function isLeaf(node: object): node is convict.SchemaObj {
  return 'default' in node;
}

/** Visits every leaf with its key path. */
function forEachLeaf(node: object, path: readonly string[], visit: (leaf: convict.SchemaObj, path: string[]) => void): void {
  for (const [name, child] of Object.entries(node)) {
    if (typeof child !== 'object' || child === null) continue;
    const childPath = [...path, name];
    if (isLeaf(child)) visit(child, childPath);
    else forEachLeaf(child, childPath, visit);
  }
}

/** A fresh schema with `env` set on every leaf (convict clones it, but callers may not). */
export function createSchema(): convict.Schema<GatewayConfig> {
  registerFormats();
  const schema = buildSchema();
  forEachLeaf(schema, [], (node, path) => {
    node.env = envNameFor(path);
  });
  return schema;
}

/** Every key with its environment variable, doc and default: for --help text, docs and tests. */
export function configKeys(): readonly ConfigKeyInfo[] {
  const keys: ConfigKeyInfo[] = [];
  forEachLeaf(createSchema(), [], (node, path) => {
    keys.push({ key: path.join('.'), env: node.env ?? '', doc: node.doc ?? '', default: node.default });
  });
  return keys;
}
