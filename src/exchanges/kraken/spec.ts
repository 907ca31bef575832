// Kraken Spot WS v2: endpoint, limits and the requests the gateway sends (kraken-v2.md §1, §3).
import type { KrakenPingRequest, KrakenSubscriptionMethod, KrakenSubscriptionRequest } from './messages.ts';

export const KRAKEN_WS_URL = 'wss://ws.kraken.com/v2';

/** Any other depth is rejected with `Subscription depth not supported`. */
export const KRAKEN_BOOK_DEPTHS: readonly number[] = [10, 25, 100, 500, 1000];

/** Cloudflare allows ~150 (re)connection attempts per IP per rolling 10 minutes, then bans for 10 minutes. */
/**
 * Kraken publishes no client message rate, only `Exceeded msg rate` when a connection sends too fast
 * (kraken-v2.md §1.5): a conservative pace, so resyncing many books at once (back from maintenance) is spread out.
 */
export const KRAKEN_OUTBOUND_RATE = { perSecond: 10, burst: 20 } as const;

export const KRAKEN_CONNECT_BUDGET = { attempts: 150, windowMs: 600_000 } as const;

// Kraken publishes no per-connection symbol limit and supports many symbols per connection; the bound keeps
// one subscribe burst and one socket's message rate (depth 100 BTC/USD alone ≈ 49 msgs/s) moderate.
export const KRAKEN_MAX_SYMBOLS_PER_CONNECTION = 50;

export function bookSubscription(
  method: KrakenSubscriptionMethod, symbols: readonly string[], depth: number, reqId: number,
): string {
  const request: KrakenSubscriptionRequest = method === 'subscribe'
    ? { method, params: { channel: 'book', symbol: symbols, depth, snapshot: true }, req_id: reqId }
    : { method, params: { channel: 'book', symbol: symbols, depth }, req_id: reqId };
  return JSON.stringify(request);
}

export function tradeSubscription(symbols: readonly string[], snapshot: boolean, reqId: number,
  method: KrakenSubscriptionMethod = 'subscribe'): string {
  const request: KrakenSubscriptionRequest = method === 'subscribe'
    ? { method, params: { channel: 'trade', symbol: symbols, snapshot }, req_id: reqId }
    : { method, params: { channel: 'trade', symbol: symbols }, req_id: reqId };
  return JSON.stringify(request);
}

export function instrumentSubscription(reqId: number): string {
  const request: KrakenSubscriptionRequest = {
    method: 'subscribe', params: { channel: 'instrument', snapshot: true }, req_id: reqId,
  };
  return JSON.stringify(request);
}

export function pingRequest(reqId: number): string {
  const request: KrakenPingRequest = { method: 'ping', req_id: reqId };
  return JSON.stringify(request);
}
