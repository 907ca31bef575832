// The service definitions start the compiled daemon with node directly (no npm, no shell, no TypeScript loader):
// the systemd unit passes `systemd-analyze verify` and has its hardening, restart limits and readiness probe; the
// Windows install script's WinSW definition, with its PowerShell variables filled in, has the command line, paths
// and restart policy the README describes.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkTool, run } from '../support/external-tools.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const UNIT_PATH = `${ROOT}systemd/market-gateway.service`;
const UNIT = readFileSync(UNIT_PATH, 'utf8');
const PS1 = readFileSync(`${ROOT}scripts/service/install-windows-service.ps1`, 'utf8');
const systemdAnalyze = checkTool('systemd-analyze', 'systemd', 'REQUIRE_SYSTEMD');

/** `Key=value` lines of a unit (a key given twice keeps every value). */
function unitValues(text: string, key: string): string[] {
  return [...text.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((match) => match[1]!);
}

describe('systemd unit', () => {
  it('passes systemd-analyze verify', { skip: systemdAnalyze.skip }, () => {
    assert.ok(systemdAnalyze.found, 'systemd-analyze is installed');
    const dir = mkdtempSync(join(tmpdir(), 'mgw-unit-'));
    copyFileSync(UNIT_PATH, join(dir, 'market-gateway.service'));
    const { status, output } = run('systemd-analyze', ['verify', '--man=no', join(dir, 'market-gateway.service')]);
    assert.equal(output.trim(), '');
    assert.equal(status, 0);
  });

  it('starts the compiled daemon with node, no npm or tsx, and waits for /healthz', () => {
    assert.deepEqual(unitValues(UNIT, 'ExecStart'), ['node dist/main.js --config /etc/market-gateway/config.json']);
    assert.deepEqual(unitValues(UNIT, 'ExecStartPost'),
      ['node dist/main.js status --config /etc/market-gateway/config.json --wait-healthy 30']);
    assert.doesNotMatch(UNIT, /^Exec\w+=.*\b(npm|tsx|sh -c)\b/m);
    assert.deepEqual(unitValues(UNIT, 'Type'), ['exec']);
    assert.deepEqual(unitValues(UNIT, 'WorkingDirectory'), ['/opt/market-gateway']);
  });

  it('is hardened and may write only its log directory', () => {
    assert.deepEqual(unitValues(UNIT, 'NoNewPrivileges'), ['true']);
    assert.deepEqual(unitValues(UNIT, 'ProtectSystem'), ['strict']);
    assert.deepEqual(unitValues(UNIT, 'ReadWritePaths'), ['-/mnt/d/market-gateway/logs', '-/opt/market-gateway/logs']);
    assert.deepEqual(unitValues(UNIT, 'PrivateTmp'), ['true']);
  });

  it('restarts always, within a start limit, but not after a bad configuration (exit 2)', () => {
    assert.deepEqual(unitValues(UNIT, 'Restart'), ['always']);
    assert.deepEqual(unitValues(UNIT, 'RestartSec'), ['2']);
    assert.deepEqual(unitValues(UNIT, 'StartLimitIntervalSec'), ['300']);
    assert.deepEqual(unitValues(UNIT, 'StartLimitBurst'), ['5']);
    assert.deepEqual(unitValues(UNIT, 'RestartPreventExitStatus'), ['2']);
    assert.deepEqual(unitValues(UNIT, 'KillSignal'), ['SIGTERM']);
  });
});

/** The WinSW XML of the install script with its PowerShell variables replaced, as the script writes it. */
function winswXml(script: string, values: Readonly<Record<string, string>>): string {
  const match = /\$xml = @"\r?\n([\s\S]*?)\r?\n"@/.exec(script);
  assert.ok(match, 'the script has the WinSW XML here-string');
  return match[1]!.replace(/\$(\w+)/g, (whole, name: string) => {
    const value = values[name];
    assert.ok(value !== undefined, `a value for $${name}`);
    return value;
  });
}

function element(xml: string, name: string): string[] {
  return [...xml.matchAll(new RegExp(`<${name}(?: [^>]*)?>([^<]*)</${name}>|<${name} ([^>]*)/>`, 'g'))]
    .map((m) => (m[1] ?? m[2])!);
}

describe('Windows install script', () => {
  const xml = winswXml(PS1, {
    ServiceName: 'market-gateway', node: 'C:\\Program Files\\nodejs\\node.exe', main: 'C:\\market-gateway\\dist\\main.js',
    config: 'C:\\market-gateway\\config\\windows.example.json', root: 'C:\\market-gateway', LogDir: 'D:\\market-gateway\\logs',
  });

  it('runs node.exe on dist\\main.js directly with the config, from the checkout', () => {
    assert.deepEqual(element(xml, 'executable'), ['C:\\Program Files\\nodejs\\node.exe']);
    assert.deepEqual(element(xml, 'arguments'),
      ['"C:\\market-gateway\\dist\\main.js" --config "C:\\market-gateway\\config\\windows.example.json"']);
    assert.deepEqual(element(xml, 'workingdirectory'), ['C:\\market-gateway']);
    assert.doesNotMatch(xml, /\b(npm|tsx)\b/);
    assert.match(PS1, /^\$main = Join-Path \$root "dist\\main\.js"$/m);
    assert.match(PS1, /^\$node = \(Get-Command node\.exe\)\.Source$/m);
  });

  it('starts with Windows, restarts after a failure, stops with Ctrl+C, logs on D:', () => {
    assert.deepEqual(element(xml, 'startmode'), ['Automatic']);
    assert.deepEqual(element(xml, 'onfailure'), ['action="restart" delay="2 sec"', 'action="restart" delay="10 sec"',
      'action="restart" delay="60 sec"']);
    assert.deepEqual(element(xml, 'stoptimeout'), ['10 sec']);
    assert.deepEqual(element(xml, 'logpath'), ['D:\\market-gateway\\logs']);
    assert.match(PS1, /\[string\]\$LogDir = "D:\\market-gateway\\logs"/);
    assert.match(PS1, /\[string\]\$ConfigPath = "\$PSScriptRoot\\\.\.\\\.\.\\config\\windows\.example\.json"/);
  });

  it('takes WinSW from the npm registry (node-windows) and installs it outside the checkout', () => {
    assert.match(PS1, /\[string\]\$WinswPackage = "node-windows@1\.0\.0-beta\.8"/);
    assert.match(PS1, /& npm pack \$WinswPackage/);
    assert.match(PS1, /package\/bin\/winsw\/winsw\.exe/);
    assert.match(PS1, /\[string\]\$ServiceDir = "\$env:ProgramData\\market-gateway"/);
    assert.match(PS1, /\$ServiceName\.exe"\) install\r?\n/);
  });
});
