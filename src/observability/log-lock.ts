// One gateway per log directory: `gateway.lock` holds the owner's pid, so two gateways never write the same file.
// A lock whose pid is no longer running (a crash, a killed service) is stale and taken over.
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const LOG_LOCK_FILE = 'gateway.lock';

interface LockContent {
  readonly pid: number;
  readonly startedAt: string;
}

export interface LogLock {
  readonly path: string;
  /** The previous owner's pid when a stale lock was taken over. */
  readonly tookOverFrom?: number;
  /** Removes the lock if it is still ours. Idempotent. */
  release(): void;
}

export class LogDirectoryInUseError extends Error {
  readonly code = 'LOG_DIRECTORY_IN_USE';
  constructor(readonly directory: string, readonly ownerPid: number, ownerStartedAt: string) {
    super(`${directory} is in use by another market-gateway (pid ${ownerPid}, started ${ownerStartedAt}); `
      + 'stop it, or give this one its own logging.dir');
    this.name = 'LogDirectoryInUseError';
  }
}

/** True when a process with this pid exists (EPERM: it exists but belongs to another user). */
export function processIsRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(path: string): LockContent | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { pid, startedAt } = parsed as Record<string, unknown>;
    return Number.isInteger(pid) && typeof startedAt === 'string' ? { pid: pid as number, startedAt } : undefined;
  } catch {
    return undefined;
  }
}

export function acquireLogLock(directory: string, options: { pid?: number; now?: () => number;
  isRunning?: (pid: number) => boolean } = {}): LogLock {
  const pid = options.pid ?? process.pid;
  const isRunning = options.isRunning ?? processIsRunning;
  const path = join(directory, LOG_LOCK_FILE);
  const content = JSON.stringify({ pid, startedAt: new Date((options.now ?? Date.now)()).toISOString() });
  let tookOverFrom: number | undefined;
  for (let attempt = 0; ; attempt += 1) {
    try {
      writeFileSync(path, `${content}\n`, { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
    }
    const owner = readLock(path);
    if (owner !== undefined && owner.pid !== pid && isRunning(owner.pid)) {
      throw new LogDirectoryInUseError(directory, owner.pid, owner.startedAt);
    }
    tookOverFrom = owner?.pid;
    unlinkSync(path);
  }
  let released = false;
  return {
    path,
    ...(tookOverFrom === undefined ? {} : { tookOverFrom }),
    release: () => {
      if (released) return;
      released = true;
      if (readLock(path)?.pid === pid) unlinkSync(path);
    },
  };
}
