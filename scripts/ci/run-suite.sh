#!/usr/bin/env bash
# The suite as a fresh clone runs it: `npm ci`, then `npm test`, in the current directory, with whatever `node` and
# `npm` are first on PATH. Its output also goes to the log file $1. Exits with the first failing step's status.
set -euo pipefail
log="$1"
: > "$log"
echo "node $(node --version), npm $(npm --version), $(uname -m), MGW_REQUIRE_NATIVE_UWS=${MGW_REQUIRE_NATIVE_UWS:-}, REQUIRE_PROMETHEUS=${REQUIRE_PROMETHEUS:-}, REQUIRE_SYSTEMD=${REQUIRE_SYSTEMD:-}" | tee -a "$log"
npm ci --no-audit --no-fund 2>&1 | tee -a "$log"
node --import tsx scripts/ci/platform.ts 2>&1 | tee -a "$log"
npm test 2>&1 | tee -a "$log"
