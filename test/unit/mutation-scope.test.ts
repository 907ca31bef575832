// npm run mutate takes any file list (CI passes every file a change touched) and mutates only those in the config's scope.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { inScope } from '../../scripts/mutation/scope.ts';

const MUTATE = (JSON.parse(readFileSync(new URL('../mutation/stryker.config.json', import.meta.url), 'utf8')) as { mutate: string[] }).mutate;

describe('mutation scope', () => {
  it('src/exchanges and src/book entirely, and the named policy files of src/feed', () => {
    for (const file of ['src/exchanges/kraken/parse.ts', './src/book/book-store.ts', 'src/exchanges/registry.ts',
      'src/feed/resync-budget.ts', 'src/feed/silence-watch.ts', 'src/feed/paced-sender.ts']) assert.equal(inScope(file, MUTATE), true, file);
    for (const file of ['src/feed/session-driver.ts', 'src/server/fanout.ts', 'src/exchanges/kraken/README.md', 'README.md',
      'test/unit/book-store.test.ts', 'src/bookish/x.ts']) assert.equal(inScope(file, MUTATE), false, file);
  });
});
