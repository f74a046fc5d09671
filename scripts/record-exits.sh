#!/usr/bin/env bash
# Records fixtures/exits/*.texit with the system's LuaJIT (Debian's 2.1.0-beta3): the trace
# start/stop/abort lines and every exit taken (`luajit -jdump=tx`), for each corpus program.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v luajit >/dev/null || { echo "record-exits: luajit is not installed (scripts/check-tools.sh installs it)" >&2; exit 2; }
mkdir -p fixtures/exits
for f in fixtures/corpus/*.lua; do
  name=$(basename "$f" .lua)
  # The #1169 program segfaults under this LuaJIT: keep what it printed before.
  { (cd fixtures/corpus && luajit -jdump=tx "$name.lua" 2>&1 || true) 2>/dev/null; } | grep '^---- TRACE' > "fixtures/exits/$name.texit" || true
done
echo "recorded $(ls fixtures/exits/*.texit | wc -l) exit logs with $(luajit -v | cut -d' ' -f1-2)"
