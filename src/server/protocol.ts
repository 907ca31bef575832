// Downstream protocol v1, bot → gateway (README.md "Downstream protocol v1"). Pure: no I/O, no clock.
// A bot frame is `unknown` until validated here; everything past this file works with typed commands.
import type { ExchangeId } from '../exchanges/registry.ts';

/** Stable error codes sent to bots in `{"type":"error","code":…}`. The README lists them. */
export const PROTOCOL_ERRORS = {
  invalid_json: 'the text frame is not valid JSON',
  binary_not_supported: 'binary frames are not accepted; send JSON text frames',
  message_too_large: 'a command is at most 4096 characters (frames over server.maxPayloadBytes close the connection)',
  invalid_message: 'not a JSON object, or a required field is missing or has the wrong type',
  unknown_op: 'op is not one of subscribe, unsubscribe, ping',
  unknown_channel: 'channel is not one of book, trades',
  unknown_exchange: 'the exchange is not configured on this gateway',
  unknown_symbol: 'the exchange has no configured symbol by that BASE/QUOTE name',
  invalid_depth: 'depth must be an integer from 1 to the depth the gateway holds for that book (book channel only)',
  too_many_subscriptions: 'the per-connection subscription limit is reached',
  already_subscribed: 'this connection already subscribes to that channel of that symbol (any depth)',
  not_subscribed: 'unsubscribe for a channel and symbol this connection does not subscribe to',
} as const;

export type ProtocolErrorCode = keyof typeof PROTOCOL_ERRORS;

/** Echoed back in `ack`, `pong` and `error`. A JSON number (safe integer) or a short string. */
export type RequestId = number | string;

export const MAX_ID_LENGTH = 64;
export const DEFAULT_BOOK_DEPTH = 10;

export type Channel = 'book' | 'trades';

export interface SubscriptionTarget {
  readonly channel: Channel;
  readonly exchange: ExchangeId;
  /** Normalized `BASE/QUOTE`. */
  readonly symbol: string;
}

export type Command =
  | (SubscriptionTarget & { readonly op: 'subscribe'; readonly id: RequestId;
      /** Resolved for `book` (default applied, validated); undefined for `trades`. */
      readonly depth: number | undefined })
  | (SubscriptionTarget & { readonly op: 'unsubscribe'; readonly id: RequestId })
  | { readonly op: 'ping'; readonly id: RequestId };

export interface ProtocolError {
  readonly code: ProtocolErrorCode;
  readonly message: string;
  /** Present when the frame carried a usable id. */
  readonly id?: RequestId;
}

export type ParseResult =
  | { readonly ok: true; readonly command: Command }
  | { readonly ok: false; readonly error: ProtocolError };

/** What the gateway serves, as far as validation needs to know. */
export interface BookCatalog {
  /** Exchanges with at least one configured book. */
  exchanges(): readonly ExchangeId[];
  /** Levels per side the gateway holds for that book, or undefined if it is not configured. */
  heldDepth(exchange: ExchangeId, symbol: string): number | undefined;
}

const OPS: readonly string[] = ['subscribe', 'unsubscribe', 'ping'];
const SYMBOL_PATTERN = /^[A-Za-z0-9]{1,20}\/[A-Za-z0-9]{1,20}$/;

/** `btc/usd` → `BTC/USD`; undefined for anything that is not `BASE/QUOTE` (venue names such as `XBTUSD`, `BTC-USD`). */
export function normalizeSymbol(text: string): string | undefined {
  return SYMBOL_PATTERN.test(text) ? text.toUpperCase() : undefined;
}

/** Every valid command is far smaller; a bigger one is answered (not parsed), the connection stays. */
export const MAX_COMMAND_CHARS = 4_096;

export function parseCommand(text: string, isBinary: boolean, catalog: BookCatalog): ParseResult {
  if (isBinary) return fail('binary_not_supported', PROTOCOL_ERRORS.binary_not_supported);
  if (text.length > MAX_COMMAND_CHARS) {
    return fail('message_too_large', `${text.length} characters; a command is at most ${MAX_COMMAND_CHARS}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return fail('invalid_json', `invalid JSON (${text.length} characters)`);
  }
  return validateCommand(value, catalog);
}

export function validateCommand(value: unknown, catalog: BookCatalog): ParseResult {
  if (!isRecord(value)) return fail('invalid_message', 'a message must be a JSON object');
  const id = readId(value.id);
  if (id === undefined) {
    return fail('invalid_message', `id must be a safe integer or a string of 1..${MAX_ID_LENGTH} characters`);
  }
  const op = value.op;
  if (typeof op !== 'string') return fail('invalid_message', 'op must be a string', id);
  if (!OPS.includes(op)) return fail('unknown_op', `unknown op "${clip(op)}"; expected subscribe, unsubscribe or ping`, id);
  if (op === 'ping') return { ok: true, command: { op: 'ping', id } };

  const channel = value.channel;
  if (typeof channel !== 'string') return fail('invalid_message', 'channel must be a string', id);
  if (!isChannel(channel)) return fail('unknown_channel', `unknown channel "${clip(channel)}"; expected book or trades`, id);
  if (typeof value.exchange !== 'string') return fail('invalid_message', 'exchange must be a string', id);
  if (typeof value.symbol !== 'string') return fail('invalid_message', 'symbol must be a string', id);

  const configured = catalog.exchanges();
  const exchange = configured.find((name) => name === value.exchange);
  if (exchange === undefined) {
    return fail('unknown_exchange', `unknown exchange "${clip(value.exchange)}"; configured: ${configured.join(', ') || 'none'}`, id);
  }
  const symbol = normalizeSymbol(value.symbol);
  const held = symbol === undefined ? undefined : catalog.heldDepth(exchange, symbol);
  if (symbol === undefined || held === undefined) {
    const hint = symbol === undefined ? ' (symbols are BASE/QUOTE, e.g. BTC/USD)' : '';
    return fail('unknown_symbol', `${exchange} has no configured symbol ${clip(value.symbol)}${hint}`, id);
  }
  const target = { channel, exchange, symbol };
  if (op === 'unsubscribe') return { ok: true, command: { op, id, ...target } };

  if (channel === 'trades') {
    if (value.depth !== undefined) return fail('invalid_depth', 'depth applies to the book channel only', id);
    return { ok: true, command: { op: 'subscribe', id, ...target, depth: undefined } };
  }
  const depth = resolveDepth(value.depth, held);
  if (typeof depth !== 'number') return { ok: false, error: { ...depth, id } };
  return { ok: true, command: { op: 'subscribe', id, ...target, depth } };
}

/** The requested book depth: default 10 capped at the held depth; an explicit value must be 1..held. */
export function resolveDepth(raw: unknown, held: number): number | ProtocolError {
  if (raw === undefined) return Math.min(DEFAULT_BOOK_DEPTH, held);
  if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 1 && raw <= held) return raw;
  const shown = typeof raw === 'string' ? `"${clip(raw)}"` : clip(String(JSON.stringify(raw)));
  return { code: 'invalid_depth', message: `depth must be an integer from 1 to ${held}, got ${shown}` };
}

function isChannel(text: string): text is Channel {
  return text === 'book' || text === 'trades';
}

function readId(raw: unknown): RequestId | undefined {
  if (typeof raw === 'number') return Number.isSafeInteger(raw) ? raw : undefined;
  if (typeof raw === 'string') return raw.length >= 1 && raw.length <= MAX_ID_LENGTH ? raw : undefined;
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Bot text echoed in messages is bounded so an abusive frame cannot inflate our replies. */
function clip(text: string): string {
  return text.length <= 40 ? text : `${text.slice(0, 40)}…`;
}

function fail(code: ProtocolErrorCode, message: string, id?: RequestId): ParseResult {
  return { ok: false, error: id === undefined ? { code, message } : { code, message, id } };
}
