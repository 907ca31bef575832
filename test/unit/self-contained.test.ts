// The repository is the product: nothing in it may point at, or read from, a path outside it (a user clones the
// repository alone). Checks every tracked file's text, relative `new URL(…, import.meta.url)` paths and markdown links.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const OUTSIDE_NAMES = /\.\.\/shared\b|\bshared\/(?:fixtures|protocols)\b|\b(?:DESIGN|CONVENTIONS)\.md\b/;
const URL_FROM_MODULE = /new URL\(\s*'(\.{1,2}\/[^']*)'\s*,\s*import\.meta\.url\s*\)/g;
const MARKDOWN_LINK = /\]\((?!https?:|#|mailto:)([^)\s#]+)(?:#[^)]*)?\)/g;

function trackedTextFiles(): string[] {
  const listed = existsSync(resolve(REPO, '.git'))
    ? execFileSync('git', ['ls-files', '-z'], { cwd: REPO, encoding: 'utf8' }).split('\0').filter(Boolean)
    : [];
  return listed.filter((file) => !/\.(gz|cbcap)$/.test(file) && !file.startsWith('test/fixtures/'));
}

function isInside(path: string): boolean {
  const rel = relative(REPO, path);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith('/'));
}

describe('the repository is self-contained', () => {
  const files = trackedTextFiles();

  it('lists the tracked files', () => {
    assert.ok(files.includes('package.json') && files.includes('README.md'), 'git ls-files must list the repository');
  });

  it('no tracked file names a folder beside the repository or its documents', () => {
    const offenders = files.filter((file) => OUTSIDE_NAMES.test(readFileSync(resolve(REPO, file), 'utf8')));
    assert.deepEqual(offenders, []);
  });

  it('every module-relative URL stays inside the repository', () => {
    const escapes: string[] = [];
    for (const file of files.filter((name) => name.endsWith('.ts'))) {
      for (const match of readFileSync(resolve(REPO, file), 'utf8').matchAll(URL_FROM_MODULE)) {
        if (!isInside(resolve(dirname(resolve(REPO, file)), match[1]!))) escapes.push(`${file}: ${match[1]}`);
      }
    }
    assert.deepEqual(escapes, []);
  });

  it('every relative markdown link resolves to a file in the repository', () => {
    const broken: string[] = [];
    for (const file of files.filter((name) => name.endsWith('.md'))) {
      for (const match of readFileSync(resolve(REPO, file), 'utf8').matchAll(MARKDOWN_LINK)) {
        const target = resolve(dirname(resolve(REPO, file)), decodeURIComponent(match[1]!));
        if (!isInside(target) || !existsSync(target)) broken.push(`${file}: ${match[1]}`);
      }
    }
    assert.deepEqual(broken, []);
  });

  it('the checks see an escape when there is one', () => {
    const beside = '../../../sha' + 'red/fixtures/kraken/';
    assert.ok(OUTSIDE_NAMES.test(`new URL('${beside}', import.meta.url)`));
    assert.equal([...`new URL('${beside}', import.meta.url)`.matchAll(URL_FROM_MODULE)].length, 1);
    assert.ok(!isInside(resolve(REPO, 'test/unit', beside)));
    assert.ok(isInside(resolve(REPO, 'test/fixtures/kraken')));
  });
});
