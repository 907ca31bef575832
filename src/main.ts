// The daemon: load config (exit 2 with the key path on a bad one), open logs, run the gateway, and shut down
// gracefully on SIGINT/SIGTERM (bots get `status` `shutting_down`, logs flush, exit 0 within 5 s).
import { formatConfigError, loadConfig, redactedConfigJson } from './config/load.ts';
import { HELP_TEXT, informationRequest } from './config/command-line.ts';
import { readHostEnvironment } from './config/host.ts';
import { createGateway, GatewayStartError } from './gateway.ts';
import { LogDirectoryInUseError } from './observability/log-lock.ts';
import { createLogger } from './observability/logger.ts';
import { GATEWAY_VERSION } from './version.ts';

const SHUTDOWN_DEADLINE_MS = 5_000;
const EXIT_CONFIG = 2;
const EXIT_START_FAILED = 1;

async function main(): Promise<void> {
  const command = process.argv[2];
  if (command === 'status' || command === 'replay') {
    // Operator tools: loaded only when asked for, so the daemon's start-up does not pay for them.
    try {
      process.exitCode = command === 'status'
        ? await (await import('./tools/status-command.ts')).runStatusCommand(process.argv.slice(3))
        : (await import('./tools/replay-command.ts')).runReplayCommand(process.argv.slice(3));
    } catch (error) {
      const usage = command === 'status' ? (await import('./tools/status-command.ts')).STATUS_USAGE : '';
      process.stderr.write(`market-gateway ${command}: ${(error as Error).message}\n${usage === '' ? '' : `${usage}\n`}`);
      process.exitCode = EXIT_CONFIG;
    }
    return;
  }
  const request = informationRequest(process.argv.slice(2));
  if (request !== undefined) {
    process.stdout.write(request === 'help' ? HELP_TEXT : `market-gateway ${GATEWAY_VERSION}\n`);
    return;
  }
  const loaded = loadConfig({ argv: process.argv.slice(2), env: process.env });
  if (!loaded.ok) {
    process.stderr.write(formatConfigError(loaded.error));
    process.exit(EXIT_CONFIG);
  }
  if (loaded.printConfig) {
    process.stdout.write(redactedConfigJson(loaded.config));
    return;
  }
  const { config } = loaded;
  let logs;
  try {
    logs = createLogger(config.logging, readHostEnvironment());
  } catch (error) {
    const inUse = error instanceof LogDirectoryInUseError;
    process.stderr.write(`market-gateway: ${inUse ? 'start-up failed: ' : ''}logging.dir: ${(error as Error).message}\n`);
    process.exit(inUse ? EXIT_START_FAILED : EXIT_CONFIG);
  }
  const { logger } = logs;
  for (const warning of loaded.warnings) logger.warn({ event: 'config_warning' }, warning);
  logger.info({ event: 'starting', configFile: loaded.configFile ?? null, logDirectory: logs.directory }, 'market-gateway starting');

  let gateway;
  try {
    gateway = createGateway(config, { logger, logDirectory: logs.directory });
    const { port } = await gateway.start();
    logger.info({ event: 'ready', url: `ws://${config.server.host}:${port}/v1/ws` }, `bots connect to ws://${config.server.host}:${port}/v1/ws`);
  } catch (error) {
    const keyPath = error instanceof GatewayStartError ? error.keyPath : undefined;
    logger.fatal({ event: 'start_failed', keyPath, err: error }, `start-up failed: ${(error as Error).message}`);
    await gateway?.stop('start_failed').catch(() => undefined);
    await logs.close();
    process.stderr.write(`market-gateway: start-up failed: ${(error as Error).message}\n`);
    process.exit(error instanceof GatewayStartError ? EXIT_CONFIG : EXIT_START_FAILED);
  }

  let shuttingDown = false;
  const shutdown = (signal: string): void => {
    if (shuttingDown) return;
    shuttingDown = true;
    const deadline = setTimeout(() => {
      process.stderr.write(`market-gateway: shutdown took longer than ${SHUTDOWN_DEADLINE_MS} ms, exiting\n`);
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    logger.info({ event: 'signal', signal }, `${signal} received, shutting down`);
    gateway.stop(signal)
      .then(() => logs.close())
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        process.stderr.write(`market-gateway: shutdown failed: ${String(error)}\n`);
        process.exit(1);
      });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

void main();
