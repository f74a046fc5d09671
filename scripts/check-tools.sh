#!/usr/bin/env bash
# Makes sure the external oracles the tests call are present: gcc (builds the native
# CPU harness), GNU as and objdump (binutils), lua5.1 and luajit (reference outputs and
# bytecode listings for generated programs), python3 (C printf formatting), chromium (the HTML
# report's browser test, driven headless by playwright-core). Installs them
# with apt-get when running as root on Debian/Ubuntu; otherwise names what is missing.
set -euo pipefail
need=()
for tool in gcc as objdump lua5.1 luajit python3 chromium; do command -v "$tool" >/dev/null 2>&1 || need+=("$tool"); done
[ ${#need[@]} -eq 0 ] && exit 0
echo "check-tools: missing ${need[*]}; the oracle tests need them." >&2
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "check-tools: installing them with apt-get ..." >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc binutils libc6-dev lua5.1 luajit python3 chromium >&2
  exit 0
fi
echo "check-tools: install them (Debian/Ubuntu: sudo apt-get install gcc binutils lua5.1 luajit python3 chromium) and run again." >&2
exit 1
