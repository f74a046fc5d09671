#!/usr/bin/env bash
# Records fixtures/exits/*.texit with the system's LuaJIT (Debian's 2.1.0-beta3): the trace
# start/stop/abort lines and every exit taken (`luajit -jdump=tx`), for each corpus program.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v luajit >/dev/null || { echo "record-exits: luajit is not installed (scripts/check-tools.sh installs it)" >&2; exit 2; }
mkdir -p fixtures/exits
for f in fixtures/corpus/*.lua; do
  name=$(basename "$f" .lua)
  # The #1169 program segfaults under this LuaJIT: keep what it printed before, and its exit
  # status in NAME.status (a log cut by a crash is compared up to the crash).
  rm -f "fixtures/exits/$name.status"
  { (cd fixtures/corpus && luajit -jdump=tx "$name.lua" 2>&1; echo "exit status $?" >&2) 2>"fixtures/exits/$name.stderr"; } | grep '^---- TRACE' > "fixtures/exits/$name.texit" || true
  status=$(sed -n 's/^exit status //p' "fixtures/exits/$name.stderr")
  rm -f "fixtures/exits/$name.stderr"
  if [ "$status" != 0 ]; then echo "$status" > "fixtures/exits/$name.status"; fi
done
echo "recorded $(ls fixtures/exits/*.texit | wc -l) exit logs with $(luajit -v | cut -d' ' -f1-2)"
