// The whole daemon as a child process, as a user runs it (`node --import tsx src/main.ts --config <file>`), so its
// CPU (from /proc), RSS and GC are its own. Extra node flags (--cpu-prof, --trace-gc) can be passed for profiling.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';

export interface GatewayChildOptions {
  readonly repoRoot: string;
  /** Config file, logs and the child's stdio go here. */
  readonly runDir: string;
  /** The config's `exchanges` block. */
  readonly exchanges: Record<string, unknown>;
  readonly engine: 'uws' | 'ws';
  readonly nodeFlags?: readonly string[];
  /** Run the daemon of this checkout instead (default: BENCH_GATEWAY_ROOT, else repoRoot). */
  readonly gatewayRoot?: string;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port from the OS');
  return address.port;
}

export class GatewayChild {
  port = 0;
  private child: ChildProcess | undefined;
  private exited: Promise<number | null> | undefined;
  private exitCode: number | null | undefined;

  constructor(private readonly options: GatewayChildOptions) {}

  get pid(): number {
    return this.child?.pid ?? 0;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}/v1/ws`;
  }

  async start(deadlineMs = 30_000): Promise<void> {
    const { repoRoot, runDir, exchanges, engine } = this.options;
    const logDir = join(runDir, 'logs');
    await mkdir(logDir, { recursive: true });
    this.port = await freePort();
    const configFile = join(runDir, 'gateway.json');
    const config = { server: { host: '127.0.0.1', port: this.port, engine }, exchanges,
      logging: { dir: logDir, level: 'warn', stdout: 'off' } };
    await writeFile(configFile, `${JSON.stringify(config, null, 2)}\n`);
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toUpperCase().startsWith('MGW_')));
    const stdio = createWriteStream(join(runDir, 'gateway-stdio.log'));
    // BENCH_GATEWAY_ROOT: run the daemon of another checkout (e.g. an export of main as the "before" of a change).
    const child = spawn(process.execPath, [...(this.options.nodeFlags ?? []), '--import', 'tsx', 'src/main.ts',
      '--config', configFile], { cwd: this.options.gatewayRoot ?? process.env.BENCH_GATEWAY_ROOT ?? repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout?.pipe(stdio);
    child.stderr?.pipe(stdio);
    this.exited = new Promise((resolve) => child.once('exit', (code) => {
      this.exitCode = code;
      resolve(code);
    }));
    const until = Date.now() + deadlineMs;
    while (Date.now() < until) {
      if (this.exitCode !== undefined) throw new Error(`gateway exited with ${this.exitCode} at start-up (see ${runDir})`);
      if (await this.get('/healthz').then((response) => response.ok, () => false)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`gateway did not answer /healthz within ${deadlineMs} ms`);
  }

  async get(path: string): Promise<Response> {
    return fetch(`http://127.0.0.1:${this.port}${path}`, { signal: AbortSignal.timeout(10_000) });
  }

  /** Waits until /readyz says every book is live. */
  async ready(deadlineMs = 60_000): Promise<void> {
    const until = Date.now() + deadlineMs;
    while (Date.now() < until) {
      const ok = await this.get('/readyz').then(async (response) => {
        await response.arrayBuffer();
        return response.status === 200;
      }, () => false);
      if (ok) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`gateway not ready within ${deadlineMs} ms`);
  }

  async metricsText(): Promise<string> {
    return (await this.get('/metrics')).text();
  }

  async stop(deadlineMs = 8000): Promise<void> {
    const child = this.child;
    if (child === undefined || this.exited === undefined) return;
    if (this.exitCode === undefined) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), deadlineMs);
    await this.exited;
    clearTimeout(timer);
  }
}
