// Options of the Kraken simulator, with defaults. Intervals are short enough for tests, close enough to production.
import { requirePositive } from '../option-checks.ts';
import { DEFAULT_SIM_SYMBOLS, findInstrument, KRAKEN_INSTRUMENTS, type KrakenInstrument } from './instruments.ts';

export interface KrakenSimulatorOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0 (an ephemeral port; read it back from `sim.port`). */
  readonly port?: number;
  /** PRNG seed for the markets and connection ids. Default 1. */
  readonly seed?: number;
  /** Symbols served; others get `Currency pair not supported`. Default BTC/USD, ETH/USD. */
  readonly symbols?: readonly string[];
  /** One market step per symbol every this many ms. Default 50. */
  readonly updateIntervalMs?: number;
  /** Probability that a market step contains a trade. Default 0.25. */
  readonly tradeProbability?: number;
  /** Per-connection heartbeat once anything is subscribed. Default 1000. */
  readonly heartbeatIntervalMs?: number;
  /** Delay between a book ack and its snapshot (production: ~100–470 ms). Default 30. */
  readonly snapshotDelayMs?: number;
  /** Close a connection after this long without a client message; 0 = never. Default 60000. */
  readonly idleTimeoutMs?: number;
  /** Delay before answering an upgrade. Default 0. Also settable on the running simulator. */
  readonly handshakeDelayMs?: number;
  /** Depth of the true book per side (≥ the largest depth served, 1000). Default 1050. */
  readonly levelsPerSide?: number;
}

export interface ResolvedSimulatorOptions {
  readonly host: string;
  readonly port: number;
  readonly seed: number;
  readonly instruments: readonly KrakenInstrument[];
  readonly updateIntervalMs: number;
  readonly tradeProbability: number;
  readonly heartbeatIntervalMs: number;
  readonly snapshotDelayMs: number;
  readonly idleTimeoutMs: number;
  readonly handshakeDelayMs: number;
  readonly levelsPerSide: number;
}

export function resolveSimulatorOptions(options: KrakenSimulatorOptions): ResolvedSimulatorOptions {
  const symbols = options.symbols ?? DEFAULT_SIM_SYMBOLS;
  const instruments = symbols.map((symbol) => {
    const instrument = findInstrument(symbol);
    if (instrument === undefined) {
      const known = KRAKEN_INSTRUMENTS.map((known) => known.symbol).join(', ');
      throw new RangeError(`kraken simulator has no instrument ${symbol} (known: ${known})`);
    }
    return instrument;
  });
  return {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    seed: options.seed ?? 1,
    instruments,
    updateIntervalMs: positive('updateIntervalMs', options.updateIntervalMs ?? 50),
    tradeProbability: options.tradeProbability ?? 0.25,
    heartbeatIntervalMs: positive('heartbeatIntervalMs', options.heartbeatIntervalMs ?? 1000),
    snapshotDelayMs: options.snapshotDelayMs ?? 30,
    idleTimeoutMs: options.idleTimeoutMs ?? 60_000,
    handshakeDelayMs: options.handshakeDelayMs ?? 0,
    levelsPerSide: options.levelsPerSide ?? 1050,
  };
}

const positive = (name: string, value: number): number => requirePositive('kraken simulator', name, value);
