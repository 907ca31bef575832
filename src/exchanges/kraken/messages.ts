// Kraken Spot WebSocket v2 wire types, with the venue's own names.
// Reference: https://docs.kraken.com/api/docs/websocket-v2/book (and .../trade, .../instrument, .../status,
// .../heartbeat, .../ping) and the protocol notes in ./README.md. Only session.ts translates these into
// the normalized vocabulary of src/core/model.ts.
//
// `price`, `qty` and `connection_id` are JSON numbers on the wire; parse.ts keeps them as the exact
// token text (`"0.00100000"`, `"15413894943188002760"`), hence `string` below.
// Fields the gateway does not use are optional and not validated.

export type KrakenDataType = 'snapshot' | 'update';

/** One price level, e.g. `{"price":63005.0,"qty":0.00100000}`. */
export interface KrakenLevel {
  readonly price: string;
  readonly qty: string;
}

export interface KrakenBookData {
  readonly symbol: string;
  readonly bids: readonly KrakenLevel[];
  readonly asks: readonly KrakenLevel[];
  /** CRC-32 of the server's truncated top 10 (kraken-v2.md §4.4). On every snapshot and update: parse.ts requires it. */
  readonly checksum: number;
  readonly timestamp?: string;
}

/** `{"channel":"book","type":"snapshot"|"update","data":[…one element per symbol…]}` */
export interface KrakenBookMessage {
  readonly channel: 'book';
  readonly type: KrakenDataType;
  readonly data: readonly KrakenBookData[];
}

export interface KrakenTrade {
  readonly symbol: string;
  /** Side of the taker order. */
  readonly side: 'buy' | 'sell';
  readonly price: string;
  readonly qty: string;
  readonly trade_id: number;
  readonly timestamp: string;
  readonly ord_type?: string;
}

export interface KrakenTradeMessage {
  readonly channel: 'trade';
  readonly type: KrakenDataType;
  readonly data: readonly KrakenTrade[];
}

export interface KrakenInstrumentAsset {
  readonly id: string;
  readonly status?: string;
  readonly precision?: number;
  readonly precision_display?: number;
}

export interface KrakenInstrumentPair {
  readonly symbol: string;
  /** Decimals of book prices on the wire and in the checksum. */
  readonly price_precision: number;
  readonly qty_precision: number;
  readonly base?: string;
  readonly quote?: string;
  readonly status?: string;
  /** Exponent notation on the wire (`1e-08`); decoded as a number, informational only. */
  readonly price_increment?: number;
  readonly qty_increment?: number;
  readonly qty_min?: number;
  readonly cost_min?: number;
}

/** `data` is an object here, not an array; updates list only the changed assets and pairs. */
export interface KrakenInstrumentMessage {
  readonly channel: 'instrument';
  readonly type: KrakenDataType;
  readonly data: {
    readonly assets: readonly KrakenInstrumentAsset[];
    readonly pairs: readonly KrakenInstrumentPair[];
  };
}

export interface KrakenStatusData {
  /** `online` | `maintenance` | `cancel_only` | `post_only`. */
  readonly system: string;
  readonly version?: string;
  readonly api_version?: string;
  /** Unsigned 64-bit, often above 2^53: kept as text. */
  readonly connection_id?: string;
}

export interface KrakenStatusMessage {
  readonly channel: 'status';
  readonly type: KrakenDataType;
  readonly data: readonly KrakenStatusData[];
}

export interface KrakenHeartbeatMessage {
  readonly channel: 'heartbeat';
}

export interface KrakenPongMessage {
  readonly method: 'pong';
  readonly req_id?: number;
  readonly time_in?: string;
  readonly time_out?: string;
  readonly success?: boolean;
  readonly error?: string;
}

export type KrakenSubscriptionMethod = 'subscribe' | 'unsubscribe';

/** One ack per symbol: `result.symbol` is a scalar. No `channel`/`type` keys at the top level. */
export interface KrakenAckSuccess {
  readonly method: KrakenSubscriptionMethod;
  readonly success: true;
  readonly result: {
    readonly channel: string;
    readonly symbol?: string;
    readonly depth?: number;
    readonly snapshot?: boolean;
    readonly warnings?: readonly string[];
  };
  readonly req_id?: number;
  readonly time_in?: string;
  readonly time_out?: string;
}

/**
 * No `result`; `error` text and sometimes a top-level `symbol`. `Subscription Not Found` was observed with
 * `"method":"subscribe"` in reply to an unsubscribe, so match failures by `req_id`.
 */
export interface KrakenAckFailure {
  readonly method: KrakenSubscriptionMethod;
  readonly success: false;
  readonly error: string;
  readonly symbol?: string;
  readonly req_id?: number;
  readonly time_in?: string;
  readonly time_out?: string;
}

export type KrakenAckMessage = KrakenAckSuccess | KrakenAckFailure;

// Requests (client → Kraken): `{"method":…,"params":{…},"req_id":n}`.

export interface KrakenBookParams {
  readonly channel: 'book';
  readonly symbol: readonly string[];
  readonly depth: number;
  readonly snapshot?: boolean;
}

export interface KrakenTradeParams {
  readonly channel: 'trade';
  readonly symbol: readonly string[];
  /** subscribe only. */
  readonly snapshot?: boolean;
}

export interface KrakenInstrumentParams {
  readonly channel: 'instrument';
  readonly snapshot: boolean;
}

export interface KrakenSubscriptionRequest {
  readonly method: KrakenSubscriptionMethod;
  readonly params: KrakenBookParams | KrakenTradeParams | KrakenInstrumentParams;
  readonly req_id: number;
}

export interface KrakenPingRequest {
  readonly method: 'ping';
  readonly req_id: number;
}
