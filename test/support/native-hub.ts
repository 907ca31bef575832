// The one place the suite decides whether tests of the native uWebSockets.js hub run here. Where no native build
// loads (e.g. Node 22/24 on glibc < 2.38) they are skipped with the loader's reason, unless MGW_REQUIRE_NATIVE_UWS=1
// (CI legs that expect a native engine): then they run and fail, so a skip never hides a broken loader.
import { loadUwsNative, type UwsLoadResult } from '../../src/server/hub-loader.ts';

export const REQUIRE_NATIVE_ENV = 'MGW_REQUIRE_NATIVE_UWS';

/** `false` when native-hub tests must run; otherwise the reason they are skipped (node:test `skip`). */
export function nativeSkipReason(result: UwsLoadResult, env: NodeJS.ProcessEnv): string | false {
  if (result.ok || env[REQUIRE_NATIVE_ENV] === '1') return false;
  return `no native uWebSockets.js for node ${process.version} ${process.platform}-${process.arch}, `
    + `the gateway falls back to ws here (${result.reason}); ${REQUIRE_NATIVE_ENV}=1 makes this a failure`;
}

export const nativeHubSkip: string | false = nativeSkipReason(loadUwsNative(), process.env);
