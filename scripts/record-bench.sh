#!/usr/bin/env bash
# Records fixtures/bench/expected/NAME.out: what Debian's LuaJIT (JIT on) prints for each
# benchmark program at its test size (fixtures/bench/sizes.txt). The bench-programs test
# checks tracesim, JIT on, against these.
set -euo pipefail
cd "$(dirname "$0")/../fixtures/bench"
command -v luajit >/dev/null || { echo "record-bench: luajit is not installed (scripts/check-tools.sh installs it)" >&2; exit 2; }
n=0
while read -r name test _; do
  case "$name" in ''|'#'*) continue ;; esac
  luajit "$name.lua" "$test" > "expected/$name.out"
  n=$((n + 1))
done < sizes.txt
echo "recorded $n benchmark outputs with $(luajit -v | cut -d' ' -f1-2)"
