import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EXCHANGE_IDS } from '../../src/config/types.ts';
import { binanceAdapter } from '../../src/exchanges/binance/index.ts';
import { krakenChecksum } from '../../src/exchanges/kraken/checksum.ts';
import { krakenAdapter } from '../../src/exchanges/kraken/index.ts';
import { findVenueAdapter, venueAdapters } from '../../src/exchanges/registry.ts';

describe('venue registry', () => {
  it('maps kraken and binance to their adapters; venues not implemented yet are absent', () => {
    assert.equal(findVenueAdapter('kraken'), krakenAdapter);
    assert.equal(findVenueAdapter('binance'), binanceAdapter);
    assert.equal(findVenueAdapter('coinbase'), undefined);
  });

  it('every registered adapter is filed under its own exchange id', () => {
    const entries = Object.entries(venueAdapters);
    assert.equal(entries.length, 2);
    for (const [exchange, adapter] of entries) {
      assert.ok(EXCHANGE_IDS.includes(adapter.exchange));
      assert.equal(adapter.exchange, exchange);
    }
  });

  it('kraken adapter: endpoint, depths, connect budget, checksum', () => {
    assert.equal(krakenAdapter.defaultUrl, 'wss://ws.kraken.com/v2');
    assert.deepEqual(krakenAdapter.allowedBookDepths, [10, 25, 100, 500, 1000]);
    assert.deepEqual(krakenAdapter.connectBudget, { attempts: 150, windowMs: 600_000 });
    assert.equal(krakenAdapter.bookChecksum, krakenChecksum);
    assert.ok(krakenAdapter.maxSymbolsPerConnection > 0);
  });
});
