// Picks the client hub engine. Native uWebSockets.js is loaded straight from its `.node` binary: the
// packages' own entry points either throw (btc-vision on glibc < 2.38) or, worse, silently fall back to a
// pure-JS shim (trufflesuite's src/uws.js) that would look like uWS but perform like `ws`.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ClientHub } from './client-hub.ts';
import { isUwsNative, type UwsNative } from './uws-api.ts';
import { UwsHub } from './uws-hub.ts';
import { WsHub } from './ws-hub.ts';

export type HubPreference = 'auto' | 'uws' | 'ws';

export type UwsLoadResult =
  | { readonly ok: true; readonly uws: UwsNative; readonly detail: string }
  | { readonly ok: false; readonly reason: string };

export interface UwsCandidate {
  readonly packageName: string;
  /** Directory of the binaries relative to the package root. */
  readonly binaryDir: string;
}

/** Tried in order: btc-vision (newer, Node 22+) first, then trufflesuite (Node ≤ 20, glibc 2.36 is fine). */
export const UWS_CANDIDATES: readonly UwsCandidate[] = [
  { packageName: '@btc-vision/uwebsockets.js', binaryDir: '.' },
  { packageName: '@trufflesuite/uws-js-unofficial', binaryDir: 'binaries' },
];

const require = createRequire(import.meta.url);

export function uwsBinaryName(): string {
  return `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`;
}

let defaultResult: UwsLoadResult | undefined;

/** Loads the first candidate whose binary works here. The default candidates are tried once per process. */
export function loadUwsNative(candidates: readonly UwsCandidate[] = UWS_CANDIDATES): UwsLoadResult {
  if (candidates !== UWS_CANDIDATES) return tryCandidates(candidates);
  defaultResult ??= tryCandidates(candidates);
  return defaultResult;
}

function tryCandidates(candidates: readonly UwsCandidate[]): UwsLoadResult {
  const failures: string[] = [];
  const binary = uwsBinaryName();
  for (const candidate of candidates) {
    let root: string;
    let version: string;
    try {
      ({ root, version } = findPackage(candidate.packageName));
    } catch {
      failures.push(`${candidate.packageName}: not installed`);
      continue;
    }
    const file = join(root, candidate.binaryDir, binary);
    let loaded: unknown;
    try {
      loaded = require(file);
    } catch (error) {
      failures.push(`${candidate.packageName}@${version}: ${binary}: ${firstLine(error)}`);
      continue;
    }
    if (!isUwsNative(loaded)) {
      failures.push(`${candidate.packageName}@${version}: ${binary} does not export the native uWS API`);
      continue;
    }
    return { ok: true, uws: loaded, detail: `${candidate.packageName}@${version} (native ${binary})` };
  }
  return { ok: false, reason: failures.join('; ') };
}

export function createClientHub(
  preference: HubPreference,
  warn: (message: string) => void,
  load: () => UwsLoadResult = loadUwsNative,
): ClientHub {
  if (preference === 'ws') return new WsHub(wsEngineDetail());
  const result = load();
  if (result.ok) return new UwsHub(result.uws, result.detail);
  if (preference === 'uws') {
    throw new Error(`hub engine 'uws' requested but native uWebSockets.js could not be loaded (${result.reason}); `
      + `install a uWS build for node ${process.version} ${process.platform}-${process.arch}, `
      + `or set the hub engine to 'auto' or 'ws'`);
  }
  warn('!!! NATIVE uWebSockets.js UNAVAILABLE — serving bots with the much slower pure-JS `ws` hub. '
    + `Reason: ${result.reason}`);
  return new WsHub(wsEngineDetail());
}

function findPackage(packageName: string): { root: string; version: string } {
  // Resolving the entry point only finds the file; it does not run it.
  let dir = dirname(require.resolve(packageName));
  for (;;) {
    const manifest = readManifest(join(dir, 'package.json'));
    if (manifest?.name === packageName) return { root: dir, version: manifest.version ?? 'unknown' };
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`package.json of ${packageName} not found`);
    dir = parent;
  }
}

function readManifest(file: string): { name?: string; version?: string } | null {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null) return null;
    const { name, version } = parsed as Record<string, unknown>;
    return {
      name: typeof name === 'string' ? name : undefined,
      version: typeof version === 'string' ? version : undefined,
    };
  } catch {
    return null;
  }
}

/** e.g. `ws@8.18.3`. */
export function wsEngineDetail(): string {
  try {
    return `ws@${findPackage('ws').version}`;
  } catch {
    return 'ws';
  }
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? text;
}
