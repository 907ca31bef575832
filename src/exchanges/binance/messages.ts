// Binance Spot market-stream wire types, with the venue's own names.
// Reference: https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams (streams, control
// messages), .../rest-api (GET /api/v3/depth) and the protocol notes in ./README.md. Only session code
// (session.ts, session-book.ts, subscriptions.ts) translates these into src/core/model.ts types.
// Prices and quantities are decimal strings on the wire and stay so; ids and times are JSON integers.

/** `[price, quantity]`; the quantity is the new absolute size, `"0.00000000"` deletes the level. */
export type BinanceLevel = readonly [price: string, quantity: string];

/** Diff. depth, `<symbol>@depth@100ms` (binance-spot.md §4.1). Spot has no `pu`/`T`: futures frames do. */
export interface BinanceDepthUpdate {
  readonly e: 'depthUpdate';
  /** Event time, ms. */
  readonly E: number;
  /** Upper case, `BNBBTC`. */
  readonly s: string;
  /** First update id in the event. */
  readonly U: number;
  /** Final update id in the event. */
  readonly u: number;
  readonly b: BinanceLevel[];
  readonly a: BinanceLevel[];
  /** USDⓈ-M futures only (previous event's `u`): never used for spot sequencing (gotcha 4). */
  readonly pu?: number;
}

/** `<symbol>@trade` (§4.3). `b`/`a` (order ids) were removed on 2024-06-18; older frames still carry them. */
export interface BinanceTrade {
  readonly e: 'trade';
  readonly E: number;
  readonly s: string;
  /** Trade id, increasing per symbol. */
  readonly t: number;
  readonly p: string;
  readonly q: string;
  /** Trade time, ms. */
  readonly T: number;
  /** Buyer is the maker: the taker sold. */
  readonly m: boolean;
  readonly M?: boolean;
  readonly b?: number;
  readonly a?: number;
}

/** `<symbol>@bookTicker` (§4.5): not used by the gateway; `u` is in the depth id space. */
export interface BinanceBookTicker {
  readonly u: number;
  readonly s: string;
  readonly b: string;
  readonly B: string;
  readonly a: string;
  readonly A: string;
}

/** `{"e":"serverShutdown","E":…}` (§2.3), bare or wrapped in the `!serverShutdown` stream. */
export interface BinanceServerShutdown {
  readonly e: 'serverShutdown';
  readonly E?: number;
}

/** Combined-stream wrapper (`/stream?streams=…`): `{"stream":"btcusdt@depth@100ms","data":{…}}`. */
export interface BinanceCombinedFrame {
  readonly stream: string;
  readonly data: unknown;
}

/** REST `GET /api/v3/depth` response body (§5): bids high→low, asks low→high. */
export interface BinanceDepthSnapshot {
  readonly lastUpdateId: number;
  readonly bids: BinanceLevel[];
  readonly asks: BinanceLevel[];
}

/**
 * The gateway's own synthetic frame (not a Binance message): a REST snapshot body fed into the stream as
 * `{"mgwSnapshot":"BTCUSDT","data":<body verbatim>}`, so recordings replay exactly (README.md "Downstream protocol v1").
 */
export interface BinanceSnapshotFrame {
  readonly mgwSnapshot: string;
  readonly data: BinanceDepthSnapshot;
}

/** A request id as echoed by the venue: we send integers; `null` when the request could not be parsed. */
export type BinanceRequestId = number | string | null;

/** Control response (§3): `{"result":null,"id":1}`; LIST_SUBSCRIPTIONS/GET_PROPERTY return a value. */
export interface BinanceControlResult {
  readonly result: null | boolean | readonly string[] | Readonly<Record<string, unknown>>;
  readonly id: BinanceRequestId;
}

export interface BinanceErrorBody {
  readonly code: number;
  readonly msg: string;
  /** Some reports name the offending stream here. */
  readonly data?: unknown;
}

/** What the wire carries (§3.1, gotcha 9): `{"error":{"code":2,"msg":"Invalid request: invalid stream"},"id":1}`. */
export interface BinanceNestedError {
  readonly error: BinanceErrorBody;
  readonly id?: BinanceRequestId;
}

/** The documentation's table form: `{"code":0,"msg":"Unknown property","id":%s}` (id often absent). */
export interface BinanceFlatError extends BinanceErrorBody {
  readonly id?: BinanceRequestId;
}

export type BinanceControlError = BinanceNestedError | BinanceFlatError;

export type BinanceControlMethod = 'SUBSCRIBE' | 'UNSUBSCRIBE' | 'LIST_SUBSCRIPTIONS' | 'SET_PROPERTY' | 'GET_PROPERTY';

/** Client → server: `{"method":"SUBSCRIBE","params":["btcusdt@trade"],"id":1}`. */
export interface BinanceControlRequest {
  readonly method: BinanceControlMethod;
  readonly params?: readonly (string | boolean)[];
  readonly id: number;
}
