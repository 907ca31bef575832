// Coinbase Advanced Trade market data: endpoint, limits and the requests the gateway sends (coinbase-advanced.md
// §1, §2, §6, §8).
import type { CoinbaseSubscribeRequest, CoinbaseSubscriptionChannel } from './messages.ts';

/** Public market data; no JWT is needed for level2, market_trades and heartbeats. */
export const COINBASE_WS_URL = 'wss://advanced-trade-ws.coinbase.com';

/**
 * The venue sends the whole book and has no depth parameter: `bookDepth` is what the gateway keeps per side. The
 * default keeps every level of today's busiest books (BTC-USD: 18,764 bids, 27,236 offers), so bots may ask for any
 * depth; a lower value saves memory (the store then keeps the exact best levels down to the cut, see wholeBook).
 */
export const COINBASE_DEFAULT_BOOK_DEPTH = 100_000;
export const COINBASE_MAX_BOOK_DEPTH = 1_000_000;

/**
 * 8 unauthenticated client messages per second per IP (§8): half of it per connection, so two shards stay under.
 * The burst lets the three subscribes go out at once, well inside the 5 s subscribe deadline.
 */
export const COINBASE_OUTBOUND_RATE = { perSecond: 4, burst: 3 } as const;

/** 8 connections per second per IP (§8; the "business" copy of the page says 750, 8 is the safe reading). */
export const COINBASE_CONNECT_BUDGET = { attempts: 8, windowMs: 1_000 } as const;

/** The gateway's own default budget: half the venue's, leaving room for other programs on the same IP. */
export const COINBASE_DEFAULT_CONNECT_BUDGET = { attempts: 4, windowMs: 1_000 } as const;

/** Undocumented; one subscribe per channel names every product, and a snapshot per product follows. */
export const COINBASE_MAX_SYMBOLS_PER_CONNECTION = 50;

/**
 * A BTC-USD level2 snapshot is one 5 MB frame and grows with the book; client libraries with a 1–5 MB limit drop it
 * silently or close (gotcha 1). The doc asks for ≥ 16 MiB: 64 MiB leaves room for books ten times deeper.
 */
export const COINBASE_MAX_FRAME_BYTES = 64 * 1024 * 1024;

/** The server closes a connection that has not subscribed within this long (§2). */
export const COINBASE_SUBSCRIBE_DEADLINE_MS = 5_000;

export function subscriptionRequest(type: 'subscribe' | 'unsubscribe', channel: CoinbaseSubscriptionChannel,
  productIds: readonly string[]): string {
  const request: CoinbaseSubscribeRequest = channel === 'heartbeats'
    ? { type, channel }
    : { type, product_ids: productIds, channel };
  return JSON.stringify(request);
}
