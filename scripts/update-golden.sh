#!/usr/bin/env bash
# Regenerates the golden listings in examples/golden/ (IR, mcode and event log of every example
# trace file, from `tracesim replay --listing --on-violation continue`). Run it only when a change
# to the backend or the engine is meant to change them, and review the diff.
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc -b packages/cli
mkdir -p examples/golden
for f in examples/*.trace examples/links/*.trace; do
  name=$(echo "${f#examples/}" | tr '/' '-')
  node packages/cli/bin/tracesim.js replay --listing --on-violation continue "$f" > "examples/golden/${name%.trace}.txt" || [ $? -eq 1 ]
done
echo "golden listings written to examples/golden/"
