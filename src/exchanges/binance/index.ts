// The Binance Spot adapter: what the connector needs to know about the venue.
import type { VenueAdapter } from '../types.ts';
import { createBinanceSession } from './session.ts';
import {
  BINANCE_BOOK_DEPTHS, BINANCE_CONNECT_BUDGET, BINANCE_MAX_CONNECTION_LIFETIME_MS, BINANCE_MAX_SYMBOLS_PER_CONNECTION,
  BINANCE_OUTBOUND_RATE, BINANCE_REST_URL, BINANCE_WS_URL, binanceConnectUrl, binanceRestSnapshot,
} from './spec.ts';

export const binanceAdapter: VenueAdapter<'binance'> = {
  exchange: 'binance',
  configFacts: {
    name: 'Binance', enabled: false, symbols: ['BTC/USDT'], bookDepth: 5000,
    bookDepthDoc: 'Binance REST depth snapshot limit = levels per side kept (weight 250 at 1001–5000, 50 at 501–1000; '
      + 'the IP may spend 6000 per minute on every request together).',
    tradeSnapshot: false, staleAfterMs: 30_000, symbolStaleAfterMs: 30 * 60_000, connectLimitName: "Binance's limit",
    rest: { defaultUrl: BINANCE_REST_URL, urlDoc: 'Binance REST base URL for depth snapshots (http:// or https://; '
      + 'https://data-api.binance.vision serves the same depth data).' },
    keyNotes: {
      staleAfterMs: 'Binance sends diffs only when a book changes and quiet pairs go 10–20 s without one.',
      symbolStaleAfterMs: 'Binance: a refresh is a new REST snapshot, weight 250 at depth 5000, so its default is long.',
      budgetAttempts: 'Binance allows 300 per 5 minutes.',
      rotateAfterMs: 'Binance closes every connection at 24 h.',
      handoverTimeoutMs: 'Quiet Binance pairs go 10–20 s without a diff.',
    },
  },
  defaultUrl: BINANCE_WS_URL,
  allowedBookDepths: BINANCE_BOOK_DEPTHS,
  maxSymbolsPerConnection: BINANCE_MAX_SYMBOLS_PER_CONNECTION,
  connectBudget: BINANCE_CONNECT_BUDGET,
  outboundRate: BINANCE_OUTBOUND_RATE,
  heartbeat: 'server-ping',
  resyncEscalatesToReconnect: false,
  connectUrl: binanceConnectUrl,
  restSnapshot: binanceRestSnapshot,
  maxConnectionLifetimeMs: BINANCE_MAX_CONNECTION_LIFETIME_MS,
  createSession: createBinanceSession,
};
