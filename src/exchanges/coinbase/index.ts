// The Coinbase Advanced Trade adapter: what the connector needs to know about the venue.
import type { VenueAdapter } from '../types.ts';
import { createCoinbaseSession } from './session.ts';
import {
  COINBASE_CONNECT_BUDGET, COINBASE_MAX_FRAME_BYTES, COINBASE_MAX_SYMBOLS_PER_CONNECTION, COINBASE_OUTBOUND_RATE,
  COINBASE_WS_URL,
} from './spec.ts';

export const coinbaseAdapter: VenueAdapter = {
  exchange: 'coinbase',
  defaultUrl: COINBASE_WS_URL,
  // No depth parameter: the venue always sends the whole book; bookDepth is only what the store keeps.
  allowedBookDepths: [],
  maxSymbolsPerConnection: COINBASE_MAX_SYMBOLS_PER_CONNECTION,
  connectBudget: COINBASE_CONNECT_BUDGET,
  outboundRate: COINBASE_OUTBOUND_RATE,
  // No application ping: heartbeats (1/s) keep quiet channels open; liveness is judged on data only.
  heartbeat: 'server-ping',
  maxFrameBytes: COINBASE_MAX_FRAME_BYTES,
  wholeBook: true,
  createSession: createCoinbaseSession,
};
