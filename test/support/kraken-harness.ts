// Simulators, replay servers and raw Kraken clients started by a test file, all stopped after it (newest first).
import { startKrakenReplayServer, type KrakenReplayOptions, type KrakenReplayServer } from '../../src/sim/kraken/replay-server.ts';
import { startKrakenSimulator, type KrakenSimulator, type KrakenSimulatorOptions } from '../../src/sim/kraken/server.ts';
import { KrakenTestClient } from './kraken-test-client.ts';
import { stopAfterAll } from './stop-after.ts';

export interface KrakenHarness {
  simulator(options?: KrakenSimulatorOptions): Promise<KrakenSimulator>;
  replay(options: KrakenReplayOptions): Promise<KrakenReplayServer>;
  /** A raw Kraken v2 client of `server` that tracks books and verifies every checksum. */
  client(server: { readonly url: string }): Promise<KrakenTestClient>;
}

export function krakenHarness(simulatorDefaults: KrakenSimulatorOptions = {}): KrakenHarness {
  const own = stopAfterAll();
  return {
    async simulator(options = {}) {
      return own(await startKrakenSimulator({ port: 0, host: '127.0.0.1', ...simulatorDefaults, ...options }), (sim) => sim.stop());
    },
    async replay(options) {
      return own(await startKrakenReplayServer({ host: '127.0.0.1', port: 0, ...options }), (server) => server.stop());
    },
    async client(server) {
      return own(await KrakenTestClient.connect(server.url), (client) => client.close());
    },
  };
}
