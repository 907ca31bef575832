// Where bench results go: bench/results/ at the repository root (git-ignored by `/bench/`), or --out.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const DEFAULT_RESULTS_DIR = 'bench/results';

export function stamp(date = new Date()): string {
  return date.toISOString().replace(/[:.]/g, '-').slice(0, 19);
}

/** Writes `<dir>/<name>-<stamp>.<ext>` and returns its path. */
export async function writeResult(dir: string, name: string, ext: 'json' | 'svg', content: string, at: Date): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${name}-${stamp(at)}.${ext}`);
  await writeFile(path, content);
  return path;
}

export function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
