import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { detectWsl, type HostEnvironment } from '../../src/config/host.ts';
import type { LoggingConfig } from '../../src/config/types.ts';
import {
  chooseLogDirectory, LogDirectoryError, probeLogDirectory, resolveLogDirectory,
} from '../../src/observability/log-directory.ts';
import { createLogger, type LoggerHandle } from '../../src/observability/logger.ts';
import { formatTtyLine } from '../../src/observability/tty-format.ts';
import { waitFor } from '../support/wait-for.ts';

const root = mkdtempSync(join(tmpdir(), 'mgw-logger-'));
after(() => rmSync(root, { recursive: true, force: true }));
let serial = 0;

function scratch(): string {
  const dir = join(root, `case-${++serial}`);
  mkdirSync(dir);
  return dir;
}

function logging(overrides: Partial<LoggingConfig> = {}): LoggingConfig {
  return { dir: '', level: 'info', maxFileBytes: 10 * 1024 * 1024, rotateFrequency: 'daily', keepFiles: 14, stdout: 'auto',
    stdoutLevel: 'info',
    ...overrides };
}

function host(cwd: string, overrides: Partial<HostEnvironment> = {}): HostEnvironment {
  return { platform: 'linux', isWsl: false, isTty: false, cwd, ...overrides };
}

function logFiles(dir: string): string[] {
  return readdirSync(dir).filter((name) => /^gateway\.\d{4}-\d{2}-\d{2}\.\d+\.log$/.test(name)).sort((a, b) =>
    Number(a.split('.')[2]) - Number(b.split('.')[2]));
}

function records(dir: string): Record<string, unknown>[] {
  return logFiles(dir).flatMap((name) => readFileSync(join(dir, name), 'utf8').split('\n'))
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function withLogger<T>(handle: LoggerHandle, body: (h: LoggerHandle) => Promise<T> | T): Promise<T> {
  try {
    return await body(handle);
  } finally {
    await handle.close();
  }
}

describe('createLogger file output', () => {
  it('writes NDJSON lines with service and pid, flushed on flush()', async () => {
    const dir = join(scratch(), 'logs');
    await withLogger(createLogger(logging({ dir }), host(root)), async ({ logger, directory, fellBack, flush }) => {
      assert.equal(directory, dir);
      assert.equal(fellBack, false);
      logger.info({ exchange: 'kraken', connection: 1 }, 'connected');
      logger.child({ component: 'feed' }).warn('slow');
      logger.debug('below the level');
      await flush();
      const lines = records(dir);
      assert.equal(lines.length, 2);
      assert.deepEqual({ ...lines[0], time: undefined }, {
        level: 30, time: undefined, service: 'market-gateway', pid: process.pid, exchange: 'kraken', connection: 1,
        msg: 'connected',
      });
      assert.match(String(lines[0]?.['time']), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      assert.equal(lines[1]?.['component'], 'feed');
      assert.equal(lines[1]?.['level'], 40);
    });
  });

  it('loses no line when closed right after a burst, and ignores logging after close', async () => {
    const dir = scratch();
    const handle = createLogger(logging({ dir }), host(root));
    for (let i = 0; i < 500; i++) handle.logger.info({ i }, 'burst');
    await handle.close();
    await handle.close();
    handle.logger.info('after close');
    assert.deepEqual(records(dir).map((r) => r['i']), Array.from({ length: 500 }, (_, i) => i));
  });

  it('redacts secret-looking keys at any depth, in bindings too, and keeps errors intact', async () => {
    const dir = scratch();
    await withLogger(createLogger(logging({ dir }), host(root)), async ({ logger, flush }) => {
      logger.child({ token: 'child-token' }).info({
        apiKey: 'k-1', config: { exchanges: { kraken: { apiSecret: 's-2', symbols: ['BTC/USD'] } } },
        headers: { authorization: 'Bearer b-3' }, list: [{ passphrase: 'p-4' }],
      }, 'with secrets');
      logger.error({ err: new Error('boom') }, 'failed');
      await flush();
      const text = logFiles(dir).map((name) => readFileSync(join(dir, name), 'utf8')).join('');
      assert.doesNotMatch(text, /child-token|k-1|s-2|b-3|p-4/);
      const [secrets, failure] = records(dir);
      assert.equal(secrets?.['token'], '[redacted]');
      assert.equal(secrets?.['apiKey'], '[redacted]');
      assert.deepEqual(secrets?.['config'], { exchanges: { kraken: { apiSecret: '[redacted]', symbols: ['BTC/USD'] } } });
      assert.deepEqual(secrets?.['headers'], { authorization: '[redacted]' });
      assert.deepEqual(secrets?.['list'], [{ passphrase: '[redacted]' }]);
      const err = failure?.['err'] as Record<string, unknown>;
      assert.equal(err['message'], 'boom');
      assert.match(String(err['stack']), /^Error: boom\n/);
    });
  });

  it('rotates by size and keeps keepFiles files', async () => {
    const dir = scratch();
    await withLogger(createLogger(logging({ dir, maxFileBytes: 2048, keepFiles: 2 }), host(root)),
      async ({ logger, flush }) => {
        const padding = 'x'.repeat(200);
        let written = 0;
        await waitFor(async () => {
          logger.info({ written: written++, padding }, 'filler');
          await flush();
          const files = logFiles(dir);
          const newest = Number(files.at(-1)?.split('.')[2] ?? 0);
          return newest >= 4 && files.length === 2;
        }, 10_000, 'four rotations with two files left');
        assert.ok(written > 20);
      });
  });
});

describe('log directory', () => {
  it('falls back to ./logs with exactly one warning when the directory cannot be created', async () => {
    const base = scratch();
    writeFileSync(join(base, 'not-a-dir'), 'plain file');
    const cwd = join(base, 'cwd');
    const wanted = join(base, 'not-a-dir', 'logs');
    await withLogger(createLogger(logging({ dir: wanted }), host(cwd)), async ({ logger, directory, fellBack, flush }) => {
      assert.equal(fellBack, true);
      assert.equal(directory, join(cwd, 'logs'));
      logger.info('still running');
      await flush();
      const lines = records(directory);
      const warnings = lines.filter((line) => line['level'] === 40);
      assert.equal(warnings.length, 1);
      assert.equal(warnings[0]?.['wanted'], wanted);
      assert.match(String(warnings[0]?.['reason']), /ENOTDIR/);
      assert.match(String(warnings[0]?.['msg']), /is not usable \(ENOTDIR.*\); logging to .*cwd\/logs instead$/);
      assert.equal(lines.at(-1)?.['msg'], 'still running');
    });
  });

  it('throws LogDirectoryError when ./logs is unusable too', () => {
    const base = scratch();
    writeFileSync(join(base, 'file'), 'plain file');
    assert.throws(() => createLogger(logging({ dir: join(base, 'file', 'a') }), host(join(base, 'file', 'cwd'))),
      (err: unknown) => err instanceof LogDirectoryError && /ENOTDIR/.test(err.message));
  });

  it('picks D:\\ on Windows, /mnt/d under WSL2, ./logs elsewhere, the configured directory first', () => {
    assert.deepEqual(chooseLogDirectory('', { platform: 'win32', isWsl: false, cwd: 'C:\\svc' }),
      { directory: 'D:\\market-gateway\\logs', mountPoint: 'D:\\' });
    assert.deepEqual(chooseLogDirectory('', { platform: 'linux', isWsl: true, cwd: '/opt/mgw' }),
      { directory: '/mnt/d/market-gateway/logs', mountPoint: '/mnt/d' });
    assert.deepEqual(chooseLogDirectory('', { platform: 'linux', isWsl: false, cwd: '/opt/mgw' }), { directory: '/opt/mgw/logs' });
    assert.deepEqual(chooseLogDirectory('var/log', { platform: 'linux', isWsl: true, cwd: '/opt/mgw' }),
      { directory: '/opt/mgw/var/log' });
  });

  it('detects WSL from WSL_DISTRO_NAME or /proc/version', () => {
    assert.equal(detectWsl({ platform: 'linux', wslDistroName: 'Ubuntu-24.04', procVersion: undefined }), true);
    assert.equal(detectWsl({ platform: 'linux', wslDistroName: undefined,
      procVersion: 'Linux version 5.15.153.1-microsoft-standard-WSL2 (root@1a2b) (gcc) #1 SMP' }), true);
    assert.equal(detectWsl({ platform: 'linux', wslDistroName: '', procVersion: 'Linux version 6.8.0-45-generic' }), false);
    assert.equal(detectWsl({ platform: 'win32', wslDistroName: 'Ubuntu', procVersion: undefined }), false);
  });

  // Probed on a drive root of our own making (absent, then a plain directory), so it runs on every machine: the real
  // /mnt/d exists on some (WSL with D:, or a CI image) and is absent on others.
  it('never creates a drive root that is not mounted: absent → ENOENT, a plain directory → not a mounted drive', () => {
    const root = scratch();
    const mountPoint = join(root, 'mnt', 'd');
    const directory = join(mountPoint, 'market-gateway', 'logs');
    assert.match(probeLogDirectory({ directory, mountPoint }, 'linux') ?? '', new RegExp(`^${mountPoint} is not available \\(ENOENT`));
    assert.equal(existsSync(mountPoint), false, 'nothing conjured');
    mkdirSync(mountPoint, { recursive: true });
    assert.equal(probeLogDirectory({ directory, mountPoint }, 'linux'), `${mountPoint} is not a mounted drive`);
    assert.deepEqual(readdirSync(mountPoint), [], 'nothing written on the Linux disk');
  });

  it('an unusable directory falls back to ./logs under cwd, with the reason', () => {
    const cwd = scratch();
    writeFileSync(join(cwd, 'a-file'), '');
    const resolved = resolveLogDirectory('a-file/logs', { platform: 'linux', isWsl: true, cwd });
    assert.deepEqual([resolved.fellBack, resolved.directory, resolved.wanted], [true, join(cwd, 'logs'), join(cwd, 'a-file/logs')]);
    assert.match(resolved.reason ?? '', /^ENOTDIR/);
  });
});

describe('terminal output', () => {
  it('auto: human-readable lines on a terminal, NDJSON at stdoutLevel when stdout is not one; off: nothing', async () => {
    const seen: string[] = [];
    const stdout = { write: (text: string) => seen.push(text) };
    await withLogger(createLogger(logging({ dir: scratch() }), host(root, { isTty: true }), { stdout, color: false }),
      async ({ logger, flush }) => {
        logger.warn({ exchange: 'kraken', apiKey: 'k' }, 'resyncing BTC/USD');
        await flush();
      });
    assert.equal(seen.length, 1);
    assert.match(seen[0] ?? '', /^\d{2}:\d{2}:\d{2}\.\d{3} WARN {2}resyncing BTC\/USD exchange=kraken apiKey=\[redacted\]\n$/);

    const service: string[] = [];
    await withLogger(createLogger(logging({ dir: scratch(), level: 'debug', stdoutLevel: 'info' }), host(root, { isTty: false }),
      { stdout: { write: (text: string) => service.push(text) } }), async ({ logger, flush }) => {
      logger.debug('below stdoutLevel, file only');
      logger.info({ event: 'ready', apiSecret: 's' }, 'bots connect to ws://127.0.0.1:8787/v1/ws');
      logger.error({ event: 'start_failed' }, 'start-up failed');
      await flush();
    });
    const lines = service.map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.deepEqual(lines.map((line) => [line.level, line.event, line.msg]),
      [[30, 'ready', 'bots connect to ws://127.0.0.1:8787/v1/ws'], [50, 'start_failed', 'start-up failed']]);
    assert.equal(lines[0]!.apiSecret, '[redacted]');

    const quiet: string[] = [];
    for (const isTty of [false, true]) {
      await createLogger(logging({ dir: scratch(), stdout: 'off' }), host(root, { isTty }),
        { stdout: { write: (text: string) => quiet.push(text) } }).close();
    }
    assert.deepEqual(quiet, []);
  });

  it('json and pretty force their format whatever stdout is', async () => {
    const forced: string[] = [];
    const stdout = { write: (text: string) => forced.push(text) };
    for (const [mode, isTty] of [['json', true], ['pretty', false]] as const) {
      await withLogger(createLogger(logging({ dir: scratch(), stdout: mode }), host(root, { isTty }), { stdout }),
        async ({ logger, flush }) => {
          logger.info(`${mode} line`);
          await flush();
        });
    }
    assert.equal(forced.length, 2);
    assert.equal((JSON.parse(forced[0]!) as { msg: string }).msg, 'json line');
    assert.match(forced[1]!, /^\d{2}:\d{2}:\d{2}\.\d{3} INFO {2}pretty line\n$/, 'no colour codes when not a terminal');
  });

  it('formats levels, fields and error stacks', () => {
    const line = JSON.stringify({ level: 50, time: '2026-11-25T10:00:00.123Z', pid: 1, service: 'market-gateway',
      msg: 'failed', code: 'x y', err: { message: 'boom', stack: 'Error: boom\n    at f' } });
    assert.equal(formatTtyLine(line, false), '10:00:00.123 ERROR failed code="x y"\n    Error: boom\n        at f\n');
    assert.equal(formatTtyLine(line, true).slice(13, 23), '\u001b[31mERROR');
    assert.equal(formatTtyLine('not json', false), 'not json\n');
  });
});
