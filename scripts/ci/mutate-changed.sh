#!/usr/bin/env bash
# Mutation testing on the files a change touches (a full run takes over 10 minutes on 2 cores). Not part of `npm test`.
# Usage: scripts/ci/mutate-changed.sh [BASE]   (BASE: the commit to compare with; default main)
# Runs `npm run mutate` on the added or modified files under src/ that the mutation config covers; exits 0 when none.
set -euo pipefail
cd "$(dirname "$0")/../.."
base="${1:-main}"
mapfile -t changed < <(git diff --name-only --diff-filter=AM "$(git merge-base "$base" HEAD)" HEAD -- 'src/*.ts')
if [ "${#changed[@]}" -eq 0 ]; then
  echo "mutate-changed: no source file changed since $base"
  exit 0
fi
npm run --silent mutate -- "${changed[@]}"
