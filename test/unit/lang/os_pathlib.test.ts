import * as assert from 'node:assert/strict';
import { formatError, run } from '../../../lang/python';

// The sandbox's file system is empty: paths are strings to compute on, and reaching a file stops the run at its line.
describe('os and pathlib: paths, and no files', () => {
  const line = (src: string) => {
    const r = run(src, { file: 'x.py' });
    return r.error && formatError(r.error);
  };

  it('computes paths, and finds nothing in the empty file system (its working directory is /)', () => {
    const r = run('import os, os.path, pathlib\nprint(os.path is os.path, os.getcwd(), os.path.abspath("runs/x"), pathlib.Path.cwd() / "d", os.path.exists("data"), pathlib.Path("data").exists())\n');
    assert.equal(r.output, 'True / /runs/x /d False False\n');
  });

  it('refuses what would read or write a file, or reach a process, at the line', () => {
    assert.equal(line('import os\nsave_dir = "runs"\nos.makedirs(save_dir, exist_ok=True)\n'), "x.py:3:1: error: 'os.makedirs' is not available in Gradlens: scripts cannot read or write files; give the data in the script");
    assert.equal(line('from pathlib import Path\np = Path("runs")\np.mkdir(parents=True)\n'), "x.py:3:1: error: 'Path.mkdir' is not available in Gradlens: scripts cannot read or write files; give the data in the script");
    assert.equal(line('from pathlib import Path\ntext = Path("notes.txt").read_text()\n'), "x.py:2:8: error: 'Path.read_text' is not available in Gradlens: scripts cannot read or write files; give the data in the script");
    assert.equal(line('import os\nfiles = os.listdir(".")\n'), "x.py:2:9: error: 'os.listdir' is not available in Gradlens: scripts cannot read or write files; give the data in the script");
    assert.equal(line('import os\nos.system("ls")\n'), "x.py:2:1: error: 'os.system' is not available in Gradlens: scripts cannot reach processes or the machine");
    assert.equal(line('import os\nn = os.path.getsize("x.bin")\n'), "x.py:2:5: error: 'os.path.getsize' is not available in Gradlens: scripts cannot read or write files; give the data in the script");
  });
});
