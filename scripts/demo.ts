// `npm run demo`: fully offline. Starts the Kraken simulator, the real gateway (native uWebSockets.js hub) pointed
// at it, and a console bot that prints top of book and trades. Every 15 s a fault is injected (corrupt checksum,
// dropped connection, stall) so you can watch the gateway detect it and recover. Ctrl+C stops everything.
// Options: --duration-ms N (stop by itself), --no-faults, --port N (gateway port, default 8787).
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/load.ts';
import { readHostEnvironment } from '../src/config/host.ts';
import { createGateway } from '../src/gateway.ts';
import { createLogger } from '../src/observability/logger.ts';
import { startKrakenSimulator } from '../src/sim/kraken/server.ts';
import { DemoBot } from './demo-bot.ts';

const SYMBOLS = ['BTC/USD', 'ETH/USD'];
const FAULT_EVERY_MS = 15_000;

const { values } = parseArgs({ options: {
  'duration-ms': { type: 'string' }, 'no-faults': { type: 'boolean' }, port: { type: 'string', default: '8787' },
} });

const loaded = loadConfig({ argv: [], env: process.env });
if (!loaded.ok) throw loaded.error;
const sim = await startKrakenSimulator({ symbols: SYMBOLS, seed: 7 });
const base = loaded.config;
const config = {
  ...base,
  server: { ...base.server, port: Number(values.port) },
  logging: { ...base.logging, prettyOnTty: false },
  exchanges: { ...base.exchanges, kraken: { ...base.exchanges.kraken, url: sim.url, symbols: SYMBOLS, staleAfterMs: 3_000 } },
};
const logs = createLogger(config.logging, readHostEnvironment());
const gateway = createGateway(config, { logger: logs.logger });
const { port } = await gateway.start();
const bot = new DemoBot(`ws://127.0.0.1:${port}/v1/ws`, SYMBOLS, 10);
await bot.connect();

const faults = [
  { name: 'corrupt next BTC/USD checksum', run: () => sim.corruptNextChecksum('BTC/USD') },
  { name: 'drop the upstream connection (1006)', run: () => sim.dropConnections(1006) },
  { name: 'stall upstream (TCP open, silence) for 5 s', run: () => { sim.stall(); setTimeout(() => sim.resume(), 5_000).unref(); } },
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
  const header = `market-gateway demo — bots: ws://127.0.0.1:${port}/v1/ws  engine: ${gateway.engine()}  simulator: ${sim.url}\n`
    + `status: http://127.0.0.1:${port}/v1/status  metrics: http://127.0.0.1:${port}/metrics  logs: ${logs.directory}\n`;
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
  await logs.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
if (values['duration-ms'] !== undefined) setTimeout(() => void stop(), Number(values['duration-ms']));
