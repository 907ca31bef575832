// The Binance soak's faults: short procedures on the Binance simulator's knobs. Here the per-symbol stream faults
// (update-id gap, stale snapshot, duplicate, cut frame) and REST failures that a gap makes the gateway meet (500, 429
// and 418 with Retry-After); connection and rotation faults are in binance-upstream-faults.ts. Every wait is condition-based
// with a deadline; what a fault must leave behind (counters, REST requests) is checked by its `judge` once it is over.
import type { BinanceSimulator } from '../../src/sim/binance/server.ts';
import type { SeededRandom } from '../../src/sim/seeded-random.ts';
import { runUpstreamFault, sleep, type BinanceFaultTimings } from './binance-upstream-faults.ts';
import type { FaultContext, FaultPlan, FaultProcedureResult } from './venue.ts';

export const BINANCE_FAULT_KINDS = [
  'gap', 'stale-snapshot', 'duplicate', 'truncated-frame', 'rest-500', 'rest-429', 'rest-418', 'drop-1006', 'stall',
  'shutdown-handover', 'shutdown-close', 'rotation', 'shutdown-mid-rotation', 'stall-mid-rotation', 'drop-successor',
] as const;

type Judge = NonNullable<FaultProcedureResult['judge']>;

/** A fault whose symbol's book the gateway must resync from a REST snapshot. */
const RESYNCING = { gap: 'sequence_gap', 'stale-snapshot': 'sequence_gap', 'truncated-frame': 'malformed_frame',
  'rest-500': 'sequence_gap', 'rest-429': 'sequence_gap', 'rest-418': 'sequence_gap' } as const;

/** Connection attempts a fault may cost (a resync may escalate to a reconnect once the resync budget is used). */
export function planBinanceFault(kind: string, random: SeededRandom, symbols: readonly string[]): FaultPlan {
  const symbol = random.pick(symbols);
  switch (kind) {
    case 'gap': case 'stale-snapshot': case 'truncated-frame':
      return { kind, symbol, disrupts: true, detectReason: RESYNCING[kind], cost: 1 };
    case 'rest-500':
      return { kind, symbol, count: random.int(1, 3), disrupts: true, detectReason: 'sequence_gap', cost: 1 };
    case 'rest-429':
      return { kind, symbol, retryAfterS: random.int(1, 2), disrupts: true, detectReason: 'sequence_gap', cost: 1 };
    case 'rest-418':
      return { kind, symbol, retryAfterS: random.int(0, 1), disrupts: true, detectReason: 'sequence_gap', cost: 1 };
    case 'duplicate':
      return { kind, symbol, disrupts: false, cost: 0 };
    case 'drop-1006':
      return { kind, disrupts: true, detectReason: 'connection_lost', cost: 1 };
    case 'stall': case 'stall-mid-rotation':
      return { kind, disrupts: true, cost: 2 };
    case 'shutdown-close':
      return { kind, disrupts: true, maySpareBots: true, detectReason: 'connection_lost', cost: 2 };
    case 'shutdown-mid-rotation': case 'drop-successor':
      return { kind, disrupts: false, cost: 2 };
    default: // shutdown-handover, rotation: one new connection, nothing for bots to see
      return { kind, disrupts: false, cost: 1 };
  }
}

/** The symbol was resynced for `reason` and fetched at least `snapshots` REST snapshots. */
function resynced(sim: BinanceSimulator, plan: FaultPlan, reason: string, snapshots: number): Judge {
  const symbol = plan.symbol!;
  const before = sim.depthRequests(symbol);
  return (deltas) => {
    const problems: string[] = [];
    if ((deltas.resyncs[reason] ?? 0) < 1) problems.push(`mgw_book_resyncs_total{reason="${reason}"} did not count it (${JSON.stringify(deltas.resyncs)})`);
    const fetched = sim.depthRequests(symbol) - before;
    if (fetched < snapshots) problems.push(`${fetched} REST snapshot request(s) of ${symbol}, expected at least ${snapshots}`);
    return problems;
  };
}

/** Times at which the simulator received its next REST requests (polled). */
async function nextRestRequests(sim: BinanceSimulator, ctx: FaultContext, count: number, deadlineMs: number): Promise<number[]> {
  const start = sim.restRequests;
  const times: number[] = [];
  await ctx.waitUntil(() => {
    while (times.length < count && sim.restRequests >= start + times.length + 1) times.push(ctx.nowMs());
    return times.length >= count;
  }, deadlineMs);
  return times;
}

/** 429/418 with Retry-After: every REST request must wait at least `pauseMs` after the refused one. */
async function restRateLimited(sim: BinanceSimulator, plan: FaultPlan, ctx: FaultContext, status: 429 | 418,
  pauseMs: number): Promise<FaultProcedureResult> {
  const judgeResync = resynced(sim, plan, 'sequence_gap', 2);
  sim.failRest(status, 1, plan.retryAfterS);
  sim.gapNext(plan.symbol!);
  const [refused, next] = await nextRestRequests(sim, ctx, 2, pauseMs + ctx.recoverDeadlineMs);
  const problems: string[] = [];
  const notes: string[] = [];
  // Polled every few ms on both ends: a little slack below the pause.
  if (refused === undefined || next === undefined) problems.push(`the gateway did not ask for a snapshot again after the ${status}`);
  else if (next - refused < pauseMs - 20) problems.push(`REST asked again ${Math.round(next - refused)} ms after a ${status}, paused ${pauseMs} ms`);
  else notes.push(`next REST request ${Math.round(next - refused)} ms after the ${status} (pause ${pauseMs} ms)`);
  return { notes, problems, judge: (deltas) => [...judgeResync(deltas), ...((deltas.restRateLimited[String(status)] ?? 0) < 1
    ? [`mgw_rest_rate_limited_total{status="${status}"} did not count it`] : [])] };
}

/** Injects the fault and runs its second half. Resolves when the simulator is back to normal behaviour. */
export async function runBinanceFault(sim: BinanceSimulator, plan: FaultPlan, ctx: FaultContext,
  t: BinanceFaultTimings): Promise<FaultProcedureResult> {
  const symbol = plan.symbol!;
  switch (plan.kind) {
    case 'gap': {
      const judge = resynced(sim, plan, 'sequence_gap', 1);
      sim.gapNext(symbol);
      return { notes: [], problems: [], judge };
    }
    case 'stale-snapshot': {
      // The gap's resync gets a snapshot older than the stream: it must be fetched again, never applied.
      const judge = resynced(sim, plan, 'sequence_gap', 2);
      sim.staleSnapshotNext(symbol);
      sim.gapNext(symbol);
      return { notes: [], problems: [], judge };
    }
    case 'truncated-frame': {
      const judge = resynced(sim, plan, 'malformed_frame', 1);
      sim.truncateNextDepthFrame(symbol);
      return { notes: [], problems: [], judge };
    }
    case 'duplicate': {
      const before = sim.depthRequests(symbol);
      sim.duplicateNext(symbol);
      await sleep(1000);
      return { notes: ['held 1000 ms'], problems: [], judge: (deltas) => [
        ...(sim.depthRequests(symbol) > before ? [`a REST snapshot of ${symbol}: a duplicate must be ignored`] : []),
        ...(Object.keys(deltas.resyncs).length > 0 ? [`resyncs ${JSON.stringify(deltas.resyncs)}: a duplicate must be ignored`] : [])] };
    }
    case 'rest-500': {
      const judge = resynced(sim, plan, 'sequence_gap', plan.count! + 1);
      sim.failRest(500, plan.count!);
      sim.gapNext(symbol);
      return { notes: [], problems: [], judge: (deltas) => [...judge(deltas), ...((deltas.restRequests['500'] ?? 0) < plan.count!
        ? [`mgw_rest_snapshot_requests_total{status="500"} +${deltas.restRequests['500'] ?? 0}, expected +${plan.count}`] : [])] };
    }
    case 'rest-429':
      return restRateLimited(sim, plan, ctx, 429, plan.retryAfterS! * 1000);
    case 'rest-418':
      return restRateLimited(sim, plan, ctx, 418, Math.max(plan.retryAfterS! * 1000, t.banPauseMinMs));
    default: {
      const upstream = runUpstreamFault(sim, plan, ctx, t);
      if (upstream === undefined) throw new RangeError(`unknown binance fault kind ${plan.kind}`);
      return upstream;
    }
  }
}
