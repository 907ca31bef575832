// `npm run status [-- --url http://127.0.0.1:8787 | --config file.json] [--once] [--interval-ms 1000]`
// (`node dist/main.js status …` once compiled): reads /v1/status of a running gateway and prints the status view,
// refreshed in place on a terminal, one table per refresh when piped; `--once` prints one and exits (0 if it answered).
// `--wait-healthy <seconds>` waits for /healthz to answer 200 and exits 0, or 1 after that long: the readiness probe
// of the systemd unit.
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load.ts';
import { renderStatus, type StatusDocument } from './status-view.ts';

export const STATUS_USAGE = 'usage: market-gateway status [--url http://127.0.0.1:8787 | --config <file.json>] [--once] '
  + '[--interval-ms 1000] [--wait-healthy <seconds>]';

/** The gateway's base URL from --url, or from the config's server.host/port (MGW_* variables included). */
export function statusUrl(url: string | undefined, configFile: string | undefined, env: NodeJS.ProcessEnv): string {
  if (url !== undefined) return url.replace(/\/+$/, '');
  const loaded = loadConfig({ argv: configFile === undefined ? [] : ['--config', configFile], env });
  if (!loaded.ok) throw new Error(`cannot read the gateway's port from the config: ${loaded.error.message}`);
  const { host, port } = loaded.config.server;
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

async function fetchStatus(url: string): Promise<StatusDocument> {
  const response = await fetch(`${url}/v1/status`, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`GET ${url}/v1/status answered HTTP ${response.status}`);
  return await response.json() as StatusDocument;
}

async function healthy(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) })).ok;
  } catch {
    return false;
  }
}

export async function runStatusCommand(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${STATUS_USAGE}\n`);
    return 0;
  }
  const { values } = parseArgs({ args: [...argv], options: {
    url: { type: 'string' }, config: { type: 'string' }, once: { type: 'boolean', default: false },
    'interval-ms': { type: 'string', default: '1000' }, 'wait-healthy': { type: 'string' },
  } });
  const url = statusUrl(values.url, values.config, process.env);
  if (values['wait-healthy'] !== undefined) {
    const deadline = Date.now() + Number(values['wait-healthy']) * 1000;
    while (Date.now() < deadline) {
      if (await healthy(url)) return 0;
      await sleep(200);
    }
    process.stderr.write(`market-gateway status: ${url}/healthz did not answer within ${values['wait-healthy']} s\n`);
    return 1;
  }
  const tty = process.stdout.isTTY === true;
  const intervalMs = Math.max(100, Number(values['interval-ms']));
  for (;;) {
    let text: string;
    try {
      text = renderStatus(await fetchStatus(url), { now: Date.now(), color: tty, url });
    } catch (error) {
      if (values.once) {
        process.stderr.write(`market-gateway status: ${(error as Error).message}\n`);
        return 1;
      }
      text = `market-gateway at ${url}: not answering (${(error as Error).message}); retrying\n`;
    }
    // On a terminal: home + clear below, so the table is redrawn in place without flicker.
    process.stdout.write(tty && !values.once ? `\x1b[H\x1b[J${text}` : values.once ? text : `${text}\n`);
    if (values.once) return 0;
    await sleep(intervalMs);
  }
}
