// The compact book-frame scanner is a fast path: on every real book frame it must build exactly what the JSON path
// builds, and on any frame it cannot read exactly it must step aside (undefined), never return something different.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCompactBookFrame } from '../../src/exchanges/kraken/book-frame.ts';
import { parseKrakenFrameJson } from '../../src/exchanges/kraken/parse.ts';
import { SeededRandom } from '../../src/sim/seeded-random.ts';
import { listKrakenCaptures, readKrakenCaptureFrames } from '../support/kraken-fixtures.ts';

function realBookFrames(): string[] {
  return listKrakenCaptures()
    .filter((name) => !name.endsWith('.json'))
    .flatMap((name) => readKrakenCaptureFrames(name))
    .filter((text) => text.startsWith('{"channel":"book"'));
}

describe('compact Kraken book-frame scanner', () => {
  const frames = realBookFrames();

  it('builds exactly what the JSON path builds on every real book frame', () => {
    assert.ok(frames.length > 2_500, `${frames.length} book frames`);
    for (const text of frames) {
      const fast = parseCompactBookFrame(text);
      const general = parseKrakenFrameJson(text);
      assert.equal(general.kind, 'book');
      assert.deepEqual(fast, general.kind === 'book' ? general.message : undefined, text.slice(0, 120));
    }
  });

  it('steps aside on frames it cannot read exactly (mutations, other layouts), never answering differently', () => {
    const random = new SeededRandom(2026);
    const alphabet = '{}[]",:.0123456789-eE+ abcx\\';
    let accepted = 0;
    for (let i = 0; i < 5_000; i++) {
      const text = frames[Math.floor(random.next() * frames.length)]!;
      const at = Math.floor(random.next() * text.length);
      const mutated = text.slice(0, at) + alphabet[Math.floor(random.next() * alphabet.length)] + text.slice(at + 1);
      const fast = parseCompactBookFrame(mutated);
      if (fast === undefined) continue;
      accepted++;
      const general = parseKrakenFrameJson(mutated);
      assert.equal(general.kind, 'book', mutated);
      assert.deepEqual(fast, general.kind === 'book' ? general.message : undefined, mutated);
    }
    assert.ok(accepted > 100, `some mutations stay valid book frames (${accepted})`);
    const pretty = JSON.stringify(JSON.parse(frames[0]!), null, 1);
    assert.equal(parseCompactBookFrame(pretty), undefined, 'pretty-printed JSON takes the general path');
    assert.equal(parseCompactBookFrame(frames[0]!.slice(0, -1)), undefined, 'truncated');
  });
});
