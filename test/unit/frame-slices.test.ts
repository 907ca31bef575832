// FrameSlices: a frame whose work continues over several turns holds the connection's later frames back, in order.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SessionOutput } from '../../src/exchanges/types.ts';
import { FrameSlices } from '../../src/feed/frame-slices.ts';

type Next = NonNullable<SessionOutput['next']>;

function rig(sliceCounts: Record<string, number>) {
  const log: string[] = [];
  const turns: (() => void)[] = [];
  let over = false;
  const pieces = (name: string, left: number): Next | undefined => left === 0 ? undefined
    : () => ({ events: [], actions: [], next: pieces(name, left - 1) });
  const slices = new FrameSlices((work) => turns.push(work), {
    frame: (text) => {
      log.push(`frame ${text}`);
      return pieces(text, sliceCounts[text] ?? 0);
    },
    slice: (next) => {
      log.push('slice');
      return next(0).next;
    },
    done: (bytes) => log.push(`done ${bytes}`),
    over: () => over,
  });
  const turn = (): void => turns.shift()?.();
  return { slices, log, turns, turn, end: () => { over = true; } };
}

describe('FrameSlices', () => {
  it('runs one slice per turn and the frames that arrived meanwhile after the last one, in order', () => {
    const { slices, log, turns, turn } = rig({ big: 2 });
    slices.frame('a', 1);
    slices.frame('big', 5);
    slices.frame('b', 1);
    slices.frame('c', 1);
    assert.deepEqual(log, ['frame a', 'frame big']);
    turn();
    assert.deepEqual(log.slice(2), ['slice']);
    turn();
    assert.deepEqual(log.slice(3), ['slice', 'done 5', 'frame b', 'frame c']);
    assert.equal(turns.length, 0);
  });

  it('drops the rest when the connection ends', () => {
    const { slices, log, turn, end } = rig({ big: 3 });
    slices.frame('big', 5);
    slices.frame('b', 1);
    end();
    turn();
    slices.frame('c', 1);
    assert.deepEqual(log, ['frame big', 'frame c']);
  });
});
