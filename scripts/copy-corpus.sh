#!/usr/bin/env bash
# Re-copies the shared LuaJIT corpus (programs, lua5.1 outputs, real LuaJIT -jv/-jdump
# logs) and the #1169 reproducer into fixtures/. Tests read only fixtures/, never ../shared.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
src=${1:-$here/../shared}
mkdir -p "$here/fixtures/corpus"
cp "$src"/corpus/* "$here/fixtures/corpus/"
cp "$src/reference/lj-1169-repro.lua" "$here/fixtures/"
echo "copied $(ls "$src"/corpus | wc -l) corpus files from $src"
