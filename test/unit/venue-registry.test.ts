import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { binanceAdapter } from '../../src/exchanges/binance/index.ts';
import { coinbaseAdapter } from '../../src/exchanges/coinbase/index.ts';
import { krakenChecksum } from '../../src/exchanges/kraken/checksum.ts';
import { krakenAdapter } from '../../src/exchanges/kraken/index.ts';
import { EXCHANGE_IDS, venueAdapter, venueAdapters } from '../../src/exchanges/registry.ts';

describe('venue registry', () => {
  it('maps every exchange id to its adapter', () => {
    assert.equal(venueAdapter('kraken'), krakenAdapter);
    assert.equal(venueAdapter('binance'), binanceAdapter);
    assert.equal(venueAdapter('coinbase'), coinbaseAdapter);
    assert.deepEqual(EXCHANGE_IDS, ['kraken', 'binance', 'coinbase']);
    for (const id of EXCHANGE_IDS) assert.equal(venueAdapters[id].exchange, id);
  });

  it('every registered adapter is filed under its own exchange id', () => {
    const entries = Object.entries(venueAdapters);
    assert.equal(entries.length, EXCHANGE_IDS.length);
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

  it('coinbase adapter: endpoint, limits, a frame limit for whole-book snapshots, no application ping', () => {
    assert.equal(coinbaseAdapter.defaultUrl, 'wss://advanced-trade-ws.coinbase.com');
    assert.deepEqual(coinbaseAdapter.connectBudget, { attempts: 8, windowMs: 1_000 });
    assert.deepEqual(coinbaseAdapter.outboundRate, { perSecond: 4, burst: 3 });
    assert.ok((coinbaseAdapter.maxFrameBytes ?? 0) >= 16 * 1024 * 1024, 'at least the 16 MiB Coinbase asks for');
    assert.equal(coinbaseAdapter.wholeBook, true);
    assert.equal(coinbaseAdapter.heartbeat, 'server-ping');
    assert.equal(coinbaseAdapter.bookChecksum, undefined);
  });
});
