// Coinbase Advanced Trade WebSocket (market data) wire types, with the venue's own names.
// Reference: https://docs.cdp.coinbase.com/coinbase-app/advanced-trade-apis/websocket/websocket-channels and
// .../websocket-overview. The live wire differs from the documentation's examples (test/fixtures/coinbase/SOURCES.md):
// no `client_id` on market-data frames, an integer `heartbeat_counter`, real `event_time`s on snapshot levels.
// Only session code translates these into src/core/model.ts types. Decimals are strings on the wire and stay so.

/** Frame `channel` names (the subscription channel `level2` arrives as `l2_data`). */
export type CoinbaseFrameChannel =
  | 'l2_data' | 'market_trades' | 'heartbeats' | 'subscriptions' | 'ticker' | 'ticker_batch' | 'candles' | 'status'
  | 'user' | 'futures_balance_summary';

/** Subscription channel names, as sent in requests and listed in `subscriptions` acks. */
export type CoinbaseSubscriptionChannel = 'level2' | 'market_trades' | 'heartbeats';

/** Every non-error frame: `{"channel","timestamp","sequence_num","events":[…]}`. */
export interface CoinbaseEnvelope<Channel extends string, Event> {
  readonly channel: Channel;
  /** Documentation examples carry `""`; absent on the live market-data wire. */
  readonly client_id?: string;
  /** RFC 3339 with nanoseconds: the server's send time. */
  readonly timestamp: string;
  /** Per connection, across every channel: 0 on a new connection, +1 per frame. */
  readonly sequence_num: number;
  readonly events: readonly Event[];
}

/** One level change: `new_quantity` is the level's new absolute size; `"0"` removes it. */
export interface CoinbaseLevelUpdate {
  /** `offer` is the ask side; `ask` never appears on the wire. */
  readonly side: 'bid' | 'offer';
  readonly event_time: string;
  readonly price_level: string;
  readonly new_quantity: string;
}

/** A snapshot is the product's whole book in one event (BTC-USD: 46,000 levels, 5 MB); an update, 1–60 changes. */
export interface CoinbaseL2Event {
  readonly type: 'snapshot' | 'update';
  readonly product_id: string;
  readonly updates: readonly CoinbaseLevelUpdate[];
}

export type CoinbaseL2Message = CoinbaseEnvelope<'l2_data', CoinbaseL2Event>;

export interface CoinbaseTrade {
  readonly product_id: string;
  /** Numeric text, increasing per product. */
  readonly trade_id: string;
  readonly price: string;
  readonly size: string;
  readonly time: string;
  /** The maker's side: the taker (aggressor) took the other one. */
  readonly side: 'BUY' | 'SELL';
}

/** The snapshot holds the product's recent trades (100, newest first); updates batch ~250 ms, several products. */
export interface CoinbaseTradesEvent {
  readonly type: 'snapshot' | 'update';
  readonly trades: readonly CoinbaseTrade[];
}

export type CoinbaseTradesMessage = CoinbaseEnvelope<'market_trades', CoinbaseTradesEvent>;

export interface CoinbaseHeartbeatEvent {
  /** Go `time.String()` with a monotonic suffix (`… +0000 UTC m=+41691.26`): not for parsing. */
  readonly current_time: string;
  /** Integer on the wire, a string in the documentation; a server counter (+1 per second), not per connection. */
  readonly heartbeat_counter: number | string;
}

export type CoinbaseHeartbeatMessage = CoinbaseEnvelope<'heartbeats', CoinbaseHeartbeatEvent>;

/** Every current subscription of the connection (cumulative), keyed by subscription channel; `heartbeats: ["heartbeats"]`. */
export interface CoinbaseSubscriptionsEvent {
  readonly subscriptions: Readonly<Record<string, readonly string[]>>;
}

export type CoinbaseSubscriptionsMessage = CoinbaseEnvelope<'subscriptions', CoinbaseSubscriptionsEvent>;

/** `failure to subscribe`, `authentication failure` (also the answer to an unknown channel). No sequence number. */
export interface CoinbaseErrorMessage {
  readonly type: 'error';
  readonly message: string;
}

/** Client → server: one channel per message. `product_ids` is omitted for `heartbeats`. */
export interface CoinbaseSubscribeRequest {
  readonly type: 'subscribe' | 'unsubscribe';
  readonly product_ids?: readonly string[];
  readonly channel: CoinbaseSubscriptionChannel;
}
