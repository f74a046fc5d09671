#!/bin/sh
# Re-records the bytecode-fidelity expectations with Debian's LuaJIT 2.1: `luajit -bl X.lua`
# for every corpus program (fixtures/corpus) into test/fixtures/bytecode/corpus/X.bl and for
# every conformance case into test/fixtures/bytecode/conformance/X.bl. Each runs from its
# own directory so listings name the file by its basename.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
out="$here/test/fixtures/bytecode"
command -v luajit >/dev/null || { echo "record-bytecode: luajit not found on PATH" >&2; exit 1; }
record() {
  src=$1
  dst=$2
  rm -rf "$dst"
  mkdir -p "$dst"
  cd "$src"
  for f in *.lua; do
    luajit -bl "$f" > "$dst/${f%.lua}.bl"
  done
  echo "recorded $(ls "$dst" | wc -l) listings into $dst"
}
record "$here/../../fixtures/corpus" "$out/corpus"
record "$here/test/conformance/cases" "$out/conformance"
