// The Binance Spot adapter: what the connector needs to know about the venue.
import type { VenueAdapter } from '../types.ts';
import { createBinanceSession } from './session.ts';
import {
  BINANCE_BOOK_DEPTHS, BINANCE_CONNECT_BUDGET, BINANCE_MAX_CONNECTION_LIFETIME_MS, BINANCE_MAX_SYMBOLS_PER_CONNECTION,
  BINANCE_OUTBOUND_RATE, BINANCE_WS_URL, binanceConnectUrl, binanceRestSnapshot,
} from './spec.ts';

export const binanceAdapter: VenueAdapter = {
  exchange: 'binance',
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
