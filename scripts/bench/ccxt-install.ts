// ccxt for `npm run bench -- vs-ccxt`, installed on first use into a cache outside the repository and outside
// node_modules (~/.cache/market-gateway-bench, or $MGW_BENCH_CACHE), so `npm ci` stays lean.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const CCXT_VERSION = '4.5.84';

export function benchCacheDir(): string {
  return process.env.MGW_BENCH_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'market-gateway-bench');
}

/** The cache directory holding node_modules/ccxt, installed with npm if missing. */
export function ensureCcxt(log: (line: string) => void): string {
  const dir = benchCacheDir();
  if (existsSync(join(dir, 'node_modules', 'ccxt', 'package.json'))) return dir;
  mkdirSync(dir, { recursive: true });
  if (!existsSync(join(dir, 'package.json'))) writeFileSync(join(dir, 'package.json'), '{"name":"mgw-bench-cache","private":true}\n');
  log(`installing ccxt@${CCXT_VERSION} into ${dir} (first use only)`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  execFileSync(npm, ['install', '--no-audit', '--no-fund', '--ignore-scripts', `ccxt@${CCXT_VERSION}`], { cwd: dir, stdio: 'inherit' });
  return dir;
}
