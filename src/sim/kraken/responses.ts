// Responses to client requests (kraken-v2.md §2, §3.2, §1.3). Kraken prints response keys in alphabetical order
// (`error, method, req_id, result, success, symbol, time_in, time_out`), as seen on the wire and in the docs.
import { jsonObject, quote } from './wire-format.ts';

export interface ResponseTiming {
  readonly reqId?: number;
  readonly timeIn: string;
  readonly timeOut: string;
}

/** Result object fields, already JSON text, in Kraken's (alphabetical) order. */
export type ResultEntries = ReadonlyArray<readonly [string, string | undefined]>;

export function successResponse(method: 'subscribe' | 'unsubscribe', result: ResultEntries, timing: ResponseTiming): string {
  return jsonObject([
    ['method', quote(method)], ['req_id', reqIdText(timing.reqId)], ['result', jsonObject(result)],
    ['success', 'true'], ['time_in', quote(timing.timeIn)], ['time_out', quote(timing.timeOut)],
  ]);
}

export function errorResponse(error: string, method: string, timing: ResponseTiming, symbol?: string): string {
  return jsonObject([
    ['error', quote(error)], ['method', quote(method)], ['req_id', reqIdText(timing.reqId)], ['success', 'false'],
    ['symbol', symbol === undefined ? undefined : quote(symbol)],
    ['time_in', quote(timing.timeIn)], ['time_out', quote(timing.timeOut)],
  ]);
}

export function pongResponse(timing: ResponseTiming): string {
  return jsonObject([
    ['method', quote('pong')], ['req_id', reqIdText(timing.reqId)],
    ['time_in', quote(timing.timeIn)], ['time_out', quote(timing.timeOut)],
  ]);
}

function reqIdText(reqId: number | undefined): string | undefined {
  return reqId === undefined ? undefined : String(reqId);
}

export const KrakenErrors = {
  depthNotSupported: 'Subscription depth not supported',
  pairNotSupported: (symbol: string) => `Currency pair not supported ${symbol}`,
  alreadySubscribed: 'Already subscribed',
  notFound: 'Subscription Not Found',
  exceededMsgRate: 'Exceeded msg rate',
  // Strings below are ours: Kraken's exact text for these cases is not documented.
  malformed: 'Malformed request',
  unsupportedChannel: 'Channel not supported',
  missingSymbol: 'Missing field symbol',
  unsupportedMethod: 'Method not supported',
} as const;

/** Kraken answered an unsubscribe of nothing with `"method":"subscribe"` (errors_observed.json); we do the same. */
export const NOT_FOUND_METHOD = 'subscribe';
