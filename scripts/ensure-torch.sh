#!/usr/bin/env bash
# Installs Debian's python3-torch (PyTorch 1.13) for the tests that check Gradlens against the real
# library (gradlens verify) when /usr/bin/python3 cannot import torch. Needs root (CI runs as root) and apt.
set -euo pipefail
if /usr/bin/python3 -c 'import torch' >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-torch: /usr/bin/python3 has no torch; install it as root: apt-get install -y python3-torch" >&2
  exit 1
fi
echo "ensure-torch: installing python3-torch with apt-get" >&2
. "$(dirname "$0")/apt.sh"
# NB: a fresh container has no package lists; another ensure script may have fetched them already.
if ! apt_get install -y -qq python3-torch >/dev/null 2>&1; then
  apt_get update -qq
  apt_get install -y -qq python3-torch >/dev/null
fi
