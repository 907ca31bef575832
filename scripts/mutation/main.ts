// npm run mutate [-- FILE...]: StrykerJS over the pure core and the connector's policies (test/mutation/stryker.config.json),
// with concurrency 1. With files, only those of them that are in the mutation scope are mutated (the others are
// ignored), so CI can pass every file a change touched; none in scope → exit 0 without running.
// Reports: reports/mutation/mutation.{html,json} (git-ignored).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { inScope } from './scope.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CONFIG = 'test/mutation/stryker.config.json';

const config = JSON.parse(readFileSync(new URL(`../../${CONFIG}`, import.meta.url), 'utf8')) as { mutate: string[] };
const requested = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const passThrough = process.argv.slice(2).filter((arg) => arg.startsWith('-'));
const args = ['run', CONFIG, ...passThrough];
if (requested.length > 0) {
  const files = requested.filter((file) => inScope(file, config.mutate));
  const skipped = requested.filter((file) => !files.includes(file));
  if (skipped.length > 0) process.stdout.write(`mutate: not in the mutation scope, skipped: ${skipped.join(' ')}\n`);
  if (files.length === 0) {
    process.stdout.write('mutate: no file in the mutation scope; nothing to do\n');
    process.exit(0);
  }
  args.push('--mutate', files.join(','));
}
const run = spawnSync(process.execPath, [fileURLToPath(new URL('../../node_modules/@stryker-mutator/core/bin/stryker.js', import.meta.url)),
  ...args], { cwd: ROOT, stdio: 'inherit' });
process.exit(run.status ?? 1);
