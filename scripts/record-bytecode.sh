#!/usr/bin/env bash
# Records the `luajit -bl` listings the bytecode-fidelity test compares with: one .bl per corpus
# program (packages/lua/test/fixtures/bytecode/corpus) and per conformance case (…/conformance),
# each listed from its own folder so the chunk names are the bare file names.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
command -v luajit >/dev/null || { echo "record-bytecode: luajit is not installed (scripts/check-tools.sh installs it)" >&2; exit 2; }
record() {
  local src=$1 out=$2
  mkdir -p "$out"
  (cd "$src" && for f in *.lua; do luajit -bl "$f" > "$out/${f%.lua}.bl"; done)
}
record "$here/fixtures/corpus" "$here/packages/lua/test/fixtures/bytecode/corpus"
record "$here/packages/lua/test/conformance/cases" "$here/packages/lua/test/fixtures/bytecode/conformance"
echo "recorded $(ls "$here"/packages/lua/test/fixtures/bytecode/*/*.bl | wc -l) listings with $(luajit -v | cut -d' ' -f1-2)"
