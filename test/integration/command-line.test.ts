// The daemon's command line as a person types it: --help prints usage and exits 0, --version the version.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { startGatewayProcess } from '../support/gateway-process.ts';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

describe('command line', () => {
  for (const flag of ['--help', '-h']) {
    it(`${flag} prints usage, the flags and where the config reference is, and exits 0`, async () => {
      const daemon = startGatewayProcess([flag, '--port', 'ignored']);
      assert.equal(await daemon.exited, 0, daemon.stderr());
      assert.match(daemon.stdout(), /^usage: market-gateway \[--config <file\.json>\] \[--print-config\] \[--help\] \[--version\]$/m);
      for (const text of ['--config <file.json>', '--print-config', 'MGW_SERVER_PORT', 'README.md, section "Configuration"',
        'Exit codes: 0']) {
        assert.ok(daemon.stdout().includes(text), `help mentions ${text}`);
      }
      assert.equal(daemon.stderr(), '');
    });
  }

  it('--version prints the version and exits 0', async () => {
    const daemon = startGatewayProcess(['--version']);
    assert.equal(await daemon.exited, 0, daemon.stderr());
    assert.equal(daemon.stdout(), `market-gateway ${VERSION}\n`);
  });

  it('an unknown argument still stops start-up with exit 2 and the usage', async () => {
    const daemon = startGatewayProcess(['--verbose']);
    assert.equal(await daemon.exited, 2);
    assert.match(daemon.stderr(), /--verbose: unknown command-line argument \(usage: market-gateway/);
  });
});
