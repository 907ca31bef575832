// Tests that need a binary from a Debian package (prometheus, promtool, systemd-analyze). Where it is absent they
// are skipped with the reason printed; the CI leg that installs them sets REQUIRE_PROMETHEUS=1 / REQUIRE_SYSTEMD=1,
// and there a missing binary fails the test instead. (Not MGW_*: the gateway rejects MGW_* variables it does not know.)
import { spawnSync } from 'node:child_process';

export interface ToolCheck {
  /** For `it(name, { skip })`: false when the tool is there or required (then the test runs and fails if absent). */
  readonly skip: string | false;
  readonly found: boolean;
}

export function checkTool(tool: string, debianPackage: string, requiredBy: 'REQUIRE_PROMETHEUS' | 'REQUIRE_SYSTEMD'): ToolCheck {
  const found = spawnSync(tool, ['--version'], { stdio: 'ignore' }).error === undefined;
  if (found || process.env[requiredBy] === '1') return { skip: false, found };
  return { skip: `${tool} not installed (Debian package ${debianPackage}; set ${requiredBy}=1 to make this a failure)`, found };
}

export function run(tool: string, args: readonly string[], input?: string): { status: number | null; output: string } {
  const result = spawnSync(tool, [...args], { encoding: 'utf8', input, timeout: 60_000 });
  if (result.error !== undefined) return { status: null, output: result.error.message };
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}
