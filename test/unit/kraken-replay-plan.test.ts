import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readCbcapFile } from '../../src/sim/kraken/cbcap.ts';
import { buildReplayPlan, finalBook, replayBook } from '../../src/sim/kraken/replay-plan.ts';
import { frameKind } from '../../src/sim/kraken/wire-read.ts';
import { KRAKEN_CAPTURES, readLines } from '../support/kraken-fixtures.ts';

const CAPTURES = [
  { name: 'crossbook_kraken_btcusd_d10_l2', symbol: 'BTC/USD', depth: 10, books: 297, collapsed: 4 },
  { name: 'crossbook_kraken_ethusd_d25', symbol: 'ETH/USD', depth: 25, books: 1129, collapsed: 0 },
  { name: 'crossbook_kraken_xrpusd_d25', symbol: 'XRP/USD', depth: 25, books: 1147, collapsed: 0 },
] as const;

describe('replay plan from real captures', () => {
  for (const capture of CAPTURES) {
    const url = new URL(`${capture.name}.cbcap`, KRAKEN_CAPTURES);

    it(`${capture.symbol}: the cbcap reader yields exactly the frames of the .frames.jsonl`, () => {
      const ours = readCbcapFile(url);
      assert.equal(ours.symbol, capture.symbol);
      assert.deepEqual(ours.frames.map((frame) => frame.text), readLines(new URL(`${capture.name}.frames.jsonl`, KRAKEN_CAPTURES)));
    });

    it(`${capture.symbol}: status, ack, then data in capture order; every checksum verifies`, () => {
      const frames = readCbcapFile(url).frames;
      const plan = buildReplayPlan(frames);
      assert.deepEqual([plan.symbol, plan.depth, plan.bookFrames, plan.collapsedSnapshots],
        [capture.symbol, capture.depth, capture.books, capture.collapsed]);
      assert.equal(plan.status, frames[0]?.text);
      assert.equal(plan.ack, frames[1]?.text);
      assert.equal(frameKind(plan.frames.find((frame) => !frame.heartbeat)?.text ?? ''), 'book:snapshot');
      assert.ok(plan.frames.every((frame) => !/^\{"method"/.test(frame.text)), 'no acks of the original client');
      const offsets = plan.frames.map((frame) => frame.offsetMs);
      assert.deepEqual(offsets, [...offsets].sort((a, b) => a - b));
      let cursor = 2;
      for (const frame of plan.frames) {
        while (cursor < frames.length && frames[cursor]?.text !== frame.text) cursor++;
        assert.ok(cursor++ < frames.length, 'plan frames are the capture frames, in capture order');
      }
      let matched = 0;
      let total = 0;
      replayBook(plan, (ok) => {
        total++;
        if (ok) matched++;
      });
      assert.deepEqual([matched, total], [capture.books, capture.books]);
      const final = finalBook(plan);
      assert.equal(final.bids.length, capture.depth);
      assert.equal(final.asks.length, capture.depth);
    });
  }

  it('keepResubscribes replays the original client acks and every snapshot verbatim; same final book', () => {
    const frames = readCbcapFile(new URL('crossbook_kraken_btcusd_d10_l2.cbcap', KRAKEN_CAPTURES)).frames;
    const kept = buildReplayPlan(frames, true);
    const kinds = kept.frames.map((frame) => frameKind(frame.text));
    assert.equal(kinds.filter((kind) => kind === 'unsubscribe').length, 7);
    assert.equal(kinds.filter((kind) => kind === 'subscribe').length, 7);
    assert.equal(kinds.filter((kind) => kind === 'book:snapshot').length, 5);
    assert.equal(kept.bookFrames, 301);
    assert.equal(kept.frames.length, frames.length - 2);
    assert.deepEqual(finalBook(kept), finalBook(buildReplayPlan(frames)));
    assert.deepEqual(finalBook(kept, 5), { bids: finalBook(kept).bids.slice(0, 5), asks: finalBook(kept).asks.slice(0, 5) });
  });

  it('frames given as text only replay back to back', () => {
    const plan = buildReplayPlan(readLines(new URL('crossbook_kraken_xrpusd_d25.frames.jsonl', KRAKEN_CAPTURES)));
    assert.ok(plan.frames.every((frame) => frame.offsetMs === 0));
    assert.equal(plan.bookFrames, 1147);
  });
});
