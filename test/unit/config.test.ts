import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ConfigError, formatConfigError, loadConfig, redactedConfigJson, type LoadResult } from '../../src/config/load.ts';
import { LOG_SECRET_KEY_PATTERN, REDACTED, SECRET_KEY_NAMES, SECRET_KEY_PATTERN } from '../../src/config/redact.ts';
import { configKeys } from '../../src/config/schema.ts';
import type { GatewayConfig } from '../../src/config/types.ts';

const dir = mkdtempSync(join(tmpdir(), 'mgw-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function writeJson(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
}

function ok(result: LoadResult): GatewayConfig {
  if (!result.ok) assert.fail(`expected a valid config, got:\n${result.error.message}`);
  return result.config;
}

function failure(result: LoadResult): ConfigError {
  if (result.ok) assert.fail('expected a ConfigError');
  assert.ok(result.error instanceof ConfigError);
  return result.error;
}

describe('loadConfig defaults', () => {
  it('returns the documented defaults, deep-frozen', () => {
    const config = ok(loadConfig({ argv: [], env: {} }));
    assert.deepEqual(config.server, {
      host: '127.0.0.1', port: 8787, engine: 'auto', maxPayloadBytes: 16384, maxBackpressureBytes: 1048576,
      maxSubscriptionsPerClient: 200, maxErrorsPerMinute: 60, idleTimeoutSeconds: 120,
    });
    assert.deepEqual(config.exchanges.kraken, {
      enabled: true, url: 'wss://ws.kraken.com/v2', symbols: ['BTC/USD', 'ETH/USD'], bookDepth: 25, tradeSnapshot: true,
      maxSymbolsPerConnection: 50, pingIntervalMs: 30000, pongTimeoutMs: 10000, staleAfterMs: 15000,
      subscribeAckTimeoutMs: 10000, snapshotTimeoutMs: 10000, symbolStaleAfterMs: 120000, subscribeRetryMs: 30000, resyncBudget: 5, resyncWindowMs: 600000,
      connectTimeoutMs: 10000, rotateAfterMs: 0, handoverTimeoutMs: 30000,
      reconnect: { minDelayMs: 250, maxDelayMs: 30000, maintenanceDelayMs: 5000, rateLimitedDelayMs: 600000, budgetAttempts: 60, budgetWindowMs: 600000,
        breakerFailures: 10, breakerWindowMs: 600000, breakerPauseMs: 300000, stableAfterMs: 30000 },
    });
    assert.equal(config.exchanges.binance.enabled, false);
    assert.equal(config.exchanges.binance.url, 'wss://stream.binance.com:9443/stream');
    assert.equal(config.exchanges.binance.restUrl, 'https://api.binance.com');
    assert.deepEqual(config.exchanges.binance.symbols, ['BTC/USDT']);
    assert.equal(config.exchanges.binance.bookDepth, 5000);
    assert.equal(config.exchanges.binance.rotateAfterMs, 23 * 3_600_000, 'rotated before the venue\'s 24 h cut');
    assert.equal(config.exchanges.binance.staleAfterMs, 30_000, 'Binance sends diffs only on change');
    assert.equal(config.exchanges.binance.symbolStaleAfterMs, 1_800_000, 'a silent-book refresh costs REST weight');
    assert.equal(config.exchanges.coinbase.enabled, false);
    assert.equal(config.exchanges.coinbase.url, 'wss://advanced-trade-ws.coinbase.com');
    assert.deepEqual(config.exchanges.coinbase.symbols, ['BTC/USD', 'ETH/USD']);
    assert.equal(config.exchanges.coinbase.bookDepth, 100_000, 'the whole book Coinbase sends');
    assert.equal(config.exchanges.coinbase.tradeSnapshot, true, 'missed trades come back with the snapshot after a reconnect');
    assert.deepEqual([config.exchanges.coinbase.reconnect.budgetAttempts, config.exchanges.coinbase.reconnect.budgetWindowMs],
      [4, 1_000], 'half of Coinbase\'s 8 connections per second per IP');
    assert.equal(config.store.tradeBufferSize, 1000);
    assert.deepEqual(config.logging, {
      dir: '', level: 'info', maxFileBytes: 10485760, rotateFrequency: 'daily', keepFiles: 14, stdout: 'auto', stdoutLevel: 'info',
    });
    assert.ok(Object.isFrozen(config) && Object.isFrozen(config.exchanges.kraken.reconnect));
    assert.ok(Object.isFrozen(config.exchanges.kraken.symbols));
    assert.throws(() => {
      (config.server as { port: number }).port = 1;
    }, TypeError);
  });

  it('gives every key a doc and a unique MGW_ variable named after its path', () => {
    const keys = configKeys();
    assert.ok(keys.length > 70);
    for (const key of keys) {
      assert.match(key.env, /^MGW_[A-Z0-9_]+$/, key.key);
      assert.ok(key.doc.length > 5, `${key.key} has a doc`);
      assert.notEqual(key.default, undefined, `${key.key} has a default`);
    }
    assert.equal(new Set(keys.map((k) => k.env)).size, keys.length);
    const env = new Map(keys.map((k) => [k.key, k.env]));
    assert.equal(env.get('server.port'), 'MGW_SERVER_PORT');
    assert.equal(env.get('logging.dir'), 'MGW_LOGGING_DIR');
    assert.equal(env.get('exchanges.kraken.url'), 'MGW_EXCHANGES_KRAKEN_URL');
    assert.equal(env.get('exchanges.kraken.symbols'), 'MGW_EXCHANGES_KRAKEN_SYMBOLS');
    assert.equal(env.get('exchanges.binance.restUrl'), 'MGW_EXCHANGES_BINANCE_REST_URL');
    assert.equal(env.get('exchanges.kraken.reconnect.minDelayMs'), 'MGW_EXCHANGES_KRAKEN_RECONNECT_MIN_DELAY_MS');
  });
});

describe('loadConfig sources', () => {
  it('merges --config over the defaults (arrays replace, siblings keep defaults)', () => {
    const file = writeJson('merge.json', { server: { port: 9000 }, exchanges: { kraken: { symbols: ['SOL/USD'] } } });
    const result = loadConfig({ argv: ['--config', file], env: {} });
    const config = ok(result);
    assert.equal(config.server.port, 9000);
    assert.equal(config.server.host, '127.0.0.1');
    assert.deepEqual(config.exchanges.kraken.symbols, ['SOL/USD']);
    assert.equal(config.exchanges.kraken.bookDepth, 25);
    assert.ok(result.ok && result.configFile === file && !result.printConfig);
  });

  it('lets MGW_* variables override single keys, over the file too', () => {
    const file = writeJson('env.json', { server: { port: 9000 }, logging: { level: 'debug' } });
    const config = ok(loadConfig({ argv: [`--config=${file}`], env: {
      MGW_SERVER_PORT: '9100', MGW_EXCHANGES_KRAKEN_SYMBOLS: 'BTC/USD, ETH/EUR,', MGW_EXCHANGES_KRAKEN_TRADE_SNAPSHOT: 'false',
      MGW_EXCHANGES_BINANCE_ENABLED: 'TRUE', MGW_LOGGING_DIR: '/var/log/mgw', PATH: '/usr/bin',
    } }));
    assert.equal(config.server.port, 9100);
    assert.equal(config.logging.level, 'debug');
    assert.deepEqual(config.exchanges.kraken.symbols, ['BTC/USD', 'ETH/EUR']);
    assert.equal(config.exchanges.kraken.tradeSnapshot, false);
    assert.equal(config.exchanges.binance.enabled, true);
    assert.equal(config.logging.dir, '/var/log/mgw');
  });

  it('parses --print-config and rejects unknown arguments', () => {
    const printing = loadConfig({ argv: ['--print-config'], env: {} });
    assert.ok(printing.ok && printing.printConfig);
    const err = failure(loadConfig({ argv: ['--port', '1', '--config'], env: {} }));
    assert.match(err.message, /^--port: unknown command-line argument/m);
    assert.match(err.message, /^1: unknown command-line argument/m);
    assert.match(err.message, /^--config: needs a file path/m);
  });

  it('rejects Kraken v1 asset names, which would reach bots as a second name for the same book', () => {
    const err = failure(loadConfig({ argv: [], env: { MGW_EXCHANGES_KRAKEN_SYMBOLS: 'XBT/USD,ETH/USD' } }));
    assert.match(err.message, /exchanges\.kraken\.symbols: XBT\/USD uses Kraken's v1 asset name; write BTC\/USD/);
  });

  it('loads the example files shipped in config/', () => {
    const shipped = (name: string): string => fileURLToPath(new URL(`../../config/${name}`, import.meta.url));
    const example = ok(loadConfig({ argv: ['--config', shipped('example.json')], env: {} }));
    assert.equal(example.exchanges.binance.enabled, false, 'only implemented venues are enabled');
    assert.deepEqual(example.exchanges.kraken.symbols, ['BTC/USD', 'ETH/USD', 'SOL/USD', 'XRP/USD']);
    const binanceSim = ok(loadConfig({ argv: ['--config', shipped('binance-local-sim.json')], env: {} }));
    assert.equal(binanceSim.exchanges.binance.url, 'ws://127.0.0.1:8791/stream');
    assert.equal(binanceSim.exchanges.binance.restUrl, 'http://127.0.0.1:8791');
    assert.equal(binanceSim.exchanges.kraken.enabled, false);
    const sim = loadConfig({ argv: ['--config', shipped('kraken-local-sim.json')], env: {} });
    assert.equal(ok(sim).exchanges.kraken.url, 'ws://127.0.0.1:8790/v2');
    assert.ok(sim.ok && sim.warnings.length === 0, 'loopback ws:// is not worth a warning');
  });
});

describe('loadConfig problems', () => {
  it('names the file when it is missing, not JSON, or not an object', () => {
    const missing = join(dir, 'nope.json');
    assert.match(failure(loadConfig({ argv: ['--config', missing], env: {} })).message,
      new RegExp(`^--config: cannot read ${missing.replace(/[.\\]/g, '\\$&')} \\(ENOENT`));
    const broken = writeJson('broken.json', '{"server": {"port": 1,}}');
    assert.match(failure(loadConfig({ argv: ['--config', broken], env: {} })).message,
      new RegExp(`--config: ${broken.replace(/[.\\]/g, '\\$&')} is not valid JSON \\(`));
    const list = writeJson('list.json', '[1]');
    assert.match(failure(loadConfig({ argv: ['--config', list], env: {} })).message, /must hold a JSON object/);
  });

  it('rejects unknown keys with their path, a suggestion and the file they came from', () => {
    const file = writeJson('unknown.json', { server: { prot: 1 }, exchanges: { kraken: { tlsVerify: false } } });
    const err = failure(loadConfig({ argv: ['--config', file], env: {} }));
    const byKey = new Map(err.problems.map((p) => [p.key, p]));
    assert.match(byKey.get('server.prot')?.reason ?? '', /^unknown key \(not in the schema\); did you mean server\.port\?$/);
    assert.equal(byKey.get('server.prot')?.source, file);
    assert.match(byKey.get('exchanges.kraken.tlsVerify')?.reason ?? '', /^unknown key/);
  });

  it('reports an object where a value belongs (or the reverse) once, at that key', () => {
    const file = writeJson('shape.json', { exchanges: 5, server: { port: { x: 1 } } });
    const err = failure(loadConfig({ argv: ['--config', file], env: {} }));
    assert.deepEqual(err.problems.map((p) => `${p.key}: ${p.reason}`), [
      'server.port: must be a single value, not an object (got {"x":1})',
      'exchanges: must be an object holding kraken, binance, coinbase (got 5)',
    ]);
  });

  it('rejects unknown MGW_* variables, and lower-case ones that would be ignored', () => {
    const err = failure(loadConfig({ argv: [], env: { MGW_SERVER_PROT: '1' } }));
    assert.equal(err.message, 'MGW_SERVER_PROT: unknown environment variable (no such key); did you mean MGW_SERVER_PORT?');
    if (process.platform !== 'win32') {
      const lower = failure(loadConfig({ argv: [], env: { mgw_server_port: '1' } }));
      assert.equal(lower.message, 'mgw_server_port: unknown environment variable (no such key); did you mean MGW_SERVER_PORT?');
    }
  });

  it('rejects a Kraken depth the venue does not offer, with key path and reason', () => {
    const file = writeJson('depth.json', { exchanges: { kraken: { bookDepth: 30 } } });
    const err = failure(loadConfig({ argv: ['--config', file], env: {} }));
    assert.equal(err.message, 'exchanges.kraken.bookDepth: must be one of 10, 25, 100, 500, 1000 (got 30)');
    assert.equal(err.problems[0]?.source, file);
    const fromEnv = failure(loadConfig({ argv: [], env: { MGW_EXCHANGES_KRAKEN_BOOK_DEPTH: '30' } }));
    assert.equal(fromEnv.problems[0]?.source, 'MGW_EXCHANGES_KRAKEN_BOOK_DEPTH');
  });

  it('rejects URLs of the wrong scheme or with credentials', () => {
    const err = failure(loadConfig({ argv: [], env: {
      MGW_EXCHANGES_KRAKEN_URL: 'https://ws.kraken.com/v2', MGW_EXCHANGES_BINANCE_REST_URL: 'wss://api.binance.com',
      MGW_EXCHANGES_COINBASE_URL: 'wss://user:pw@example.com',
    } }));
    const reasons = new Map(err.problems.map((p) => [p.key, p.reason]));
    assert.equal(reasons.get('exchanges.kraken.url'), 'must be a ws:// or wss:// URL (got "https://ws.kraken.com/v2")');
    assert.equal(reasons.get('exchanges.binance.restUrl'), 'must be a http:// or https:// URL (got "wss://api.binance.com")');
    assert.match(reasons.get('exchanges.coinbase.url') ?? '', /^must not embed credentials/);
    assert.doesNotMatch(err.message, /pw/);
  });

  it('rejects symbols that are not BASE/QUOTE upper case, or repeated', () => {
    const bad = failure(loadConfig({ argv: [], env: { MGW_EXCHANGES_KRAKEN_SYMBOLS: 'BTC/USD,btc-usd' } }));
    assert.equal(bad.message, 'exchanges.kraken.symbols: must list symbols as BASE/QUOTE in upper case, e.g. "BTC/USD" '
      + '(got "btc-usd") (did you mean "BTC/USD"?)');
    const twice = failure(loadConfig({ argv: [], env: { MGW_EXCHANGES_KRAKEN_SYMBOLS: 'BTC/USD,BTC/USD' } }));
    assert.equal(twice.message, 'exchanges.kraken.symbols: must not list a symbol twice (got "BTC/USD")');
  });

  it('reports every problem at once, including unparseable numbers and booleans', () => {
    const err = failure(loadConfig({ argv: [], env: {
      MGW_SERVER_PORT: '80a', MGW_EXCHANGES_KRAKEN_ENABLED: 'yes', MGW_SERVER_ENGINE: 'fast', MGW_LOGGING_KEEP_FILES: '0',
    } }));
    const reasons = new Map(err.problems.map((p) => [p.key, p.reason]));
    assert.equal(reasons.get('server.port'), 'must be an integer (got "80a")');
    assert.equal(reasons.get('exchanges.kraken.enabled'), 'must be true or false (got "yes")');
    assert.equal(reasons.get('server.engine'), 'must be one of auto, uws, ws (got "fast")');
    assert.equal(reasons.get('logging.keepFiles'), 'must be at least 1 (got 0)');
    const text = formatConfigError(err);
    assert.match(text, /^market-gateway: invalid configuration \(4 problems\); nothing was started\.$/m);
    assert.match(text, /^ {2}server\.port: must be an integer \(got "80a"\) {2}\[from MGW_SERVER_PORT\]$/m);
  });

  it('reports mistakes of different kinds together: a bad port, a malformed symbol and a v1 symbol name', () => {
    const path = writeJson('three-mistakes.json', { server: { port: 70000 }, exchanges: { kraken: { symbols: ['XBT/USD', 'DOGE'] } } });
    const err = failure(loadConfig({ argv: ['--config', path], env: {} }));
    assert.deepEqual(err.problems.map((p) => p.key).sort(), ['exchanges.kraken.symbols', 'exchanges.kraken.symbols', 'server.port']);
    assert.match(err.message, /server\.port: must be at most 65535 \(got 70000\)/);
    assert.match(err.message, /exchanges\.kraken\.symbols: .*"DOGE"/);
    assert.match(err.message, /exchanges\.kraken\.symbols: XBT\/USD uses Kraken's v1 asset name; write BTC\/USD/);
    assert.match(formatConfigError(err), /invalid configuration \(3 problems\)/);
    const fromEnv = failure(loadConfig({ argv: [], env: { MGW_EXCHANGES_KRAKEN_SYMBOLS: 'XBT/USD,DOGE' } }));
    assert.equal(fromEnv.problems.length, 2, fromEnv.message);
  });

  it('checks rules that span keys', () => {
    const err = failure(loadConfig({ argv: [], env: {
      MGW_EXCHANGES_KRAKEN_SYMBOLS: '', MGW_EXCHANGES_BINANCE_RECONNECT_MIN_DELAY_MS: '40000',
    } }));
    const reasons = new Map(err.problems.map((p) => [p.key, p.reason]));
    assert.equal(reasons.get('exchanges.kraken.symbols'), 'must list at least one symbol while exchanges.kraken.enabled is true');
    assert.equal(reasons.get('exchanges.binance.reconnect.minDelayMs'),
      'must not exceed exchanges.binance.reconnect.maxDelayMs (30000) (got 40000)');
    const ban = failure(loadConfig({ argv: [], env: {
      MGW_EXCHANGES_KRAKEN_RECONNECT_BUDGET_ATTEMPTS: '40', MGW_EXCHANGES_KRAKEN_RECONNECT_BUDGET_WINDOW_MS: '60000',
    } }));
    assert.equal(ban.message, 'exchanges.kraken.reconnect.budgetAttempts: must keep attempts under Kraken\'s ban limit of '
      + '150 per 600000 ms (40 per 60000 ms allows up to 400)');
    const binance = failure(loadConfig({ argv: [], env: {
      MGW_EXCHANGES_BINANCE_RECONNECT_BUDGET_ATTEMPTS: '100', MGW_EXCHANGES_BINANCE_RECONNECT_BUDGET_WINDOW_MS: '60000',
    } }));
    assert.equal(binance.message, 'exchanges.binance.reconnect.budgetAttempts: must keep attempts under Binance\'s limit of '
      + '300 per 300000 ms (100 per 60000 ms allows up to 500)');
    // A per-second venue limit: a longer window could spend its whole budget within one second.
    const coinbase = failure(loadConfig({ argv: [], env: {
      MGW_EXCHANGES_COINBASE_RECONNECT_BUDGET_ATTEMPTS: '10', MGW_EXCHANGES_COINBASE_RECONNECT_BUDGET_WINDOW_MS: '60000',
    } }));
    assert.equal(coinbase.message, 'exchanges.coinbase.reconnect.budgetAttempts: must keep attempts under Coinbase\'s limit '
      + 'of 8 per 1000 ms (10 per 60000 ms allows up to 10)');
  });

  it('warns about legal but risky settings', () => {
    const result = loadConfig({ argv: [], env: { MGW_SERVER_HOST: '0.0.0.0', MGW_EXCHANGES_KRAKEN_URL: 'ws://ws.kraken.com/v2' } });
    assert.ok(result.ok);
    assert.equal(result.warnings.length, 2);
    assert.match(result.warnings[0] ?? '', /^server\.host is 0\.0\.0\.0, not loopback/);
    assert.match(result.warnings[1] ?? '', /^exchanges\.kraken\.url uses plain ws:\/\//);
  });
});

describe('--print-config redaction', () => {
  it('prints the effective config as JSON that parses back to it', () => {
    const config = ok(loadConfig({ argv: [], env: {} }));
    assert.deepEqual(JSON.parse(redactedConfigJson(config)), config);
  });

  it('redacts any secret-looking key at any depth, keeps empty ones visible', () => {
    const text = redactedConfigJson({
      exchanges: { kraken: { apiKey: 'k-123', apiSecretFile: '/etc/mgw/secret', passphrase: '', symbols: ['BTC/USD'] } },
      nested: [{ authToken: 'tok' }, { Password: 'pw', privateKey: { pem: 'x' } }],
    });
    assert.doesNotMatch(text, /k-123|\/etc\/mgw|tok"|pw"|pem/);
    const parsed: unknown = JSON.parse(text);
    assert.deepEqual(parsed, {
      exchanges: { kraken: { apiKey: REDACTED, apiSecretFile: REDACTED, passphrase: '', symbols: ['BTC/USD'] } },
      nested: [{ authToken: REDACTED }, { Password: REDACTED, privateKey: REDACTED }],
    });
  });

  it('keeps pino\'s exact names in step with the pattern; no schema key looks secret yet', () => {
    for (const name of SECRET_KEY_NAMES) assert.match(name, LOG_SECRET_KEY_PATTERN);
    for (const { key } of configKeys()) assert.doesNotMatch(key, SECRET_KEY_PATTERN);
  });
});
