// Per-product market parameters so simulated books look like Coinbase's: a start price, the price and size decimals
// (Coinbase prints decimals without trailing zeros: "65083.7", "0.12", "1"), typical order sizes and level spacing.
// Any BASE/QUOTE is served; unknown products get generic parameters.

export interface CoinbaseInstrument {
  /** Normalized `BASE/QUOTE`, as bots and config name it. */
  readonly symbol: string;
  /** `BASE-QUOTE`. */
  readonly productId: string;
  /** Start price in ticks of 10^-priceDecimals. */
  readonly startTicks: number;
  readonly priceDecimals: number;
  readonly sizeDecimals: number;
  /** Typical resting order sizes, in units of 10^-sizeDecimals. */
  readonly minLots: number;
  readonly maxLots: number;
  /** Largest price gap between neighbouring levels, in ticks. */
  readonly maxGapTicks: number;
}

type Parameters = Omit<CoinbaseInstrument, 'symbol' | 'productId'>;

const KNOWN: Readonly<Record<string, Parameters>> = {
  'BTC/USD': { startTicks: 6_508_366, priceDecimals: 2, sizeDecimals: 8, minLots: 1_000, maxLots: 200_000_000, maxGapTicks: 40 },
  'ETH/USD': { startTicks: 191_928, priceDecimals: 2, sizeDecimals: 8, minLots: 10_000, maxLots: 2_000_000_000, maxGapTicks: 6 },
  'SOL/USD': { startTicks: 17_842, priceDecimals: 2, sizeDecimals: 8, minLots: 100_000, maxLots: 5_000_000_000, maxGapTicks: 3 },
};

const GENERIC: Parameters = { startTicks: 15_000, priceDecimals: 4, sizeDecimals: 2, minLots: 1, maxLots: 1_000_000, maxGapTicks: 4 };

export const DEFAULT_COINBASE_SIM_SYMBOLS: readonly string[] = ['BTC/USD', 'ETH/USD'];

/** `btc/usd` or `BTC/USD` → the instrument; a name without exactly one slash is refused. */
export function coinbaseInstrument(symbol: string): CoinbaseInstrument {
  const normalized = symbol.trim().toUpperCase();
  const parts = normalized.split('/');
  if (parts.length !== 2 || parts.some((part) => !/^[A-Z0-9]{1,12}$/.test(part))) {
    throw new RangeError(`coinbase simulator symbols are BASE/QUOTE (e.g. BTC/USD), got "${symbol}"`);
  }
  return { symbol: normalized, productId: parts.join('-'), ...(KNOWN[normalized] ?? GENERIC) };
}
