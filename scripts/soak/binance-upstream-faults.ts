// The Binance soak's connection faults: the upstream connection dropped or stalled, serverShutdown notices (with time
// for a handover, with an immediate close, and in the middle of a rotation), the gateway's own lifetime rotation, and
// faults aimed at a rotation in progress (its new connection lost, a stall just before it).
// Each waits on what the simulator sees of the gateway's connections (accepted, open), with deadlines; `seamless`
// judges the faults bots must not see: handed over, no reconnect, no REST snapshot.
import type { BinanceSimulator } from '../../src/sim/binance/server.ts';
import type { FaultMetricDeltas } from './metrics.ts';
import type { FaultContext, FaultPlan, FaultProcedureResult } from './venue.ts';

/** Gateway timings the procedures size their waits by (set in binance.ts's config). */
export interface BinanceFaultTimings {
  readonly staleAfterMs: number;
  readonly rotateAfterMs: number;
  readonly handoverTimeoutMs: number;
  readonly banPauseMinMs: number;
  /** serverShutdown notice → close, long enough for a handover. */
  readonly shutdownCloseAfterMs: number;
}

/** The gateway's data watchdog runs every min(1 s, its deadline ÷ 4): a stall is noticed within this after staleAfterMs. */
const WATCHDOG_SLACK_MS = 1000;
/** stall-mid-rotation: the stall begins this long before the gateway's next lifetime rotation. */
const STALL_BEFORE_ROTATION_MS = 1500;
/** drop-successor: the market holds still from this long before the planned rotation. */
const SUCCESSOR_HOLD_LEAD_MS = 300;

type Judge = NonNullable<FaultProcedureResult['judge']>;

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

const rotated = (deltas: FaultMetricDeltas): number => deltas.rotations['handed_over'] ?? 0;

/** The connection-level expectations of a fault bots must not see: handed over, no reconnect, no REST snapshot. */
function seamless(sim: BinanceSimulator, restBefore: number): Judge {
  return (deltas) => {
    const problems: string[] = [];
    if (rotated(deltas) < 1) problems.push(`no rotation handed over (mgw_upstream_rotations_total ${JSON.stringify(deltas.rotations)})`);
    if (Object.keys(deltas.reconnects).length > 0) problems.push(`reconnected: ${JSON.stringify(deltas.reconnects)}`);
    const rest = sim.restRequests - restBefore;
    if (rest > 0) problems.push(`${rest} REST snapshot request(s): a handover must need none`);
    return problems;
  };
}

/** Waits until a connection is accepted after `accepted`, then until only one is open again. */
async function watchHandover(sim: BinanceSimulator, ctx: FaultContext, accepted: number, acceptWithinMs: number,
  handoverWithinMs: number): Promise<{ reactedAtMs?: number; settledAtMs?: number; problems: string[] }> {
  if (!(await ctx.waitUntil(() => sim.connectionsAccepted > accepted, acceptWithinMs))) {
    return { problems: [`no new upstream connection within ${acceptWithinMs} ms`] };
  }
  const reactedAtMs = ctx.nowMs();
  if (!(await ctx.waitUntil(() => sim.connectionCount === 1, handoverWithinMs))) {
    return { reactedAtMs, problems: [`${sim.connectionCount} upstream connections still open ${handoverWithinMs} ms after the new one`] };
  }
  return { reactedAtMs, settledAtMs: ctx.nowMs(), problems: [] };
}

async function shutdownHandover(sim: BinanceSimulator, ctx: FaultContext, t: BinanceFaultTimings): Promise<FaultProcedureResult> {
  const accepted = sim.connectionsAccepted;
  const judge = seamless(sim, sim.restRequests);
  const noticeAt = ctx.nowMs();
  sim.serverShutdown({ closeAfterMs: t.shutdownCloseAfterMs });
  const seen = await watchHandover(sim, ctx, accepted, t.shutdownCloseAfterMs, t.shutdownCloseAfterMs + 1000);
  // Past the venue's close: whatever it still closes (an old connection not handed over) shows up now.
  await sleep(noticeAt + t.shutdownCloseAfterMs + 500 - ctx.nowMs());
  const closedEarly = seen.settledAtMs !== undefined && seen.settledAtMs - noticeAt < t.shutdownCloseAfterMs;
  const notes = [seen.settledAtMs === undefined ? 'no handover seen'
    : `handed over ${Math.round(seen.settledAtMs - noticeAt)} ms after the notice (venue closes at ${t.shutdownCloseAfterMs} ms)`];
  const problems = [...seen.problems, ...(seen.settledAtMs !== undefined && !closedEarly
    ? ['the old connection was still open when the venue closed it: no handover before the close'] : [])];
  return { notes, problems, reactedAtMs: seen.reactedAtMs, settledAtMs: seen.settledAtMs, judge };
}

/**
 * serverShutdown with an immediate close: the notice makes the gateway open a successor, the close ends the old
 * connection at once. Either the successor was open in time and takes the books over (those whose diffs do not
 * continue resync: connection_lost), or the close won and the gateway reconnects (bots see connection_lost).
 */
async function shutdownClose(sim: BinanceSimulator, ctx: FaultContext): Promise<FaultProcedureResult> {
  const accepted = sim.connectionsAccepted;
  const reconnects = (await ctx.metrics()).sum('mgw_upstream_reconnects_total');
  const noticeAt = ctx.nowMs();
  sim.serverShutdown({ closeAfterMs: 0 });
  const settled = await ctx.waitUntil(() => sim.connectionsAccepted > accepted && sim.connectionCount === 1, ctx.recoverDeadlineMs);
  const settledAtMs = ctx.nowMs();
  if (!settled) return { notes: [], problems: [`no new upstream connection within ${ctx.recoverDeadlineMs} ms of the close`] };
  // Statuses and the reconnect counter settle within moments of the new connection.
  await sleep(300);
  const reconnected = (await ctx.metrics()).sum('mgw_upstream_reconnects_total') > reconnects;
  return { notes: [reconnected ? 'the close beat the successor: reconnected' : 'the successor took the books over'], problems: [],
    variant: reconnected ? 'reconnect' : 'takeover', reactedAtMs: ctx.upstream.acceptsSince(noticeAt)[0], settledAtMs };
}

/**
 * serverShutdown while a lifetime rotation is under way: the venue sends it to every connection of the server, the
 * new one included. Whichever connection ends up feeding the books must be rotated away before the venue closes it.
 */
async function shutdownMidRotation(sim: BinanceSimulator, ctx: FaultContext, t: BinanceFaultTimings): Promise<FaultProcedureResult> {
  const accepted = sim.connectionsAccepted;
  const judge = seamless(sim, sim.restRequests);
  if (!(await ctx.waitUntil(() => sim.connectionsAccepted > accepted && sim.connectionCount === 2, t.rotateAfterMs + 2000))) {
    return { notes: [], problems: [`no rotation began within ${t.rotateAfterMs + 2000} ms`] };
  }
  const noticeAt = ctx.nowMs();
  sim.serverShutdown({ closeAfterMs: t.shutdownCloseAfterMs });
  // Both connections got the notice and both close at closeAfterMs: a third connection must carry the books by then.
  const third = await ctx.waitUntil(() => sim.connectionsAccepted > accepted + 1, t.shutdownCloseAfterMs);
  const reactedAtMs = third ? ctx.nowMs() : undefined;
  const single = await ctx.waitUntil(() => sim.connectionCount === 1, noticeAt + t.shutdownCloseAfterMs - ctx.nowMs());
  const settledAtMs = single ? ctx.nowMs() : undefined;
  await sleep(noticeAt + t.shutdownCloseAfterMs + 500 - ctx.nowMs());
  const notes = [third ? 'a third connection was opened before the venue closed both' : 'no third connection before the venue closed both'];
  return { notes, problems: [], startedAtMs: noticeAt, reactedAtMs, settledAtMs, judge };
}

/** Waits until `leadMs` before the gateway's next lifetime rotation (as its /v1/status plans it). */
async function untilBeforeRotation(ctx: FaultContext, t: BinanceFaultTimings, leadMs: number): Promise<number> {
  let rotationAt = await ctx.nextRotationAt() ?? ctx.nowMs() + t.rotateAfterMs;
  // Too close to prepare for (or under way): the one after it.
  if (rotationAt - leadMs < ctx.nowMs()) {
    await sleep(rotationAt - ctx.nowMs() + t.handoverTimeoutMs);
    rotationAt = await ctx.nextRotationAt() ?? ctx.nowMs() + t.rotateAfterMs;
  }
  await sleep(rotationAt - leadMs - ctx.nowMs());
  return rotationAt;
}

/**
 * A rotation's new connection is lost before it took any book over. The market is held still around the rotation's
 * start (less than the data watchdog) so no diff can complete the handover first. The old connection must keep
 * serving and a later successor hand over: nothing for bots to see.
 */
async function dropSuccessor(sim: BinanceSimulator, ctx: FaultContext, t: BinanceFaultTimings): Promise<FaultProcedureResult> {
  await untilBeforeRotation(ctx, t, SUCCESSOR_HOLD_LEAD_MS);
  const accepted = sim.connectionsAccepted;
  const judge = seamless(sim, sim.restRequests);
  sim.pauseMarket();
  const rotating = await ctx.waitUntil(() => sim.connectionsAccepted > accepted && sim.connectionCount === 2, 2 * SUCCESSOR_HOLD_LEAD_MS);
  const droppedAtMs = ctx.nowMs();
  if (rotating) sim.dropNewestConnection(1006);
  sim.resumeMarket();
  if (!rotating) return { notes: [], problems: [`no rotation began within ${2 * SUCCESSOR_HOLD_LEAD_MS} ms of the expected time`] };
  const seen = await watchHandover(sim, ctx, accepted + 1, t.rotateAfterMs, t.handoverTimeoutMs + 1000);
  return { notes: ['the successor was dropped (1006) before any diff reached it'], problems: seen.problems, startedAtMs: droppedAtMs,
    reactedAtMs: seen.reactedAtMs, settledAtMs: seen.settledAtMs, judge };
}

async function lifetimeRotation(sim: BinanceSimulator, ctx: FaultContext, t: BinanceFaultTimings): Promise<FaultProcedureResult> {
  const accepted = sim.connectionsAccepted;
  const judge = seamless(sim, sim.restRequests);
  const seen = await watchHandover(sim, ctx, accepted, t.rotateAfterMs + 2000, t.handoverTimeoutMs + 1000);
  const notes = seen.settledAtMs === undefined || seen.reactedAtMs === undefined ? []
    : [`handed over ${Math.round(seen.settledAtMs - seen.reactedAtMs)} ms after the new connection opened`];
  // The rotation is the fault: it starts when the new connection is accepted.
  return { notes, problems: seen.problems, startedAtMs: seen.reactedAtMs, settledAtMs: seen.settledAtMs, judge };
}

/**
 * The venue goes silent with TCP open. The gateway's data watchdog must give up on the connection within staleAfterMs
 * (+ its tick), telling bots at once; until then bots trust books nobody updates. With `beforeRotation`, the stall
 * begins shortly before the gateway's next lifetime rotation (as its /v1/status plans it), so the rotation's
 * new connection is silent too.
 */
async function stall(sim: BinanceSimulator, ctx: FaultContext, t: BinanceFaultTimings, beforeRotation: boolean): Promise<FaultProcedureResult> {
  const notes: string[] = [];
  if (beforeRotation) {
    const rotationAt = await untilBeforeRotation(ctx, t, STALL_BEFORE_ROTATION_MS);
    notes.push(`stalled ${Math.round(rotationAt - ctx.nowMs())} ms before the expected rotation`);
  }
  const stalledAt = ctx.nowMs();
  sim.stall();
  ctx.upstream.stallStarted(stalledAt);
  const limitMs = t.staleAfterMs + WATCHDOG_SLACK_MS;
  const fired = await ctx.waitUntil(() => ctx.detected(), t.staleAfterMs + 3000);
  const detectedMs = ctx.nowMs() - stalledAt;
  sim.resume();
  ctx.upstream.stallEnded(ctx.nowMs());
  if (!fired) return { notes, problems: [`no watchdog fired within ${t.staleAfterMs + 3000} ms of a stall`], startedAtMs: stalledAt };
  notes.push(`resumed after the watchdog fired (${Math.round(detectedMs)} ms)`);
  const problems = detectedMs <= limitMs ? [] : [`bots were told ${Math.round(detectedMs)} ms after the venue went silent`
    + ` (staleAfterMs ${t.staleAfterMs} + watchdog tick ≤ ${limitMs} ms): books with no data were served as live meanwhile`];
  return { notes, problems, startedAtMs: stalledAt };
}

/** Injects a connection fault (see BINANCE_FAULT_KINDS); undefined for a kind that is not one. */
export function runUpstreamFault(sim: BinanceSimulator, plan: FaultPlan, ctx: FaultContext,
  t: BinanceFaultTimings): Promise<FaultProcedureResult> | undefined {
  switch (plan.kind) {
    case 'drop-1006':
      sim.dropConnections(1006);
      return Promise.resolve({ notes: [], problems: [] });
    case 'stall':
      return stall(sim, ctx, t, false);
    case 'stall-mid-rotation':
      return stall(sim, ctx, t, true);
    case 'shutdown-close':
      return shutdownClose(sim, ctx);
    case 'shutdown-handover':
      return shutdownHandover(sim, ctx, t);
    case 'rotation':
      return lifetimeRotation(sim, ctx, t);
    case 'shutdown-mid-rotation':
      return shutdownMidRotation(sim, ctx, t);
    case 'drop-successor':
      return dropSuccessor(sim, ctx, t);
    default:
      return undefined;
  }
}
