#!/usr/bin/env bash
# Records fixtures/lj-1169-repro.jv: Debian LuaJIT's -jv log of the ffi #1169 reproducer. That
# LuaJIT segfaults on it (exit 139); the trace lines it wrote before the crash are the log.
set -euo pipefail
cd "$(dirname "$0")/../fixtures"
command -v luajit >/dev/null || { echo "record-repro-jv: luajit is not installed (scripts/check-tools.sh installs it)" >&2; exit 2; }
status=0
luajit -jv lj-1169-repro.lua > /dev/null 2> lj-1169-repro.jv || status=$?
echo "recorded $(grep -c '^\[TRACE' lj-1169-repro.jv) trace lines with $(luajit -v | cut -d' ' -f1-2) (exit status $status)"
