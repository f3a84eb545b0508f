#!/usr/bin/env bash
# Installs Debian's neovim for the Neovim LSP test (test/lsp/neovim) when it is missing. Needs
# root (CI runs as root) and apt.
set -euo pipefail
if command -v nvim >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-neovim: nvim is missing; install it as root: apt-get install -y neovim" >&2
  exit 1
fi
echo "ensure-neovim: installing neovim with apt-get" >&2
. "$(dirname "$0")/apt.sh"
# NB: a fresh container has no package lists; chromium's script may have fetched them already.
if ! apt_get install -y -qq neovim >/dev/null 2>&1; then
  apt_get update -qq
  apt_get install -y -qq neovim >/dev/null
fi
