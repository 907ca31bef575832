// `npm run bench -- e2e`: what a trader pays for the whole daemon. The gateway runs as a child process
// (`node --import tsx src/main.ts --config …`) fed by a local Kraken-like server playing the real captures in
// test/fixtures/kraken/captures/ (looped, a fresh snapshot between passes); bots in their own processes; CPU of the
// gateway and of the bots from /proc. Cases: 1 bot at burst (100 frames every 2 ms) and 10 bots paced at
// 2 000 frames/s. Ratio: gateway CPU per venue frame / bare JSON.parse of the same frames, measured in this run.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseOptions } from './bench-options.ts';
import { runFeedCase } from './feed-case.ts';
import type { GcSummary } from './gc-trace.ts';
import { jsonParseMicrosPerFrame } from './json-parse-baseline.ts';
import { captureFrames } from './kraken-frames.ts';
import type { Pacing } from './kraken-feed.ts';
import { currentLoad, headerText, runHeader } from './run-header.ts';
import { DEFAULT_RESULTS_DIR, jsonText, writeResult } from './results-file.ts';
import { printTable } from './text-table.ts';

const DEFAULTS = { captures: ['ethusd', 'xrpusd'], burstFrames: 40_000, pacedSeconds: 5, pacedRate: 2000, pacedBots: 10,
  engine: 'uws', profile: false, traceGc: false, out: DEFAULT_RESULTS_DIR };

interface E2eRow {
  readonly capture: string;
  readonly name: string;
  readonly bots: number;
  readonly frames: number;
  readonly achievedRate: number;
  readonly gatewayMicrosPerFrame: number;
  readonly botsMicrosPerFrame: number;
  readonly jsonParseMicrosPerFrame: number;
  readonly ratio: number;
  readonly botMessages: number;
  readonly seqGaps: number;
  readonly gatewayRssMb: number;
  /** --trace-gc: bytes allocated per venue frame and GC pauses during the play. */
  readonly allocatedBytesPerFrame?: number;
  readonly gc?: GcSummary;
}

export async function runE2eBench(args: readonly string[], repoRoot: string): Promise<void> {
  const options = parseOptions(args, DEFAULTS);
  const engine = options.engine === 'ws' ? 'ws' : 'uws';
  const header = runHeader('e2e', [engine === 'uws' ? 'uWebSockets.js' : 'ws']);
  console.log(headerText(header));
  const runDir = await mkdtemp(join(tmpdir(), 'mgw-bench-e2e-'));
  const flags = [...(options.profile ? ['--cpu-prof', `--cpu-prof-dir=${join(runDir, 'profiles')}`] : []),
    ...(options.traceGc ? ['--trace-gc'] : [])];
  const rows: E2eRow[] = [];
  for (const capture of options.captures) {
    const frames = captureFrames(repoRoot, capture);
    const cases: { name: string; bots: number; count: number; pacing: Pacing }[] = [
      { name: 'burst 100 frames / 2 ms', bots: 1, count: options.burstFrames, pacing: { kind: 'burst', frames: 100, everyMs: 2 } },
      { name: `paced ${options.pacedRate}/s`, bots: options.pacedBots, count: options.pacedRate * options.pacedSeconds,
        pacing: { kind: 'rate', perSecond: options.pacedRate } },
    ];
    for (const spec of cases) {
      const result = await runFeedCase({ repoRoot, runDir, frames, route: 'gateway', engine, bots: spec.bots, count: spec.count,
        pacing: spec.pacing, gatewayFlags: flags });
      // The baseline right after the case, so both see the same machine.
      const parse = jsonParseMicrosPerFrame(frames.updates);
      const gateway = result.cpu.gateway / result.framesSent * 1e6;
      rows.push({ capture: `${capture} (${frames.symbol} d${frames.depth}, ${frames.updates.length} updates/pass)`, name: spec.name,
        bots: spec.bots, frames: result.framesSent, achievedRate: Math.round(result.framesSent / result.playSeconds),
        gatewayMicrosPerFrame: round(gateway), botsMicrosPerFrame: round(result.cpu.bots / result.framesSent * 1e6),
        jsonParseMicrosPerFrame: round(parse), ratio: round(gateway / parse), botMessages: result.botMessages,
        seqGaps: result.seqGaps, gatewayRssMb: Math.round(result.gatewayRssMb),
        ...(result.gc === undefined ? {} : { gc: result.gc, allocatedBytesPerFrame: Math.round(result.gc.allocatedMb * 2 ** 20 / result.framesSent) }) });
      const last = rows.at(-1)!;
      console.log(`  ${capture} ${spec.name}, ${spec.bots} bot(s): gateway ${last.gatewayMicrosPerFrame} µs/frame = ${last.ratio}× JSON.parse`
        + (last.gc === undefined ? '' : `; ${last.allocatedBytesPerFrame} B allocated/frame, ${last.gc.scavenges} scavenges, `
          + `pause p50 ${last.gc.pauseP50Ms} max ${last.gc.pauseMaxMs} ms, ${last.gc.pausesOver1Ms} over 1 ms`));
    }
  }
  const table: string[][] = [['capture / case', 'bots', 'frames', 'sent/s', 'gateway µs/frame', 'bots µs/frame', 'JSON.parse µs', 'gateway × JSON.parse', 'seq gaps']];
  for (const r of rows) {
    table.push([`${r.capture.split(' ')[0]} ${r.name}`, String(r.bots), String(r.frames), String(r.achievedRate), String(r.gatewayMicrosPerFrame),
      String(r.botsMicrosPerFrame), String(r.jsonParseMicrosPerFrame), `${r.ratio}×`, String(r.seqGaps)]);
  }
  printTable(table, (line) => console.log(line));
  console.log(`load average at end: ${currentLoad().join(' / ')}${flags.length > 0 ? `; profiles / GC traces in ${runDir}` : ''}`);
  const path = await writeResult(options.out, 'e2e', 'json', jsonText({ header, options, loadAtEnd: currentLoad(), runDir, rows }), new Date(header.startedAt));
  console.log(`results: ${path}`);
}

const round = (value: number) => Math.round(value * 100) / 100;
