# Sourced by the leg scripts: where the legs keep what they download, and the steps every leg shares.
# Bash only; every leg runs with `set -euo pipefail`.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# Outside the repository: Node 24, the Debian 13 root and leg logs survive between runs on one machine.
CI_CACHE="${MGW_CI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/market-gateway-ci}"
mkdir -p "$CI_CACHE/logs"

say() { printf '[%s] %s\n' "$LEG" "$*" >&2; }
die() { say "error: $*"; exit 1; }

# Copies the working tree (tracked and untracked-but-not-ignored files: what a clone has, plus uncommitted edits)
# into $1 and stages it in a new git repository there (test/unit/self-contained.test.ts lists files with git).
copy_tree() {
  local dest="$1"
  mkdir -p "$dest"
  (cd "$REPO_ROOT" && git ls-files -z --cached --others --exclude-standard --deduplicate \
    | while IFS= read -r -d '' file; do [[ -e "$file" ]] && printf '%s\0' "$file"; done \
    | tar --null -T - -cf -) | tar -xf - -C "$dest"
  git -C "$dest" -c init.defaultBranch=ci init -q
  git -C "$dest" add -A
}

# Node 24 from the npm registry's `node@24` package, installed once into the cache. Prints its bin directory.
node24_bin() {
  local prefix="$CI_CACHE/node24"
  local bin="$prefix/node_modules/node/bin"
  if [[ ! -x "$bin/node" ]] || [[ "$("$bin/node" --version)" != v24.* ]]; then
    say "installing node@24 from the npm registry into $prefix"
    rm -rf "$prefix"
    npm install --prefix "$prefix" --no-audit --no-fund --no-save --loglevel=error node@24 >&2
  fi
  [[ -x "$bin/node" ]] || die "node@24 did not install a node binary at $bin/node"
  printf '%s\n' "$bin"
}

# "tests N, pass N, fail N, skipped N" from a node:test log (TAP `# tests N` or spec `ℹ tests N`).
test_counts() {
  local log="$1" key value out=()
  for key in tests pass fail skipped; do
    value="$(grep -aE "^(#|ℹ) $key [0-9]+$" "$log" 2>/dev/null | tail -n 1 | awk '{print $3}')"
    out+=("$key ${value:-0}")
  done
  local IFS=,
  printf '%s\n' "${out[*]}" | sed 's/,/, /g'
}

# The line .ci/run collects: `leg <name>: tests N, pass N, fail N, skipped N, S s, ok|FAILED (exit N); <platform>`.
leg_summary() {
  local status="$1" log="$2" started="$3"
  local verdict=ok platform
  [[ "$status" -eq 0 ]] || verdict="FAILED (exit $status)"
  platform="$(sed -nE 's/^platform: //p' "$log" 2>/dev/null | tail -n 1)"
  printf 'leg %s: %s, %d s, %s; %s\n' "$LEG" "$(test_counts "$log")" "$(( $(date +%s) - started ))" "$verdict" \
    "${platform:-platform unknown}"
}

# Debian packages the operations tests need on the host leg: prometheus (prometheus, promtool) and systemd
# (systemd-analyze). Installed with apt-get when a binary is missing; the leg then requires them (REQUIRE_*=1).
ensure_ops_tools() {
  local missing=()
  command -v prometheus >/dev/null && command -v promtool >/dev/null || missing+=(prometheus)
  command -v systemd-analyze >/dev/null || missing+=(systemd)
  [[ ${#missing[@]} -eq 0 ]] && return 0
  say "installing ${missing[*]} from Debian's packages (the operations tests need them)"
  apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
}
