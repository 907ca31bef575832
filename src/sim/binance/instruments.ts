// Per-symbol market parameters: a plausible start price, tick size and lot size (in 1e-8 units) so books look like
// Binance's. Any BASE/QUOTE is served; unknown pairs get generic parameters.
import { SCALE } from './fixed8.ts';

export interface BinanceInstrument {
  /** Normalized `BASE/QUOTE`, as bots and config name it. */
  readonly symbol: string;
  /** Venue name: `BTCUSDT` in payloads and REST, `btcusdt` in stream names. */
  readonly venueSymbol: string;
  readonly startPriceUnits: number;
  readonly tickUnits: number;
  readonly lotUnits: number;
  /** Typical resting order sizes, in lots. */
  readonly minLots: number;
  readonly maxLots: number;
  /** Largest price gap between neighbouring levels, in ticks. */
  readonly maxGapTicks: number;
}

type Parameters = Omit<BinanceInstrument, 'symbol' | 'venueSymbol'>;

const units = (value: number) => Math.round(value * SCALE);

const KNOWN: Readonly<Record<string, Parameters>> = {
  'BTC/USDT': { startPriceUnits: units(76745.19), tickUnits: units(0.01), lotUnits: units(0.00001), minLots: 1, maxLots: 200_000, maxGapTicks: 4 },
  'ETH/USDT': { startPriceUnits: units(3012.45), tickUnits: units(0.01), lotUnits: units(0.0001), minLots: 1, maxLots: 200_000, maxGapTicks: 5 },
  'BNB/USDT': { startPriceUnits: units(612.3), tickUnits: units(0.01), lotUnits: units(0.001), minLots: 1, maxLots: 50_000, maxGapTicks: 5 },
  'SOL/USDT': { startPriceUnits: units(178.42), tickUnits: units(0.01), lotUnits: units(0.001), minLots: 1, maxLots: 100_000, maxGapTicks: 4 },
  'XRP/USDT': { startPriceUnits: units(0.5231), tickUnits: units(0.0001), lotUnits: units(1), minLots: 1, maxLots: 50_000, maxGapTicks: 3 },
  'ETH/BTC': { startPriceUnits: units(0.03925), tickUnits: units(0.00001), lotUnits: units(0.0001), minLots: 1, maxLots: 100_000, maxGapTicks: 3 },
};

const GENERIC: Parameters = { startPriceUnits: units(1.5), tickUnits: units(0.0001), lotUnits: units(0.01), minLots: 1, maxLots: 100_000, maxGapTicks: 4 };

export const DEFAULT_BINANCE_SIM_SYMBOLS: readonly string[] = ['BTC/USDT', 'ETH/USDT'];

/** `btc/usdt` or `BTC/USDT` → the instrument; a name without exactly one slash is refused. */
export function binanceInstrument(symbol: string): BinanceInstrument {
  const normalized = symbol.trim().toUpperCase();
  const parts = normalized.split('/');
  if (parts.length !== 2 || parts.some((part) => !/^[A-Z0-9]{1,12}$/.test(part))) {
    throw new RangeError(`binance simulator symbols are BASE/QUOTE (e.g. BTC/USDT), got "${symbol}"`);
  }
  return { symbol: normalized, venueSymbol: parts.join(''), ...(KNOWN[normalized] ?? GENERIC) };
}
