// Options of the Binance simulator, with defaults. Production values where a client could notice (limits, ping
// cadence, lifetime); tests shrink the intervals.
import { requirePositive } from '../option-checks.ts';
import { binanceInstrument, DEFAULT_BINANCE_SIM_SYMBOLS, type BinanceInstrument } from './instruments.ts';

export interface BinanceSimulatorOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0 (an ephemeral port; read it back from `sim.port`). */
  readonly port?: number;
  /** PRNG seed for the markets. Default 1. */
  readonly seed?: number;
  /** Normalized symbols (`BTC/USDT`). Default BTC/USDT, ETH/USDT. */
  readonly symbols?: readonly string[];
  /** One `@depth@100ms` event per symbol every this many ms. Default 100. */
  readonly updateIntervalMs?: number;
  /** `@depth` (1000 ms) events aggregate this many ms of changes. Default 1000. */
  readonly slowDepthIntervalMs?: number;
  /** Probability that a market step contains a trade. Default 0.3. */
  readonly tradeProbability?: number;
  /** Levels kept per side of the true book (a `limit=5000` snapshot returns at most this). Default 1000. */
  readonly levelsPerSide?: number;
  /** WebSocket PING frame cadence. Default 20_000. */
  readonly pingIntervalMs?: number;
  /** No PONG echoing a ping's payload within this → close. Default 60_000. */
  readonly pongTimeoutMs?: number;
  /** Close each connection after this long; 0 = never. Default 24 h. */
  readonly connectionLifetimeMs?: number;
  /** With a lifetime: send `serverShutdown` this long before the lifetime close; 0 = no notice. Default 0. */
  readonly shutdownNoticeMs?: number;
  /** Incoming messages (text, PING, PONG) allowed per connection in any 1000 ms. Default 5. */
  readonly maxMessagesPerSecond?: number;
  /** Default 1024. */
  readonly maxStreamsPerConnection?: number;
  /** REST request weight allowed per minute window. Default 6000. */
  readonly weightLimitPerMinute?: number;
  /** Length of a 418 ban. Default 120. */
  readonly banSeconds?: number;
  /** Delay before every REST response. Default 0. */
  readonly restLatencyMs?: number;
}

export interface ResolvedBinanceOptions {
  readonly host: string;
  readonly port: number;
  readonly seed: number;
  readonly instruments: readonly BinanceInstrument[];
  readonly updateIntervalMs: number;
  readonly slowDepthIntervalMs: number;
  readonly tradeProbability: number;
  readonly levelsPerSide: number;
  readonly pingIntervalMs: number;
  readonly pongTimeoutMs: number;
  readonly connectionLifetimeMs: number;
  readonly shutdownNoticeMs: number;
  readonly maxMessagesPerSecond: number;
  readonly maxStreamsPerConnection: number;
  readonly weightLimitPerMinute: number;
  readonly banSeconds: number;
  readonly restLatencyMs: number;
}

export function resolveBinanceOptions(options: BinanceSimulatorOptions): ResolvedBinanceOptions {
  const instruments = (options.symbols ?? DEFAULT_BINANCE_SIM_SYMBOLS).map(binanceInstrument);
  if (instruments.length === 0) throw new RangeError('binance simulator needs at least one symbol');
  return {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    seed: options.seed ?? 1,
    instruments,
    updateIntervalMs: positive('updateIntervalMs', options.updateIntervalMs ?? 100),
    slowDepthIntervalMs: positive('slowDepthIntervalMs', options.slowDepthIntervalMs ?? 1000),
    tradeProbability: options.tradeProbability ?? 0.3,
    levelsPerSide: positive('levelsPerSide', options.levelsPerSide ?? 1000),
    pingIntervalMs: positive('pingIntervalMs', options.pingIntervalMs ?? 20_000),
    pongTimeoutMs: positive('pongTimeoutMs', options.pongTimeoutMs ?? 60_000),
    connectionLifetimeMs: options.connectionLifetimeMs ?? 24 * 60 * 60 * 1000,
    shutdownNoticeMs: options.shutdownNoticeMs ?? 0,
    maxMessagesPerSecond: positive('maxMessagesPerSecond', options.maxMessagesPerSecond ?? 5),
    maxStreamsPerConnection: positive('maxStreamsPerConnection', options.maxStreamsPerConnection ?? 1024),
    weightLimitPerMinute: positive('weightLimitPerMinute', options.weightLimitPerMinute ?? 6000),
    banSeconds: positive('banSeconds', options.banSeconds ?? 120),
    restLatencyMs: options.restLatencyMs ?? 0,
  };
}

const positive = (name: string, value: number): number => requirePositive('binance simulator', name, value);
