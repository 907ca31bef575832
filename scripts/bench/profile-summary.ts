// `node --import tsx scripts/bench/profile-summary.ts <file.cpuprofile|file.heapprofile> [top]`: self time per
// function (and per file) of a V8 CPU profile written by `--cpu-prof` (e.g. `npm run bench -- e2e --profile`), or
// bytes allocated per function of a sampling heap profile written by `--heap-prof`.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export function summarize(profile: CpuProfile, top: number): string[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  const files = new Map<string, number>();
  let totalMicros = 0;
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    const frame = byId.get(id)?.callFrame;
    if (frame === undefined) return;
    totalMicros += delta;
    const file = frame.url.replace(/^.*\/(node_modules\/|src\/)/, '$1') || '(native)';
    const key = `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + delta);
    files.set(file, (files.get(file) ?? 0) + delta);
  });
  const idle = self.get('(idle) (native):0') ?? 0;
  const busy = totalMicros - idle;
  const lines = [`total ${(totalMicros / 1e6).toFixed(2)} s, busy (not idle) ${(busy / 1e6).toFixed(2)} s`];
  const list = (map: Map<string, number>, title: string) => {
    lines.push(title);
    for (const [key, micros] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      if (key.startsWith('(idle)')) continue;
      lines.push(`  ${(micros / 1000).toFixed(1).padStart(9)} ms ${(micros / busy * 100).toFixed(1).padStart(5)} %  ${key}`);
    }
  };
  list(self, 'self time by function:');
  list(files, 'self time by file:');
  return lines;
}

interface HeapProfileNode {
  readonly callFrame: ProfileNode['callFrame'];
  readonly selfSize: number;
  readonly children: readonly HeapProfileNode[];
}

export function summarizeHeap(head: HeapProfileNode, top: number): string[] {
  const self = new Map<string, number>();
  let total = 0;
  const visit = (node: HeapProfileNode): void => {
    const frame = node.callFrame;
    const key = `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*\/(node_modules\/|src\/)/, '$1') || '(native)'}:${frame.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + node.selfSize);
    total += node.selfSize;
    node.children.forEach(visit);
  };
  visit(head);
  const lines = [`sampled allocations ${(total / 2 ** 20).toFixed(1)} MB (live at the end of the sampling)`];
  for (const [key, bytes] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    lines.push(`  ${(bytes / 1024).toFixed(0).padStart(9)} KB ${(bytes / total * 100).toFixed(1).padStart(5)} %  ${key}`);
  }
  return lines;
}

if (process.argv[1]?.endsWith('profile-summary.ts') === true) {
  const [file, top] = process.argv.slice(2);
  if (file === undefined) {
    console.error('usage: profile-summary.ts <file.cpuprofile> [top]');
    process.exit(2);
  }
  const data = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile | { head: HeapProfileNode };
  const lines = 'head' in data ? summarizeHeap(data.head, Number(top ?? 30)) : summarize(data, Number(top ?? 30));
  process.stdout.write(`${lines.join('\n')}\n`);
}
