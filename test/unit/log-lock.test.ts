import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { acquireLogLock, LOG_LOCK_FILE, LogDirectoryInUseError, processIsRunning } from '../../src/observability/log-lock.ts';

const root = mkdtempSync(join(tmpdir(), 'mgw-lock-'));
after(() => rmSync(root, { recursive: true, force: true }));
let serial = 0;
const scratch = (): string => mkdtempSync(join(root, `case-${++serial}-`));

/** The pid of a process that has exited (the OS will not reuse it this quickly). */
function exitedPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('log directory lock', () => {
  it('writes the owner pid and removes the lock on release, once', () => {
    const dir = scratch();
    const lock = acquireLogLock(dir, { now: () => Date.parse('2026-12-01T10:00:00Z') });
    assert.deepEqual(JSON.parse(readFileSync(join(dir, LOG_LOCK_FILE), 'utf8')), { pid: process.pid, startedAt: '2026-12-01T10:00:00.000Z' });
    assert.equal(lock.tookOverFrom, undefined);
    lock.release();
    lock.release();
    assert.equal(existsSync(join(dir, LOG_LOCK_FILE)), false);
  });

  it('refuses a directory whose lock names a running process, and leaves that lock alone', () => {
    const dir = scratch();
    const owner = acquireLogLock(dir, { pid: process.ppid, now: () => Date.parse('2026-12-01T09:00:00Z') });
    assert.throws(() => acquireLogLock(dir), (error: unknown) => {
      assert.ok(error instanceof LogDirectoryInUseError);
      assert.equal(error.message, `${dir} is in use by another market-gateway (pid ${process.ppid}, started `
        + '2026-12-01T09:00:00.000Z); stop it, or give this one its own logging.dir');
      return true;
    });
    assert.equal(JSON.parse(readFileSync(owner.path, 'utf8')).pid, process.ppid);
  });

  it('takes over a stale lock (its process is gone) or an unreadable one', () => {
    const dir = scratch();
    const gone = exitedPid();
    assert.equal(processIsRunning(gone), false);
    writeFileSync(join(dir, LOG_LOCK_FILE), JSON.stringify({ pid: gone, startedAt: '2026-12-01T08:00:00.000Z' }));
    const lock = acquireLogLock(dir);
    assert.equal(lock.tookOverFrom, gone);
    assert.equal(JSON.parse(readFileSync(lock.path, 'utf8')).pid, process.pid);
    lock.release();
    writeFileSync(join(dir, LOG_LOCK_FILE), 'half-written {');
    const again = acquireLogLock(dir);
    assert.equal(again.tookOverFrom, undefined);
    assert.equal(JSON.parse(readFileSync(again.path, 'utf8')).pid, process.pid);
  });

  it('release leaves a lock that another process has taken since', () => {
    const dir = scratch();
    const lock = acquireLogLock(dir);
    writeFileSync(lock.path, JSON.stringify({ pid: process.ppid, startedAt: '2026-12-01T11:00:00.000Z' }));
    lock.release();
    assert.equal(JSON.parse(readFileSync(lock.path, 'utf8')).pid, process.ppid);
  });
});
