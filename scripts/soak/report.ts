// What a soak run found: one record per fault, a table per fault kind, totals, the gateway process's health at
// start and end, and every failed check. Printed for a person and written as JSON for a release gate.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StatusSeen } from './bot.ts';
import type { TradeAnalysis, TruthCheck } from './checks.ts';
import type { FaultMetricDeltas, ProcessSample } from './metrics.ts';

export interface FaultRecord {
  readonly index: number;
  readonly kind: string;
  /** Which course a fault with several possible ones took (reported as a row of its own). */
  readonly variant: string | undefined;
  readonly plan: string;
  readonly injectedAt: string;
  /** Waited for the connect budget before injecting. */
  readonly budgetPacingMs: number;
  /** Fault → first non-live status at any bot; a fault bots must not see: → the gateway's upstream reaction. */
  readonly detectMs: number | undefined;
  readonly firstStatus: StatusSeen | undefined;
  readonly recovered: boolean;
  /** Fault → every bot live on every symbol and /readyz 200; a fault bots must not see: → its reaction complete. */
  readonly recoverMs: number | undefined;
  readonly check: TruthCheck | undefined;
  readonly metrics: FaultMetricDeltas;
  readonly notes: string[];
  /** Failed checks of this fault; empty = passed. */
  readonly failures: string[];
}

export interface KindSummary {
  readonly kind: string;
  readonly count: number;
  readonly recovered: number;
  readonly detectP50Ms: number | undefined;
  readonly detectMaxMs: number | undefined;
  readonly recoverP50Ms: number | undefined;
  readonly recoverMaxMs: number | undefined;
  /** Faults after whose recovery some bot's book differed from the truth (must be 0). */
  readonly bookMismatches: number;
  readonly failed: number;
}

export interface SoakTotals {
  readonly upstreamFrames: number;
  readonly messagesToBots: Record<string, number>;
  readonly messagesReceivedByBots: number;
  readonly reconnects: Record<string, number>;
  readonly resyncs: Record<string, number>;
  readonly checksumMismatches: number;
  /** Upgrades the simulator saw (accepted + rejected). */
  readonly connectAttempts: number;
  /** Most attempts the gateway reported in its budget window at any fault. */
  readonly maxAttemptsInBudgetWindow: number;
  readonly budgetAttempts: number;
  readonly budgetWindowMs: number;
  readonly connectBudgetWaits: number;
  /** Time the soak held a fault back so the gateway's connect budget kept room for it. */
  readonly budgetPacingMs: number;
  readonly protocolViolations: number;
  /** The simulator's own counters (connections, REST requests, message-rate closes…). */
  readonly venue: Record<string, number>;
}

export interface SoakResult {
  readonly venue: string;
  readonly startedAt: string;
  readonly options: Record<string, unknown>;
  readonly gatewayConfig: Record<string, unknown>;
  readonly durationMs: number;
  readonly interrupted: boolean;
  readonly faults: FaultRecord[];
  readonly byKind: KindSummary[];
  readonly totals: SoakTotals;
  readonly trades: TradeAnalysis;
  readonly process: { readonly start: ProcessSample | undefined; readonly end: ProcessSample | undefined;
    readonly samples: ProcessSample[]; readonly gatewayExitCode: number | null; readonly botsSawShutdown: boolean };
  readonly violations: string[];
  readonly failures: string[];
  readonly logDir: string;
  readonly passed: boolean;
}

function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function summarizeGroup(kind: string, records: readonly FaultRecord[]): KindSummary {
  const detects = records.flatMap((r) => (r.detectMs === undefined ? [] : [r.detectMs]));
  const recovers = records.flatMap((r) => (r.recoverMs === undefined ? [] : [r.recoverMs]));
  return {
    kind, count: records.length, recovered: records.filter((r) => r.recovered).length,
    detectP50Ms: percentile(detects, 50), detectMaxMs: detects.length === 0 ? undefined : Math.max(...detects),
    recoverP50Ms: percentile(recovers, 50), recoverMaxMs: recovers.length === 0 ? undefined : Math.max(...recovers),
    bookMismatches: records.filter((r) => r.check !== undefined && !r.check.booksMatched).length,
    failed: records.filter((r) => r.failures.length > 0).length,
  };
}

const rowLabel = (record: FaultRecord): string => (record.variant === undefined ? record.kind : `${record.kind} (${record.variant})`);

/** One row per fault kind (per course taken, for a kind with several), in the order of `kinds`, then "all". */
export function summarizeByKind(records: readonly FaultRecord[], kinds: readonly string[]): KindSummary[] {
  const labels = kinds.flatMap((kind) => [...new Set(records.filter((r) => r.kind === kind).map(rowLabel))].sort());
  const rows = labels.map((label) => summarizeGroup(label, records.filter((r) => rowLabel(r) === label)));
  rows.push(summarizeGroup('all', records));
  return rows;
}

const ms = (value: number | undefined): string => (value === undefined ? '-' : `${Math.round(value)}`);
const mb = (bytes: number | undefined): string => (bytes === undefined ? '-' : `${(bytes / 1_048_576).toFixed(1)} MB`);
const counts = (record: Readonly<Record<string, number>>): string =>
  Object.entries(record).map(([key, value]) => `${key} ${value}`).join(', ') || 'none';

export function formatKindTable(rows: readonly KindSummary[]): string {
  const header = ['fault', 'count', 'recovered', 'detect p50', 'detect max', 'recover p50', 'recover max', 'book mismatch', 'failed'];
  const body = rows.map((r) => [r.kind, String(r.count), String(r.recovered), ms(r.detectP50Ms), ms(r.detectMaxMs),
    ms(r.recoverP50Ms), ms(r.recoverMaxMs), String(r.bookMismatches), String(r.failed)]);
  const widths = header.map((title, i) => Math.max(title.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export function formatReport(result: SoakResult): string {
  const { totals, trades, process: proc } = result;
  const lines = [
    '', `== ${result.venue} soak: ${result.faults.length} faults in ${(result.durationMs / 60_000).toFixed(1)} min, seed ${String(result.options.seed)}`
      + `${result.interrupted ? ' (interrupted)' : ''} ==`,
    '(ms; detect = fault → first non-live status at a bot; recover = fault → every bot live on every symbol and /readyz 200;',
    ' a fault bots must not see passes with no status and no snapshot reset; its detect = fault → the gateway\'s new upstream',
    ' connection, recover = fault → the handover done (a lifetime rotation counts from its new connection), "-" = nothing needed;',
    ' a kind with several possible courses has a row per course; book mismatch = faults after which a bot ≠ truth, must be 0)', '',
    formatKindTable(result.byKind), '',
    `upstream frames       ${totals.upstreamFrames}`,
    `messages to bots      ${counts(totals.messagesToBots)} (bots received ${totals.messagesReceivedByBots})`,
    `reconnects            ${counts(totals.reconnects)}`,
    `resyncs               ${counts(totals.resyncs)}; checksum mismatches ${totals.checksumMismatches}`,
    `connect attempts      ${totals.connectAttempts} seen by the venue; at most ${totals.maxAttemptsInBudgetWindow} in the`
      + ` gateway's window; budget ${totals.budgetAttempts} per ${totals.budgetWindowMs / 1000} s; budget waits ${totals.connectBudgetWaits};`
      + ` soak paced itself ${(totals.budgetPacingMs / 1000).toFixed(1)} s to stay inside it`,
    `trades                ${trades.tradesReceived} received by trades bots; duplicates ${trades.duplicates}, out of order`
      + ` ${trades.outOfOrder}, wrong content ${trades.contentMismatches}, lost ${trades.lost} (${trades.missingWithinReplay} of them in an`
      + ` outage but within the venue's ${trades.venueReplay}-trade replay); missed in outages${trades.venueReplay > 0 ? ' beyond the replay' : ''}`
      + ` (allowed) ${trades.missingDuringOutage}`,
    `protocol violations   ${totals.protocolViolations}`,
    `simulator             ${counts(totals.venue)}`,
    `gateway process       RSS ${mb(proc.start?.rssBytes)} → ${mb(proc.end?.rssBytes)}, heap ${mb(proc.start?.heapUsedBytes)} → `
      + `${mb(proc.end?.heapUsedBytes)}, event-loop lag p99 ${proc.start?.eventLoopLagP99Ms.toFixed(2) ?? '-'} ms → `
      + `${proc.end?.eventLoopLagP99Ms.toFixed(2) ?? '-'} ms (3 s quiet windows before the first and after the last fault; the lag figures include prom-client's 10 ms sampling interval)`,
    `gateway exit          ${String(proc.gatewayExitCode)} on SIGTERM; bots told shutting_down: ${proc.botsSawShutdown}`,
    `gateway logs          ${result.logDir}`,
  ];
  if (result.failures.length > 0) {
    lines.push('', `FAILED CHECKS (${result.failures.length}):`, ...result.failures.slice(0, 40).map((f) => `  - ${f}`));
    if (result.failures.length > 40) lines.push(`  … ${result.failures.length - 40} more in the JSON`);
  }
  lines.push('', result.passed ? 'SOAK PASSED' : 'SOAK FAILED');
  return lines.join('\n');
}

/** bench/results/soak-<ISO time>.json, soak-<venue>-<ISO time>.json but for Kraken (colons replaced: valid on Windows). */
export async function writeResult(result: SoakResult, outDir: string): Promise<string> {
  await mkdir(outDir, { recursive: true });
  const prefix = result.venue === 'kraken' ? 'soak' : `soak-${result.venue}`;
  const file = join(outDir, `${prefix}-${result.startedAt.replace(/:/g, '-').replace(/\.\d+Z$/, 'Z')}.json`);
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}
