// Reads `node --trace-gc` output of the gateway (its stdio log): bytes allocated and GC pauses inside a time window
// of the process's life, so a bench can report bytes allocated per venue frame and the pause histogram.
import { readFileSync } from 'node:fs';

export interface GcEvent {
  /** ms since the isolate started. */
  readonly atMs: number;
  readonly kind: string;
  readonly beforeMb: number;
  readonly afterMb: number;
  readonly pauseMs: number;
}

export interface GcSummary {
  readonly scavenges: number;
  readonly markCompacts: number;
  /** Heap growth between consecutive GCs, summed over the window. */
  readonly allocatedMb: number;
  readonly pauseP50Ms: number;
  readonly pauseMaxMs: number;
  readonly pausesOver1Ms: number;
}

const LINE = /\s(\d+) ms: ((?:Minor )?[A-Za-z-]+(?: \([a-z ]+\))?) ([\d.]+) \(([\d.]+)\) -> ([\d.]+) \(([\d.]+)\) MB, (?:pooled: [\d.]+ MB, )?([\d.]+) \/ ([\d.]+) ms/;

export function parseGcTrace(text: string): GcEvent[] {
  const events: GcEvent[] = [];
  for (const line of text.split('\n')) {
    const match = LINE.exec(line);
    if (match === null) continue;
    events.push({ atMs: Number(match[1]), kind: match[2]!, beforeMb: Number(match[3]), afterMb: Number(match[5]), pauseMs: Number(match[7]) });
  }
  return events;
}

export function summarizeGc(events: readonly GcEvent[], fromMs: number, toMs: number): GcSummary {
  const inside: GcEvent[] = [];
  let allocated = 0;
  for (let i = 1; i < events.length; i++) {
    const event = events[i]!;
    if (event.atMs < fromMs || event.atMs > toMs) continue;
    inside.push(event);
    allocated += Math.max(0, event.beforeMb - events[i - 1]!.afterMb);
  }
  const pauses = inside.map((event) => event.pauseMs).sort((a, b) => a - b);
  return {
    scavenges: inside.filter((event) => event.kind.startsWith('Scavenge')).length,
    markCompacts: inside.filter((event) => event.kind.startsWith('Mark')).length,
    allocatedMb: Math.round(allocated * 10) / 10,
    pauseP50Ms: pauses[Math.floor(pauses.length / 2)] ?? 0,
    pauseMaxMs: pauses.at(-1) ?? 0,
    pausesOver1Ms: pauses.filter((pause) => pause > 1).length,
  };
}

export function gcSummaryFromLog(file: string, fromMs: number, toMs: number): GcSummary {
  return summarizeGc(parseGcTrace(readFileSync(file, 'utf8')), fromMs, toMs);
}
