// `node --import tsx scripts/bench/alloc-profile.ts [passes] [top]`: bytes allocated per Kraken frame on the hot
// path (SessionDriver.frame → verify → apply → end-of-turn publish to one in-memory bot, one turn per frame as at
// 2 000 frames/s), over the real captures, with V8's sampling heap profiler counting collected objects too: the
// functions that allocate, and the bytes per frame. Not a timing: allocation does not depend on machine load.
import { Session } from 'node:inspector/promises';
import { summarizeHeap } from './profile-summary.ts';
import { DriverProbe, defaultConfig, loadCaptures, newDriver, newFanout, newMetrics, newStore } from './ingest-pipeline.ts';

interface HeapNode {
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly selfSize: number;
  readonly children: readonly HeapNode[];
}

function totalBytes(node: HeapNode): number {
  return node.selfSize + node.children.reduce((sum, child) => sum + totalBytes(child), 0);
}

async function main(): Promise<void> {
  const passes = Number(process.argv[2] ?? 20);
  const top = Number(process.argv[3] ?? 25);
  const config = defaultConfig();
  const captures = loadCaptures();
  const rigs = captures.map((capture) => {
    const store = newStore(config, capture);
    const metrics = newMetrics();
    const probe = new DriverProbe();
    const fanout = newFanout(config, capture, store, metrics, 1, 25);
    const driver = newDriver(config, capture, store, metrics, probe);
    return { capture, fanout, driver };
  });
  const run = (): number => {
    let frames = 0;
    for (const { capture, fanout, driver } of rigs) {
      capture.frames.forEach((text, index) => {
        driver.frame(text, capture.bytes[index]!);
        fanout.endTurn();
        frames++;
      });
    }
    return frames;
  };
  run();
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.startSampling', { samplingInterval: 256,
    includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true } as never);
  let frames = 0;
  for (let pass = 0; pass < passes; pass++) frames += run();
  const { profile } = await session.post('HeapProfiler.stopSampling') as unknown as { profile: { head: HeapNode } };
  const bytes = totalBytes(profile.head);
  console.log(`${frames} frames, ${(bytes / frames).toFixed(0)} bytes allocated per frame (sampled)`);
  for (const line of summarizeHeap(profile.head, top).slice(1)) console.log(line);
}

void main();
