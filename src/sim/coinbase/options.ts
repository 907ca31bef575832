// Options of the Coinbase simulator, with defaults. Production values where a client could notice (the subscribe
// deadline, heartbeat cadence, trade batching, message rate); tests shrink the intervals.
import { requirePositive } from '../option-checks.ts';
import { coinbaseInstrument, DEFAULT_COINBASE_SIM_SYMBOLS, type CoinbaseInstrument } from './instruments.ts';

export interface CoinbaseSimulatorOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0 (an ephemeral port; read it back from `sim.port`). */
  readonly port?: number;
  /** PRNG seed for the markets. Default 1. */
  readonly seed?: number;
  /** Normalized symbols (`BTC/USD`) served. Default BTC/USD, ETH/USD. */
  readonly symbols?: readonly string[];
  /** One market step (one level2 update per product) every this many ms. Default 50. */
  readonly updateIntervalMs?: number;
  /** market_trades updates batch this long (§3.3). Default 250. */
  readonly tradeBatchMs?: number;
  /** Probability that a market step holds a trade. Default 0.3. */
  readonly tradeProbability?: number;
  /** Levels per side of every true book, all sent in the snapshot (23,000 a side ≈ BTC-USD's 5 MB frame). Default 1000. */
  readonly levelsPerSide?: number;
  /** Per-product overrides of `levelsPerSide` (a 5 MB BTC-USD beside a small ETH-USD). */
  readonly levelsPerSideOf?: Readonly<Record<string, number>>;
  /** Heartbeats cadence. Default 1000. */
  readonly heartbeatIntervalMs?: number;
  /** Close a connection that has not subscribed within this long (§2). Default 5000. */
  readonly subscribeDeadlineMs?: number;
  /** Without a heartbeats subscription, a channel of a product with no update for this long is closed. Default 60000. */
  readonly idleChannelMs?: number;
  /** Delay between a level2 subscribe and its snapshot (live: ~0.7 s for 5 MB). Default 0. */
  readonly snapshotDelayMs?: number;
  /** Send each `subscriptions` ack before the data it announces (the documented order; live sends data first). */
  readonly ackBeforeData?: boolean;
  /** Client messages allowed per connection in any 1000 ms, then an error frame and a close (§8). Default 8. */
  readonly maxClientMessagesPerSecond?: number;
}

export interface ResolvedCoinbaseOptions {
  readonly host: string;
  readonly port: number;
  readonly seed: number;
  readonly instruments: readonly CoinbaseInstrument[];
  readonly updateIntervalMs: number;
  readonly tradeBatchMs: number;
  readonly tradeProbability: number;
  readonly levelsPerSide: (productId: string) => number;
  readonly heartbeatIntervalMs: number;
  readonly subscribeDeadlineMs: number;
  readonly idleChannelMs: number;
  readonly snapshotDelayMs: number;
  readonly ackBeforeData: boolean;
  readonly maxClientMessagesPerSecond: number;
}

export function resolveCoinbaseOptions(options: CoinbaseSimulatorOptions): ResolvedCoinbaseOptions {
  const instruments = (options.symbols ?? DEFAULT_COINBASE_SIM_SYMBOLS).map(coinbaseInstrument);
  if (instruments.length === 0) throw new RangeError('coinbase simulator needs at least one symbol');
  const levels = positive('levelsPerSide', options.levelsPerSide ?? 1000);
  const overrides = new Map(Object.entries(options.levelsPerSideOf ?? {})
    .map(([symbol, count]) => [coinbaseInstrument(symbol).productId, positive('levelsPerSideOf', count)]));
  return {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    seed: options.seed ?? 1,
    instruments,
    updateIntervalMs: positive('updateIntervalMs', options.updateIntervalMs ?? 50),
    tradeBatchMs: positive('tradeBatchMs', options.tradeBatchMs ?? 250),
    tradeProbability: options.tradeProbability ?? 0.3,
    levelsPerSide: (productId) => overrides.get(productId) ?? levels,
    heartbeatIntervalMs: positive('heartbeatIntervalMs', options.heartbeatIntervalMs ?? 1000),
    subscribeDeadlineMs: positive('subscribeDeadlineMs', options.subscribeDeadlineMs ?? 5000),
    idleChannelMs: positive('idleChannelMs', options.idleChannelMs ?? 60_000),
    snapshotDelayMs: options.snapshotDelayMs ?? 0,
    ackBeforeData: options.ackBeforeData ?? false,
    maxClientMessagesPerSecond: positive('maxClientMessagesPerSecond', options.maxClientMessagesPerSecond ?? 8),
  };
}

const positive = (name: string, value: number): number => requirePositive('coinbase simulator', name, value);
