#!/usr/bin/env bash
# Installs Debian's chromium for the WebGPU tests (test/webgpu) when it is missing; they drive it
# through playwright-core, never a downloaded browser. Needs root (CI runs as root) and apt.
set -euo pipefail
CHROMIUM="${GRADLENS_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-chromium: $CHROMIUM is missing; install it as root: apt-get install -y chromium" >&2
  exit 1
fi
echo "ensure-chromium: installing chromium with apt-get" >&2
. "$(dirname "$0")/apt.sh"
apt_get update -qq
apt_get install -y -qq chromium >/dev/null
