// Every command and repository path the README names exists: `npm run <script>` is a package.json script, and
// paths under src/, test/, scripts/, config/, systemd/ and .ci/ are files or folders of the repository.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const README = readFileSync(new URL('README.md', `file://${REPO}`), 'utf8');
const SCRIPTS = Object.keys((JSON.parse(readFileSync(`${REPO}package.json`, 'utf8')) as { scripts: Record<string, string> }).scripts);
const REPO_PATH = /(?<![\w./-])(?:\.\/)?((?:src|test|scripts|config|systemd|\.ci)\/[\w./-]*[\w/])/g;
const NPM_RUN = /\bnpm run ([\w:-]+)/g;
const BUILT_IN = new Set(['start', 'test']);

/** The text of fenced code blocks and inline code spans. */
function codeTexts(markdown: string): string[] {
  const fenced = [...markdown.matchAll(/^```[^\n]*\n([\s\S]*?)^```/gm)].map((match) => match[1]!);
  const prose = markdown.replace(/^```[^\n]*\n[\s\S]*?^```/gm, '');
  const inline = [...prose.matchAll(/`([^`\n]+)`/g)].map((match) => match[1]!);
  return [...fenced, ...inline];
}

export function missingReferences(markdown: string, exists: (path: string) => boolean, scripts: readonly string[]): string[] {
  const missing = new Set<string>();
  for (const text of codeTexts(markdown)) {
    for (const match of text.matchAll(REPO_PATH)) {
      const path = match[1]!;
      if (/[<>*{}]/.test(text.slice(match.index, match.index + match[0].length + 1))) continue;
      if (!exists(path)) missing.add(path);
    }
    for (const match of text.matchAll(NPM_RUN)) {
      if (!scripts.includes(match[1]!) && !BUILT_IN.has(match[1]!)) missing.add(`npm run ${match[1]}`);
    }
  }
  return [...missing].sort();
}

describe('README commands and paths', () => {
  it('names only scripts and files that exist', () => {
    assert.deepEqual(missingReferences(README, (path) => existsSync(`${REPO}${path}`), SCRIPTS), []);
  });

  it('finds a path or a script that does not exist', () => {
    const sample = '```sh\nnpm run bench -- ingest\nnpm run benchmark\nnode scripts/bench.ts\n```\nsee `src/main.ts`, `src/nope.ts`';
    assert.deepEqual(missingReferences(sample, (path) => ['src/main.ts'].includes(path), ['bench']),
      ['npm run benchmark', 'scripts/bench.ts', 'src/nope.ts']);
  });
});
