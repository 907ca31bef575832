// A multi-MB level2 snapshot read a slice at a time, so the gateway can spread it over several event-loop turns
// (JSON.parse of BTC-USD's 5 MB frame alone holds the loop for ~25 ms). The live layout is
//   {"channel":"l2_data",…,"events":[{"type":"snapshot","product_id":"BTC-USD","updates":[{…},{…},…]}]}
// The envelope is parsed with an empty `updates`; the levels between `[` and the closing `]}]}` are parsed in slices
// of about `sliceBytes`, cut between two level objects. A frame in any other layout (another key order, two events,
// a value containing `},{`) is refused, here or by the first slice that fails to parse: the caller then parses the
// whole frame at once.
import type { CoinbaseLevelUpdate } from './messages.ts';
import { isLevelUpdate } from './parse.ts';

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
      let cut = end;
      if (position + sliceBytes < end) {
        const boundary = text.indexOf('},{', position + sliceBytes);
        if (boundary >= 0 && boundary < end) cut = boundary + 1;
      }
      const slice = text.slice(position, cut);
      position = cut + 1;
      let levels: unknown;
      try {
        levels = JSON.parse(`[${slice}]`);
      } catch {
        return 'invalid';
      }
      if (!Array.isArray(levels)) return 'invalid';
      for (let i = 0; i < levels.length; i++) if (!isLevelUpdate(levels[i])) return 'invalid';
      return levels as CoinbaseLevelUpdate[];
    },
  };
}
