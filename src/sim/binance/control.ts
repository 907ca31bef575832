// Live control messages (binance-spot.md §3): SUBSCRIBE, UNSUBSCRIBE, LIST_SUBSCRIPTIONS, SET/GET_PROPERTY.
// Pure: takes the request text and the connection's state, returns the reply and what to change.
// Errors use the nested wire form `{"error":{"code":..,"msg":..},"id":..}` (§3.1).
import { parseStreamName } from './streams.ts';

export interface ControlState {
  readonly streams: readonly string[];
  readonly combined: boolean;
  readonly maxStreams: number;
}

export interface ControlOutcome {
  readonly reply: string;
  readonly method?: string;
  /** Streams to add (SUBSCRIBE accepted) or remove (UNSUBSCRIBE). */
  readonly subscribe?: readonly string[];
  readonly unsubscribe?: readonly string[];
  readonly combined?: boolean;
  /** Close the connection after the reply. */
  readonly close?: { readonly code: number; readonly reason: string };
}

type RequestId = number | string | null;

const METHODS = ['SUBSCRIBE', 'UNSUBSCRIBE', 'LIST_SUBSCRIPTIONS', 'SET_PROPERTY', 'GET_PROPERTY'];

export function resultReply(result: unknown, id: RequestId): string {
  return `{"result":${JSON.stringify(result)},"id":${JSON.stringify(id)}}`;
}

export function errorReply(code: number, msg: string, id: RequestId): string {
  return `{"error":{"code":${code},"msg":${JSON.stringify(msg)}},"id":${JSON.stringify(id)}}`;
}

export function handleControl(text: string, state: ControlState): ControlOutcome {
  let request: unknown;
  try {
    request = JSON.parse(text);
  } catch {
    return { reply: errorReply(3, `Invalid JSON: expected value at line 1 column ${invalidJsonColumn(text)}`, null) };
  }
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    return { reply: errorReply(2, 'Invalid request', null) };
  }
  const fields = request as Record<string, unknown>;
  const method = fields.method;
  if (method === undefined) {
    return { reply: errorReply(2, `Invalid request: missing field \`method\` at line 1 column ${text.length}`, idOf(fields.id)) };
  }
  if (typeof method !== 'string' || !METHODS.includes(method)) {
    const variant = typeof method === 'string' ? `\`${method}\`` : JSON.stringify(method);
    return { reply: errorReply(2, `Invalid request: unknown variant ${variant}, expected one of ` +
      `${METHODS.map((name) => `\`${name}\``).join(', ')} at line 1 column ${methodColumn(text)}`, idOf(fields.id)) };
  }
  if (!validId(fields.id)) {
    return { reply: errorReply(2, 'Invalid request: request ID must be an unsigned integer', null), method };
  }
  const id = fields.id as RequestId;
  const params = fields.params;
  switch (method) {
    case 'SUBSCRIBE':
    case 'UNSUBSCRIBE':
      return streamRequest(method, params, id, state);
    case 'LIST_SUBSCRIPTIONS':
      return { reply: resultReply(state.streams, id), method };
    default:
      return propertyRequest(method, params, id, state);
  }
}

function streamRequest(method: 'SUBSCRIBE' | 'UNSUBSCRIBE', params: unknown, id: RequestId, state: ControlState): ControlOutcome {
  if (!Array.isArray(params)) return { reply: errorReply(2, 'Invalid request: missing field `params`', id), method };
  const names: string[] = [];
  for (const param of params) {
    if (typeof param !== 'string' || parseStreamName(param) === undefined) {
      return { reply: errorReply(2, 'Invalid request: invalid stream', id), method };
    }
    if (!names.includes(param)) names.push(param);
  }
  if (method === 'UNSUBSCRIBE') return { reply: resultReply(null, id), method, unsubscribe: names };
  const added = names.filter((name) => !state.streams.includes(name));
  if (state.streams.length + added.length > state.maxStreams) {
    return {
      reply: errorReply(4, 'Too many subscriptions', id), method, close: { code: 1008, reason: 'Invalid request' },
    };
  }
  return { reply: resultReply(null, id), method, subscribe: added };
}

function propertyRequest(method: string, params: unknown, id: RequestId, state: ControlState): ControlOutcome {
  const list = Array.isArray(params) ? params : [];
  const expected = method === 'SET_PROPERTY' ? 2 : 1;
  if (list.length > expected) return { reply: errorReply(2, 'Invalid request: too many parameters', id), method };
  const [name, value] = list;
  if (typeof name !== 'string') return { reply: errorReply(2, 'Invalid request: property name must be a string', id), method };
  if (name !== 'combined') return { reply: errorReply(0, 'Unknown property', id), method };
  if (method === 'GET_PROPERTY') return { reply: resultReply(state.combined, id), method };
  if (typeof value !== 'boolean') return { reply: errorReply(1, 'Invalid value type: expected Boolean', id), method };
  return { reply: resultReply(null, id), method, combined: value };
}

/** A signed 64-bit integer, an alphanumeric string of at most 36 characters, or null. */
function validId(id: unknown): boolean {
  if (id === null) return true;
  if (typeof id === 'number') return Number.isInteger(id);
  return typeof id === 'string' && /^[A-Za-z0-9]{1,36}$/.test(id);
}

function idOf(id: unknown): RequestId {
  return validId(id) ? (id as RequestId) : null;
}

function methodColumn(text: string): number {
  const key = text.indexOf('"method"');
  const colon = key < 0 ? -1 : text.indexOf(':', key);
  const value = /^\s*("(?:[^"\\]|\\.)*"|[^,}]*)/.exec(text.slice(colon + 1));
  return colon < 0 || value === null ? 1 : colon + 1 + value[0].length;
}

function invalidJsonColumn(text: string): number {
  const start = text.search(/\S/);
  return start < 0 ? text.length + 1 : start + 1;
}
