// One fault cycle of the soak: scrape, inject (and finish) the fault, measure detection and recovery, check
// every book and the trades against the simulator with the market paused, scrape again, judge.
import type { KrakenSimulator } from '../src/sim/kraken/server.ts';
import type { SoakBot } from './soak-bot.ts';
import { checkAgainstTruth, describeTradeLags, waitAllLive, waitUntil, type TruthCheck } from './soak-checks.ts';
import { describePlan, detectionAt, runFault, type FaultContext, type FaultPlan } from './soak-faults.ts';
import { SOAK_KRAKEN_TIMINGS, type SoakGateway } from './soak-gateway.ts';
import { faultDeltas, processSample, totalOf, type ProcessSample } from './soak-metrics.ts';
import type { FaultRecord } from './soak-report.ts';
import type { UpstreamWatch } from './soak-upstream.ts';

export interface CycleEnv {
  readonly sim: KrakenSimulator;
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

export async function runFaultCycle(index: number, plan: FaultPlan, budgetPacingMs: number, env: CycleEnv): Promise<FaultRecord> {
  const { sim, gateway, bots, nowMs, recoverDeadlineMs } = env;
  const before = await gateway.metrics();
  env.samples.push(processSample(before));
  const violationsBefore = violationTotal(bots);
  for (const bot of bots) bot.markFault();
  const detected = (reason?: string): boolean => bots.some((bot) => bot.firstStatus(reason) !== undefined);
  const ctx: FaultContext = {
    sim, nowMs, detected, staleAfterMs: SOAK_KRAKEN_TIMINGS.staleAfterMs, recoverDeadlineMs,
    waitUntil: (condition, deadlineMs) => waitUntil(condition, deadlineMs, nowMs),
  };
  const injectedAtMs = nowMs();
  const injectedAt = new Date(injectedAtMs).toISOString();
  if (plan.kind === 'stall') env.upstream.stallStarted(injectedAtMs);
  const procedure = await runFault(plan, ctx);
  const failures = [...procedure.problems];
  const left = Math.max(0, recoverDeadlineMs - (nowMs() - injectedAtMs));
  const liveAt = await waitAllLive(bots, gateway, left, nowMs, () => !plan.disrupts || detected());
  const firstStatus = bots.map((bot) => detectionAt(plan, bot.statuses)).filter((s) => s !== undefined)
    .sort((a, b) => a.atMs - b.atMs)[0];
  const detectMs = firstStatus === undefined ? undefined : firstStatus.atMs - injectedAtMs;
  if (plan.disrupts && firstStatus === undefined) {
    failures.push(`no bot was told (no status showing it${plan.detectReason === undefined ? '' : `, e.g. reason ${plan.detectReason}`}): the gateway did not notice`);
  }
  if (liveAt === undefined) failures.push(`not recovered within ${recoverDeadlineMs} ms: ${await notLiveEvidence(env)}`);
  const check = liveAt === undefined ? undefined : await checkAgainstTruth(sim, bots, gateway, env.symbols, nowMs);
  if (check !== undefined) failures.push(...checkFailures(index, check, env));
  const after = await gateway.metrics();
  const metrics = faultDeltas(before, after);
  if (plan.kind === 'corrupt-checksum' && metrics.checksumMismatches < 1) failures.push('mgw_book_checksum_mismatches_total did not count the bad checksum');
  if (plan.kind === 'reject-503' || plan.kind === 'reject-429') {
    const status = plan.kind === 'reject-503' ? '503' : '429';
    const counted = metrics.handshakeRejections[status] ?? 0;
    if (counted < plan.rejections!) failures.push(`mgw_upstream_handshake_rejections_total{status="${status}"} +${counted}, expected +${plan.rejections}`);
  }
  const newViolations = violationTotal(bots) - violationsBefore;
  if (newViolations > 0) {
    const examples = bots.flatMap((bot) => bot.violations.slice(-2)).slice(-3);
    failures.push(`${newViolations} protocol violation(s) at the bots, latest: ${examples.join(' | ')}`);
  }
  const notes = [...procedure.notes];
  if (totalOf(metrics.reconnects) > 0) notes.push(`reconnects: ${Object.entries(metrics.reconnects).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  return {
    index, kind: plan.kind, plan: describePlan(plan), injectedAt, budgetPacingMs, detectMs, firstStatus,
    // A fault that needs no action (heartbeats) has nothing to recover from: no recovery time.
    recovered: liveAt !== undefined, recoverMs: liveAt === undefined || !plan.disrupts ? undefined : liveAt - injectedAtMs,
    check, metrics, notes, failures,
  };
}
