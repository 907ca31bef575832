import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { importCycles, importGraph, listTypeScriptFiles } from '../support/import-graph.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

function cyclesUnder(root: string): string[][] {
  return importCycles(importGraph(listTypeScriptFiles(root)), root);
}

describe('import cycles', () => {
  for (const folder of ['src', 'scripts', 'test']) {
    it(`${folder}/ has none, type-only imports included`, () => {
      assert.deepEqual(cyclesUnder(join(REPO, folder)), []);
    });
  }

  it('the check finds a type-only cycle and a dynamic import cycle', () => {
    const root = mkdtempSync(join(tmpdir(), 'mgw-cycles-'));
    mkdirSync(join(root, 'sub'));
    writeFileSync(join(root, 'a.ts'), "import type { B } from './sub/b.ts';\nexport type A = B;\n");
    writeFileSync(join(root, 'sub', 'b.ts'), "export type { A } from '../a.ts';\nexport type B = 1;\n");
    writeFileSync(join(root, 'c.ts'), "export const load = () => import('./d.ts');\n");
    writeFileSync(join(root, 'd.ts'), "import { load } from './c.ts';\nexport { load };\n");
    writeFileSync(join(root, 'e.ts'), "import { load } from './c.ts';\nexport const e = load;\n");
    assert.deepEqual(cyclesUnder(root).map((cycle) => cycle.join(' ')).sort(), ['a.ts sub/b.ts', 'c.ts d.ts']);
  });
});
