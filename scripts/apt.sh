# Sourced by scripts/ensure-*.sh: apt-get that waits for a lock another process holds (a fresh
# machine runs unattended upgrades at boot; helpers may install at once) instead of failing.
export DEBIAN_FRONTEND=noninteractive
APT_LOCK_TIMEOUT=600

# NB: DPkg::Lock::Timeout waits for dpkg's locks (install), but apt 2.6's `update` still fails at
# once on /var/lib/apt/lists/lock, so update retries while that lock is what stopped it.
apt_get() {
  if [ "$1" != update ]; then
    apt-get -o DPkg::Lock::Timeout="$APT_LOCK_TIMEOUT" "$@"
    return
  fi
  local deadline=$((SECONDS + APT_LOCK_TIMEOUT)) err
  err=$(mktemp)
  while ! apt-get -o DPkg::Lock::Timeout="$APT_LOCK_TIMEOUT" "$@" 2>"$err"; do
    if ! grep -q 'Could not get lock' "$err" || [ "$SECONDS" -ge "$deadline" ]; then
      cat "$err" >&2
      rm -f "$err"
      return 1
    fi
    echo "apt-get update: waiting for another process's lock on the package lists" >&2
    sleep 2
  done
  rm -f "$err"
}
