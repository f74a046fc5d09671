#!/usr/bin/env bash
# Records fixtures/lint/*.jdump with the system's LuaJIT (Debian's 2.1.0-beta3, which
# scripts/check-tools.sh installs): `luajit -jdump=+rsm,FILE` of the #1169 reproducers, the ffi
# original and the corpus's number version. That LuaJIT segfaults on both; dump.lua has written
# every finished trace by then, so the file holds the dump up to the crash.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v luajit >/dev/null || { echo "record-lint-dumps: luajit is not installed (scripts/check-tools.sh installs it)" >&2; exit 2; }
mkdir -p fixtures/lint
record() { # DIR PROGRAM OUTPUT
  local out="$PWD/fixtures/lint/$3"
  rm -f "$out"
  (cd "$1" && luajit -jdump=+rsm,"$out" "$2" >/dev/null 2>&1) || echo "record-lint-dumps: $2 exited with $? (expected: this LuaJIT crashes on #1169)" >&2
  [ -s "$out" ] || { echo "record-lint-dumps: $out is empty" >&2; exit 1; }
}
record fixtures lj-1169-repro.lua lj-1169-repro.jdump
record fixtures/corpus issue1169_num17.lua issue1169_num17.jdump
echo "recorded $(ls fixtures/lint/*.jdump | wc -l) dumps with $(luajit -v | cut -d' ' -f1-2)"
