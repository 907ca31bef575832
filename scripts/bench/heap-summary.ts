// `node --import tsx scripts/bench/heap-summary.ts <a.heapsnapshot> [b.heapsnapshot] [top]`: objects and self
// bytes per constructor in a V8 heap snapshot, or the growth from a to b (what the memory bench's
// --heap-snapshots writes), to find what accumulates.
import { readFileSync } from 'node:fs';

interface HeapSnapshot {
  readonly snapshot: { readonly meta: { readonly node_fields: string[]; readonly node_types: [string[], ...unknown[]] } };
  readonly nodes: number[];
  readonly strings: string[];
}

type Census = Map<string, { count: number; bytes: number }>;

export function census(snapshot: HeapSnapshot): Census {
  const fields = snapshot.snapshot.meta.node_fields;
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const types = snapshot.snapshot.meta.node_types[0];
  const out: Census = new Map();
  for (let i = 0; i < snapshot.nodes.length; i += width) {
    const type = types[snapshot.nodes[i + typeAt]!] ?? '?';
    const name = type === 'object' || type === 'closure' ? snapshot.strings[snapshot.nodes[i + nameAt]!] ?? '?' : `(${type})`;
    const key = `${name}`;
    const entry = out.get(key) ?? { count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += snapshot.nodes[i + sizeAt]!;
    out.set(key, entry);
  }
  return out;
}

function load(file: string): Census {
  return census(JSON.parse(readFileSync(file, 'utf8')) as HeapSnapshot);
}

if (process.argv[1]?.endsWith('heap-summary.ts') === true) {
  const [first, second, top] = process.argv.slice(2);
  if (first === undefined) {
    console.error('usage: heap-summary.ts <a.heapsnapshot> [b.heapsnapshot] [top]');
    process.exit(2);
  }
  const a = load(first);
  const b = second === undefined || /^\d+$/.test(second) ? undefined : load(second);
  const limit = Number((b === undefined ? second : top) ?? 30);
  const rows = [...(b ?? a)].map(([name, entry]) => {
    const before = b === undefined ? { count: 0, bytes: 0 } : a.get(name) ?? { count: 0, bytes: 0 };
    return { name, count: entry.count - before.count, bytes: entry.bytes - before.bytes };
  }).sort((x, y) => y.bytes - x.bytes).slice(0, limit);
  console.log(b === undefined ? 'self bytes by constructor' : 'growth a → b by constructor');
  for (const row of rows) console.log(`${(row.bytes / 1024).toFixed(0).padStart(10)} KB ${String(row.count).padStart(9)}  ${row.name.slice(0, 90)}`);
}
