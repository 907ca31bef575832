// One measured case shared by e2e, fanout and latency: the Kraken-like feed in this process, optionally the
// whole gateway daemon as a child process, bots in their own processes (direct to the feed or through the
// gateway). CPU per process from /proc over the played frames; per-frame latency when a window is asked for.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BotFleet, type FleetResult } from './fleet-control.ts';
import { GatewayChild } from './gateway-child.ts';
import { KrakenFeed, type Pacing } from './kraken-feed.ts';
import type { KrakenFrameSet } from './kraken-frames.ts';
import { gcSummaryFromLog, type GcSummary } from './gc-trace.ts';
import { cpuSeconds, CpuMeter, processAgeMs, rssBytes } from './proc-stat.ts';

export interface FeedCase {
  readonly repoRoot: string;
  readonly runDir: string;
  readonly frames: KrakenFrameSet;
  readonly route: 'direct' | 'gateway';
  readonly engine: 'uws' | 'ws';
  readonly bots: number;
  readonly stalled?: number;
  readonly pacing: Pacing;
  /** Updates to play (the frame set loops). */
  readonly count: number;
  /** Per-frame latency over updates [warmup, count): only for generated frames (index in the timestamp). */
  readonly latencyFromUpdate?: number;
  readonly gatewayFlags?: readonly string[];
  /** The daemon of another checkout (a baseline measured in the same run). */
  readonly gatewayRoot?: string;
}

export interface FeedCaseResult {
  readonly framesSent: number;
  readonly playSeconds: number;
  readonly botMessages: number;
  readonly seqGaps: number;
  /** CPU seconds over the play. */
  readonly cpu: { readonly gateway: number; readonly bots: number; readonly feed: number };
  /** The gateway's CPU in the kernel (socket I/O), part of cpu.gateway. */
  readonly gatewaySystemCpu: number;
  readonly gatewayRssMb: number;
  readonly latency: FleetResult | undefined;
  /** With --trace-gc among gatewayFlags: GC over the play. */
  readonly gc: GcSummary | undefined;
}

const nowMicros = () => Number(process.hrtime.bigint()) / 1000;

export function krakenExchanges(url: string, symbol: string, depth: number): Record<string, unknown> {
  return { kraken: { enabled: true, url, symbols: [symbol], bookDepth: depth }, binance: { enabled: false } };
}

export async function runFeedCase(spec: FeedCase): Promise<FeedCaseResult> {
  const feed = new KrakenFeed(spec.frames);
  await feed.listen();
  let gateway: GatewayChild | undefined;
  let fleet: BotFleet | undefined;
  try {
    if (spec.route === 'gateway') {
      gateway = new GatewayChild({ repoRoot: spec.repoRoot, runDir: spec.runDir, engine: spec.engine,
        exchanges: krakenExchanges(feed.url, spec.frames.symbol, spec.frames.depth), nodeFlags: spec.gatewayFlags ?? [],
        ...(spec.gatewayRoot === undefined ? {} : { gatewayRoot: spec.gatewayRoot }) });
      await gateway.start();
      await gateway.ready();
    }
    fleet = await BotFleet.start({ url: gateway?.wsUrl ?? feed.url, protocol: spec.route === 'gateway' ? 'gateway' : 'kraken',
      clients: spec.bots, stalled: spec.stalled ?? 0, trades: false,
      subscriptions: [{ exchange: 'kraken', symbol: spec.frames.symbol, depth: spec.frames.depth }] });
    const warmup = spec.latencyFromUpdate;
    if (warmup !== undefined) {
      // Update k carries frame index k + 1.
      fleet.command({ type: 'measure', firstIndex: warmup + 1, frames: spec.count - warmup, baseMicros: nowMicros() });
    } else {
      await fleet.count();
    }
    const meter = new CpuMeter([gateway?.pid ?? 0, ...fleet.pids]);
    const feedCpuStart = cpuSeconds(process.pid);
    const ageAtStart = gateway === undefined ? 0 : processAgeMs(gateway.pid);
    const play = await feed.play(spec.count, spec.pacing);
    const ageAtEnd = gateway === undefined ? 0 : processAgeMs(gateway.pid);
    // Let the last frames reach the bots.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const split = meter.takeSplit();
    const [gatewayCpu = 0, ...botCpu] = split.map(({ user, system }) => user + system);
    const gatewaySystemCpu = split[0]?.system ?? 0;
    const feedCpu = cpuSeconds(process.pid) - feedCpuStart;
    const rss = gateway === undefined ? Number.NaN : rssBytes(gateway.pid);
    let latency: FleetResult | undefined;
    let counted: { messages: number; seqGaps: number };
    if (warmup !== undefined) {
      const sentFile = join(spec.runDir, 'sent-micros.bin');
      await writeFile(sentFile, Buffer.from(play.sentMicros.slice(warmup).buffer));
      latency = await fleet.finish(sentFile);
      counted = { messages: latency.messages, seqGaps: latency.seqGaps };
    } else {
      counted = await fleet.count();
    }
    let gc: GcSummary | undefined;
    if (gateway !== undefined && (spec.gatewayFlags ?? []).includes('--trace-gc')) {
      await gateway.stop();
      gc = gcSummaryFromLog(join(spec.runDir, 'gateway-stdio.log'), ageAtStart, ageAtEnd);
    }
    return { gc, gatewaySystemCpu: spec.route === 'gateway' ? gatewaySystemCpu : 0, framesSent: play.framesSent, playSeconds: play.seconds, botMessages: counted.messages, seqGaps: counted.seqGaps,
      cpu: { gateway: spec.route === 'gateway' ? gatewayCpu : 0, bots: botCpu.reduce((a, b) => a + b, 0), feed: feedCpu },
      gatewayRssMb: rss / 2 ** 20, latency };
  } finally {
    fleet?.stop();
    await gateway?.stop();
    await feed.close();
  }
}

