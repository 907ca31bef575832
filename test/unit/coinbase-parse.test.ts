// Coinbase frame parsing: the one-pass level2 scanner builds exactly what JSON.parse + shape checks build, on every
// real level2 frame, and refuses any other layout; sliced snapshots read the same levels; every frame kind is told.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCompactL2Frame } from '../../src/exchanges/coinbase/l2-frame.ts';
import { parseCoinbaseFrame, parseCoinbaseFrameJson } from '../../src/exchanges/coinbase/parse.ts';
import { openSnapshotSlices } from '../../src/exchanges/coinbase/snapshot-slices.ts';
import { readDocsExamples, readMiscFrames, readRealCapture } from '../support/coinbase-fixtures.ts';

const frames = readRealCapture().frames.map((frame) => frame.text);
const l2 = frames.filter((text) => text.startsWith('{"channel":"l2_data"'));

describe('coinbase parse', () => {
  it('the compact level2 scanner equals the JSON path on all 775 real level2 frames', () => {
    assert.equal(l2.length, 775);
    for (const text of l2) {
      const json = parseCoinbaseFrameJson(text);
      assert.equal(json.kind, 'l2');
      assert.deepEqual(parseCompactL2Frame(text), json.kind === 'l2' ? json.message : undefined);
    }
  });

  it('the scanner refuses other layouts; the JSON path still reads them', () => {
    const update = l2.find((text) => text.length < 1000)!;
    const value = JSON.parse(update) as Record<string, unknown>;
    const variants = [
      JSON.stringify(value, null, 1),
      JSON.stringify({ client_id: '', ...value }),
      JSON.stringify({ ...value, extra: 1 }),
      update.replace('"product_id":"BTC-USD"', '"product_id":"BTC\\u002dUSD"'),
    ];
    for (const variant of variants) {
      assert.equal(parseCompactL2Frame(variant), undefined, variant.slice(0, 80));
      assert.equal(parseCoinbaseFrame(variant).kind, 'l2');
    }
    for (const invalid of [update.slice(0, -2), update.replace('"sequence_num":', '"sequence_num":0')]) {
      assert.equal(parseCompactL2Frame(invalid), undefined);
      assert.equal(parseCoinbaseFrame(invalid).kind, 'unknown', 'not JSON either');
    }
  });

  it('reads both real snapshots in slices to the same levels as one JSON.parse', () => {
    for (const text of frames.filter((each) => each.length > 1_000_000)) {
      const slices = openSnapshotSlices(text, 256 * 1024)!;
      const levels = [];
      for (let slice = slices.next(); slice !== undefined; slice = slices.next()) {
        assert.notEqual(slice, 'invalid');
        if (slice !== 'invalid') levels.push(...slice);
      }
      const whole = JSON.parse(text) as { events: { updates: unknown[] }[] };
      assert.deepEqual(levels, whole.events[0]!.updates);
    }
  });

  it('tells every frame kind of the capture, the misc frames and the documentation examples', () => {
    const kinds = (texts: readonly string[]) => texts.map((text) => {
      const frame = parseCoinbaseFrame(text);
      return frame.kind === 'ignored' ? `ignored:${frame.channel}` : frame.kind;
    });
    const counts = new Map<string, number>();
    for (const kind of kinds(frames)) counts.set(kind, (counts.get(kind) ?? 0) + 1);
    assert.deepEqual(Object.fromEntries(counts), { trades: 59, subscriptions: 5, 'ignored:candles': 6, 'ignored:ticker': 160,
      l2: 775, heartbeat: 25 });
    assert.deepEqual(kinds(readMiscFrames().map((frame) => frame.raw)),
      ['l2', 'subscriptions', 'ignored:user', 'subscriptions', 'heartbeat', 'error', 'error']);
    const docs = readDocsExamples().messages as Record<string, unknown>;
    assert.deepEqual(kinds(Object.values(docs).map((message) => JSON.stringify(message))),
      ['heartbeat', 'ignored:candles', 'trades', 'ignored:status', 'ignored:ticker', 'l2']);
  });
});
