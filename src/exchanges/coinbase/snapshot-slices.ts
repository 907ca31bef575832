// A multi-MB level2 snapshot read a slice at a time, so the gateway can spread it over several event-loop turns
// (JSON.parse of BTC-USD's 5 MB frame alone holds the loop for ~25 ms). The live layout is
//   {"channel":"l2_data",…,"events":[{"type":"snapshot","product_id":"BTC-USD","updates":[{…},{…},…]}]}
// The envelope is parsed with an empty `updates`; the levels between `[` and the closing `]}]}` are scanned about
// `sliceBytes` at a time (l2-frame.ts). A frame in any other layout (another key order, whitespace, two events) is
// refused, here or by the slice that meets the difference: the caller then parses the whole frame at once.
import { scanLevels } from './l2-frame.ts';
import type { CoinbaseLevelUpdate } from './messages.ts';

const UPDATES = '"updates":[';
const CLOSING = ']}]}';
/** The envelope and the event's `type` and `product_id` come before `updates` in the live layout. */
const HEAD_LIMIT = 1024;

export interface SnapshotSlices {
  /** The frame with an empty `updates` array (JSON value, to be classified by the caller). */
  readonly envelope: unknown;
  /** The next slice of levels; undefined when every level was read; `invalid` when the layout is not the expected one. */
  next(): readonly CoinbaseLevelUpdate[] | undefined | 'invalid';
}

/** Undefined when the frame is not a single-event level2 frame in the live layout. */
export function openSnapshotSlices(text: string, sliceBytes: number): SnapshotSlices | undefined {
  const updates = text.indexOf(UPDATES);
  if (updates < 0 || updates > HEAD_LIMIT || !text.endsWith(CLOSING)) return undefined;
  const bodyStart = updates + UPDATES.length;
  let envelope: unknown;
  try {
    envelope = JSON.parse(`${text.slice(0, bodyStart)}${CLOSING}`);
  } catch {
    return undefined;
  }
  const end = text.length - CLOSING.length;
  let position = bodyStart;
  return {
    envelope,
    next() {
      if (position >= end) return undefined;
      const levels: CoinbaseLevelUpdate[] = [];
      const stop = scanLevels(text, position, position + sliceBytes, levels);
      if (stop < 0 || stop > end) return 'invalid';
      if (text.charCodeAt(stop) === 93) {
        if (stop !== end) return 'invalid';
        position = end;
      } else {
        position = stop + 1;
      }
      return levels;
    },
  };
}
