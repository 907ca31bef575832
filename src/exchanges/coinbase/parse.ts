// Coinbase Advanced Trade frame text → typed wire message. Stateless, never throws. level2 frames in the live compact
// layout take a one-pass scanner (l2-frame.ts); everything else one JSON.parse (prices and sizes are strings on the
// wire). A multi-MB level2 snapshot is read in slices instead (snapshot-slices.ts).
import { parseCompactL2Frame } from './l2-frame.ts';
import type {
  CoinbaseErrorMessage, CoinbaseHeartbeatMessage, CoinbaseL2Message, CoinbaseSubscriptionsMessage, CoinbaseTradesMessage,
} from './messages.ts';

export type CoinbaseFrame =
  | { readonly kind: 'l2'; readonly message: CoinbaseL2Message }
  | { readonly kind: 'trades'; readonly message: CoinbaseTradesMessage }
  | { readonly kind: 'heartbeat'; readonly message: CoinbaseHeartbeatMessage }
  | { readonly kind: 'subscriptions'; readonly message: CoinbaseSubscriptionsMessage }
  /** No sequence number: error frames are outside the connection's count. */
  | { readonly kind: 'error'; readonly message: CoinbaseErrorMessage }
  /** A documented channel the gateway does not use (`ticker`, `candles`, `status`…): only its sequence number counts. */
  | { readonly kind: 'ignored'; readonly channel: string; readonly sequence: number }
  /**
   * `malformed`: not JSON, or a channel the gateway uses with an unexpected shape (its content is lost). Otherwise an
   * unknown channel or type, ignored as the venue asks; `sequence` when the frame carried one.
   */
  | { readonly kind: 'unknown'; readonly malformed: boolean; readonly reason: string; readonly channel?: string;
      readonly sequence?: number };

type JsonObject = Record<string, unknown>;

/** Documented channels the gateway does not subscribe to; frames may still arrive (another client's subscription). */
const IGNORED_CHANNELS: ReadonlySet<string> = new Set(['ticker', 'ticker_batch', 'candles', 'status', 'user',
  'futures_balance_summary']);

export function parseCoinbaseFrame(text: string): CoinbaseFrame {
  const l2 = parseCompactL2Frame(text);
  return l2 !== undefined ? { kind: 'l2', message: l2 } : parseCoinbaseFrameJson(text);
}

/** The general path: JSON.parse and shape checks. */
export function parseCoinbaseFrameJson(text: string): CoinbaseFrame {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return unknown(true, `invalid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  return classifyCoinbaseValue(value);
}

/** The frame kind of an already parsed frame (the sliced snapshot path parses its envelope alone). */
export function classifyCoinbaseValue(value: unknown): CoinbaseFrame {
  if (!isObject(value)) return unknown(true, 'not a JSON object');
  const { channel } = value;
  if (typeof channel !== 'string') {
    if (value.type === 'error') {
      return typeof value.message === 'string'
        ? { kind: 'error', message: { type: 'error', message: value.message } }
        : unknown(true, 'error frame without a message');
    }
    return unknown(false, 'neither "channel" nor an error "type"');
  }
  const sequence = value.sequence_num;
  if (!isSequence(sequence) || typeof value.timestamp !== 'string' || !Array.isArray(value.events)) {
    return { kind: 'unknown', malformed: true, reason: `${channel} frame without a valid envelope`, channel,
      ...(isSequence(sequence) ? { sequence } : {}) };
  }
  const events: unknown[] = value.events;
  switch (channel) {
    case 'l2_data':
      return events.every(isL2Event)
        ? { kind: 'l2', message: value as unknown as CoinbaseL2Message }
        : malformed(channel, sequence);
    case 'market_trades':
      return events.every(isTradesEvent)
        ? { kind: 'trades', message: value as unknown as CoinbaseTradesMessage }
        : malformed(channel, sequence);
    case 'heartbeats':
      return events.every(isHeartbeatEvent)
        ? { kind: 'heartbeat', message: value as unknown as CoinbaseHeartbeatMessage }
        : malformed(channel, sequence);
    case 'subscriptions':
      return events.every(isSubscriptionsEvent)
        ? { kind: 'subscriptions', message: value as unknown as CoinbaseSubscriptionsMessage }
        : malformed(channel, sequence);
    default:
      return IGNORED_CHANNELS.has(channel)
        ? { kind: 'ignored', channel, sequence }
        : { kind: 'unknown', malformed: false, reason: `unknown channel "${channel}"`, channel, sequence };
  }
}

function unknown(malformed: boolean, reason: string): CoinbaseFrame {
  return { kind: 'unknown', malformed, reason };
}

function malformed(channel: string, sequence: number): CoinbaseFrame {
  return { kind: 'unknown', malformed: true, reason: `${channel} frame with an unexpected shape`, channel, sequence };
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSequence(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

export function isLevelUpdate(value: unknown): boolean {
  if (!isObject(value)) return false;
  return (value.side === 'bid' || value.side === 'offer') && typeof value.price_level === 'string'
    && typeof value.new_quantity === 'string';
}

/** An unknown event `type` passes here and is skipped (and reported) by the session. */
function isL2Event(value: unknown): boolean {
  if (!isObject(value) || typeof value.type !== 'string' || typeof value.product_id !== 'string') return false;
  const { updates } = value;
  if (!Array.isArray(updates)) return false;
  for (let i = 0; i < updates.length; i++) if (!isLevelUpdate(updates[i])) return false;
  return true;
}

function isTrade(value: unknown): boolean {
  return isObject(value) && typeof value.product_id === 'string' && typeof value.trade_id === 'string'
    && typeof value.price === 'string' && typeof value.size === 'string' && typeof value.time === 'string'
    && (value.side === 'BUY' || value.side === 'SELL');
}

function isTradesEvent(value: unknown): boolean {
  return isObject(value) && typeof value.type === 'string' && Array.isArray(value.trades) && value.trades.every(isTrade);
}

function isHeartbeatEvent(value: unknown): boolean {
  if (!isObject(value)) return false;
  const counter = value.heartbeat_counter;
  return typeof counter === 'number' || typeof counter === 'string';
}

function isSubscriptionsEvent(value: unknown): boolean {
  if (!isObject(value) || !isObject(value.subscriptions)) return false;
  return Object.values(value.subscriptions).every((list) => Array.isArray(list)
    && list.every((item) => typeof item === 'string'));
}
