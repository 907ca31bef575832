// Client → simulator requests (kraken-v2.md §2, §3.1), decoded from text. Never throws.
import { isRecord, parseJsonObject } from '../json-value.ts';

export type SubscriptionChannel = 'book' | 'trade' | 'instrument';

export type ClientRequest =
  | { readonly kind: 'ping'; readonly reqId?: number }
  | {
      readonly kind: 'subscribe' | 'unsubscribe';
      readonly reqId?: number;
      /** As sent; an unknown channel name is answered with an error. */
      readonly channel: string;
      readonly symbols?: readonly string[];
      readonly depth?: number;
      readonly snapshot?: boolean;
    }
  | { readonly kind: 'unsupported'; readonly reqId?: number; readonly method: string }
  | { readonly kind: 'malformed'; readonly reqId?: number };

export function parseClientRequest(text: string): ClientRequest {
  const value = parseJsonObject(text);
  if (value === undefined) return { kind: 'malformed' };
  const reqId = typeof value.req_id === 'number' && Number.isSafeInteger(value.req_id) ? value.req_id : undefined;
  const method = value.method;
  if (typeof method !== 'string') return { kind: 'malformed', reqId };
  if (method === 'ping') return { kind: 'ping', reqId };
  if (method !== 'subscribe' && method !== 'unsubscribe') return { kind: 'unsupported', reqId, method };
  const params = value.params;
  if (!isRecord(params) || typeof params.channel !== 'string') return { kind: 'malformed', reqId };
  const symbols = Array.isArray(params.symbol) && params.symbol.every((s) => typeof s === 'string')
    ? (params.symbol as string[])
    : undefined;
  return {
    kind: method,
    reqId,
    channel: params.channel,
    symbols,
    depth: typeof params.depth === 'number' ? params.depth : undefined,
    snapshot: typeof params.snapshot === 'boolean' ? params.snapshot : undefined,
  };
}

export function isSubscriptionChannel(channel: string): channel is SubscriptionChannel {
  return channel === 'book' || channel === 'trade' || channel === 'instrument';
}
