import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { doublingDelayMs } from '../../src/core/backoff.ts';
import { isJsonObject } from '../../src/core/json-shape.ts';
import { symbolsNamedIn } from '../../src/exchanges/named-symbols.ts';

describe('ground-floor helpers', () => {
  it('doublingDelayMs doubles per failure up to the cap, whatever the streak', () => {
    assert.deepEqual([0, 1, 2, 3, 4].map((n) => doublingDelayMs(250, n, 3_000)), [250, 500, 1_000, 2_000, 3_000]);
    assert.equal(doublingDelayMs(250, 10_000, 3_000), 3_000);
    assert.equal(doublingDelayMs(250, -1, 3_000), 250);
  });

  it('isJsonObject accepts objects only', () => {
    assert.deepEqual([{}, { a: 1 }, [], null, 'x', 1].map(isJsonObject), [true, true, false, false, false, false]);
  });

  it('symbolsNamedIn finds the configured symbols a frame names, or all of them', () => {
    const mentions = [
      { pattern: /"s":"([A-Z]+)"/g, symbolOf: (name: string) => ({ BTCUSDT: 'BTC/USDT', ETHUSDT: 'ETH/USDT' })[name] },
      { pattern: /"stream":"([a-z]+)@/g, symbolOf: (name: string) => (name === 'ethusdt' ? 'ETH/USDT' : undefined) },
    ];
    const all = ['BTC/USDT', 'ETH/USDT', 'XRP/USDT'];
    assert.deepEqual(symbolsNamedIn('{"stream":"ethusdt@depth","data":{"s":"BTCUSDT","U":', mentions, all), ['BTC/USDT', 'ETH/USDT']);
    assert.deepEqual(symbolsNamedIn('{"s":"DOGEUSDT","U":1', mentions, all), all);
  });
});
