#!/usr/bin/env bash
# Records Debian LuaJIT's -jv logs of the #1169 reproducers in fixtures/: lj-1169-repro.jv (the
# ffi reproducer) and lj-1169-repro-cat3.jv (string live values built by three-operand
# concatenations), with lj-1169-repro-cat3.out, that program's output under `luajit -joff`.
# That LuaJIT segfaults on both (exit 139); the trace lines it wrote before the crash are the log.
set -euo pipefail
cd "$(dirname "$0")/../fixtures"
command -v luajit >/dev/null || { echo "record-repro-jv: luajit is not installed (scripts/check-tools.sh installs it)" >&2; exit 2; }
for program in lj-1169-repro lj-1169-repro-cat3; do
  status=0
  luajit -jv "$program.lua" > /dev/null 2> "$program.jv" || status=$?
  echo "$program: recorded $(grep -c '^\[TRACE' "$program.jv") trace lines with $(luajit -v | cut -d' ' -f1-2) (exit status $status)"
done
luajit -joff lj-1169-repro-cat3.lua > lj-1169-repro-cat3.out
echo "lj-1169-repro-cat3.out: $(wc -l < lj-1169-repro-cat3.out) lines from luajit -joff"
