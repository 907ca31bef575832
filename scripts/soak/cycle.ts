// One fault cycle of the soak: scrape, inject (and finish) the fault, measure detection and recovery, check
// every book and the trades against the simulator with the market paused, scrape again, judge.
import type { SoakBot } from './bot.ts';
import { checkAgainstTruth, describeTradeLags, waitAllLive, waitUntil, type TruthCheck } from './checks.ts';
import type { SoakGateway } from './gateway.ts';
import { faultDeltas, processSample, totalOf, type FaultMetricDeltas, type ProcessSample } from './metrics.ts';
import type { FaultRecord } from './report.ts';
import type { UpstreamWatch } from './upstream.ts';
import { describePlan, type FaultContext, type FaultPlan, type FaultProcedureResult, type SoakVenue } from './venue.ts';

export interface CycleEnv {
  readonly venue: SoakVenue;
  readonly gateway: SoakGateway;
  readonly bots: readonly SoakBot[];
  readonly symbols: readonly string[];
  readonly nowMs: () => number;
  readonly recoverDeadlineMs: number;
  /** Process samples, one per cycle (RSS trend for the JSON). */
  readonly samples: ProcessSample[];
  /** Symbol → first fault after which its trades were not caught up (a lag carried over is labelled so). */
  readonly lagSince: Map<string, number>;
  readonly upstream: UpstreamWatch;
}

function violationTotal(bots: readonly SoakBot[]): number {
  return bots.reduce((sum, bot) => sum + bot.violationCount, 0);
}

async function notLiveEvidence(env: CycleEnv): Promise<string> {
  const waiting = env.bots.flatMap((bot) => env.symbols.filter((symbol) => !bot.isLive(symbol)).map((symbol) => `${bot.label} ${symbol}`));
  const readyz = await env.gateway.get('/readyz').then((response) => response.text(), (error: unknown) => String(error));
  return `not live: ${waiting.slice(0, 6).join('; ') || 'every bot live'}${waiting.length > 6 ? ` (+${waiting.length - 6})` : ''}; /readyz ${readyz}`;
}

function checkFailures(index: number, check: TruthCheck, env: CycleEnv): string[] {
  const tradesBots = env.bots.filter((bot) => bot.role.trades).length;
  const symbols = [...new Set(check.tradeLags.map((lag) => lag.symbol))];
  const since = new Map(symbols.map((symbol) => [symbol, env.lagSince.get(symbol) ?? index]));
  const lagLines = symbols.map((symbol) => {
    const line = describeTradeLags(check.tradeLags.filter((lag) => lag.symbol === symbol), tradesBots)[0]!;
    const first = since.get(symbol)!;
    return first === index ? `trades not caught up on ${line}` : `trades still not caught up (since #${first}) on ${line}`;
  });
  env.lagSince.clear();
  for (const [symbol, first] of since) env.lagSince.set(symbol, first);
  return [...check.bookMismatches.map((m) => `book differs from truth after recovery: ${m}`),
    ...check.gatewayMismatches.map((m) => `gateway store differs from truth: ${m}`), ...lagLines];
}

function snapshotsSent(bots: readonly SoakBot[]): number {
  return bots.reduce((sum, bot) => sum + (bot.counts['book_snapshot'] ?? 0), 0);
}

/** A fault bots must not see: no status left live, no book_snapshot reset (seq contiguity is the bots' own check). */
function visibleEffects(bots: readonly SoakBot[], snapshotsBefore: number, metrics: FaultMetricDeltas): string[] {
  const statuses = bots.flatMap((bot) => bot.statuses);
  const snapshots = snapshotsSent(bots) - snapshotsBefore;
  if (statuses.length === 0 && snapshots === 0) return [];
  const first = statuses[0];
  const context = `rotations ${JSON.stringify(metrics.rotations)}, reconnects ${JSON.stringify(metrics.reconnects)}, resyncs ${JSON.stringify(metrics.resyncs)}`;
  return [`bots saw it: ${statuses.length} non-live status(es)${first === undefined ? '' : ` (first: bot ${first.bot} ${first.symbol} ${first.state}/${first.reason})`},`
    + ` ${snapshots} book_snapshot(s); ${context}`];
}

interface Timing {
  readonly startedAtMs: number;
  readonly detectMs: number | undefined;
  readonly recoverMs: number | undefined;
}

/**
 * Detect/recover: a disruptive fault from the bots (first status showing it, every book live again); one bots must
 * not see from what the venue saw of the gateway (its reaction started, e.g. a new connection; and was complete).
 */
function timing(plan: FaultPlan, injectedAtMs: number, procedure: FaultProcedureResult, firstStatusAtMs: number | undefined,
  liveAt: number | undefined): Timing {
  const startedAtMs = procedure.startedAtMs ?? injectedAtMs;
  const since = (at: number | undefined): number | undefined => (at === undefined ? undefined : at - startedAtMs);
  if (plan.disrupts && (firstStatusAtMs !== undefined || plan.maySpareBots !== true)) {
    return { startedAtMs, detectMs: since(firstStatusAtMs), recoverMs: since(liveAt) };
  }
  return { startedAtMs, detectMs: since(procedure.reactedAtMs), recoverMs: since(procedure.settledAtMs) };
}

export async function runFaultCycle(index: number, plan: FaultPlan, budgetPacingMs: number, env: CycleEnv): Promise<FaultRecord> {
  const { venue, gateway, bots, nowMs, recoverDeadlineMs } = env;
  const before = await gateway.metrics();
  env.samples.push(processSample(before));
  const violationsBefore = violationTotal(bots);
  const snapshotsBefore = snapshotsSent(bots);
  for (const bot of bots) bot.markFault();
  const detected = (reason?: string): boolean => bots.some((bot) => bot.firstStatus(reason) !== undefined);
  const ctx: FaultContext = {
    nowMs, detected, recoverDeadlineMs, upstream: env.upstream, metrics: () => gateway.metrics(),
    nextRotationAt: () => gateway.nextRotationAt(),
    waitUntil: (condition, deadlineMs) => waitUntil(condition, deadlineMs, nowMs),
  };
  const injectedAtMs = nowMs();
  const procedure = await venue.runFault(plan, ctx);
  const failures = [...procedure.problems];
  const left = Math.max(0, recoverDeadlineMs - (nowMs() - injectedAtMs));
  // A fault that may spare the bots has played out when its procedure returns.
  const liveAt = await waitAllLive(bots, gateway, left, nowMs, () => !plan.disrupts || plan.maySpareBots === true || detected());
  const firstStatus = bots.map((bot) => venue.detectionAt(plan, bot.statuses)).filter((s) => s !== undefined)
    .sort((a, b) => a.atMs - b.atMs)[0];
  if (plan.disrupts && plan.maySpareBots !== true && firstStatus === undefined) {
    failures.push(`no bot was told (no status showing it${plan.detectReason === undefined ? '' : `, e.g. reason ${plan.detectReason}`}): the gateway did not notice`);
  }
  if (liveAt === undefined) failures.push(`not recovered within ${recoverDeadlineMs} ms: ${await notLiveEvidence(env)}`);
  const outages = venue.tradeReplay === 0 ? () => venue.outages(env.upstream) : undefined;
  const check = liveAt === undefined ? undefined : await checkAgainstTruth(venue.truth, bots, gateway, env.symbols, nowMs, outages);
  if (check !== undefined) failures.push(...checkFailures(index, check, env));
  const metrics = faultDeltas(before, await gateway.metrics());
  if (!plan.disrupts) failures.push(...visibleEffects(bots, snapshotsBefore, metrics));
  failures.push(...(procedure.judge?.(metrics) ?? []));
  const newViolations = violationTotal(bots) - violationsBefore;
  if (newViolations > 0) {
    const examples = bots.flatMap((bot) => bot.violations.slice(-2)).slice(-3);
    failures.push(`${newViolations} protocol violation(s) at the bots, latest: ${examples.join(' | ')}`);
  }
  const notes = [...procedure.notes];
  if (totalOf(metrics.reconnects) > 0) notes.push(`reconnects: ${Object.entries(metrics.reconnects).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  const { startedAtMs, detectMs, recoverMs } = timing(plan, injectedAtMs, procedure, firstStatus?.atMs, liveAt);
  return {
    index, kind: plan.kind, variant: procedure.variant, plan: describePlan(plan), injectedAt: new Date(startedAtMs).toISOString(), budgetPacingMs, detectMs,
    firstStatus, recovered: liveAt !== undefined, recoverMs, check, metrics, notes, failures,
  };
}
