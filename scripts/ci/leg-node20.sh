#!/usr/bin/env bash
# CI leg 1: the system Node 20 (Debian 12: the trufflesuite uWS 20.30 build loads). A copy of the working tree gets a
# fresh `npm ci` and the full `npm test`; native uWebSockets.js is required (MGW_REQUIRE_NATIVE_UWS=1), so a broken
# loader fails instead of skipping. The operations tests run here for real: Debian's prometheus (prometheus,
# promtool: a real scrape, rule checks and rule unit tests) and systemd (systemd-analyze verify of the unit) are
# installed if missing and required (REQUIRE_PROMETHEUS=1, REQUIRE_SYSTEMD=1). Run locally: scripts/ci/leg-node20.sh
set -euo pipefail
LEG=node20
source "$(dirname "$0")/common.sh"
started=$(date +%s)
log="$CI_CACHE/logs/$LEG.log"

version="$(node --version)"
[[ "$version" == v20.* ]] || die "this leg runs on the system Node 20, but \`node\` is $version"
work="$(mktemp -d "${TMPDIR:-/tmp}/mgw-ci-$LEG.XXXXXX")"
trap 'rm -rf "$work"' EXIT
copy_tree "$work/repo"
ensure_ops_tools
say "npm ci && npm test in $work/repo (log: $log)"
status=0
(cd "$work/repo" && MGW_REQUIRE_NATIVE_UWS=1 REQUIRE_PROMETHEUS=1 REQUIRE_SYSTEMD=1 timeout --kill-after=30s 1800 scripts/ci/run-suite.sh "$log") || status=$?
leg_summary "$status" "$log" "$started"
exit "$status"
