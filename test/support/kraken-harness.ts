// Simulators, replay servers and raw Kraken clients started by a test file, all stopped after it (newest first).
import { after } from 'node:test';
import { startKrakenReplayServer, type KrakenReplayOptions, type KrakenReplayServer } from '../../src/sim/kraken/replay-server.ts';
import { startKrakenSimulator, type KrakenSimulator, type KrakenSimulatorOptions } from '../../src/sim/kraken/server.ts';
import { KrakenTestClient } from './kraken-test-client.ts';

export interface KrakenHarness {
  simulator(options?: KrakenSimulatorOptions): Promise<KrakenSimulator>;
  replay(options: KrakenReplayOptions): Promise<KrakenReplayServer>;
  /** A raw Kraken v2 client of `server` that tracks books and verifies every checksum. */
  client(server: { readonly url: string }): Promise<KrakenTestClient>;
}

export function krakenHarness(simulatorDefaults: KrakenSimulatorOptions = {}): KrakenHarness {
  const running: Array<() => Promise<void>> = [];
  after(async () => {
    for (const stop of running.reverse()) await stop();
  });
  return {
    async simulator(options = {}) {
      const sim = await startKrakenSimulator({ port: 0, host: '127.0.0.1', ...simulatorDefaults, ...options });
      running.push(() => sim.stop());
      return sim;
    },
    async replay(options) {
      const server = await startKrakenReplayServer({ host: '127.0.0.1', port: 0, ...options });
      running.push(() => server.stop());
      return server;
    },
    async client(server) {
      const connected = await KrakenTestClient.connect(server.url);
      running.push(() => connected.close());
      return connected;
    },
  };
}
