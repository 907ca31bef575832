// Parent side of bot-fleet.ts: starts the bot processes (at most 50 bots each), waits until every bot holds a
// book, and collects their counts and latency histograms.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FleetCommand, FleetConfig, FleetReport } from './fleet-protocol.ts';
import { emptyHistogram, mergeInto } from './latency-histogram.ts';

const BOTS_PER_PROCESS = 50;

export interface FleetResult {
  readonly histogram: number[];
  readonly covered: number;
  readonly missing: number;
  readonly messages: number;
  readonly seqGaps: number;
}

export class BotFleet {
  private readonly children: ChildProcess[] = [];
  private readonly errors: string[] = [];

  private constructor() {}

  static async start(config: FleetConfig, deadlineMs = 30_000): Promise<BotFleet> {
    const fleet = new BotFleet();
    const processes = Math.max(1, Math.ceil(config.clients / BOTS_PER_PROCESS));
    const script = fileURLToPath(new URL('./bot-fleet.ts', import.meta.url));
    const ready: Promise<void>[] = [];
    for (let i = 0; i < processes; i++) {
      const clients = Math.floor(config.clients / processes) + (i < config.clients % processes ? 1 : 0);
      const stalled = i === 0 ? config.stalled ?? 0 : 0;
      const child = fork(script, [JSON.stringify({ ...config, clients, stalled })], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
      fleet.children.push(child);
      child.on('message', (report: FleetReport) => {
        if (report.type === 'error') fleet.errors.push(report.message);
      });
      ready.push(fleet.next(child, 'ready', deadlineMs).then(() => undefined));
    }
    try {
      await Promise.all(ready);
    } catch (error) {
      fleet.stop();
      throw error;
    }
    return fleet;
  }

  get pids(): number[] {
    return this.children.map((child) => child.pid ?? 0);
  }

  get errorMessages(): readonly string[] {
    return this.errors;
  }

  command(command: FleetCommand): void {
    for (const child of this.children) child.send(command);
  }

  /** Messages received by all bots since the last count (or `measure`). */
  async count(): Promise<{ messages: number; seqGaps: number }> {
    const replies = await Promise.all(this.children.map(async (child) => {
      const reply = this.next(child, 'count', 30_000);
      child.send({ type: 'count' } satisfies FleetCommand);
      return reply;
    }));
    return replies.reduce((sum, reply) => (reply.type === 'count'
      ? { messages: sum.messages + reply.messages, seqGaps: sum.seqGaps + reply.seqGaps } : sum), { messages: 0, seqGaps: 0 });
  }

  async finish(sentFile: string): Promise<FleetResult> {
    const replies = await Promise.all(this.children.map(async (child) => {
      const reply = this.next(child, 'result', 120_000);
      child.send({ type: 'finish', sentFile } satisfies FleetCommand);
      return reply;
    }));
    const histogram = emptyHistogram();
    let covered = 0;
    let missing = 0;
    let messages = 0;
    let seqGaps = 0;
    for (const reply of replies) {
      if (reply.type !== 'result') continue;
      mergeInto(histogram, reply.histogram);
      covered += reply.covered;
      missing += reply.missing;
      messages += reply.messages;
      seqGaps += reply.seqGaps;
    }
    return { histogram, covered, missing, messages, seqGaps };
  }

  stop(): void {
    for (const child of this.children) {
      if (child.connected) child.send({ type: 'stop' } satisfies FleetCommand);
      setTimeout(() => child.kill('SIGKILL'), 2000).unref();
    }
  }

  private next(child: ChildProcess, type: FleetReport['type'], deadlineMs: number): Promise<FleetReport> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.off('message', onMessage);
        reject(new Error(`bot process ${child.pid}: no "${type}" within ${deadlineMs} ms${this.errors.length > 0 ? ` (${this.errors[0]})` : ''}`));
      }, deadlineMs);
      const onMessage = (report: FleetReport): void => {
        if (report.type !== type) return;
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(report);
      };
      child.on('message', onMessage);
    });
  }
}
