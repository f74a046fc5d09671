#!/usr/bin/env bash
# Records fixtures/gc/*.out: each collector test program's output under lua5.1.
set -euo pipefail
cd "$(dirname "$0")/../fixtures/gc"
command -v lua5.1 >/dev/null || { echo "record-gc: lua5.1 is not installed (scripts/check-tools.sh installs it)" >&2; exit 2; }
for f in *.lua; do lua5.1 "$f" > "${f%.lua}.out"; done
echo "recorded $(ls *.out | wc -l) outputs with $(lua5.1 -v 2>&1 | cut -d' ' -f1-2)"
