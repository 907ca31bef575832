// The recorder's NDJSON lines (recordings and incident bundles share them, so `npm run replay` reads both).
//   {"k":"recording","v":1,"startedAt":…,"version":…,"config":{…}}     first line of a recording file
//   {"k":"incident","v":1,…}                                           first line of an incident bundle
//   {"k":"open","t":<ms>,"s":<socket>,"x":"kraken","c":1,"symbols":[…],"config":{…venue config}}
//   {"t":<ms>,"s":<socket>,"f":<frame text verbatim>}                 a frame (no "k": the common line is short)
//   {"t":<ms>,"s":<socket>,"F":"<frame text as a JSON string>"}       a frame with a line break in it
// A frame is kept byte for byte (Kraken's checksums depend on its number tokens), so `f` is read back as the text
// between `"f":` and the closing brace, never through JSON.parse; a line is valid JSON whenever the frame is.
//   {"k":"close","t":<ms>,"s":<socket>,"how":"stale|retire|stop","cause":"…"}
//   {"k":"dropped","t":<ms>,"frames":N}                                the disk fell behind; N frames not written
// `t` is the receive time (epoch ms, the gateway's monotonic clock).
import type { VenueConfig } from '../config/types.ts';
import type { LevelText } from '../core/model.ts';
import type { ExchangeId } from '../exchanges/registry.ts';
import type { SocketEnd } from '../feed/connection-books.ts';

export const RECORDING_VERSION = 1;

export interface OpenRecord {
  readonly k: 'open';
  readonly t: number;
  readonly s: number;
  readonly x: ExchangeId;
  readonly c: number;
  readonly symbols: readonly string[];
  readonly config: VenueConfig;
}

export interface FrameRecord {
  readonly k?: undefined;
  readonly t: number;
  readonly s: number;
  readonly f: string;
}

export interface CloseRecord {
  readonly k: 'close';
  readonly t: number;
  readonly s: number;
  readonly how: SocketEnd;
  readonly cause: string;
}

export interface BookCopy {
  readonly state: string;
  readonly reason: string | null;
  readonly version: number;
  readonly bids: readonly LevelText[];
  readonly asks: readonly LevelText[];
}

export interface IncidentRecord {
  readonly k: 'incident';
  readonly v: number;
  readonly at: string;
  readonly exchange: ExchangeId;
  readonly connection: number;
  readonly symbol: string;
  readonly reason: string;
  readonly message: string;
  /** The frames reach back to the socket's open: the replay starts from the same state the gateway did. */
  readonly fromOpen: boolean;
  readonly bookBefore: BookCopy | null;
  readonly bookAfter: BookCopy | null;
  readonly config: unknown;
}

export type RecordLine = OpenRecord | FrameRecord | CloseRecord | IncidentRecord
  | { readonly k: 'recording' | 'dropped'; readonly [field: string]: unknown };

const FRAME_PREFIX = '{"t":';

/** One line of a recording or bundle; undefined for a line that is not one (a file cut short mid-line). */
export function parseRecordLine(line: string): RecordLine | undefined {
  if (line.startsWith(FRAME_PREFIX)) {
    const s = line.indexOf(',"s":');
    const f = line.indexOf(',"', s + 5);
    if (s > 0 && f > 0 && line.startsWith(',"f":', f) && line.endsWith('}')) {
      return { t: Number(line.slice(FRAME_PREFIX.length, s)), s: Number(line.slice(s + 5, f)), f: line.slice(f + 5, -1) };
    }
  }
  try {
    const record = JSON.parse(line) as RecordLine;
    if ('F' in record && typeof record.F === 'string' && typeof record.t === 'number' && typeof record.s === 'number') {
      return { t: record.t, s: record.s, f: record.F };
    }
    return record;
  } catch {
    return undefined;
  }
}
