/**
 * Issue 12.13: the CI scripts that install Debian packages (scripts/ensure-*.sh, through
 * scripts/apt.sh) wait for a dpkg or package-list lock another process holds (a fresh machine's
 * unattended upgrades, a helper installing at once) instead of failing. A fake apt-get first on
 * PATH plays the other process: it answers "Could not get lock" a few times, then succeeds.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const APT = resolve('scripts/apt.sh');
// Every ensure script, read from the folder so a new one cannot be left out.
const ENSURE = readdirSync('scripts')
  .filter((name) => /^ensure-.*\.sh$/.test(name))
  .map((name) => `scripts/${name}`);

/** An apt-get that logs its arguments and fails with `error` for its first `failures` calls. */
const FAKE_APT_GET = `#!/usr/bin/env bash
n=$(($(cat "$STATE/count" 2>/dev/null || echo 0) + 1))
echo "$n" > "$STATE/count"
echo "$*" >> "$STATE/calls"
if [ "$n" -le "$FAILURES" ]; then echo "$ERROR" >&2; exit 100; fi
`;

describe('CI scripts wait for a package lock another process holds (issue 12.13)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gradlens-apt-'));
    writeFileSync(join(dir, 'apt-get'), FAKE_APT_GET);
    chmodSync(join(dir, 'apt-get'), 0o755);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** `apt_get ARGS` in bash with apt.sh sourced; `sleep` is a no-op so the retries take no time. */
  function aptGet(args: string, failures: number, error: string) {
    const r = spawnSync('bash', ['-c', `sleep() { :; }; . "${APT}"; apt_get ${args}`], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, STATE: dir, FAILURES: String(failures), ERROR: error },
    });
    const calls = readFileSync(join(dir, 'calls'), 'utf8').trim().split('\n');
    return { status: r.status, stderr: r.stderr, calls };
  }

  const LISTS_LOCK = 'E: Could not get lock /var/lib/apt/lists/lock. It is held by process 4242 (apt-get)';

  it('apt-get update retries while another process holds the package lists\' lock, then succeeds', () => {
    const r = aptGet('update -qq', 3, LISTS_LOCK);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.calls.length, 4);
    assert.match(r.stderr, /waiting for another process's lock on the package lists/);
  });

  it('every apt-get call waits up to 600 s for dpkg\'s lock (DPkg::Lock::Timeout)', () => {
    for (const args of ['update -qq', 'install -y -qq neovim']) {
      rmSync(join(dir, 'calls'), { force: true });
      rmSync(join(dir, 'count'), { force: true });
      const r = aptGet(args, 0, '');
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(r.calls, [`-o DPkg::Lock::Timeout=600 ${args}`]);
    }
  });

  it('another error fails at once, with apt-get\'s message', () => {
    const r = aptGet('update -qq', 5, 'E: The repository is not signed.');
    assert.equal(r.status, 1);
    assert.equal(r.calls.length, 1);
    assert.match(r.stderr, /The repository is not signed/);
  });

  it('the ensure scripts install through apt_get only (never a bare apt-get, which fails on a held lock)', () => {
    assert.ok(ENSURE.includes('scripts/ensure-torch.sh'), `ensure scripts found: ${ENSURE.join(', ')}`);
    for (const file of ENSURE) {
      const text = readFileSync(file, 'utf8');
      assert.match(text, /^\s*\. .*\/apt\.sh"\s*$/m, `${file} sources apt.sh`);
      const bare = text.split('\n').filter((l) => /(^|[;&|]\s*|\s)apt-get\s/.test(l) && !/^\s*(#|echo|log)\b/.test(l));
      assert.deepEqual(bare, [], `${file} calls apt-get directly`);
    }
  });
});
