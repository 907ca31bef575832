// Which connection an upgrade URL asks for (binance-spot.md §2.1): `/ws` and `/ws/<s1>/<s2>` (bare payloads),
// `/stream?streams=<s1>/<s2>` (combined). Pure.
import { parseStreamName } from './streams.ts';

export type UpgradeRequest =
  | { readonly kind: 'accept'; readonly combined: boolean; readonly streams: readonly string[] }
  | { readonly kind: 'refuse'; readonly status: 400 | 404; readonly body: string };

export function parseUpgradePath(rawUrl: string, maxStreams: number): UpgradeRequest {
  const url = new URL(rawUrl, 'http://localhost');
  const path = url.pathname.replace(/\/+$/, '');
  let combined: boolean;
  let names: string[];
  if (path === '/stream') {
    combined = true;
    names = (url.searchParams.get('streams') ?? '').split('/');
  } else if (path === '/ws' || path.startsWith('/ws/')) {
    combined = false;
    names = path.slice('/ws'.length).split('/');
  } else {
    return { kind: 'refuse', status: 404, body: 'Not Found' };
  }
  const streams = [...new Set(names.filter((name) => name !== ''))];
  const invalid = streams.find((name) => parseStreamName(name) === undefined);
  if (invalid !== undefined) {
    return { kind: 'refuse', status: 400, body: JSON.stringify({ code: 2, msg: `Invalid request: invalid stream ${invalid}` }) };
  }
  if (streams.length > maxStreams) {
    return { kind: 'refuse', status: 400, body: JSON.stringify({ code: 4, msg: 'Too many subscriptions' }) };
  }
  return { kind: 'accept', combined, streams };
}
