// The net change between two top-N windows of one book side, as a bot applies it: levels in order,
// then truncate to N. Pure.
//
// Removals come first: a bot keyed by numeric price must drop `1877.30` before it sets `1877.3`.
// A level that enters the window because another left it is simply "added" by the diff, which is the
// rule the README's downstream protocol promises (the same as Kraken's own feed).
//
// Speed: BookSide keeps an unchanged level's tuple object and makes a new tuple for every change, so a
// reference-equal pair is skipped without parsing; numbers are parsed only where the windows differ.
import type { LevelText } from '../core/model.ts';

export type SideName = 'bids' | 'asks';

const NOTHING: readonly LevelText[] = Object.freeze([]);

export function diffWindow(side: SideName, previous: readonly LevelText[], current: readonly LevelText[]): readonly LevelText[] {
  // Allocated on first use: most diffs have no removal, many windows no change at all.
  let removed: LevelText[] | undefined;
  let changed: LevelText[] | undefined;
  const sign = side === 'bids' ? -1 : 1;
  let i = 0;
  let j = 0;
  while (i < previous.length && j < current.length) {
    const before = previous[i]!;
    const after = current[j]!;
    if (before === after) {
      i++;
      j++;
    } else if (before[0] === after[0]) {
      if (before[1] !== after[1]) (changed ??= []).push(after);
      i++;
      j++;
    } else {
      const beforeKey = sign * Number(before[0]);
      const afterKey = sign * Number(after[0]);
      if (beforeKey < afterKey) {
        (removed ??= []).push([before[0], '0']);
        i++;
      } else if (afterKey < beforeKey) {
        (changed ??= []).push(after);
        j++;
      } else {
        // Same price written differently (`1877.30` vs `1877.3`): replace the text.
        (removed ??= []).push([before[0], '0']);
        (changed ??= []).push(after);
        i++;
        j++;
      }
    }
  }
  for (; i < previous.length; i++) (removed ??= []).push([previous[i]![0], '0']);
  for (; j < current.length; j++) (changed ??= []).push(current[j]!);
  if (removed === undefined) return changed ?? NOTHING;
  if (changed !== undefined) for (const level of changed) removed.push(level);
  return removed;
}
