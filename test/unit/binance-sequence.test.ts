// DepthSequence, Binance's update-id bridging rule by itself, on real snapshot + diff pairs of the 2021-10-12 capture
// (NKNUSDT: snapshot 499869752, diffs 750–752, 753–754, 755–757, 758–759; LRCBTC: snapshot 259345543, diffs
// 536–539 and 540–543 both held by it).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChainLink } from '../../src/exchanges/binance/book-chain.ts';
import type { BinanceDepthSnapshot, BinanceDepthUpdate } from '../../src/exchanges/binance/messages.ts';
import { parseBinanceFrame } from '../../src/exchanges/binance/parse.ts';
import { DepthSequence } from '../../src/exchanges/binance/sequence.ts';
import { nknPair, readCapture, restSymbol } from '../support/binance-fixtures.ts';

const NKN = nknPair();
const depth = (text: string): BinanceDepthUpdate => {
  const frame = parseBinanceFrame(text);
  if (frame.kind !== 'depth') throw new Error(`not a depth frame: ${text.slice(0, 80)}`);
  return frame.message;
};
const snapshotOf = (text: string): BinanceDepthSnapshot => {
  const frame = parseBinanceFrame(text);
  if (frame.kind !== 'snapshot') throw new Error('not a snapshot frame');
  return frame.message;
};
const [D750, D753, D755, D758] = NKN.diffs.slice(0, 4).map(depth) as [BinanceDepthUpdate, BinanceDepthUpdate, BinanceDepthUpdate, BinanceDepthUpdate];
const SNAPSHOT = snapshotOf(NKN.snapshot);

function sequence(): { seq: DepthSequence; link: ChainLink } {
  const link: ChainLink = { owner: 1, phase: 'buffering', updateId: 0, lastTradeId: -1 };
  return { seq: new DepthSequence(link), link };
}

describe('DepthSequence', () => {
  it('buffers, asking for one snapshot; bridges; then applies, drops stale diffs and halts on a gap', () => {
    const { seq, link } = sequence();
    assert.deepEqual(seq.diff(D750), { kind: 'buffered', fetch: true });
    assert.deepEqual(seq.diff(D753), { kind: 'buffered', fetch: false });
    assert.deepEqual([seq.buffered, seq.awaiting], [2, true]);
    const bridged = seq.snapshot(SNAPSHOT);
    assert.deepEqual(bridged, { kind: 'bridged', dropped: 1, newestDroppedTime: D750.E, replay: [D753] });
    assert.deepEqual([seq.buffered, seq.awaiting, link.phase, link.updateId], [0, false, 'synced', 499869752]);
    assert.deepEqual(seq.snapshot(SNAPSHOT), { kind: 'unexpected' }, 'no snapshot is awaited any more');
    assert.deepEqual(seq.diff(D753), { kind: 'apply' }, 'the replayed diff, handed back, applies');
    assert.deepEqual(seq.diff(D753), { kind: 'stale' });
    assert.deepEqual(seq.diff(D758), { kind: 'gap', from: 499869754 }, '755–757 never came');
    assert.deepEqual(seq.diff(D755), { kind: 'halted' });
    assert.deepEqual(seq.stats, { snapshotLastUpdateId: 499869752, discarded: 1, applied: 1, stale: 1, gaps: 1, snapshotsRejected: 0 });
  });

  it('the newest dropped diff dates the snapshot when several are held by it (LRCBTC)', () => {
    const lines = readCapture('capture-2021-10-12-spot-4sym.jsonl');
    const diffs = lines.filter((line) => line.src === 'ws' && line.raw!.includes('"e":"depthUpdate"') && line.raw!.includes('"s":"LRCBTC"'))
      .slice(0, 2).map((line) => depth(line.raw!));
    const rest = lines.find((line) => line.src === 'rest' && restSymbol(line.url!) === 'LRCBTC')!;
    const { seq } = sequence();
    for (const diff of diffs) seq.diff(diff);
    const bridged = seq.snapshot((JSON.parse(rest.raw!) as BinanceDepthSnapshot));
    assert.deepEqual([diffs.map((diff) => [diff.U, diff.u]), bridged.kind === 'bridged' && bridged.dropped],
      [[[259345536, 259345539], [259345540, 259345543]], 2]);
    assert.equal(bridged.kind === 'bridged' && bridged.newestDroppedTime, Math.max(diffs[0]!.E, diffs[1]!.E));
    assert.ok(diffs[1]!.E > diffs[0]!.E);
  });

  it('a buffer with a hole after the snapshot does not bridge; one that starts past it is too old', () => {
    const hole = sequence();
    hole.seq.diff(D750);
    hole.seq.diff(D755);
    assert.deepEqual(hole.seq.snapshot(SNAPSHOT), { kind: 'no_bridge', lastUpdateId: 499869752, first: D755 });
    const late = sequence();
    late.seq.diff(D755);
    assert.deepEqual(late.seq.snapshot(SNAPSHOT), { kind: 'too_old', lastUpdateId: 499869752, needed: 499869754 });
    assert.deepEqual([hole.seq.stats.snapshotsRejected, late.seq.stats.snapshotsRejected, late.seq.awaiting], [1, 1, true]);
  });

  it('after restart(true) the snapshot must hold every id the stream showed, even older diffs seen later', () => {
    const { seq } = sequence();
    seq.diff(D753);
    seq.seen(499869752);
    seq.restart(true);
    assert.deepEqual([seq.buffered, seq.awaiting], [0, true]);
    assert.deepEqual(seq.snapshot(SNAPSHOT), { kind: 'too_old', lastUpdateId: 499869752, needed: 499869754 });
  });

  it('halt drops the buffer and the wait; only restart resumes', () => {
    const { seq, link } = sequence();
    seq.diff(D750);
    seq.halt();
    assert.deepEqual([seq.buffered, seq.awaiting, link.phase], [0, false, 'halted']);
    assert.deepEqual(seq.diff(D753), { kind: 'halted' });
    assert.deepEqual(seq.snapshot(SNAPSHOT), { kind: 'unexpected' });
    seq.restart();
    assert.deepEqual([seq.buffered, seq.awaiting, link.phase], [0, false, 'buffering']);
    assert.deepEqual(seq.diff(D753), { kind: 'buffered', fetch: true });
  });
});
