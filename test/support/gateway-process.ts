// Runs the real daemon (`src/main.ts`) as a child process, the way `npm start` does, for tests of start-up,
// config errors, logs on disk and graceful shutdown.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from './wait-for.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface GatewayProcess {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Resolves with the exit code (or the signal name). */
  readonly exited: Promise<number | string>;
  /** The exit code, or a rejection (and SIGKILL) if the process is still running after `timeoutMs`. */
  exitWithin(timeoutMs: number): Promise<number | string>;
}

const children = new Set<ChildProcess>();

/** SIGKILL every daemon started by this file that is still running (call it from `after`). */
export function killGatewayProcesses(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
}

export function startGatewayProcess(args: readonly string[], env: Record<string, string> = {}): GatewayProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => { out += chunk.toString(); });
  child.stderr!.on('data', (chunk: Buffer) => { err += chunk.toString(); });
  children.add(child);
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve(code ?? signal ?? 'unknown');
    });
  });
  const exitWithin = async (timeoutMs: number): Promise<number | string> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`the daemon did not exit within ${timeoutMs} ms (stderr: ${err})`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
  return { child, stdout: () => out, stderr: () => err, exited, exitWithin };
}

/**
 * The port the daemon bound (config `server.port: 0`), read from its `server_listening` log line: no port is picked
 * before the daemon starts, so no other test can take it in between.
 */
export async function listeningPort(logDir: string, gateway: GatewayProcess, timeoutMs = 15_000): Promise<number> {
  let port: number | undefined;
  await waitFor(() => {
    if (!existsSync(logDir)) return false;
    for (const name of readdirSync(logDir).filter((file) => file.endsWith('.log'))) {
      for (const line of readFileSync(join(logDir, name), 'utf8').split('\n')) {
        if (!line.includes('"event":"server_listening"')) continue;
        port = (JSON.parse(line) as { port: number }).port;
        return true;
      }
    }
    return false;
  }, timeoutMs, `gateway listening (stderr: ${gateway.stderr()})`);
  return port!;
}

export function writeTempConfig(config: unknown): { path: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mgw-'));
  const path = join(dir, 'config.json');
  writeFileSync(path, JSON.stringify(config, null, 2));
  return { path, dir };
}

/**
 * A URL on this machine where nothing answers (a port this process holds, never accepting): configs that must fail
 * validation point their venue here, so a daemon that started anyway by mistake dials no real venue.
 */
export async function deadEndUrl(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { url: `ws://127.0.0.1:${address.port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/**
 * A port that was free a moment ago. Only for tests about a port being taken (single-instance.test.ts); a daemon that
 * just needs a port binds 0 and is found with `listeningPort`.
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
