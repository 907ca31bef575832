#!/usr/bin/env bash
# CI leg 2: Node 24 from the npm registry's `node@24` package on this host. On glibc < 2.38 (Debian 12) no native
# uWebSockets.js build loads: the gateway falls back to `ws`, the native-hub tests are skipped with the reason and
# everything else (the ws hub included) must pass. A copy of the working tree gets its own `npm ci` under Node 24.
# Run locally: scripts/ci/leg-node24-host.sh
set -euo pipefail
LEG=node24-host
source "$(dirname "$0")/common.sh"
started=$(date +%s)
log="$CI_CACHE/logs/$LEG.log"

bin="$(node24_bin)"
work="$(mktemp -d "${TMPDIR:-/tmp}/mgw-ci-$LEG.XXXXXX")"
trap 'rm -rf "$work"' EXIT
copy_tree "$work/repo"
say "npm ci && npm test with $("$bin/node" --version) in $work/repo (log: $log)"
status=0
(cd "$work/repo" && PATH="$bin:$PATH" timeout --kill-after=30s 1800 env -u MGW_REQUIRE_NATIVE_UWS \
  scripts/ci/run-suite.sh "$log") || status=$?
skipped_native="$(grep -acE '# (SKIP )?no native uWebSockets\.js' "$log" || true)"
say "native-hub tests skipped here: $skipped_native"
leg_summary "$status" "$log" "$started"
exit "$status"
