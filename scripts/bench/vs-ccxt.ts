// `npm run bench -- vs-ccxt`: what traders use today vs the gateway, on the same feed (the Binance simulator at
// ~2 000 depth events/s spread over M symbols, M = 1, 10, 50). Phase 1: the gateway daemon + 10 bots (its own
// processes) holding every book at depth 100. Phase 2: 10 ccxt pro `binance` clients (one process) each running
// watchOrderBook on every symbol, holding the full books. Total CPU of each side from /proc over the same time;
// ratio = ccxt CPU / (gateway + bots CPU). ccxt is installed on first use outside the repo (ccxt-install.ts).
import { fork } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBinanceSimulator } from '../../src/sim/binance/server.ts';
import { parseOptions } from './bench-options.ts';
import { CCXT_VERSION, ensureCcxt } from './ccxt-install.ts';
import { BotFleet } from './fleet-control.ts';
import { GatewayChild } from './gateway-child.ts';
import { CpuMeter } from './proc-stat.ts';
import { currentLoad, headerText, runHeader } from './run-header.ts';
import { DEFAULT_RESULTS_DIR, jsonText, writeResult } from './results-file.ts';
import { printTable } from './text-table.ts';

const DEFAULTS = { symbols: [1, 10, 50], clients: 10, rate: 2000, seconds: 4, depth: 100, engine: 'uws', out: DEFAULT_RESULTS_DIR };

interface Side {
  readonly cpuSeconds: number;
  readonly updatesSeen: number;
}

interface VsRow {
  readonly symbols: number;
  readonly eventsPerSecond: number;
  readonly gateway: Side & { readonly gatewayCpuSeconds: number; readonly botsCpuSeconds: number };
  readonly ccxt: Side;
  readonly ratio: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runVsCcxtBench(args: readonly string[], repoRoot: string): Promise<void> {
  const options = parseOptions(args, DEFAULTS);
  const engine = options.engine === 'ws' ? 'ws' : 'uws';
  const cacheDir = ensureCcxt((line) => console.log(line));
  const header = runHeader('vs-ccxt', [engine === 'uws' ? 'uWebSockets.js' : 'ws', `ccxt ${CCXT_VERSION}`]);
  console.log(headerText(header));
  const runDir = await mkdtemp(join(tmpdir(), 'mgw-bench-ccxt-'));
  const rows: VsRow[] = [];
  for (const count of options.symbols) {
    const symbols = Array.from({ length: count }, (_, i) => `V${String(i).padStart(3, '0')}/USDT`);
    const updateIntervalMs = Math.max(1, Math.round(count * 1000 / options.rate));
    // No REST weight limit here: 10 ccxt clients × 50 symbols ask for 500 snapshots of 1 000 levels at once (25 000
    // weight, a 418 ban at Binance's 6 000/min); the bench compares CPU, not who gets banned first.
    const sim = await startBinanceSimulator({ symbols, updateIntervalMs, maxMessagesPerSecond: 10_000, pingIntervalMs: 60_000,
      weightLimitPerMinute: 1_000_000_000 });
    try {
      const gateway = new GatewayChild({ repoRoot, runDir, engine, exchanges: { kraken: { enabled: false },
        binance: { enabled: true, url: sim.url, restUrl: sim.restUrl, symbols, bookDepth: 1000 } } });
      await gateway.start();
      let fleet: BotFleet | undefined;
      let gatewaySide: VsRow['gateway'];
      try {
        await gateway.ready(120_000);
        fleet = await BotFleet.start({ url: gateway.wsUrl, protocol: 'gateway', clients: options.clients, trades: false,
          subscriptions: symbols.map((symbol) => ({ exchange: 'binance', symbol, depth: options.depth })) }, 120_000);
        await fleet.count();
        const meter = new CpuMeter([gateway.pid, ...fleet.pids]);
        await sleep(options.seconds * 1000);
        const [gatewayCpu = 0, ...bots] = meter.take();
        const counted = await fleet.count();
        const botsCpu = bots.reduce((a, b) => a + b, 0);
        gatewaySide = { cpuSeconds: gatewayCpu + botsCpu, gatewayCpuSeconds: gatewayCpu, botsCpuSeconds: botsCpu, updatesSeen: counted.messages };
      } finally {
        fleet?.stop();
        await gateway.stop();
      }
      const child = fork(fileURLToPath(new URL('./ccxt-clients.ts', import.meta.url)),
        [JSON.stringify({ cacheDir, wsUrl: sim.url.replace('/stream', '/ws'), restUrl: sim.restUrl, clients: options.clients, symbols })],
        { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
      let ccxtSide: Side;
      try {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('ccxt clients not ready within 120 s')), 120_000);
          child.on('message', (message: { type: string; message?: string }) => {
            if (message.type === 'ready') {
              clearTimeout(timer);
              resolve();
            } else if (message.type === 'error') {
              console.log(`  ccxt: ${message.message}`);
            }
          });
        });
        const counts = () => new Promise<number>((resolve) => {
          child.once('message', (message: { messages: number }) => resolve(message.messages));
          child.send({ type: 'count' });
        });
        await counts();
        const meter = new CpuMeter([child.pid ?? 0]);
        await sleep(options.seconds * 1000);
        const [cpu = 0] = meter.take();
        ccxtSide = { cpuSeconds: cpu, updatesSeen: await counts() };
      } finally {
        if (child.connected) child.send({ type: 'stop' });
        setTimeout(() => child.kill('SIGKILL'), 2000).unref();
      }
      const ratio = ccxtSide.cpuSeconds / gatewaySide.cpuSeconds;
      rows.push({ symbols: count, eventsPerSecond: Math.round(count * 1000 / updateIntervalMs), gateway: gatewaySide, ccxt: ccxtSide,
        ratio: Math.round(ratio * 100) / 100 });
      console.log(`  ${count} symbol(s): gateway + bots ${gatewaySide.cpuSeconds.toFixed(2)} CPU-s, ccxt ${ccxtSide.cpuSeconds.toFixed(2)} CPU-s → ${ratio.toFixed(2)}× less`);
    } finally {
      await sim.stop();
    }
  }
  const table: string[][] = [['symbols', 'events/s', 'gateway CPU-s', 'bots CPU-s', 'gateway + bots', `${options.clients} ccxt clients CPU-s`, 'ccxt / gateway+bots', 'updates seen g / ccxt']];
  for (const r of rows) {
    table.push([String(r.symbols), String(r.eventsPerSecond), r.gateway.gatewayCpuSeconds.toFixed(2), r.gateway.botsCpuSeconds.toFixed(2),
      r.gateway.cpuSeconds.toFixed(2), r.ccxt.cpuSeconds.toFixed(2), `${r.ratio}×`, `${r.gateway.updatesSeen} / ${r.ccxt.updatesSeen}`]);
  }
  printTable(table, (line) => console.log(line));
  console.log(`(${options.seconds} s each side; load average at end: ${currentLoad().join(' / ')})`);
  const path = await writeResult(options.out, 'vs-ccxt', 'json', jsonText({ header, options, loadAtEnd: currentLoad(), rows }), new Date(header.startedAt));
  console.log(`results: ${path}`);
}
