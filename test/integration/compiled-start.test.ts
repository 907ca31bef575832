// Production start: `npm ci` leaves a compiled build (prepare → dist/), and `npm start` / the services run it with
// node alone: no TypeScript loader in the process, no npm or shell wrapper. The build starts, answers /healthz, the
// readiness probe of the systemd unit passes, and SIGTERM stops it cleanly.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startKrakenSimulator, type KrakenSimulator } from '../../src/sim/kraken/server.ts';
import { freePort, writeTempConfig } from '../support/gateway-process.ts';
import { waitFor } from '../support/wait-for.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCRIPTS = (JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { scripts: Record<string, string> }).scripts;

function files(dir: string, suffix: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith(suffix)).sort();
}

/** As a service runs it: only PATH (CI's own MGW_* variables would be rejected by the config loader). */
const SERVICE_ENV = { PATH: process.env.PATH ?? '' };

function run(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [...args], { cwd: ROOT, env: SERVICE_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('compiled production start', () => {
  let sim: KrakenSimulator | undefined;
  after(async () => { await sim?.stop(); });

  it('npm ci builds dist/ (prepare) and npm start runs it with node alone', () => {
    assert.equal(SCRIPTS.start, 'node dist/main.js');
    assert.equal(SCRIPTS.prepare, 'npm run build');
    assert.match(SCRIPTS.build!, /tsc -p scripts\/build\/tsconfig\.json$/);
    assert.ok(existsSync(`${ROOT}dist/main.js`), 'dist/main.js exists: run `npm ci` or `npm run build`');
  });

  it('`npm start` answers from the build (--version)', { timeout: 30_000 }, async () => {
    const npm = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = spawn('npm', ['start', '--silent', '--', '--version'], { cwd: ROOT, env: SERVICE_ENV, stdio: ['ignore', 'pipe', 'ignore'],
        shell: process.platform === 'win32' });
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
      child.once('exit', (code) => resolve({ code, stdout }));
    });
    assert.equal(npm.code, 0);
    assert.match(npm.stdout, /^market-gateway \d+\.\d+\.\d+\n$/);
  });

  it('dist/ imports .js only (no TypeScript at run time)', () => {
    const compiled = files(`${ROOT}dist`, '.js');
    assert.ok(compiled.length >= 100, `${compiled.length} compiled modules`);
    for (const file of compiled) {
      const text = readFileSync(join(`${ROOT}dist`, file), 'utf8');
      assert.doesNotMatch(text, /from ['"][^'"]+\.ts['"]|import\(['"][^'"]+\.ts['"]\)/, relative(ROOT, file));
      assert.doesNotMatch(text, /['"]tsx['"]/, file);
    }
  });

  it('starts, answers /healthz and the readiness probe, and stops on SIGTERM', { timeout: 60_000 }, async () => {
    sim = await startKrakenSimulator({ seed: 9 });
    const port = await freePort();
    const logDir = join(mkdtempSync(join(tmpdir(), 'mgw-compiled-')), 'logs');
    const { path } = writeTempConfig({ server: { port }, exchanges: { kraken: { url: sim.url, symbols: ['BTC/USD'] } },
      logging: { dir: logDir, stdout: 'off' } });
    const child = spawn(process.execPath, ['dist/main.js', '--config', path], { cwd: ROOT, env: SERVICE_ENV, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const probe = await run(['dist/main.js', 'status', '--config', path, '--wait-healthy', '30']);
      assert.equal(probe.code, 0, probe.stderr);
      const cmdline = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      assert.deepEqual(cmdline.slice(1), ['dist/main.js', '--config', path], 'node runs the build, no --import loader');
      await waitFor(async () => (await (await fetch(`http://127.0.0.1:${port}/readyz`)).json() as { ready: boolean }).ready,
        20_000, 'the book is live');
      const status = await run(['dist/main.js', 'status', '--config', path, '--once']);
      assert.equal(status.code, 0, status.stderr);
      assert.match(status.stdout, /^kraken\s+BTC\/USD\s+live\s+snapshot/m);
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0);
    assert.equal(files(join(logDir, 'recorder'), '.ndjson.gz').length, 1, 'the flight recorder is on by default');
  });
});
