// Where the log files go. Default: D:\market-gateway\logs on Windows, /mnt/d/market-gateway/logs under WSL2,
// ./logs elsewhere. If the chosen directory cannot be created or written, ./logs (under cwd) is used instead and
// the caller logs one warning with the reason.
import { mkdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { HostEnvironment } from '../config/host.ts';

export type LogHost = Pick<HostEnvironment, 'platform' | 'isWsl' | 'cwd'>;

export interface DirectoryChoice {
  readonly directory: string;
  /**
   * A drive root that must already be mounted (`D:\`, `/mnt/d`): creating the default directory must never
   * conjure a fake /mnt/d on the Linux disk when drive D: is absent.
   */
  readonly mountPoint?: string;
}

export function fallbackLogDirectory(host: Pick<HostEnvironment, 'cwd'>): string {
  return resolve(host.cwd, 'logs');
}

/** The platform default, or the configured directory (relative to cwd). Pure. */
export function chooseLogDirectory(configuredDir: string, host: LogHost): DirectoryChoice {
  if (configuredDir !== '') return { directory: resolve(host.cwd, configuredDir) };
  if (host.platform === 'win32') return { directory: 'D:\\market-gateway\\logs', mountPoint: 'D:\\' };
  if (host.isWsl) return { directory: '/mnt/d/market-gateway/logs', mountPoint: '/mnt/d' };
  return { directory: fallbackLogDirectory(host) };
}

function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function mountProblem(mountPoint: string, platform: NodeJS.Platform): string | undefined {
  try {
    const stats = statSync(mountPoint);
    // A mounted drive has its own device id; an empty /mnt/d directory on the Linux disk does not.
    if (platform !== 'win32' && stats.dev === statSync(dirname(mountPoint)).dev) return `${mountPoint} is not a mounted drive`;
    return undefined;
  } catch (err) {
    return `${mountPoint} is not available (${describeError(err)})`;
  }
}

/** Creates the directory and writes (then deletes) a probe file. Returns why it is unusable, or undefined. */
export function probeLogDirectory(choice: DirectoryChoice, platform: NodeJS.Platform): string | undefined {
  if (choice.mountPoint !== undefined) {
    const problem = mountProblem(choice.mountPoint, platform);
    if (problem !== undefined) return problem;
  }
  const probe = join(choice.directory, `.write-probe-${process.pid}`);
  try {
    mkdirSync(choice.directory, { recursive: true });
    writeFileSync(probe, 'market-gateway write probe\n');
    unlinkSync(probe);
    return undefined;
  } catch (err) {
    return describeError(err);
  }
}

export interface ResolvedLogDirectory {
  readonly directory: string;
  readonly fellBack: boolean;
  /** Set when fellBack: the directory that was wanted and why it could not be used. */
  readonly wanted?: string;
  readonly reason?: string;
}

export class LogDirectoryError extends Error {
  readonly code = 'LOG_DIRECTORY_UNWRITABLE';
  readonly remedy = 'fatal';
}

/** The directory to log to, after probing. Throws LogDirectoryError only when ./logs is unusable too. */
export function resolveLogDirectory(configuredDir: string, host: LogHost): ResolvedLogDirectory {
  const choice = chooseLogDirectory(configuredDir, host);
  const reason = probeLogDirectory(choice, host.platform);
  if (reason === undefined) return { directory: choice.directory, fellBack: false };
  const fallback = fallbackLogDirectory(host);
  const fallbackReason = fallback === choice.directory ? reason : probeLogDirectory({ directory: fallback }, host.platform);
  if (fallbackReason !== undefined) {
    throw new LogDirectoryError(`cannot write logs to ${choice.directory} (${reason})`
      + (fallback === choice.directory ? '' : ` nor to ${fallback} (${fallbackReason})`));
  }
  return { directory: fallback, fellBack: true, wanted: choice.directory, reason };
}
