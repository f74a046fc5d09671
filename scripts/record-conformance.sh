#!/usr/bin/env bash
# Records the conformance suite's expectations (packages/lua/test/conformance): each
# cases/NAME.lua runs under its oracle, stdout goes to expected/NAME.out and an error
# message, if any, to expected/NAME.err. The oracle is lua5.1 unless the case's first line
# is `-- oracle: luajit`, which runs `luajit -joff` (LuaJIT-only features: bit, table.new,
# ffi, goto, %a). Pass case names to record only those.
set -euo pipefail
dir=$(cd "$(dirname "$0")/../packages/lua/test/conformance" && pwd)
cd "$dir/cases"
if [ $# -gt 0 ]; then cases=("${@/%/.lua}"); else cases=(*.lua); fi
for file in "${cases[@]}"; do
  name=${file%.lua}
  if head -n1 "$file" | grep -q '^-- oracle: luajit'; then oracle=(luajit -joff); else oracle=(lua5.1); fi
  rm -f "../expected/$name.err"
  if ! "${oracle[@]}" "$file" a1 a2 > "../expected/$name.out" 2> "../expected/$name.err.tmp" < /dev/null; then
    # Keep only the message line: `lua5.1: file:line: msg` without the traceback.
    sed -n '1s/^[^:]*: //p' "../expected/$name.err.tmp" > "../expected/$name.err"
  fi
  rm -f "../expected/$name.err.tmp"
done
echo "recorded ${#cases[@]} case(s)"
