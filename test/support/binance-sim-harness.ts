// Binance simulators, replay servers and raw clients started by a test file, all stopped after it (newest first).
import { after } from 'node:test';
import { startBinanceReplayServer, type BinanceReplayOptions, type BinanceReplayServer } from '../../src/sim/binance/replay-server.ts';
import { startBinanceSimulator, type BinanceSimulator, type BinanceSimulatorOptions } from '../../src/sim/binance/server.ts';
import { BridgedBook } from './binance-sim-book.ts';
import { BinanceSimClient } from './binance-sim-client.ts';

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
  const running: Array<() => Promise<void>> = [];
  after(async () => {
    for (const stop of running.reverse()) await stop();
  });
  const client = async (url: string, options: { autoPong?: boolean } = {}) => {
    const connected = await BinanceSimClient.connect(url, options);
    running.push(() => connected.close());
    return connected;
  };
  return {
    async simulator(options = {}) {
      const sim = await startBinanceSimulator({ port: 0, host: '127.0.0.1', ...simulatorDefaults, ...options });
      running.push(() => sim.stop());
      return sim;
    },
    async replay(options) {
      const server = await startBinanceReplayServer({ host: '127.0.0.1', port: 0, ...options });
      running.push(() => server.stop());
      return server;
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
