// `node --import tsx scripts/bench/profile-summary.ts <file.cpuprofile> [top]`: self time per function (and per
// file) of a V8 CPU profile written by `--cpu-prof` (e.g. `npm run bench -- e2e --profile`).
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

if (process.argv[1]?.endsWith('profile-summary.ts') === true) {
  const [file, top] = process.argv.slice(2);
  if (file === undefined) {
    console.error('usage: profile-summary.ts <file.cpuprofile> [top]');
    process.exit(2);
  }
  for (const line of summarize(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, Number(top ?? 30))) console.log(line);
}
