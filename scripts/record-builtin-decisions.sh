#!/usr/bin/env bash
# Writes fixtures/decisions/builtins/ff_NAME.lua for each NAME|CALL line of builtins.txt (the
# call in a hot loop) and records each program's -jv log with the system's LuaJIT (Debian's
# 2.1.0-beta3) as ff_NAME.jv, and its output under `luajit -joff` as ff_NAME.out.
set -euo pipefail
cd "$(dirname "$0")/../fixtures/decisions/builtins"
command -v luajit >/dev/null || { echo "record-builtin-decisions: luajit is not installed (scripts/check-tools.sh installs it)" >&2; exit 2; }
rm -f ff_*.lua ff_*.jv ff_*.out
while IFS='|' read -r name call; do
  case "$name" in ''|'#'*) continue ;; esac
  program="ff_${name//./_}"
  cat > "$program.lua" <<LUA
-- Decision program for $name (fixtures/decisions/builtins/builtins.txt): is the call recorded or stitched?
local t, s, x = {1, 2, 3}, "hello", 0
for i = 1, 100 do
  local r = $call
  x = x + 1
end
print(x)
LUA
  luajit -jv "$program.lua" > /dev/null 2> "$program.jv"
  luajit -joff "$program.lua" > "$program.out"
done < builtins.txt
echo "recorded $(ls ff_*.jv | wc -l) builtin decision logs with $(luajit -v | cut -d' ' -f1-2)"
