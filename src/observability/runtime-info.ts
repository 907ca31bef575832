// What this process runs on, as /v1/status and the benchmark results name it. On Linux the glibc version decides
// which native uWebSockets.js build can load (README "Supported platforms").

export interface RuntimeInfo {
  /** e.g. `v24.21.0`. */
  readonly node: string;
  /** `<platform>-<arch>`, e.g. `linux-x64`, `win32-x64`. */
  readonly platform: string;
  /** The C library's version on glibc Linux, else null (Windows, macOS, musl). */
  readonly glibc: string | null;
}

let cached: RuntimeInfo | undefined;

export function runtimeInfo(): RuntimeInfo {
  cached ??= { node: process.version, platform: `${process.platform}-${process.arch}`, glibc: glibcVersion() };
  return cached;
}

/** One line for reports: `node v24.21.0 linux-x64 glibc 2.36`. */
export function runtimeLabel(info: RuntimeInfo = runtimeInfo()): string {
  return `node ${info.node} ${info.platform}${info.glibc === null ? '' : ` glibc ${info.glibc}`}`;
}

function glibcVersion(): string | null {
  if (process.platform !== 'linux') return null;
  // The diagnostic report is the one place Node exposes it (a few ms, once per process).
  const report: unknown = process.report.getReport();
  if (typeof report !== 'object' || report === null) return null;
  const header: unknown = (report as Record<string, unknown>).header;
  if (typeof header !== 'object' || header === null) return null;
  const version = (header as Record<string, unknown>).glibcVersionRuntime;
  return typeof version === 'string' ? version : null;
}
