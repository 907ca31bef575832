// One gateway per port and per log directory, as a trader starts them (`src/main.ts`, `npm run demo`): a second one
// is refused with a clear message and exit 1, and the first keeps serving its bots.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startKrakenSimulator, type KrakenSimulator } from '../../src/sim/kraken/server.ts';
import { freePort, startGatewayProcess, writeTempConfig, type GatewayProcess } from '../support/gateway-process.ts';
import { Bot } from '../support/downstream-harness.ts';
import { nativeHubSkip } from '../support/native-hub.ts';
import { waitFor } from '../support/wait-for.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXIT_DEADLINE_MS = 20_000;
const running: GatewayProcess[] = [];

function logDir(): string {
  return join(mkdtempSync(join(tmpdir(), 'mgw-instance-')), 'logs');
}

function start(port: number, sim: KrakenSimulator, dir: string, env: Record<string, string> = {}): GatewayProcess {
  const { path } = writeTempConfig({
    server: { port },
    exchanges: { kraken: { url: sim.url, symbols: ['BTC/USD'], bookDepth: 10 } },
    logging: { dir, level: 'info' },
  });
  const gateway = startGatewayProcess(['--config', path], env);
  running.push(gateway);
  return gateway;
}

async function exitCode(gateway: GatewayProcess): Promise<number | string> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<string>((resolve) => { timer = setTimeout(() => resolve('still running'), EXIT_DEADLINE_MS); });
  const code = await Promise.race([gateway.exited, deadline]);
  clearTimeout(timer);
  return code;
}

async function ready(port: number): Promise<boolean> {
  return fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status === 200, () => false);
}

async function firstGatewayWithBot(port: number, sim: KrakenSimulator, dir: string, env: Record<string, string> = {}):
  Promise<{ gateway: GatewayProcess; bot: Bot }> {
  const gateway = start(port, sim, dir, env);
  await waitFor(() => ready(port), 20_000, `first gateway ready (stderr: ${gateway.stderr()})`);
  const bot = await Bot.connect(`ws://127.0.0.1:${port}/v1/ws`);
  assert.equal((await bot.request({ op: 'subscribe', id: 1, channel: 'book', exchange: 'kraken', symbol: 'BTC/USD', depth: 10 })).type, 'ack');
  return { gateway, bot };
}

async function stillServes(bot: Bot, port: number): Promise<void> {
  const before = bot.messages().length;
  await waitFor(() => bot.messages().length > before + 3, 10_000, 'the first gateway still sends its bot updates');
  assert.equal((await bot.request({ op: 'ping', id: 99 })).type, 'pong');
  for (let i = 0; i < 8; i++) assert.equal(await ready(port), true, 'every probe reaches the first gateway');
}

describe('one gateway per port and per log directory', () => {
  let sim: KrakenSimulator;
  let bots: Bot[] = [];
  after(async () => {
    for (const gateway of running) gateway.child.kill('SIGKILL');
    await sim?.stop();
  });
  afterEach(async () => {
    for (const bot of bots) bot.ws.close();
    bots = [];
    for (const gateway of running.splice(0)) {
      gateway.child.kill('SIGTERM');
      await exitCode(gateway);
    }
  });

  for (const engine of ['uws', 'ws'] as const) {
    it(`a second gateway on a taken port exits 1 with the listen error (${engine} engine)`,
      { timeout: 60_000, skip: engine === 'uws' ? nativeHubSkip : false }, async () => {
      sim ??= await startKrakenSimulator({ seed: 3, symbols: ['BTC/USD'] });
      const port = await freePort();
      const env = { MGW_SERVER_ENGINE: engine };
      const { bot } = await firstGatewayWithBot(port, sim, logDir(), env);
      bots.push(bot);
      const second = start(port, sim, logDir(), env);
      assert.equal(await exitCode(second), 1, second.stderr());
      assert.match(second.stderr(), engine === 'uws'
        ? new RegExp(`market-gateway: start-up failed: uWebSockets.js could not listen on 127.0.0.1:${port}`)
        : /market-gateway: start-up failed: .*EADDRINUSE/);
      await stillServes(bot, port);
    });
  }

  it('a second gateway on the same log directory exits 1 naming the first one\'s pid; a stale lock is taken over', { timeout: 60_000 }, async () => {
    sim ??= await startKrakenSimulator({ seed: 3, symbols: ['BTC/USD'] });
    const dir = logDir();
    const port = await freePort();
    const { gateway: first, bot } = await firstGatewayWithBot(port, sim, dir);
    bots.push(bot);
    const second = start(await freePort(), sim, dir);
    assert.equal(await exitCode(second), 1, second.stderr());
    assert.match(second.stderr(), new RegExp(`market-gateway: start-up failed: logging.dir: ${dir} is in use by another `
      + `market-gateway \\(pid ${first.child.pid}, started [0-9T:.-]+Z\\); stop it, or give this one its own logging.dir`));
    await stillServes(bot, port);

    first.child.kill('SIGKILL');
    assert.equal(await exitCode(first), 'SIGKILL');
    assert.match(readFileSync(join(dir, 'gateway.lock'), 'utf8'), new RegExp(`"pid":${first.child.pid}`), 'a crash leaves its lock');
    const successorPort = await freePort();
    const successor = start(successorPort, sim, dir);
    await waitFor(() => ready(successorPort), 20_000, `successor ready (stderr: ${successor.stderr()})`);
    successor.child.kill('SIGTERM');
    assert.equal(await exitCode(successor), 0);
    const lines = readdirSync(dir).filter((name) => name.endsWith('.log'))
      .flatMap((name) => readFileSync(join(dir, name), 'utf8').split('\n')).filter((line) => line !== '');
    assert.ok(lines.some((line) => line.includes('"event":"log_lock_taken_over"') && line.includes(`"previousPid":${first.child.pid}`)));
    assert.equal(readdirSync(dir).includes('gateway.lock'), false, 'a clean stop removes its lock');
  });

  it('a second `npm run demo` on a taken port exits 1 with the reason', { timeout: 60_000 }, async () => {
    const port = await freePort();
    const demo = (): { exited: Promise<number | null>; output: () => string; kill: () => void } => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo/main.ts', '--no-faults', '--port', String(port)], {
        cwd: ROOT, env: { PATH: process.env.PATH ?? '', MGW_LOGGING_DIR: logDir() }, stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
      child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
      return { exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))), output: () => output,
        kill: () => child.kill('SIGTERM') };
    };
    const first = demo();
    try {
      await waitFor(() => ready(port), 30_000, `first demo ready (${first.output()})`);
      const second = demo();
      const deadline = new Promise<string>((resolve) => setTimeout(() => resolve('still running'), EXIT_DEADLINE_MS).unref());
      const code = await Promise.race([second.exited, deadline]);
      if (code === 'still running') second.kill();
      assert.equal(code, 1, second.output());
      assert.match(second.output(), new RegExp(`demo: start-up failed: .*(could not listen on 127.0.0.1:${port}|EADDRINUSE)`));
      assert.equal(await ready(port), true, 'the first demo still answers');
    } finally {
      first.kill();
      await first.exited;
    }
  });
});

