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
# LuaJIT head's -jv log of the ffi reproducer, as the reference records it (section 7.2): no
# LuaJIT with the #1169 fix is installed here; scripts/record-repro-jv.sh records Debian's.
awk '/^### 7.2/{on=1} on&&/^```$/{n++; if(n==2) exit; next} on&&n==1' "$src/reference/luajit-trace-mechanics.md" | grep '^\[TRACE' > "$here/fixtures/lj-1169-repro.head.jv"
echo "extracted $(wc -l < "$here/fixtures/lj-1169-repro.head.jv") head -jv lines of lj-1169-repro.lua"
