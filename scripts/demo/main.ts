// `npm run demo`: fully offline. Starts the Kraken, Binance and Coinbase simulators, the real gateway (native
// uWebSockets.js hub) pointed at them, and a console bot that prints top of book and trades of all three venues.
// Every 15 s a fault is injected (Kraken: corrupt checksum, dropped connection, stall; Binance: update-id gap,
// serverShutdown → zero-gap rotation, REST 429; Coinbase: sequence gap, lost frame, error frame) so you can watch the
// gateway detect it and recover. Ctrl+C stops everything.
// Options: --duration-ms N (stop by itself), --no-faults, --port N (gateway port, default 8787).
import { parseArgs } from 'node:util';
import { loadConfig } from '../../src/config/load.ts';
import { readHostEnvironment } from '../../src/config/host.ts';
import { createGateway } from '../../src/gateway.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { binanceInstrument } from '../../src/sim/binance/instruments.ts';
import { startBinanceSimulator } from '../../src/sim/binance/server.ts';
import { coinbaseInstrument } from '../../src/sim/coinbase/instruments.ts';
import { startCoinbaseSimulator } from '../../src/sim/coinbase/server.ts';
import { startKrakenSimulator } from '../../src/sim/kraken/server.ts';
import { DemoBot } from './bot.ts';

const SYMBOLS = ['BTC/USD', 'ETH/USD'];
const BINANCE_SYMBOLS = ['BTC/USDT', 'ETH/USDT'];
const FAULT_EVERY_MS = Number(process.env.DEMO_FAULT_EVERY_MS ?? 15_000);

const { values } = parseArgs({ options: {
  'duration-ms': { type: 'string' }, 'no-faults': { type: 'boolean' }, port: { type: 'string', default: '8787' },
} });

const loaded = loadConfig({ argv: [], env: process.env });
if (!loaded.ok) throw loaded.error;
const sim = await startKrakenSimulator({ symbols: SYMBOLS, seed: 7 });
const binanceSim = await startBinanceSimulator({ symbols: BINANCE_SYMBOLS, seed: 7 });
// BTC-USD as deep as Coinbase's real one: its snapshot is one 5 MB frame.
const coinbaseSim = await startCoinbaseSimulator({ symbols: SYMBOLS, seed: 7, levelsPerSideOf: { 'BTC/USD': 23_000 } });
const base = loaded.config;
const config = {
  ...base,
  server: { ...base.server, port: Number(values.port) },
  logging: { ...base.logging, stdout: 'off' as const },
  exchanges: {
    ...base.exchanges,
    kraken: { ...base.exchanges.kraken, url: sim.url, symbols: SYMBOLS, staleAfterMs: 3_000 },
    binance: { ...base.exchanges.binance, enabled: true, url: binanceSim.url, restUrl: binanceSim.restUrl,
      symbols: BINANCE_SYMBOLS, bookDepth: 1000, staleAfterMs: 3_000 },
    coinbase: { ...base.exchanges.coinbase, enabled: true, url: coinbaseSim.url, symbols: SYMBOLS, staleAfterMs: 3_000,
      subscribeRetryMs: 3_000 },
  },
};
/** A demo that cannot start says why in one line and exits 1, leaving nothing running. */
async function refuse(message: string): Promise<never> {
  await sim.stop();
  await binanceSim.stop();
  await coinbaseSim.stop();
  process.stderr.write(`demo: start-up failed: ${message}\n`);
  process.exit(1);
}
let logs: ReturnType<typeof createLogger>;
try {
  logs = createLogger(config.logging, readHostEnvironment());
} catch (error) {
  logs = await refuse(`logging.dir: ${(error as Error).message}`);
}
// With the log directory the flight recorder runs: each injected integrity fault leaves an incident bundle there.
const gateway = createGateway(config, { logger: logs.logger, logDirectory: logs.directory });
const { port } = await gateway.start().catch(async (error: unknown) => {
  await gateway.stop('start_failed');
  await logs.close();
  return refuse((error as Error).message);
});
/** Decimals of a simulator quantity in 1e-8 units (0.01 → 2). */
const decimalsOfUnits = (units: number): number => 8 - Math.round(Math.log10(units));
const markets = [...SYMBOLS.map((symbol) => ({ exchange: 'kraken', symbol })),
  ...BINANCE_SYMBOLS.map((symbol) => ({ exchange: 'binance', symbol,
    priceDecimals: decimalsOfUnits(binanceInstrument(symbol).tickUnits),
    sizeDecimals: decimalsOfUnits(binanceInstrument(symbol).lotUnits) })),
  ...SYMBOLS.map((symbol) => ({ exchange: 'coinbase', symbol, priceDecimals: coinbaseInstrument(symbol).priceDecimals,
    sizeDecimals: coinbaseInstrument(symbol).sizeDecimals }))];
const bot = new DemoBot(`ws://127.0.0.1:${port}/v1/ws`, markets, 10);
await bot.connect();

const faults = [
  { name: 'kraken: corrupt next BTC/USD checksum', run: () => sim.corruptNextChecksum('BTC/USD') },
  { name: 'binance: update-id gap on BTC/USDT (that book alone resyncs)', run: () => binanceSim.gapNext('BTC/USDT') },
  { name: 'coinbase: sequence_num gap (every book on the connection resyncs on a new one)',
    run: () => coinbaseSim.frameFault('skip', 'l2_data') },
  { name: 'kraken: drop the upstream connection (1006)', run: () => sim.dropConnections(1006) },
  { name: 'binance: serverShutdown (make-before-break rotation, no gap)', run: () => binanceSim.serverShutdown({ closeAfterMs: 3_000 }) },
  { name: 'coinbase: a market_trades frame lost (its trades come back with the next trade snapshot)',
    run: () => coinbaseSim.frameFault('drop', 'market_trades') },
  { name: 'kraken: stall upstream (TCP open, silence) for 5 s', run: () => { sim.stall(); setTimeout(() => sim.resume(), 5_000).unref(); } },
  { name: 'binance: REST 429 + gap on ETH/USDT (snapshot waits Retry-After)', run: () => {
    binanceSim.failRest(429, 1, 2);
    binanceSim.gapNext('ETH/USDT');
  } },
  { name: 'coinbase: drop the connection; the next subscribe is answered "failure to subscribe"', run: () => {
    coinbaseSim.failSubscribes('failure to subscribe');
    coinbaseSim.dropConnections();
  } },
];
const faultLog: string[] = [];
let faultIndex = 0;
const faultTimer = values['no-faults'] === true ? undefined : setInterval(() => {
  const fault = faults[faultIndex++ % faults.length]!;
  faultLog.push(`${new Date().toISOString().slice(11, 19)} injected: ${fault.name}`);
  fault.run();
}, FAULT_EVERY_MS);

const tty = process.stdout.isTTY === true;
const render = (): void => {
  const header = `market-gateway demo — bots: ws://127.0.0.1:${port}/v1/ws  engine: ${gateway.engine()}  simulators: ${sim.url} `
    + `${binanceSim.url} (REST ${binanceSim.restUrl}) ${coinbaseSim.url}\n`
    + `status: http://127.0.0.1:${port}/v1/status (npm run status -- --url http://127.0.0.1:${port})  metrics: `
    + `http://127.0.0.1:${port}/metrics  logs, recordings, incident bundles: ${logs.directory}\n`;
  const body = `${header}\n${bot.render()}\n\n${faultLog.slice(-3).join('\n')}\n`;
  process.stdout.write(tty ? `\x1b[2J\x1b[H${body}` : `${body}\n`);
};
const renderTimer = setInterval(render, tty ? 250 : 2_000);

let stopping = false;
const stop = async (): Promise<void> => {
  if (stopping) return;
  stopping = true;
  clearInterval(renderTimer);
  if (faultTimer !== undefined) clearInterval(faultTimer);
  render();
  bot.close();
  await gateway.stop('demo finished');
  await sim.stop();
  await binanceSim.stop();
  await coinbaseSim.stop();
  await logs.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
if (values['duration-ms'] !== undefined) setTimeout(() => void stop(), Number(values['duration-ms']));
