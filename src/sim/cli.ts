// `npm run sim -- <venue> [--port 8790] [--host 127.0.0.1] [--seed N] [--symbols A/B,C/D] [--update-interval-ms N]`
// `npm run sim -- kraken-replay --capture file.cbcap [--capture …] [--speed 1]` plays back real captures.
// `npm run sim -- binance-replay --capture capture-….jsonl [--speed 0]` plays back a real Binance recording.
// `npm run sim -- coinbase-replay --capture capture-….jsonl.gz [--speed 0]` plays back a real Coinbase recording.
// Starts one venue simulator, prints its URL, stops on SIGINT/SIGTERM. A venue is one entry in VENUES.
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { startBinanceReplayServer } from './binance/replay-server.ts';
import { startBinanceSimulator } from './binance/server.ts';
import { startCoinbaseReplayServer } from './coinbase/replay-server.ts';
import { startCoinbaseSimulator } from './coinbase/server.ts';
import { startKrakenReplayServer } from './kraken/replay-server.ts';
import { startKrakenSimulator } from './kraken/server.ts';

interface CliOptions {
  readonly host: string;
  readonly port: number;
  readonly seed?: number;
  readonly symbols?: string[];
  readonly updateIntervalMs?: number;
  readonly idleTimeoutMs?: number;
  /** kraken-replay: capture files (.cbcap) to play back; binance-replay, coinbase-replay: one capture. */
  readonly captures: string[];
  /** kraken-replay: 1 = as captured, 0 = as fast as possible. */
  readonly speed: number;
}

interface RunningSimulator {
  readonly url: string;
  /** REST base URL, for venues that serve snapshots over HTTP (Binance). */
  readonly restUrl?: string;
  stop(): Promise<void>;
}

interface VenueSimulator {
  readonly description: string;
  start(options: CliOptions): Promise<RunningSimulator>;
}

const VENUES: Readonly<Record<string, VenueSimulator>> = {
  kraken: {
    description: 'Kraken Spot WebSocket v2 (book, trade, instrument, heartbeat, ping)',
    start: (options) => startKrakenSimulator(options),
  },
  'kraken-replay': {
    description: 'plays back real Kraken captures (--capture file.cbcap, repeatable; --speed 1)',
    start: (options) => {
      if (options.captures.length === 0) throw new RangeError('kraken-replay needs at least one --capture <file.cbcap>');
      return startKrakenReplayServer({ host: options.host, port: options.port, speed: options.speed,
        captures: options.captures.map((file) => ({ file: resolve(file) })) });
    },
  },
  binance: {
    description: 'Binance Spot market streams (/ws, /stream: depth, depth@100ms, trade, bookTicker) + REST /api/v3/depth',
    start: (options) => startBinanceSimulator({ host: options.host, port: options.port, seed: options.seed,
      symbols: options.symbols, updateIntervalMs: options.updateIntervalMs }),
  },
  'binance-replay': {
    description: 'plays back a real Binance capture with its REST snapshots (--capture capture-….jsonl; --speed 0 = fast)',
    start: (options) => {
      const [capture, ...more] = options.captures;
      if (capture === undefined || more.length > 0) throw new RangeError('binance-replay needs exactly one --capture <file.jsonl>');
      return startBinanceReplayServer({ host: options.host, port: options.port, speed: options.speed, capture: resolve(capture) });
    },
  },
  coinbase: {
    description: 'Coinbase Advanced Trade market data (level2, market_trades, heartbeats; live wire format, whole-book snapshots)',
    start: (options) => startCoinbaseSimulator({ host: options.host, port: options.port, seed: options.seed,
      symbols: options.symbols, updateIntervalMs: options.updateIntervalMs }),
  },
  'coinbase-replay': {
    description: 'plays back a real Coinbase capture as recorded, data before acks (--capture capture-….jsonl.gz; --speed 0 = fast)',
    start: (options) => {
      const [capture, ...more] = options.captures;
      if (capture === undefined || more.length > 0) throw new RangeError('coinbase-replay needs exactly one --capture <file.jsonl.gz>');
      return startCoinbaseReplayServer({ host: options.host, port: options.port, speed: options.speed, capture: resolve(capture) });
    },
  },
};

const USAGE = `usage: npm run sim -- <venue> [--port 8790] [--host 127.0.0.1] [--seed N] [--symbols BTC/USD,ETH/USD]
       [--update-interval-ms 50] [--idle-timeout-ms 60000]
       npm run sim -- kraken-replay --port 8790 --capture test/fixtures/kraken/captures/crossbook_kraken_ethusd_d25.cbcap [--speed 1]
       npm run sim -- binance --port 8790 --symbols BTC/USDT,ETH/USDT
       npm run sim -- binance-replay --port 8790 --capture test/fixtures/binance/capture-2021-10-12-spot-4sym.jsonl [--speed 0]
       npm run sim -- coinbase --port 8790 --symbols BTC/USD,ETH/USD
       npm run sim -- coinbase-replay --port 8790 --capture test/fixtures/coinbase/capture-2026-08-09-advtrade-btc-eth.jsonl.gz [--speed 1]
venues: ${Object.entries(VENUES).map(([name, venue]) => `${name} — ${venue.description}`).join('; ')}`;

function integer(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`--${name} must be a non-negative integer, got ${text}`);
  return value;
}

function parseCli(argv: readonly string[]): { venue: VenueSimulator; name: string; options: CliOptions } {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      port: { type: 'string', default: '8790' },
      host: { type: 'string', default: '127.0.0.1' },
      seed: { type: 'string' },
      symbols: { type: 'string' },
      'update-interval-ms': { type: 'string' },
      'idle-timeout-ms': { type: 'string' },
      capture: { type: 'string', multiple: true },
      speed: { type: 'string', default: '1' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const name = positionals[0];
  const venue = name === undefined ? undefined : VENUES[name];
  if (values.help === true || name === undefined || venue === undefined) {
    throw new RangeError(name === undefined || values.help === true ? USAGE : `unknown venue "${name}"\n${USAGE}`);
  }
  return {
    venue,
    name,
    options: {
      host: values.host,
      port: integer('port', values.port) ?? 8790,
      seed: integer('seed', values.seed),
      symbols: values.symbols?.split(',').map((symbol) => symbol.trim().toUpperCase()).filter((symbol) => symbol !== ''),
      updateIntervalMs: integer('update-interval-ms', values['update-interval-ms']),
      idleTimeoutMs: integer('idle-timeout-ms', values['idle-timeout-ms']),
      captures: values.capture ?? [],
      speed: Number(values.speed),
    },
  };
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parseCli>;
  let simulator: RunningSimulator;
  try {
    parsed = parseCli(process.argv.slice(2));
    simulator = await parsed.venue.start(parsed.options);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 2;
    return;
  }
  console.log(`${parsed.name} simulator listening on ${simulator.url}`);
  if (simulator.restUrl !== undefined) console.log(`${parsed.name} REST on ${simulator.restUrl}`);
  const shutdown = (signal: string) => {
    console.log(`${signal}: stopping ${parsed.name} simulator`);
    simulator.stop().then(() => process.exit(0), (error: unknown) => {
      console.error(error);
      process.exit(1);
    });
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

await main();
