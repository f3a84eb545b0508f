import * as assert from 'node:assert/strict';
import { formatError, run } from '../../../lang/python';

// What a training script's logging writes where, and the log files a sandbox cannot write.
describe('logging: stderr, and no files', () => {
  it('writes BASIC_FORMAT lines to the run\'s stderr, leaving stdout to print', () => {
    const r = run('import logging\nlogging.basicConfig(level=logging.INFO)\nlog = logging.getLogger("train")\nprint("epoch 1")\nlog.info("loss %.3f", 0.25)\nlog.debug("hidden")\n', { file: 'x.py' });
    assert.equal(r.output, 'epoch 1\n');
    assert.equal(r.stderr, 'INFO:train:loss 0.250\n');
  });

  it('stamps asctime with the run\'s clock, in UTC', () => {
    const before = new Date();
    const r = run('import logging\nlogging.basicConfig(format="%(asctime)s|%(message)s")\nlogging.warning("now")\n', { file: 'x.py' });
    const [stamp, text] = r.stderr.trimEnd().split('|');
    assert.equal(text, 'now');
    assert.match(stamp!, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}$/);
    const logged = Date.parse(`${stamp!.replace(' ', 'T').replace(',', '.')}Z`);
    assert.ok(Math.abs(logged - before.getTime()) < 60_000, `${stamp} is not about ${before.toISOString()}`);
  });

  it('refuses log files at the line, naming what to write instead', () => {
    const line = (src: string) => {
      const r = run(src, { file: 'x.py' });
      return r.error && formatError(r.error);
    };
    assert.equal(
      line('import logging\nlogging.basicConfig(filename="train.log", level=logging.INFO)\n'),
      'x.py:2:1: error: logging.basicConfig(filename=...) is not available in Gradlens: scripts cannot write files; leave out filename= and the log goes to stderr',
    );
    assert.equal(
      line('import logging\nh = logging.FileHandler("train.log")\n'),
      'x.py:2:5: error: logging.FileHandler is not available in Gradlens: scripts cannot write files; use logging.StreamHandler() (stderr)',
    );
  });
});
