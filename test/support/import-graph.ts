// The graph of relative imports between TypeScript files (value and type-only imports alike, `export … from`
// and dynamic `import('…')` included) and its cycles, found with Tarjan's strongly connected components.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const IMPORT_SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*)'(\.{1,2}\/[^']+)'/g;

export function listTypeScriptFiles(root: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(root)) {
    const path = join(root, entry);
    if (statSync(path).isDirectory()) files.push(...listTypeScriptFiles(path));
    else if (path.endsWith('.ts')) files.push(path);
  }
  return files.sort();
}

export function importGraph(files: readonly string[]): Map<string, string[]> {
  const known = new Set(files.map((file) => resolve(file)));
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const from = resolve(file);
    const targets: string[] = [];
    for (const match of readFileSync(from, 'utf8').matchAll(IMPORT_SPECIFIER)) {
      const target = resolve(dirname(from), match[1]!);
      if (known.has(target)) targets.push(target);
    }
    graph.set(from, targets);
  }
  return graph;
}

/** Every cycle (strongly connected component of two or more files, or a file importing itself), as paths from `base`. */
export function importCycles(graph: ReadonlyMap<string, readonly string[]>, base: string): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  let next = 0;
  const visit = (node: string): void => {
    index.set(node, next);
    low.set(node, next);
    next += 1;
    stack.push(node);
    onStack.add(node);
    for (const target of graph.get(node) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node)!, index.get(target)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(relative(base, member));
    } while (member !== node);
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) cycles.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return cycles;
}
