#!/usr/bin/env bash
# Re-records fixtures/decisions/*.jv with the system's LuaJIT (`luajit -jv`, Debian's 2.1.0-beta3).
set -euo pipefail
cd "$(dirname "$0")/../fixtures/decisions"
command -v luajit >/dev/null || { echo "record-decisions: luajit is not installed (scripts/check-tools.sh installs it)" >&2; exit 2; }
for f in *.lua; do luajit -jv "$f" > /dev/null 2> "${f%.lua}.jv"; done
echo "recorded $(ls *.jv | wc -l) logs with $(luajit -v | cut -d' ' -f1-2)"
