// The machine a benchmark ran on, recorded in each report's JSON and printed above its table: Node, OS, glibc
// (which decides the native uWebSockets.js build), CPU, and the hub engine build the gateway serves bots with here.
import { cpus } from 'node:os';
import { runtimeInfo, runtimeLabel, type RuntimeInfo } from '../../src/observability/runtime-info.ts';
import { loadUwsNative, wsEngineDetail } from '../../src/server/hub-loader.ts';

export interface BenchPlatform extends RuntimeInfo {
  readonly cpu: string;
  readonly cpuCount: number;
  /** What `server.engine: "auto"` loads here, e.g. `@btc-vision/uwebsockets.js@20.57.0 (native …)` or `ws@8.18.3 (fallback)`. */
  readonly hubEngine: string;
}

export function benchPlatform(): BenchPlatform {
  const native = loadUwsNative();
  return {
    ...runtimeInfo(),
    cpu: cpus()[0]?.model ?? 'unknown',
    cpuCount: cpus().length,
    hubEngine: native.ok ? native.detail : `${wsEngineDetail()} (fallback: no native uWebSockets.js loads here)`,
  };
}

/** `node v20.20.2 linux-x64 glibc 2.36, 2 × AMD EPYC 7B13, hub engine …` */
export function platformLine(platform: BenchPlatform): string {
  return `${runtimeLabel(platform)}, ${platform.cpuCount} × ${platform.cpu}, hub engine ${platform.hubEngine}`;
}
