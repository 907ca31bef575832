// The Kraken Spot WS v2 adapter: what the connector needs to know about the venue.
import type { VenueAdapter } from '../types.ts';
import { CHECKSUM_LEVELS, krakenChecksum } from './checksum.ts';
import { createKrakenSession } from './session.ts';
import { krakenSymbolProblem } from './symbols.ts';
import {
  KRAKEN_BOOK_DEPTHS, KRAKEN_CONNECT_BUDGET, KRAKEN_OUTBOUND_RATE, KRAKEN_MAX_SYMBOLS_PER_CONNECTION, KRAKEN_WS_URL,
} from './spec.ts';

export const krakenAdapter: VenueAdapter<'kraken'> = {
  exchange: 'kraken',
  configFacts: {
    name: 'Kraken', enabled: true, symbols: ['BTC/USD', 'ETH/USD'], bookDepth: 25,
    bookDepthDoc: 'Kraken book subscription depth (levels per side).', tradeSnapshot: true,
    staleAfterMs: 15_000, symbolStaleAfterMs: 120_000, connectLimitName: "Kraken's ban limit",
    keyNotes: {
      staleAfterMs: 'Quiet Kraken pairs go ~9 s without book data.',
      symbolStaleAfterMs: 'Kraken: a refresh is unsubscribe → subscribe.',
      rateLimitedDelayMs: 'Kraken bans an IP for 10 minutes and retrying during a ban renews it.',
      budgetAttempts: 'Kraken bans an IP after ~150 attempts in 10 minutes.',
    },
  },
  symbolProblem: krakenSymbolProblem,
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
