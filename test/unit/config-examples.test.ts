// The shipped config examples load without a problem or a warning, every venue they enable has an adapter (a
// gateway can be built from them), and each says what its platform needs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config/load.ts';
import type { GatewayConfig } from '../../src/config/types.ts';
import { EXCHANGE_IDS, type ExchangeId } from '../../src/exchanges/registry.ts';
import { createGateway } from '../../src/gateway.ts';

const CONFIG = fileURLToPath(new URL('../../config/', import.meta.url));

function load(name: string): GatewayConfig {
  const loaded = loadConfig({ argv: ['--config', `${CONFIG}${name}`], env: {} });
  assert.ok(loaded.ok, loaded.ok ? '' : loaded.error.message);
  assert.deepEqual(loaded.warnings, []);
  return loaded.config;
}

function enabledVenues(config: GatewayConfig): ExchangeId[] {
  return EXCHANGE_IDS.filter((id) => config.exchanges[id].enabled);
}

describe('config examples', () => {
  for (const name of ['local.example.json', 'wsl2.example.json', 'windows.example.json']) {
    it(`${name} is valid and every venue it enables is implemented`, async () => {
      const config = load(name);
      for (const id of enabledVenues(config)) assert.ok(EXCHANGE_IDS.includes(id), `${id} has an adapter`);
      const gateway = createGateway({ ...config, server: { ...config.server, port: 0 } });
      assert.equal(gateway.store.list().length, enabledVenues(config)
        .reduce((sum, id) => sum + config.exchanges[id].symbols.length, 0));
      await gateway.stop();
      assert.equal(config.server.host, '127.0.0.1', 'bots on this machine only');
      assert.equal(config.recorder.enabled, true);
      assert.equal(config.recorder.incidents, true);
    });
  }

  it('local.example.json enables all three venues', () => {
    const config = load('local.example.json');
    assert.deepEqual(enabledVenues(config), ['kraken', 'binance', 'coinbase']);
    assert.deepEqual(config.exchanges.coinbase.symbols, ['BTC/USD', 'ETH/USD']);
  });

  it('the service examples log to drive D: (WSL2 through /mnt/d) as NDJSON on stdout for the service log', () => {
    const wsl2 = load('wsl2.example.json');
    const windows = load('windows.example.json');
    assert.equal(wsl2.logging.dir, '/mnt/d/market-gateway/logs');
    assert.equal(windows.logging.dir, 'D:\\market-gateway\\logs');
    for (const config of [wsl2, windows]) assert.equal(config.logging.stdout, 'json');
  });
});
