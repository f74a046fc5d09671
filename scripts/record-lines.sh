#!/usr/bin/env bash
# Records fixtures/luajit-lines.txt with the system's LuaJIT: the source line of every bytecode
# (scripts/luajit/lines.lua) of each corpus program, decision program and conformance case.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v luajit >/dev/null || { echo "record-lines: luajit is not installed (scripts/check-tools.sh installs it)" >&2; exit 2; }
out=fixtures/luajit-lines.txt
: > "$out"
for f in fixtures/corpus/*.lua fixtures/decisions/*.lua packages/lua/test/conformance/cases/*.lua; do
  echo "== $f" >> "$out"
  luajit scripts/luajit/lines.lua "$f" >> "$out"
done
echo "recorded the line tables of $(grep -c '^== ' "$out") programs with $(luajit -v | cut -d' ' -f1-2)"
