// The gateway under soak: the real daemon (src/main.ts) in its own process, so its RSS and event-loop lag are
// its own and not the simulator's or the bots'. Configured by a --config file pointing it at the simulator,
// with watchdogs short enough for a soak; observed only through its HTTP endpoints, as an operator would.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { MetricsScrape } from './metrics.ts';

export interface SoakGatewayOptions {
  readonly repoRoot: string;
  readonly runDir: string;
  /** The venue under soak: bots, /v1/books and /v1/status are read for it. */
  readonly exchange: string;
  /** The config file's `exchanges` block (the venue pointed at its simulator, the others off). */
  readonly exchanges: Record<string, unknown>;
  readonly nowMs: () => number;
}

interface ConnectionStatus {
  readonly attemptsInBudgetWindow?: number;
  readonly nextRotationAt?: string | null;
}

export interface BookHttp {
  readonly state: string;
  readonly bids: [string, string][];
  readonly asks: [string, string][];
}

/**
 * Reconnect delays scaled to simulator time (every venue): the simulator bans nobody, so a 429 need not be waited
 * out for Kraken's 10 minutes (rateLimitedDelayMs) and maintenance is over in moments. Still floors the gateway must
 * honour.
 */
// The soak drops connections on purpose every few seconds: its gateway's circuit breaker must not take that for a venue
// that cannot stay up.
export const SOAK_RECONNECT_DELAYS = { minDelayMs: 50, maxDelayMs: 2000, maintenanceDelayMs: 500, rateLimitedDelayMs: 1000,
  breakerFailures: 10_000 } as const;

async function freePort(): Promise<number> {
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

export class SoakGateway {
  private child: ChildProcess | undefined;
  private exited: Promise<number | null> | undefined;
  exitCode: number | null | undefined;
  port = 0;
  /** What the daemon was started with (the --config file's content). */
  config: Record<string, unknown> = {};

  constructor(private readonly options: SoakGatewayOptions) {}

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}/v1/ws`;
  }

  get httpUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get logDir(): string {
    return join(this.options.runDir, 'logs');
  }

  /** Writes the config, starts the daemon and waits (bounded) until /healthz answers. */
  async start(deadlineMs = 20_000): Promise<void> {
    const { repoRoot, runDir, exchanges } = this.options;
    await mkdir(this.logDir, { recursive: true });
    this.port = await freePort();
    const configFile = join(runDir, 'gateway.json');
    const config = {
      server: { host: '127.0.0.1', port: this.port },
      exchanges,
      logging: { dir: this.logDir, level: 'info', stdout: 'off' },
    };
    this.config = config;
    await writeFile(configFile, `${JSON.stringify(config, null, 2)}\n`);
    // MGW_* variables of the caller would override the soak's config; the file alone decides here.
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toUpperCase().startsWith('MGW_')));
    const stdio = createWriteStream(join(runDir, 'gateway-stdio.log'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', '--config', configFile],
      { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout?.pipe(stdio);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      stdio.write(chunk);
    });
    this.exited = new Promise((resolve) => child.once('exit', (code) => {
      this.exitCode = code;
      resolve(code);
    }));
    const until = this.options.nowMs() + deadlineMs;
    while (this.options.nowMs() < until) {
      if (this.exitCode !== undefined) throw new Error(`gateway exited with ${this.exitCode} at start-up: ${stderr.trim()}`);
      if (await this.get('/healthz').then((response) => response.ok, () => false)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`gateway did not answer /healthz within ${deadlineMs} ms`);
  }

  /** SIGTERM (graceful: bots get shutting_down), SIGKILL after the deadline. Resolves with the exit code. */
  async stop(deadlineMs = 8000): Promise<number | null> {
    const child = this.child;
    if (child === undefined || this.exited === undefined) return null;
    if (this.exitCode === undefined) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), deadlineMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }

  /** Last resort on an unexpected exit of the soak itself. */
  kill(): void {
    if (this.exitCode === undefined) this.child?.kill('SIGKILL');
  }

  async get(path: string): Promise<Response> {
    return fetch(`${this.httpUrl}${path}`, { signal: AbortSignal.timeout(5000) });
  }

  async ready(): Promise<boolean> {
    return this.get('/readyz').then(async (response) => {
      await response.arrayBuffer();
      return response.status === 200;
    }, () => false);
  }

  async metrics(): Promise<MetricsScrape> {
    const response = await this.get('/metrics');
    const text = await response.text();
    if (!response.ok) throw new Error(`/metrics answered ${response.status}`);
    return MetricsScrape.parse(text, this.options.nowMs());
  }

  /** The venue's upstream connections as /v1/status reports them. */
  private async connections(): Promise<ConnectionStatus[]> {
    const status = await (await this.get('/v1/status')).json() as {
      exchanges?: Record<string, { connections?: ConnectionStatus[] } | undefined>;
    };
    return status.exchanges?.[this.options.exchange]?.connections ?? [];
  }

  /** Connection attempts the gateway counts in its budget window now (sum over its upstream connections). */
  async attemptsInBudgetWindow(): Promise<number> {
    // The budget is shared by a venue's connections: each reports the same shared count.
    return Math.max(0, ...(await this.connections()).map((connection) => connection.attemptsInBudgetWindow ?? 0));
  }

  /** When the gateway plans its next lifetime rotation (epoch ms), if it plans one. */
  async nextRotationAt(): Promise<number | undefined> {
    const planned = (await this.connections()).flatMap((connection) =>
      (typeof connection.nextRotationAt === 'string' ? [Date.parse(connection.nextRotationAt)] : []));
    return planned.length === 0 ? undefined : Math.min(...planned);
  }

  async book(symbol: string, depth: number): Promise<BookHttp> {
    const response = await this.get(`/v1/books/${this.options.exchange}/${symbol.replace('/', '-')}?depth=${depth}`);
    if (!response.ok) throw new Error(`/v1/books ${symbol} answered ${response.status}`);
    return await response.json() as BookHttp;
  }
}
