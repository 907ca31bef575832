// pino → NDJSON files through pino-roll in a worker thread (rotation by size and by day/hour, N files kept),
// plus human-readable lines on stdout when someone is watching a terminal. Secrets are redacted by key name.
//
// Shutdown: `await handle.close()` ends the worker stream, which writes everything still queued, closes the file
// and lets the worker exit — no line is lost and no handle is left behind. `flush()` pushes queued lines to the
// file without closing (the worker writes synchronously, so "consumed by the worker" means "handed to the OS").
import { join } from 'node:path';
import type { EventEmitter } from 'node:events';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { HostEnvironment } from '../config/host.ts';
import { LOG_SECRET_KEY_PATTERN, REDACTED, redactSecrets, SECRET_KEY_NAMES } from '../config/redact.ts';
import type { LoggingConfig } from '../config/types.ts';
import { resolveLogDirectory } from './log-directory.ts';
import { acquireLogLock } from './log-lock.ts';
import { formatTtyLine } from './tty-format.ts';

export const SERVICE_NAME = 'market-gateway';
/** Files are `gateway.<date>.<n>.log`, e.g. gateway.2026-11-25.1.log. */
export const LOG_FILE_STEM = 'gateway';

export interface LoggerHandle {
  readonly logger: Logger;
  /** Directory the files go to (after any fallback). */
  readonly directory: string;
  /** The configured or default directory was unusable and ./logs is used; one warning line says why. */
  readonly fellBack: boolean;
  /** Every line logged so far is in the file when this resolves. */
  flush(): Promise<void>;
  /** Flush, close the file and stop the worker thread. Idempotent; later log calls are dropped. */
  close(): Promise<void>;
}

export interface LoggerOptions {
  /** Where the human-readable lines go (default process.stdout). */
  readonly stdout?: { write(text: string): unknown };
  /** ANSI colours on the human-readable lines (default true). */
  readonly color?: boolean;
  /** Where a failure of the file writer is reported once (default process.stderr). */
  readonly stderr?: { write(text: string): unknown };
}

/** The parts of thread-stream (pino.transport's return value, typed `any` by pino) that we use. */
interface WorkerStream extends EventEmitter {
  write(data: string): boolean;
  flushSync(): void;
  end(): void;
  /** pino unrefs the worker once it is ready; close() refs it so the exit we wait for keeps the event loop alive. */
  ref(): void;
  readonly ready: boolean;
  readonly closed: boolean;
  readonly destroyed: boolean;
}

/**
 * Top-level names, exact (pino's wildcard paths cost 13–90 µs a line; exact ones ~0.2 µs). These cover child
 * bindings; deeper keys in a log call's object are scrubbed by pattern in the log formatter.
 */
export const REDACT_PATHS: readonly string[] = [...SECRET_KEY_NAMES, 'headers.authorization', 'headers.cookie'];

function rollOptions(config: LoggingConfig, directory: string): Record<string, unknown> {
  return {
    file: join(directory, `${LOG_FILE_STEM}.log`),
    size: `${config.maxFileBytes}b`,
    frequency: config.rotateFrequency,
    // A date in the name keeps restarts on a later day from appending to an old gateway.1.log. (date-fns: HH = 0–23.)
    dateFormat: config.rotateFrequency === 'hourly' ? 'yyyy-MM-dd-HH' : 'yyyy-MM-dd',
    // removeOtherLogFiles: count the files of earlier runs too, so a service that restarts still keeps only N.
    limit: { count: config.keepFiles, removeOtherLogFiles: true },
    mkdir: true,
    // The worker thread writes synchronously: a line it has consumed is in the file. Only flush()/close() make the
    // main thread wait for that; logging itself never does.
    sync: true,
  };
}

/** stdout's share of the lines: human-readable for a person at a terminal, NDJSON for a service manager's journal. */
function stdoutDestination(mode: LoggingConfig['stdout'], isTty: boolean, stdout: { write(text: string): unknown },
  color: boolean): DestinationStream | undefined {
  const format = mode === 'auto' ? (isTty ? 'pretty' : 'json') : mode;
  if (format === 'off') return undefined;
  if (format === 'json') return { write: (line: string) => stdout.write(line) };
  return { write: (line: string) => stdout.write(formatTtyLine(line, color && isTty)) };
}

/** Throws LogDirectoryInUseError when another running gateway logs to the same directory. */
export function createLogger(config: LoggingConfig, host: HostEnvironment, options: LoggerOptions = {}): LoggerHandle {
  const location = resolveLogDirectory(config.dir, host);
  const lock = acquireLogLock(location.directory);
  const stderr = options.stderr ?? process.stderr;
  const transport: WorkerStream = pino.transport({ target: 'pino-roll', options: rollOptions(config, location.directory) });
  let reportedFailure = false;
  transport.on('error', (err: unknown) => {
    if (reportedFailure) return;
    reportedFailure = true;
    stderr.write(`${SERVICE_NAME}: log file writer failed, file logging stopped: ${err instanceof Error ? err.message : String(err)}\n`);
  });

  const stdout = options.stdout ?? process.stdout;
  const stdoutStream = stdoutDestination(config.stdout, host.isTty, stdout, options.color ?? true);
  const destination: DestinationStream = stdoutStream === undefined ? transport
    : pino.multistream([{ level: 'trace', stream: transport }, { level: config.stdoutLevel, stream: stdoutStream }]);
  const logger = pino({
    level: config.level,
    base: { service: SERVICE_NAME, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: [...REDACT_PATHS], censor: REDACTED },
    // Any depth, by key pattern (see redactSecrets: copies only when it finds something, ~1 µs a line).
    formatters: { log: (object: Record<string, unknown>) => redactSecrets(object, LOG_SECRET_KEY_PATTERN) },
  }, destination);

  if (lock.tookOverFrom !== undefined) {
    logger.info({ event: 'log_lock_taken_over', previousPid: lock.tookOverFrom, lock: lock.path },
      `took over the log directory lock of pid ${lock.tookOverFrom}, which is no longer running`);
  }
  if (location.fellBack) {
    logger.warn({ wanted: location.wanted, directory: location.directory, reason: location.reason },
      `log directory ${location.wanted} is not usable (${location.reason}); logging to ${location.directory} instead`);
  }

  let closing: Promise<void> | undefined;
  const usable = (): boolean => closing === undefined && !transport.destroyed && !transport.closed;
  return {
    logger,
    directory: location.directory,
    fellBack: location.fellBack,
    flush: async () => {
      // thread-stream's async flush ignores lines still buffered on this thread; flushSync moves them first.
      if (usable()) transport.flushSync();
    },
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        logger.level = 'silent';
        lock.release();
        if (transport.closed) {
          resolve();
          return;
        }
        transport.once('close', () => resolve());
        transport.ref();
        // Not ready yet: pino's own 'ready' handler will unref it; ours runs after it and refs it again.
        if (!transport.ready) transport.once('ready', () => transport.ref());
        transport.end();
      });
      return closing;
    },
  };
}
