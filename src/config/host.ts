// Facts about the machine that pick defaults (the log directory). Reading them lives here because src/config
// is the only code that reads process.env; the decision itself is a pure function of its inputs.
import { readFileSync } from 'node:fs';

export interface HostEnvironment {
  readonly platform: NodeJS.Platform;
  /** Linux inside WSL2 (Windows drives are mounted under /mnt/<letter>). */
  readonly isWsl: boolean;
  /** stdout is a terminal (someone is watching). */
  readonly isTty: boolean;
  /** Base of relative paths and of the ./logs fallback. */
  readonly cwd: string;
}

export interface WslEvidence {
  readonly platform: NodeJS.Platform;
  /** Value of WSL_DISTRO_NAME (set by WSL in every session). */
  readonly wslDistroName: string | undefined;
  /** Text of /proc/version ("… microsoft-standard-WSL2 …" under WSL). */
  readonly procVersion: string | undefined;
}

export function detectWsl(evidence: WslEvidence): boolean {
  if (evidence.platform !== 'linux') return false;
  if (evidence.wslDistroName !== undefined && evidence.wslDistroName !== '') return true;
  return evidence.procVersion !== undefined && /microsoft/i.test(evidence.procVersion);
}

function readProcVersion(platform: NodeJS.Platform): string | undefined {
  if (platform !== 'linux') return undefined;
  try {
    return readFileSync('/proc/version', 'utf8');
  } catch {
    return undefined;
  }
}

/** The running process's host facts. `env` defaults to process.env (tests pass their own). */
export function readHostEnvironment(env: Readonly<Record<string, string | undefined>> = process.env): HostEnvironment {
  const platform = process.platform;
  return {
    platform,
    isWsl: detectWsl({ platform, wslDistroName: env['WSL_DISTRO_NAME'], procVersion: readProcVersion(platform) }),
    isTty: process.stdout.isTTY === true,
    cwd: process.cwd(),
  };
}
