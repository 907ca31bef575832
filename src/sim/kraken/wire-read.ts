// Lossless reading of Kraken `book` frames for the replay server and tests: price/qty tokens are kept as the exact
// text on the wire (JSON.parse would print `0.00100000` back as `0.001` and break the checksum, kraken-v2.md §11.1).
import type { LevelText } from '../../core/model.ts';
import { isRecord, parseJsonObject } from '../json-value.ts';

export interface BookFrameRead {
  readonly type: 'snapshot' | 'update';
  readonly symbol: string;
  readonly bids: LevelText[];
  readonly asks: LevelText[];
  readonly checksum: number;
  readonly timestamp: string;
}

const LEVEL = /\{"price":(-?[\d.eE+-]+),"qty":(-?[\d.eE+-]+)\}/g;

/** Undefined for anything that is not a single-symbol book frame in the production shape. */
export function readBookFrame(text: string): BookFrameRead | undefined {
  const value = parseJsonObject(text);
  if (value === undefined || value.channel !== 'book' || (value.type !== 'snapshot' && value.type !== 'update')) return undefined;
  if (!Array.isArray(value.data) || value.data.length !== 1) return undefined;
  const data: unknown = value.data[0];
  if (!isRecord(data) || typeof data.symbol !== 'string' || typeof data.checksum !== 'number') return undefined;
  const bids = levelsAfter(text, '"bids":[');
  const asks = levelsAfter(text, '"asks":[');
  if (bids === undefined || asks === undefined) return undefined;
  const timestamp = typeof data.timestamp === 'string' ? data.timestamp : '';
  return { type: value.type, symbol: data.symbol, bids, asks, checksum: data.checksum, timestamp };
}

function levelsAfter(text: string, key: string): LevelText[] | undefined {
  const start = text.indexOf(key);
  if (start === -1) return undefined;
  const end = text.indexOf(']', start);
  const segment = text.slice(start + key.length, end);
  return [...segment.matchAll(LEVEL)].map((match): LevelText => [match[1] ?? '', match[2] ?? '']);
}

/** `channel:type` for channel data, `method` (+`:error`) for responses: a frame's kind, for tests and replay. */
export function frameKind(text: string): string {
  const value = parseJsonObject(text);
  if (value === undefined) return 'invalid';
  if (typeof value.channel === 'string') return typeof value.type === 'string' ? `${value.channel}:${value.type}` : value.channel;
  if (typeof value.method === 'string') return value.success === false ? `${value.method}:error` : value.method;
  return 'unknown';
}
