// One GatewayEvent → one log line at the right level + the right metric.
// Levels: info for lifecycle, warn for integrity events the gateway recovers from by itself, error only where a
// person must act (a venue refusing us, a rejected subscription, a venue unreachable for many attempts, an IP ban
// from REST, a snapshot request refused for good).
// Bursty events (unparseable frames, bot errors, slow bots) are always counted but logged once per burst: the
// first, then at most one line per window carrying how many were held back; flush() summarizes the rest.
import type { Logger } from 'pino';
import type { ExchangeId } from '../exchanges/registry.ts';
import { createBurstLimiter } from './burst-limiter.ts';
import type { GatewayEvent } from './gateway-events.ts';
import { boundedLabel, type GatewayMetrics } from './metrics.ts';

/** session_report codes that mean "a frame we could not understand": parse errors, logged per burst. */
export const PARSE_ERROR_CODES: ReadonlySet<string> = new Set(['malformed_frame', 'unknown_message', 'parse_error']);

/** Consecutive failed connection attempts after which a reconnect line becomes an error (someone should look). */
export const FAILURES_BEFORE_ERROR = 10;

/** HTTP statuses on the upgrade that mean "blocked" rather than "slow down". */
const BLOCKED_STATUSES: ReadonlySet<number> = new Set([401, 403, 451]);

export interface ObserverOptions {
  /** Epoch-ms clock for burst windows (default Date.now). */
  readonly now?: () => number;
  /** At most one line per bursty key per window. Default 60 s. */
  readonly burstWindowMs?: number;
}

export interface GatewayObserver {
  /** Bound: can be passed on as a plain function (the feed's FeedObserver). */
  readonly observe: (event: GatewayEvent) => void;
  /** One summary line per bursty key with occurrences held back since its last line (call at shutdown). */
  flush(): void;
}

type Level = 'debug' | 'info' | 'warn' | 'error';

function conn(exchange: ExchangeId, connection: number): string {
  return `${exchange} conn ${connection}`;
}

function seconds(ms: number): number {
  return Math.max(1, Math.round(ms / 1000));
}

/** The `status` label of mgw_rest_snapshot_requests_total: the HTTP code, or `network` when none came back. */
function httpLabel(status: number): string {
  return Number.isInteger(status) && status >= 100 && status <= 599 ? String(status) : status === 0 ? 'network' : 'other';
}

function weightText(usedWeight: number | undefined): string {
  return usedWeight === undefined ? '' : `, IP used weight ${usedWeight}`;
}

/** What a person can do about a REST request the venue refused for good. */
function refusalRemedy(exchange: ExchangeId, status: number): string {
  if (status === 403) return 'the venue\'s firewall refused the request; this IP or region may be blocked';
  if (status === 400 || status === 404) return `check exchanges.${exchange}.symbols and bookDepth in the config`;
  return 'not retried';
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

export function createObserver(logger: Logger, metrics: GatewayMetrics, options: ObserverOptions = {}): GatewayObserver {
  const limiter = createBurstLimiter(options.burstWindowMs ?? 60_000, options.now ?? Date.now);
  const venueStatus = new Map<ExchangeId, string>();
  const m = metrics.instruments;

  const write = (level: Level, event: GatewayEvent, message: string, extra: Record<string, unknown> = {}): void => {
    const { type, ...fields } = event;
    logger[level]({ event: type, ...fields, ...extra }, message);
  };
  const writeBurst = (key: string, level: Level, event: GatewayEvent, message: string): void => {
    const admission = limiter.admit(key);
    if (!admission.log) return;
    if (admission.suppressed === 0) write(level, event, message);
    else {
      write(level, event, `${message} (+${admission.suppressed} more in the last ${seconds(admission.sinceMs)} s, not logged)`,
        { suppressed: admission.suppressed });
    }
  };

  const observe = (event: GatewayEvent): void => {
    switch (event.type) {
      case 'connection_state':
        metrics.setConnectionState(event.exchange, event.connection, event.state);
        write('info', event, `${conn(event.exchange, event.connection)}: ${event.previous} → ${event.state}`);
        return;
      case 'reconnect_scheduled': {
        m.reconnects.inc({ exchange: event.exchange, reason: boundedLabel(event.cause) });
        if (event.budgetWaitMs > 0) m.connectBudgetWaits.inc({ exchange: event.exchange });
        const budget = event.budgetWaitMs > 0 ? `, ${event.budgetWaitMs} ms of it waiting for the connect budget` : '';
        const level: Level = event.cause === 'requested' ? 'info' : event.failures >= FAILURES_BEFORE_ERROR ? 'error' : 'warn';
        write(level, event, `${conn(event.exchange, event.connection)}: reconnecting in ${event.delayMs} ms after `
          + `${event.cause} (${event.detail}; ${plural(event.failures, 'failed attempt')}${budget})`);
        return;
      }
      case 'upstream_unreachable':
        write('error', event, `${conn(event.exchange, event.connection)}: cannot reach ${event.url} (${event.detail}); `
          + 'no internet, DNS, proxy or firewall? retrying with backoff, its books are not served until it connects');
        return;
      case 'circuit_breaker': {
        m.circuitOpen.set({ exchange: event.exchange, connection: String(event.connection) }, event.phase === 'open' ? 1 : 0);
        if (event.phase === 'closed') {
          write('info', event, `${conn(event.exchange, event.connection)}: stayed up again; circuit breaker closed`);
          return;
        }
        write('error', event, `${conn(event.exchange, event.connection)}: ${event.failures} connections in `
          + `${seconds(event.windowMs)} s ended before staying up; circuit breaker open, pausing ${seconds(event.pauseMs)} s `
          + 'between attempts until one stays up (check the venue status, bans, the network)');
        return;
      }
      case 'connect_budget_wait':
        m.connectBudgetWaits.inc({ exchange: event.exchange });
        write('warn', event, `${conn(event.exchange, event.connection)}: waiting ${event.waitMs} ms for the connect budget `
          + `(${event.used} attempts in the window)`);
        return;
      case 'handshake_rejected': {
        const status = Number.isInteger(event.status) && event.status >= 100 && event.status <= 599 ? String(event.status) : 'other';
        m.handshakeRejections.inc({ exchange: event.exchange, status });
        const blocked = BLOCKED_STATUSES.has(event.status);
        write(blocked ? 'error' : 'warn', event, `${conn(event.exchange, event.connection)}: upgrade rejected with HTTP `
          + `${event.status}${blocked ? '; the venue may be blocking this IP or region' : ''}`);
        return;
      }
      case 'venue_status': {
        const previous = venueStatus.get(event.exchange);
        venueStatus.set(event.exchange, event.status);
        const level: Level = previous === event.status ? 'debug' : event.degraded === false ? 'info' : 'warn';
        write(level, event, `${event.exchange} venue status: ${event.status}${previous === undefined ? '' : ` (was ${previous})`}`);
        return;
      }
      case 'integrity_failure':
        if (event.reason === 'checksum_mismatch') m.checksumMismatches.inc({ exchange: event.exchange, symbol: event.symbol });
        m.integrityFailures.inc({ exchange: event.exchange, symbol: event.symbol, reason: event.reason });
        write('warn', event, event.message);
        return;
      case 'resync':
        // A sequence gap is found by the session (no integrity_failure event): its resync is the failure.
        if (event.reason === 'sequence_gap') {
          m.integrityFailures.inc({ exchange: event.exchange, symbol: event.symbol, reason: event.reason });
        }
        if (event.escalated) {
          write('warn', event, `${event.exchange} ${event.symbol}: resync budget used up (${event.reason}); reconnecting `
            + `conn ${event.connection}`);
          return;
        }
        if (event.retryAt !== undefined) {
          write('warn', event, `${event.exchange} ${event.symbol}: resync budget used up again after a reconnect (${event.reason}); `
            + `the book stays not live and is retried in ${Math.max(0, Math.round(event.retryAt - (options.now ?? Date.now)()))} ms`);
          return;
        }
        m.resyncs.inc({ exchange: event.exchange, reason: event.reason });
        write('warn', event, `${event.exchange} ${event.symbol}: resyncing the book (${event.reason})`);
        return;
      case 'subscription_failed':
        m.subscriptionFailures.inc({ exchange: event.exchange });
        write('error', event, `${conn(event.exchange, event.connection)}: subscription`
          + `${event.symbol === undefined ? '' : ` to ${event.symbol}`}${event.channel === undefined ? '' : ` ${event.channel}`}`
          + ` failed: ${event.error}`);
        return;
      case 'session_report':
        if (PARSE_ERROR_CODES.has(event.code)) {
          m.parseErrors.inc({ exchange: event.exchange });
          writeBurst(`${event.code} ${event.exchange}`, event.level, event, event.message);
        } else {
          write(event.level, event, event.message);
        }
        return;
      case 'trades_deduplicated':
        m.tradesDeduplicated.inc({ exchange: event.exchange }, event.count);
        write('debug', event, `${event.exchange} ${event.symbol}: ${plural(event.count, 'duplicate trade')} dropped`);
        return;
      case 'parse_error':
        m.parseErrors.inc({ exchange: event.exchange });
        writeBurst(`parse_error ${event.exchange}`, 'warn', event,
          `${conn(event.exchange, event.connection)}: unparseable frame: ${event.message}`);
        return;
      case 'snapshot_fetched': {
        m.restSnapshotRequests.inc({ exchange: event.exchange, status: httpLabel(event.status) });
        m.restSnapshotSeconds.observe({ exchange: event.exchange }, event.durationMs / 1000);
        if (event.usedWeight !== undefined) m.restWeightUsed.set({ exchange: event.exchange }, event.usedWeight);
        // One per book resync: routine unless it took retries (then it is the recovery of the failures logged before).
        write(event.attempts > 1 ? 'info' : 'debug', event, `${event.exchange} ${event.symbol}: REST snapshot fetched in `
          + `${event.durationMs} ms${event.attempts > 1 ? ` after ${event.attempts} attempts` : ''} (weight ${event.weight}`
          + `${weightText(event.usedWeight)})`);
        return;
      }
      case 'snapshot_failed': {
        m.restSnapshotRequests.inc({ exchange: event.exchange, status: httpLabel(event.status) });
        m.restSnapshotSeconds.observe({ exchange: event.exchange }, event.durationMs / 1000);
        if (event.usedWeight !== undefined) m.restWeightUsed.set({ exchange: event.exchange }, event.usedWeight);
        const what = `${event.exchange} ${event.symbol}: REST snapshot request failed (${event.detail})`;
        if (event.retryInMs === undefined) {
          write('error', event, `${what}; ${refusalRemedy(event.exchange, event.status)}`);
        } else {
          // Retried with backoff by the source: warn, and one line per symbol per burst window while it keeps failing.
          writeBurst(`snapshot_failed ${event.exchange} ${event.symbol}`, 'warn', event, `${what}; retrying in ${event.retryInMs} ms`);
        }
        return;
      }
      case 'rest_rate_limited': {
        const status = String(event.status);
        m.restSnapshotRequests.inc({ exchange: event.exchange, status });
        m.restRateLimited.inc({ exchange: event.exchange, status });
        metrics.setRestPausedUntil(event.exchange, event.until);
        if (event.usedWeight !== undefined) m.restWeightUsed.set({ exchange: event.exchange }, event.usedWeight);
        const until = new Date(event.until).toISOString();
        const retryAfter = event.retryAfterSent ? `Retry-After ${seconds(event.retryAfterMs)} s` : 'no Retry-After';
        if (event.status === 418) {
          write('error', event, `${event.exchange}: IP banned from REST (HTTP 418, ${retryAfter}, on ${event.symbol}); `
            + `every snapshot request waits until ${until}. The gateway's snapshot rate exceeded ${event.exchange}'s `
            + 'weight limit; lower symbols or bookDepth', { bannedUntil: until });
        } else {
          write('warn', event, `${event.exchange}: REST rate limited (HTTP 429, ${retryAfter}, on ${event.symbol}); every `
            + `snapshot request waits until ${until}`, { pausedUntil: until });
        }
        return;
      }
      case 'rotation': {
        if (event.phase !== 'started') m.rotations.inc({ exchange: event.exchange, outcome: event.phase });
        const took = event.durationMs === undefined ? '' : ` after ${event.durationMs} ms`;
        const detail = event.detail === undefined ? '' : ` (${event.detail})`;
        const text: Record<typeof event.phase, string> = {
          started: `rotating the connection (${event.cause}): opening its successor`,
          handed_over: `rotation (${event.cause}) handed over to the successor${took}`,
          timed_out: `rotation (${event.cause}) timed out${took}; books not handed over are resynced`,
          failed: `rotation (${event.cause}) failed${took}`,
        };
        const level: Level = event.phase === 'started' || event.phase === 'handed_over' ? 'info' : 'warn';
        write(level, event, `${conn(event.exchange, event.connection)}: ${text[event.phase]}${detail}`);
        return;
      }
      case 'book_state':
        metrics.setBookState(event.exchange, event.symbol, event.state);
        write('info', event, `${event.exchange} ${event.symbol} book: ${event.previous === undefined || event.previous === event.state
          ? '' : `${event.previous} → `}${event.state}${event.reason === undefined ? '' : ` (${event.reason})`}`);
        return;
      case 'server_listening': {
        metrics.setEngine(event.engine);
        const host = event.host.includes(':') ? `[${event.host}]` : event.host;
        write('info', event, `listening on ws://${host}:${event.port}/v1/ws (${event.engine})`);
        return;
      }
      case 'shutdown':
        write('info', event, event.phase === 'begin' ? `shutting down (${event.reason})` : `shut down (${event.reason})`);
        return;
      default: {
        const unhandled: never = event;
        logger.warn({ event: unhandled }, 'unknown gateway event');
      }
    }
  };

  return {
    observe,
    flush() {
      for (const held of limiter.drain()) {
        logger.info({ event: 'held_back', key: held.key, suppressed: held.suppressed },
          `${held.key}: ${held.suppressed} more in the last ${seconds(held.sinceMs)} s, not logged`);
      }
    },
  };
}
