// The Kraken Spot WS v2 adapter: what the connector needs to know about the venue.
import type { VenueAdapter } from '../types.ts';
import { CHECKSUM_LEVELS, krakenChecksum } from './checksum.ts';
import { createKrakenSession } from './session.ts';
import {
  KRAKEN_BOOK_DEPTHS, KRAKEN_CONNECT_BUDGET, KRAKEN_OUTBOUND_RATE, KRAKEN_MAX_SYMBOLS_PER_CONNECTION, KRAKEN_WS_URL,
} from './spec.ts';

export const krakenAdapter: VenueAdapter = {
  exchange: 'kraken',
  defaultUrl: KRAKEN_WS_URL,
  allowedBookDepths: KRAKEN_BOOK_DEPTHS,
  maxSymbolsPerConnection: KRAKEN_MAX_SYMBOLS_PER_CONNECTION,
  connectBudget: KRAKEN_CONNECT_BUDGET,
  outboundRate: KRAKEN_OUTBOUND_RATE,
  bookChecksum: krakenChecksum,
  bookChecksumLevels: CHECKSUM_LEVELS,
  heartbeat: 'client-ping',
  createSession: createKrakenSession,
};
