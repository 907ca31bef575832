// Fan-out benchmark of the ClientHub engines: native uWebSockets.js (one native topic publish per message, as the
// fan-out publishes to in-sync bots) vs `ws` (one send per bot), in one run.
// Usage: node --import tsx scripts/bench/hub.ts [--clients 10,50] [--messages 20000] [--latency-messages 2000]
//        [--engines uws,ws] [--out bench/results]

import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { ClientSocket } from '../../src/server/client-hub.ts';
import { createClientHub, loadUwsNative } from '../../src/server/hub-loader.ts';
import type { FromClients, ToClients } from './hub-clients.ts';
import { benchPlatform, platformLine, type BenchPlatform } from './platform.ts';

export interface HubBenchOptions {
  readonly engines: readonly ('uws' | 'ws')[];
  readonly clientCounts: readonly number[];
  /** Published in the loaded phase (bursts bounded by `window` unacknowledged messages). */
  readonly messages: number;
  readonly warmupMessages: number;
  /** Published one at a time (the next after every client got the previous one). */
  readonly latencyMessages: number;
  readonly window: number;
  readonly maxBackpressureBytes: number;
  /** Directory for the JSON report; null writes nothing. */
  readonly outDir: string | null;
  readonly log: (line: string) => void;
}

export const defaultHubBenchOptions: HubBenchOptions = {
  engines: ['uws', 'ws'], clientCounts: [10, 50], messages: 20_000, warmupMessages: 2_000, latencyMessages: 2_000,
  window: 32, maxBackpressureBytes: 1024 * 1024, outDir: 'bench/results', log: (line) => console.log(line),
};

export interface Percentiles { p50: number; p99: number; max: number }

export interface HubBenchScenario {
  engine: string;
  engineDetail: string;
  clients: number;
  messageBytes: number;
  /** process.cpuUsage (user + system) of the hub process over the loaded phase, per published message. */
  cpuMicrosPerPublish: number;
  /** Wall time of the synchronous send loop over all clients, per published message. */
  loopMicrosPerPublish: number;
  publishesPerSecond: number;
  /** Publish → the last client received it, µs. */
  loadedLatencyMicros: Percentiles;
  idleLatencyMicros: Percentiles;
  sendsNotSent: number;
  incompleteMessages: number;
}

export interface HubBenchReport extends BenchPlatform {
  startedAt: string;
  options: Omit<HubBenchOptions, 'log' | 'outDir'>;
  scenarios: HubBenchScenario[];
  /** uWS value / ws value per client count (below 1: uWS is cheaper or faster). */
  ratios: { clients: number; cpu: number; loop: number; loadedP50: number; idleP50: number; idleP99: number }[];
  file: string | null;
}

const PATH = '/v1/ws';
const clientScript = fileURLToPath(new URL('./hub-clients.ts', import.meta.url));

/** A realistic ~300-byte book_update; serialized and encoded once per publish, like the fan-out does. */
function bookUpdate(seq: number, sentNs: bigint): string {
  return `{"type":"book_update","exchange":"kraken","symbol":"BTC/USD","seq":${seq},`
    + '"bids":[["45283.5","0.10000000"],["45283.4","0.25000000"]],'
    + '"asks":[["45285.2","0.00100000"],["45285.3","1.50000000"]],'
    + '"exchangeTime":"2026-11-25T10:00:00.123456Z","gatewayTime":"2026-11-25T10:00:00.123789Z",'
    + `"benchSentNs":"${sentNs}"}`;
}

function percentiles(values: number[]): Percentiles {
  if (values.length === 0) return { p50: NaN, p99: NaN, max: NaN };
  const sorted = Float64Array.from(values).sort();
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] };
}

class ClientsProcess {
  private readonly waiters: {
    type: FromClients['type'];
    resolve: (m: FromClients) => void;
    reject: (e: Error) => void;
  }[] = [];
  onAck: (seq: number) => void = () => undefined;

  constructor(readonly child: ChildProcess) {
    child.on('message', (message: FromClients) => {
      if (message.type === 'ack') {
        this.onAck(message.seq);
        return;
      }
      const index = this.waiters.findIndex((w) => w.type === message.type);
      if (index !== -1) this.waiters.splice(index, 1)[0].resolve(message);
    });
    child.once('exit', (code) => {
      for (const waiter of this.waiters.splice(0)) {
        waiter.reject(new Error(`bench clients exited (${code}) while the hub waited for '${waiter.type}'`));
      }
    });
  }

  next<T extends FromClients['type']>(type: T, timeoutMs = 120_000): Promise<Extract<FromClients, { type: T }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`bench clients sent no '${type}' within ${timeoutMs} ms`)), timeoutMs);
      const settle = (): void => clearTimeout(timer);
      this.waiters.push({
        type,
        resolve: (m) => {
          settle();
          resolve(m as Extract<FromClients, { type: T }>);
        },
        reject: (e) => {
          settle();
          reject(e);
        },
      });
    });
  }

  send(message: ToClients): void {
    this.child.send(message);
  }
}

const BENCH_TOPIC = 'bench book';

async function runScenario(engine: 'uws' | 'ws', clients: number, options: HubBenchOptions): Promise<HubBenchScenario> {
  const hub = createClientHub(engine, (message) => options.log(message));
  const sockets: ClientSocket[] = [];
  const port = await hub.listen(
    { host: '127.0.0.1', port: 0, wsPath: PATH, maxPayloadBytes: 64 * 1024,
      maxBackpressureBytes: options.maxBackpressureBytes, idleTimeoutSeconds: 0 },
    { onOpen: (socket) => sockets.push(socket), onMessage: () => undefined, onDrain: () => undefined,
      onClose: () => undefined, onHttp: () => ({ status: 404, contentType: 'text/plain', body: '' }) },
  );
  const child = new ClientsProcess(fork(clientScript, [String(port), String(clients), PATH],
    { execArgv: ['--import', 'tsx'], stdio: 'inherit' }));
  await child.next('ready');
  // uWS: every bot on one native topic, one publish per message (what the fan-out does for in-sync bots).
  const native = hub.nativeTopics;
  if (native !== undefined) for (const socket of sockets) socket.subscribeNative?.(BENCH_TOPIC);
  let seq = 0;
  let sendsNotSent = 0;
  let incompleteMessages = 0;
  let messageBytes = 0;

  const runPhase = async (name: string, count: number, window: number) => {
    const firstSeq = seq + 1;
    const ackEvery = Math.max(1, Math.floor(window / 4));
    child.send({ type: 'phase', name, firstSeq, count, ackEvery });
    await child.next('phase-ready');
    let acked = firstSeq - 1;
    let loopNs = 0n;
    const pump = (): void => {
      while (seq - firstSeq + 1 < count && seq - acked < window) {
        seq += 1;
        const text = bookUpdate(seq, process.hrtime.bigint());
        const bytes = Buffer.from(text);
        messageBytes = bytes.length;
        const start = process.hrtime.bigint();
        if (native === undefined) {
          for (const socket of sockets) if (socket.send(text, bytes) !== 'sent') sendsNotSent++;
        } else {
          native.reserve(bytes.length);
          native.publish(BENCH_TOPIC, bytes);
        }
        loopNs += process.hrtime.bigint() - start;
      }
    };
    child.onAck = (ackedSeq) => {
      acked = ackedSeq;
      pump();
    };
    const done = child.next('phase-done');
    const cpuStart = process.cpuUsage();
    const wallStart = process.hrtime.bigint();
    pump();
    const result = await done;
    const cpu = process.cpuUsage(cpuStart);
    const wallSeconds = Number(process.hrtime.bigint() - wallStart) / 1e9;
    incompleteMessages += result.incomplete;
    return {
      cpuMicros: cpu.user + cpu.system, loopMicros: Number(loopNs) / 1000, wallSeconds, latency: result.latencyMicros,
    };
  };

  await runPhase('warmup', options.warmupMessages, options.window);
  const loaded = await runPhase('loaded', options.messages, options.window);
  const idle = await runPhase('idle', options.latencyMessages, 1);
  const exited = new Promise((resolve) => child.child.once('exit', resolve));
  child.send({ type: 'stop' });
  await exited;
  await hub.close();
  return {
    engine: hub.engine, engineDetail: hub.engineDetail, clients, messageBytes,
    cpuMicrosPerPublish: loaded.cpuMicros / options.messages,
    loopMicrosPerPublish: loaded.loopMicros / options.messages,
    publishesPerSecond: options.messages / loaded.wallSeconds,
    loadedLatencyMicros: percentiles(loaded.latency),
    idleLatencyMicros: percentiles(idle.latency),
    sendsNotSent, incompleteMessages,
  };
}

function printTable(platform: BenchPlatform, scenarios: HubBenchScenario[], ratios: HubBenchReport['ratios'],
  log: (line: string) => void): void {
  const f = (n: number, digits = 1): string => n.toFixed(digits);
  log('');
  log(platformLine(platform));
  for (const detail of new Set(scenarios.map((s) => `${s.engine}: ${s.engineDetail}`))) log(`  ${detail}`);
  const rows = [
    ['engine', 'clients', 'cpu µs/pub', 'loop µs/pub', 'pub/s', 'loaded p50/p99 µs', 'idle p50/p99 µs', 'not sent'],
  ];
  for (const s of scenarios) {
    rows.push([
      s.engine, String(s.clients), f(s.cpuMicrosPerPublish), f(s.loopMicrosPerPublish), f(s.publishesPerSecond, 0),
      `${f(s.loadedLatencyMicros.p50, 0)} / ${f(s.loadedLatencyMicros.p99, 0)}`,
      `${f(s.idleLatencyMicros.p50, 0)} / ${f(s.idleLatencyMicros.p99, 0)}`, String(s.sendsNotSent + s.incompleteMessages)]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const row of rows) log(row.map((cell, c) => cell.padStart(widths[c])).join('  '));
  for (const r of ratios) {
    log(`uWS/ws @ ${r.clients} clients: cpu ${f(r.cpu, 2)}, loop ${f(r.loop, 2)}, loaded p50 ${f(r.loadedP50, 2)}, `
      + `idle p50 ${f(r.idleP50, 2)}, idle p99 ${f(r.idleP99, 2)}`);
  }
}

export async function runHubBench(overrides: Partial<HubBenchOptions> = {}): Promise<HubBenchReport> {
  const options = { ...defaultHubBenchOptions, ...overrides };
  const startedAt = new Date().toISOString();
  const platform = benchPlatform();
  const native = loadUwsNative();
  const engines = options.engines.filter((engine) => engine !== 'uws' || native.ok);
  if (engines.length < options.engines.length && !native.ok) {
    options.log(`uWebSockets.js skipped: no native build loads here (${native.reason})`);
  }
  const scenarios: HubBenchScenario[] = [];
  for (const clients of options.clientCounts) {
    for (const engine of engines) {
      const scenario = await runScenario(engine, clients, options);
      options.log(`${scenario.engine} × ${clients}: ${scenario.cpuMicrosPerPublish.toFixed(1)} µs cpu/publish`);
      scenarios.push(scenario);
    }
  }
  const ratios = options.clientCounts.flatMap((clients) => {
    const u = scenarios.find((s) => s.clients === clients && s.engine === 'uWebSockets.js');
    const w = scenarios.find((s) => s.clients === clients && s.engine === 'ws');
    if (u === undefined || w === undefined) return [];
    return [{
      clients,
      cpu: u.cpuMicrosPerPublish / w.cpuMicrosPerPublish,
      loop: u.loopMicrosPerPublish / w.loopMicrosPerPublish,
      loadedP50: u.loadedLatencyMicros.p50 / w.loadedLatencyMicros.p50,
      idleP50: u.idleLatencyMicros.p50 / w.idleLatencyMicros.p50,
      idleP99: u.idleLatencyMicros.p99 / w.idleLatencyMicros.p99,
    }];
  });
  printTable(platform, scenarios, ratios, options.log);
  const { log: _log, outDir, ...recorded } = options;
  const report: HubBenchReport = { startedAt, ...platform, options: recorded, scenarios, ratios, file: null };
  if (outDir !== null) {
    mkdirSync(outDir, { recursive: true });
    report.file = join(outDir, `hub-${startedAt.slice(0, 10)}.json`);
    writeFileSync(report.file, `${JSON.stringify(report, null, 2)}\n`);
    options.log(`wrote ${report.file}`);
  }
  return report;
}

function parseCli(argv: string[]): Partial<HubBenchOptions> {
  const { values } = parseArgs({ args: argv, options: {
    clients: { type: 'string' }, messages: { type: 'string' }, 'latency-messages': { type: 'string' },
    engines: { type: 'string' }, out: { type: 'string' },
  } });
  const overrides: { -readonly [K in keyof HubBenchOptions]?: HubBenchOptions[K] } = {};
  if (values.clients !== undefined) overrides.clientCounts = values.clients.split(',').map(Number);
  if (values.messages !== undefined) overrides.messages = Number(values.messages);
  if (values['latency-messages'] !== undefined) overrides.latencyMessages = Number(values['latency-messages']);
  if (values.engines !== undefined) {
    overrides.engines = values.engines.split(',').map((e) => (e === 'ws' ? 'ws' : 'uws'));
  }
  if (values.out !== undefined) overrides.outDir = values.out;
  return overrides;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runHubBench(parseCli(process.argv.slice(2))).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
