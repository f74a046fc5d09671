#!/bin/sh
# Re-records the conformance expectations from PUC Lua 5.1 (`lua5.1`): for every case
# test/conformance/cases/X.lua, its stdout goes to test/conformance/expected/X.out and,
# when lua5.1 exits non-zero, the error line (without the "lua5.1: " prefix and traceback)
# goes to X.err. Cases run from their own directory, so messages name the file as `X.lua:N:`.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
cases="$here/test/conformance/cases"
out="$here/test/conformance/expected"
command -v lua5.1 >/dev/null || { echo "record-conformance: lua5.1 not found on PATH" >&2; exit 1; }
rm -rf "$out"
mkdir -p "$out"
cd "$cases"
for f in *.lua; do
  name=${f%.lua}
  if lua5.1 "$f" > "$out/$name.out" 2> "$out/$name.stderr"; then
    rm "$out/$name.stderr"
  else
    head -n 1 "$out/$name.stderr" | sed 's/^lua5\.1: //' > "$out/$name.err"
    rm "$out/$name.stderr"
  fi
done
echo "recorded $(ls "$cases" | wc -l) cases ($(ls "$out" | grep -c '\.err$') with errors) into $out"
