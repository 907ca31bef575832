import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { shard } from '../../src/feed/venue-connector.ts';

describe('shard', () => {
  it('keeps every shard within the size, as even as possible, in order', () => {
    const symbols = Array.from({ length: 51 }, (_, i) => `S${i}/USDT`);
    assert.deepEqual(shard(symbols, 50).map((each) => each.length), [26, 25], 'not 50 + a lone symbol');
    assert.deepEqual(shard(symbols, 50).flat(), symbols);
    assert.deepEqual(shard(symbols.slice(0, 7), 3).map((each) => each.length), [3, 2, 2]);
    assert.deepEqual(shard(symbols.slice(0, 50), 25).map((each) => each.length), [25, 25]);
    assert.deepEqual(shard(symbols.slice(0, 3), 50), [symbols.slice(0, 3)]);
    assert.deepEqual(shard([], 50), []);
  });
});
