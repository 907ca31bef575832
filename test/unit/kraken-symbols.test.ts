import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromKrakenSymbol, isBaseQuoteSymbol, toKrakenSymbol } from '../../src/exchanges/kraken/symbols.ts';
import { readKrakenDoc } from '../support/kraken-fixtures.ts';

// The v1 names Kraken v2 rejected, as recorded in errors_observed.json (`Currency pair not supported XBT/USD`).
const REJECTED_V1_NAMES = (JSON.parse(readKrakenDoc('errors_observed.json')) as { entries: { error: string }[] }).entries
  .map((entry) => /^Currency pair not supported (\S+)$/.exec(entry.error)?.[1])
  .filter((name): name is string => name !== undefined);

describe('kraken symbols', () => {
  it('v1 asset names from the error log map to v2 names in both directions', () => {
    assert.deepEqual(REJECTED_V1_NAMES, ['XBT/USD', 'XDG/USD']);
    assert.deepEqual(REJECTED_V1_NAMES.map(fromKrakenSymbol), ['BTC/USD', 'DOGE/USD']);
    assert.deepEqual(REJECTED_V1_NAMES.map(toKrakenSymbol), ['BTC/USD', 'DOGE/USD']);
  });

  it('v2 names pass through unchanged', () => {
    for (const symbol of ['BTC/USD', 'ETH/USD', 'XRP/USD', 'MINA/GBP', 'MATIC/USD']) {
      assert.equal(fromKrakenSymbol(symbol), symbol);
      assert.equal(toKrakenSymbol(symbol), symbol);
    }
  });

  it('anything but BASE/QUOTE upper case is rejected', () => {
    for (const symbol of ['btc/usd', 'BTCUSD', 'BTC-USD', 'BTC/USD/EUR', '/USD', 'BTC/', '']) {
      assert.equal(isBaseQuoteSymbol(symbol), false, symbol);
      assert.equal(fromKrakenSymbol(symbol), undefined, symbol);
      assert.equal(toKrakenSymbol(symbol), undefined, symbol);
    }
  });
});
