// The one place the suite decides whether tests of the native uWebSockets.js hub run here. Where no native build
// loads (e.g. Node 22/24 on glibc < 2.38) they are skipped with the loader's reason, unless MGW_REQUIRE_NATIVE_UWS=1
// (CI legs that expect a native engine): then they run and fail, so a skip never hides a broken loader.
import { loadUwsNative } from '../../src/server/hub-loader.ts';

export const REQUIRE_NATIVE_ENV = 'MGW_REQUIRE_NATIVE_UWS';

export function nativeRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[REQUIRE_NATIVE_ENV] === '1';
}

/** `false` when native-hub tests must run; otherwise the reason they are skipped (node:test `skip`). */
export const nativeHubSkip: string | false = decideSkip();

function decideSkip(): string | false {
  const result = loadUwsNative();
  if (result.ok || nativeRequired()) return false;
  return `no native uWebSockets.js for node ${process.version} ${process.platform}-${process.arch}, `
    + `the gateway falls back to ws here (${result.reason}); ${REQUIRE_NATIVE_ENV}=1 makes this a failure`;
}
