// Reference data the simulator serves: precisions match production (kraken-v2.md §4.4), market shape is ours.
// Number fields of the `instrument` frame are kept as the exact tokens Kraken prints (`1e-08`, `4.0`).

export interface KrakenAsset {
  readonly id: string;
  readonly precision: number;
  readonly precisionDisplay: number;
  readonly borrowable: boolean;
  /** Exact JSON number tokens. */
  readonly collateralValue: string;
  readonly marginRate: string;
}

export interface KrakenMargin {
  readonly marginInitial: string;
  readonly positionLimitLong: string;
  readonly positionLimitShort: string;
}

export interface KrakenInstrument {
  readonly symbol: string;
  readonly base: string;
  readonly quote: string;
  readonly pricePrecision: number;
  readonly qtyPrecision: number;
  readonly costPrecision: number;
  /** Exact JSON number tokens, as the instrument channel prints them. */
  readonly priceIncrement: string;
  readonly qtyIncrement: string;
  readonly qtyMin: string;
  readonly costMin: string;
  readonly margin?: KrakenMargin;
  /** Simulated market shape: starting mid price (decimal text), widest gap between levels in ticks, level sizes. */
  readonly startPrice: string;
  readonly maxGapTicks: number;
  readonly minQty: number;
  readonly maxQty: number;
}

export const KRAKEN_INSTRUMENTS: readonly KrakenInstrument[] = [
  {
    symbol: 'BTC/USD', base: 'BTC', quote: 'USD', pricePrecision: 1, qtyPrecision: 8, costPrecision: 5,
    priceIncrement: '0.1', qtyIncrement: '1e-08', qtyMin: '0.0001', costMin: '0.5',
    margin: { marginInitial: '0.2', positionLimitLong: '250', positionLimitShort: '200' },
    startPrice: '63005.0', maxGapTicks: 12, minQty: 0.00005, maxQty: 2.5,
  },
  {
    symbol: 'ETH/USD', base: 'ETH', quote: 'USD', pricePrecision: 2, qtyPrecision: 8, costPrecision: 5,
    priceIncrement: '0.01', qtyIncrement: '1e-08', qtyMin: '0.002', costMin: '0.5',
    margin: { marginInitial: '0.2', positionLimitLong: '3000', positionLimitShort: '2000' },
    startPrice: '3412.57', maxGapTicks: 8, minQty: 0.001, maxQty: 40,
  },
  {
    symbol: 'XRP/USD', base: 'XRP', quote: 'USD', pricePrecision: 5, qtyPrecision: 8, costPrecision: 5,
    priceIncrement: '1e-05', qtyIncrement: '1e-08', qtyMin: '2.0', costMin: '0.5',
    margin: { marginInitial: '0.2', positionLimitLong: '1000000', positionLimitShort: '750000' },
    startPrice: '3.12345', maxGapTicks: 6, minQty: 2, maxQty: 60000,
  },
  {
    symbol: 'SOL/USD', base: 'SOL', quote: 'USD', pricePrecision: 2, qtyPrecision: 8, costPrecision: 5,
    priceIncrement: '0.01', qtyIncrement: '1e-08', qtyMin: '0.02', costMin: '0.5',
    startPrice: '171.44', maxGapTicks: 3, minQty: 0.02, maxQty: 900,
  },
  {
    symbol: 'MINA/GBP', base: 'MINA', quote: 'GBP', pricePrecision: 4, qtyPrecision: 8, costPrecision: 5,
    priceIncrement: '0.0001', qtyIncrement: '1e-08', qtyMin: '4.0', costMin: '0.45',
    startPrice: '0.2860', maxGapTicks: 3, minQty: 4, maxQty: 80000,
  },
];

export const KRAKEN_ASSETS: readonly KrakenAsset[] = [
  { id: 'USD', precision: 4, precisionDisplay: 2, borrowable: true, collateralValue: '1.0', marginRate: '0.015' },
  { id: 'GBP', precision: 4, precisionDisplay: 2, borrowable: true, collateralValue: '1.0', marginRate: '0.015' },
  { id: 'BTC', precision: 10, precisionDisplay: 5, borrowable: true, collateralValue: '1.0', marginRate: '0.01' },
  { id: 'ETH', precision: 10, precisionDisplay: 5, borrowable: true, collateralValue: '1.0', marginRate: '0.02' },
  { id: 'XRP', precision: 8, precisionDisplay: 5, borrowable: true, collateralValue: '0.0', marginRate: '0.02' },
  { id: 'SOL', precision: 10, precisionDisplay: 5, borrowable: false, collateralValue: '0.0', marginRate: '0.0' },
  { id: 'MINA', precision: 10, precisionDisplay: 5, borrowable: false, collateralValue: '0.0', marginRate: '0.0' },
];

export const DEFAULT_SIM_SYMBOLS: readonly string[] = ['BTC/USD', 'ETH/USD'];

export function findInstrument(symbol: string): KrakenInstrument | undefined {
  return KRAKEN_INSTRUMENTS.find((instrument) => instrument.symbol === symbol);
}

export function assetsFor(instruments: readonly KrakenInstrument[]): KrakenAsset[] {
  const ids = new Set(instruments.flatMap((instrument) => [instrument.base, instrument.quote]));
  return KRAKEN_ASSETS.filter((asset) => ids.has(asset.id));
}
