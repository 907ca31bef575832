// Binance simulators, replay servers and raw clients started by a test file, all stopped after it (newest first).
import { startBinanceReplayServer, type BinanceReplayOptions, type BinanceReplayServer } from '../../src/sim/binance/replay-server.ts';
import { startBinanceSimulator, type BinanceSimulator, type BinanceSimulatorOptions } from '../../src/sim/binance/server.ts';
import { BridgedBook } from './binance-sim-book.ts';
import { BinanceSimClient } from './binance-sim-client.ts';
import { stopAfterAll } from './stop-after.ts';

export interface BinanceSimHarness {
  simulator(options?: BinanceSimulatorOptions): Promise<BinanceSimulator>;
  replay(options: BinanceReplayOptions): Promise<BinanceReplayServer>;
  /** A raw client of `url` (e.g. `${sim.url}?streams=btcusdt@trade`). */
  client(url: string, options?: { autoPong?: boolean }): Promise<BinanceSimClient>;
  /** A combined connection to the depth streams of `symbols` with one §6.3 book per symbol. */
  bridged(server: { readonly url: string; readonly restUrl: string }, symbols: readonly string[], extraStreams?: readonly string[]):
    Promise<{ client: BinanceSimClient; books: Map<string, BridgedBook> }>;
}

export function binanceSimHarness(simulatorDefaults: BinanceSimulatorOptions = {}): BinanceSimHarness {
  const own = stopAfterAll();
  const client = async (url: string, options: { autoPong?: boolean } = {}) =>
    own(await BinanceSimClient.connect(url, options), (connected) => connected.close());
  return {
    async simulator(options = {}) {
      return own(await startBinanceSimulator({ port: 0, host: '127.0.0.1', ...simulatorDefaults, ...options }), (sim) => sim.stop());
    },
    async replay(options) {
      return own(await startBinanceReplayServer({ host: '127.0.0.1', port: 0, ...options }), (server) => server.stop());
    },
    client,
    async bridged(server, symbols, extraStreams = []) {
      const streams = [...symbols.map((symbol) => `${symbol.toLowerCase()}@depth@100ms`), ...extraStreams];
      const connected = await client(`${server.url}?streams=${streams.join('/')}`);
      const books = new Map(symbols.map((symbol) => [symbol, new BridgedBook(server.restUrl, symbol)]));
      connected.onMessage((message) => {
        for (const book of books.values()) book.onMessage(message);
      });
      return { client: connected, books };
    },
  };
}
