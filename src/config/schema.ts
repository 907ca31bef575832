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
import { EXCHANGE_IDS, venueAdapters } from '../exchanges/registry.ts';
import { FORMAT, registerFormats } from './formats.ts';
import { bool, int, leaf, MIB, MS_DAY, MS_HOUR, oneOf } from './schema-leaves.ts';
import type { GatewayConfig } from './types.ts';
import { venueSchema } from './venue-schema.ts';

export const ENV_PREFIX = 'MGW_';

function buildSchema(): convict.Schema<GatewayConfig> {
  const exchanges = Object.fromEntries(EXCHANGE_IDS.map((id) => [id, venueSchema(venueAdapters[id])]));
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
    exchanges: exchanges as convict.Schema<GatewayConfig['exchanges']>,
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
    recorder: {
      enabled: bool(true, 'Flight recorder: every raw upstream frame and REST answer with its receive time, gzip NDJSON '
        + 'in <log directory>/recorder (npm run replay plays it back).'),
      maxTotalBytes: int(512 * MIB, 'Recordings kept, in compressed bytes; the oldest files are deleted beyond it.',
        { min: MIB, max: 1_048_576 * MIB }),
      maxFileBytes: int(64 * MIB, 'Start a new recording file at this compressed size.', { min: 65_536, max: 4_096 * MIB }),
      rotateAfterMs: int(MS_HOUR, 'Start a new recording file after this long.', { min: 1_000, max: MS_DAY }),
      incidents: bool(true, 'On a checksum mismatch, sequence gap or crossed book, write an incident bundle (the '
        + 'connection\'s last frames, the book before and after, the reason, the config) to <log directory>/incidents.'),
      incidentWindowMs: int(60_000, 'How far back an incident bundle reaches (frames of that connection).',
        { min: 1_000, max: 600_000 }),
      keepIncidents: int(100, 'Incident bundles kept; the oldest are deleted beyond it.', { min: 1, max: 100_000 }),
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
