// `npm run soak [-- options]`: a chaos soak. The real gateway daemon runs against a venue simulator (Kraken by
// default, `--venue binance`) with bots at mixed depths; a fault is injected every few seconds in a seeded random
// order; after each one the soak waits for every book to be live again and checks every bot's book and trades
// against the simulator. Prints a table per fault kind and writes bench/results/soak[-<venue>]-<ISO time>.json.
// Exit 1 if any check failed. Bounded: every wait has a deadline, fault injection stops after --minutes, then the
// run stops itself. The venue-specific parts (simulator, gateway config, faults) are behind SoakVenue.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SeededRandom } from '../../src/sim/seeded-random.ts';
import { startBinanceVenue } from './binance.ts';
import { BOT_ROLES, SoakBot } from './bot.ts';
import { analyzeTrades, checkAgainstTruth, describeTradeLags, waitAllLive } from './checks.ts';
import { runFaultCycle, type CycleEnv } from './cycle.ts';
import { SoakGateway } from './gateway.ts';
import { startKrakenVenue } from './kraken.ts';
import { processSample, type MetricsScrape, type ProcessSample } from './metrics.ts';
import { parseSoakArgs, SOAK_USAGE, SoakUsageError, type SoakOptions } from './options.ts';
import { UpstreamWatch } from './upstream.ts';
import { formatReport, summarizeByKind, writeResult, type FaultRecord, type SoakResult } from './report.ts';
import { describePlan, type SoakVenue } from './venue.ts';

const nowMs = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
/** Attempts kept free in the gateway's connect budget beyond a fault's worst case. */
const BUDGET_RESERVE = 3;
const QUIET_WINDOW_MS = 3000;
const START_DEADLINE_MS = 15_000;

let interrupted = false;

/** The gateway's health over a quiet window: one scrape resets its lag histogram, the next reads it. */
async function quietSample(gateway: SoakGateway): Promise<ProcessSample> {
  await gateway.metrics();
  await sleep(QUIET_WINDOW_MS);
  return processSample(await gateway.metrics());
}

/** Waits (bounded by `untilMs`) until the fault's worst case fits in the gateway's connect budget. */
async function paceToBudget(gateway: SoakGateway, cost: number, options: SoakOptions, untilMs: number,
  seen: { max: number }): Promise<boolean> {
  for (;;) {
    const used = await gateway.attemptsInBudgetWindow();
    seen.max = Math.max(seen.max, used);
    if (used + cost + BUDGET_RESERVE <= options.budgetAttempts) return true;
    if (nowMs() >= untilMs || interrupted) return false;
    await sleep(500);
  }
}

interface RunState {
  readonly records: FaultRecord[];
  readonly failures: string[];
  readonly samples: ProcessSample[];
  readonly attempts: { max: number };
  readonly upstream: UpstreamWatch;
  start?: ProcessSample;
  end?: ProcessSample;
  final?: MetricsScrape;
  /** Time spent at the end waiting for connect budget that never freed before the run's end. */
  pacedAtEndMs: number;
  /** The final check's market pause: trades up to here must all have been delivered. */
  lastCheckAtMs?: number;
}

async function soak(options: SoakOptions, venue: SoakVenue, gateway: SoakGateway, bots: SoakBot[], state: RunState): Promise<void> {
  const { symbols } = options;
  await gateway.start();
  for (let i = 0; i < options.bots; i++) {
    bots.push(await SoakBot.connect(i + 1, gateway.wsUrl, venue.name, symbols, BOT_ROLES[i % BOT_ROLES.length]!, nowMs));
  }
  if (await waitAllLive(bots, gateway, START_DEADLINE_MS, nowMs) === undefined) {
    state.failures.push(`books not live ${START_DEADLINE_MS} ms after start-up`);
    return;
  }
  state.start = await quietSample(gateway);
  const random = new SeededRandom(options.seed);
  state.upstream.start();
  const env: CycleEnv = { venue, gateway, bots, symbols, nowMs, recoverDeadlineMs: options.recoverDeadlineMs, samples: state.samples,
    lagSince: new Map(), upstream: state.upstream };
  const endAt = nowMs() + options.minutes * 60_000;
  let lastInjection = -Infinity;
  let unrecoveredInARow = 0;
  console.log(`soak: injecting ${venue.name} faults for ${options.minutes} min (seed ${options.seed}, ${bots.length} bots, ${symbols.join(',')})`);
  while (!interrupted && nowMs() < endAt) {
    await sleep(Math.min(lastInjection + options.intervalMs, endAt) - nowMs());
    if (interrupted || nowMs() >= endAt) break;
    const plan = venue.planFault(random.pick(options.faults), random, symbols);
    const pacingFrom = nowMs();
    if (!(await paceToBudget(gateway, plan.cost, options, endAt, state.attempts))) {
      state.pacedAtEndMs = nowMs() - pacingFrom;
      console.log(`soak: connect budget too low for ${describePlan(plan)} until the end of the run`);
      break;
    }
    lastInjection = nowMs();
    const record = await runFaultCycle(state.records.length + 1, plan, lastInjection - pacingFrom, env);
    state.records.push(record);
    const outcome = record.failures.length === 0 ? 'ok' : `FAILED: ${record.failures[0]}`;
    console.log(`#${String(record.index).padStart(3)} ${describePlan(plan).padEnd(32)} detect ${record.detectMs?.toFixed(0) ?? '-'} ms,`
      + ` recover ${record.recoverMs?.toFixed(0) ?? '-'} ms  ${outcome}`);
    unrecoveredInARow = record.recovered ? 0 : unrecoveredInARow + 1;
    if (unrecoveredInARow >= 2) {
      state.failures.push('stopped early: two faults in a row were not recovered from');
      break;
    }
  }
  const allLive = await waitAllLive(bots, gateway, options.recoverDeadlineMs, nowMs) !== undefined;
  state.end = await quietSample(gateway);
  state.lastCheckAtMs = Math.max(0, ...state.records.map((r) => r.check?.pausedAtMs ?? 0));
  if (!allLive) {
    state.failures.push(`books not all live at the end of the run (${options.recoverDeadlineMs} ms after the last fault)`);
  } else {
    const outages = venue.tradeReplay === 0 ? () => venue.outages(state.upstream) : undefined;
    const last = await checkAgainstTruth(venue.truth, bots, gateway, symbols, nowMs, outages);
    state.lastCheckAtMs = last.pausedAtMs;
    const tradesBots = bots.filter((bot) => bot.role.trades).length;
    for (const problem of [...last.bookMismatches, ...last.gatewayMismatches, ...describeTradeLags(last.tradeLags, tradesBots)
      .map((lag) => `trades not caught up on ${lag}`)]) state.failures.push(`final check: ${problem}`);
  }
  state.attempts.max = Math.max(state.attempts.max, await gateway.attemptsInBudgetWindow());
  state.final = await gateway.metrics();
}

function buildResult(options: SoakOptions, startedAt: string, startedMs: number, venue: SoakVenue, gateway: SoakGateway,
  bots: readonly SoakBot[], state: RunState, gatewayExitCode: number | null): SoakResult {
  const { records } = state;
  const trades = analyzeTrades(venue.truth, bots, options.symbols, venue.outages(state.upstream),
    state.lastCheckAtMs === 0 ? undefined : state.lastCheckAtMs, venue.tradeReplay);
  const final = state.final;
  const connectAttempts = venue.connectAttempts();
  const durationMs = nowMs() - startedMs;
  const totals = {
    upstreamFrames: final?.sum('mgw_upstream_frames_received_total') ?? 0,
    messagesToBots: final?.byLabel('mgw_client_messages_sent_total', 'type') ?? {},
    messagesReceivedByBots: bots.reduce((sum, bot) => sum + Object.values(bot.counts).reduce((a, b) => a + b, 0), 0),
    reconnects: final?.byLabel('mgw_upstream_reconnects_total', 'reason') ?? {},
    resyncs: final?.byLabel('mgw_book_resyncs_total', 'reason') ?? {},
    checksumMismatches: final?.sum('mgw_book_checksum_mismatches_total') ?? 0,
    connectAttempts, maxAttemptsInBudgetWindow: state.attempts.max,
    budgetAttempts: options.budgetAttempts, budgetWindowMs: options.budgetWindowMs,
    connectBudgetWaits: final?.sum('mgw_connect_budget_waits_total') ?? 0,
    budgetPacingMs: records.reduce((sum, r) => sum + r.budgetPacingMs, 0) + state.pacedAtEndMs,
    protocolViolations: bots.reduce((sum, bot) => sum + bot.violationCount, 0),
    venue: venue.counters(),
  };
  const failures = [...records.flatMap((r) => r.failures.map((f) => `#${r.index} ${r.plan}: ${f}`)), ...state.failures];
  if (trades.duplicates + trades.outOfOrder + trades.contentMismatches + trades.lost > 0) {
    failures.push(`trades: ${trades.duplicates} duplicate(s), ${trades.outOfOrder} out of order, ${trades.contentMismatches} wrong,`
      + ` ${trades.lost} lost: ${trades.details.slice(0, 5).join(' | ')}`);
  }
  failures.push(...venue.finalChecks());
  if (state.attempts.max > options.budgetAttempts) failures.push(`gateway counted ${state.attempts.max} attempts in its budget window (budget ${options.budgetAttempts})`);
  if (durationMs <= options.budgetWindowMs && connectAttempts > options.budgetAttempts) {
    failures.push(`the venue saw ${connectAttempts} connection attempts within one budget window (budget ${options.budgetAttempts})`);
  }
  // Windows has no SIGTERM: child.kill() ends the process without a graceful shutdown to check.
  if (process.platform !== 'win32') {
    if (gatewayExitCode !== 0) failures.push(`gateway exited with ${String(gatewayExitCode)} on SIGTERM (expected 0)`);
    if (bots.some((bot) => !bot.sawShutdown)) failures.push('not every bot was told shutting_down before the gateway stopped');
  }
  const violations = bots.flatMap((bot) => bot.violations);
  return {
    venue: venue.name, startedAt, options: { ...options }, gatewayConfig: gateway.config, durationMs, interrupted, faults: records,
    byKind: summarizeByKind(records, options.faults), totals, trades,
    process: { start: state.start, end: state.end, samples: state.samples, gatewayExitCode,
      botsSawShutdown: bots.length > 0 && bots.every((bot) => bot.sawShutdown) },
    violations, failures, logDir: gateway.logDir, passed: failures.length === 0 && records.length > 0 && !interrupted,
  };
}

async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(SOAK_USAGE);
    return 0;
  }
  let options: SoakOptions;
  try {
    options = parseSoakArgs(argv, Date.now());
  } catch (error) {
    if (!(error instanceof SoakUsageError)) throw error;
    console.error(`${error.message}\n\n${SOAK_USAGE}`);
    return 2;
  }
  const startedMs = nowMs();
  const startedAt = new Date(startedMs).toISOString();
  const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
  const runDir = await mkdtemp(join(tmpdir(), 'mgw-soak-'));
  const venue = await (options.venue === 'binance' ? startBinanceVenue : startKrakenVenue)(options.seed, options.symbols);
  const gateway = new SoakGateway({ repoRoot, runDir, exchange: venue.name, exchanges: venue.exchangesConfig(options), nowMs });
  process.once('exit', () => gateway.kill());
  process.on('SIGINT', () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    console.log('\nsoak: interrupted, finishing the current fault and reporting (Ctrl-C again to quit now)');
  });
  const bots: SoakBot[] = [];
  const state: RunState = { records: [], failures: [], samples: [], attempts: { max: 0 }, pacedAtEndMs: 0,
    upstream: new UpstreamWatch(venue.upstream, nowMs) };
  try {
    await soak(options, venue, gateway, bots, state);
  } catch (error) {
    state.failures.push(`soak aborted: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  }
  state.upstream.stop();
  state.final ??= await gateway.metrics().catch(() => undefined);
  for (const bot of bots) bot.expectClose();
  const gatewayExitCode = await gateway.stop();
  for (const bot of bots) bot.close();
  await venue.stop();
  const result = buildResult(options, startedAt, startedMs, venue, gateway, bots, state, gatewayExitCode);
  console.log(formatReport(result));
  console.log(`results: ${await writeResult(result, options.outDir)}`);
  return result.passed ? 0 : 1;
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
}, (error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
