// ExchangeId → VenueAdapter. Adding a venue is one line here (src/README.md, convention 1).
import type { ExchangeId } from '../core/model.ts';
import { binanceAdapter } from './binance/index.ts';
import { coinbaseAdapter } from './coinbase/index.ts';
import { krakenAdapter } from './kraken/index.ts';
import type { VenueAdapter } from './types.ts';

export const venueAdapters: Readonly<Partial<Record<ExchangeId, VenueAdapter>>> = {
  kraken: krakenAdapter,
  binance: binanceAdapter,
  coinbase: coinbaseAdapter,
};

/** The adapter for a venue, or undefined while that venue is not implemented. */
export function findVenueAdapter(exchange: ExchangeId): VenueAdapter | undefined {
  return venueAdapters[exchange];
}
