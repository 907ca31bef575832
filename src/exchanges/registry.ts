// The registered venues: ExchangeId and every list of exchange ids (config, metrics, the model) come from here.
// Adding a venue is one folder under src/exchanges/ and one line here (src/README.md, convention 1).
import { binanceAdapter } from './binance/index.ts';
import { coinbaseAdapter } from './coinbase/index.ts';
import { krakenAdapter } from './kraken/index.ts';
import type { VenueAdapter } from './types.ts';

const ADAPTERS = {
  kraken: krakenAdapter,
  binance: binanceAdapter,
  coinbase: coinbaseAdapter,
} as const;

export type ExchangeId = keyof typeof ADAPTERS;

/** In registry order (the order of config keys, status pages and metric series). */
export const EXCHANGE_IDS = Object.keys(ADAPTERS) as readonly ExchangeId[];

export const venueAdapters: Readonly<Record<ExchangeId, VenueAdapter<ExchangeId>>> = ADAPTERS;

export function venueAdapter(exchange: ExchangeId): VenueAdapter<ExchangeId> {
  return venueAdapters[exchange];
}

/** Whether a string names a registered venue (for ids that come from outside: URLs, bot messages). */
export function isExchangeId(value: string): value is ExchangeId {
  return Object.hasOwn(ADAPTERS, value);
}
