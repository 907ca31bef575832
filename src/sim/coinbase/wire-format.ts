// Coinbase Advanced Trade frames as the live wire carries them (test/fixtures/coinbase/SOURCES.md): no `client_id`,
// an integer `heartbeat_counter`, `offer` for asks, decimals without trailing zeros, real `event_time`s, RFC 3339
// timestamps with nanoseconds (level and trade times with microseconds). `sequence_num` is stamped per connection
// when a frame is sent, so one serialized body (a 5 MB snapshot) serves every subscriber.
import type { LevelText } from '../../core/model.ts';

/** A frame before its connection stamps the sequence number: the text around it. */
export interface OutgoingFrame {
  readonly channel: string;
  /** `{"channel":…,"timestamp":…,"sequence_num":` */
  readonly head: string;
  /** `,"events":[…]}` */
  readonly tail: string;
}

export interface SimLevelChange {
  readonly side: 'bid' | 'offer';
  readonly price: string;
  readonly quantity: string;
}

export interface SimTrade {
  readonly tradeId: string;
  readonly productId: string;
  readonly price: string;
  readonly size: string;
  /** Microsecond RFC 3339. */
  readonly time: string;
  /** The maker's side, as Coinbase prints it; the taker took the other. */
  readonly makerSide: 'BUY' | 'SELL';
}

export function frame(channel: string, timestamp: string, events: string): OutgoingFrame {
  return { channel, head: `{"channel":${JSON.stringify(channel)},"timestamp":"${timestamp}","sequence_num":`, tail: `,"events":${events}}` };
}

export function stamp(outgoing: OutgoingFrame, sequence: number): string {
  return `${outgoing.head}${sequence}${outgoing.tail}`;
}

export function l2Frame(type: 'snapshot' | 'update', productId: string, changes: readonly SimLevelChange[],
  eventTime: string, timestamp: string): OutgoingFrame {
  const parts: string[] = [];
  for (const change of changes) {
    parts.push(`{"side":"${change.side}","event_time":"${eventTime}","price_level":"${change.price}",`
      + `"new_quantity":"${change.quantity}"}`);
  }
  return frame('l2_data', timestamp, `[{"type":"${type}","product_id":"${productId}","updates":[${parts.join(',')}]}]`);
}

/** The whole book as snapshot changes: bids best first, then offers best first (as observed). */
export function snapshotChanges(bids: readonly LevelText[], asks: readonly LevelText[]): SimLevelChange[] {
  return [
    ...bids.map(([price, quantity]): SimLevelChange => ({ side: 'bid', price, quantity })),
    ...asks.map(([price, quantity]): SimLevelChange => ({ side: 'offer', price, quantity })),
  ];
}

export function tradesFrame(type: 'snapshot' | 'update', trades: readonly SimTrade[], timestamp: string): OutgoingFrame {
  const items = trades.map((trade) => `{"product_id":"${trade.productId}","trade_id":"${trade.tradeId}","price":"${trade.price}",`
    + `"size":"${trade.size}","time":"${trade.time}","side":"${trade.makerSide}"}`);
  return frame('market_trades', timestamp, `[{"type":"${type}","trades":[${items.join(',')}]}]`);
}

export function heartbeatFrame(counter: number, nowMs: number, uptimeSeconds: number): OutgoingFrame {
  const time = rfc3339Nanos(nowMs);
  // Go's time.String(), monotonic suffix included: "2026-08-09 21:05:48.854840045 +0000 UTC m=+41691.260485341".
  const current = `${time.slice(0, 10)} ${time.slice(11, -1)} +0000 UTC m=+${uptimeSeconds.toFixed(9)}`;
  return frame('heartbeats', time, `[{"current_time":"${current}","heartbeat_counter":${counter}}]`);
}

export function subscriptionsFrame(subscriptions: ReadonlyMap<string, ReadonlySet<string>>, nowMs: number): OutgoingFrame {
  const lists: Record<string, string[]> = {};
  for (const [channel, products] of [...subscriptions].sort(([a], [b]) => a.localeCompare(b))) {
    if (products.size > 0) lists[channel] = [...products];
  }
  return frame('subscriptions', rfc3339Nanos(nowMs), JSON.stringify([{ subscriptions: lists }]));
}

export function errorFrame(message: string): string {
  return JSON.stringify({ type: 'error', message });
}

/** `65083.7` from 6508370 ticks of 0.01: decimals as Coinbase prints them, trailing zeros dropped. */
export function decimalText(units: number, decimals: number): string {
  if (!Number.isSafeInteger(units) || units < 0) throw new RangeError(`not a non-negative integer amount: ${units}`);
  if (decimals === 0) return String(units);
  const scale = 10 ** decimals;
  const whole = Math.floor(units / scale);
  const fraction = String(units - whole * scale).padStart(decimals, '0').replace(/0+$/, '');
  return fraction === '' ? String(whole) : `${whole}.${fraction}`;
}

/** RFC 3339 with 9 fractional digits from epoch ms with a sub-millisecond fraction. */
export function rfc3339Nanos(ms: number): string {
  const whole = Math.floor(ms);
  const nanos = Math.floor((ms - whole) * 1e6);
  return `${new Date(whole).toISOString().slice(0, 23)}${String(nanos).padStart(6, '0')}Z`;
}

/** RFC 3339 with 6 fractional digits (level `event_time`, trade `time`). */
export function rfc3339Micros(ms: number): string {
  return `${rfc3339Nanos(ms).slice(0, 26)}Z`;
}
