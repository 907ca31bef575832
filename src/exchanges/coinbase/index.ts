// The Coinbase Advanced Trade adapter: what the connector needs to know about the venue.
import type { VenueAdapter } from '../types.ts';
import { createCoinbaseSession } from './session.ts';
import {
  COINBASE_CONNECT_BUDGET, COINBASE_DEFAULT_BOOK_DEPTH, COINBASE_DEFAULT_CONNECT_BUDGET, COINBASE_MAX_BOOK_DEPTH,
  COINBASE_MAX_FRAME_BYTES, COINBASE_MAX_SYMBOLS_PER_CONNECTION, COINBASE_OUTBOUND_RATE, COINBASE_WS_URL,
} from './spec.ts';

export const coinbaseAdapter: VenueAdapter<'coinbase'> = {
  exchange: 'coinbase',
  configFacts: {
    name: 'Coinbase', enabled: false, symbols: ['BTC/USD', 'ETH/USD'], bookDepth: COINBASE_DEFAULT_BOOK_DEPTH,
    maxBookDepth: COINBASE_MAX_BOOK_DEPTH,
    bookDepthDoc: 'Levels per side the store keeps of each Coinbase level2 book (the venue always sends the whole book; '
      + 'bots may subscribe up to this depth). The default keeps every level: BTC-USD\'s 46,000 levels take about '
      + '6 MB of heap (npm run bench -- ingest --venue coinbase measures it). A lower value saves memory; the book then '
      + 'stays exact down to the worst level kept, and may hold fewer levels after the market moved away, until its '
      + 'next snapshot.',
    tradeSnapshot: true, staleAfterMs: 15_000, symbolStaleAfterMs: 120_000,
    defaultConnectBudget: COINBASE_DEFAULT_CONNECT_BUDGET, connectLimitName: "Coinbase's limit",
    keyNotes: { budgetAttempts: 'Coinbase allows 8 per second.' },
  },
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
