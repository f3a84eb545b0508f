import * as assert from 'node:assert/strict';
import { formatError, run } from '../../../lang/python';

/**
 * tqdm as a non-terminal stderr shows it (tqdm 4.x's status printer: `\r` before each refresh, a
 * newline when the bar closes). Elapsed times and rates are the clock's, so they are read as
 * `[T<T, R]` here, without the spaces that pad a bar shorter than the last; `mininterval=60` keeps
 * refreshes between the first and last out of the text.
 */
const timings = (s: string) =>
  s.replace(/\d\d:\d\d/g, 'T').replace(/ *(?:\d+\.\d\d|\?)(it|batch)\/s/g, ' R$1/s')
    // tqdm pads a bar shorter than the one before it (a rate with fewer digits) with spaces that clear the rest.
    .replace(/\] +(?=\n|\r|$)/g, ']');

describe('tqdm: a pass-through iterator whose bar goes to stderr as tqdm writes it', () => {
  it('hands on the items and writes the opening and closing bars of a training loop', () => {
    const source = [
      'from tqdm import tqdm, trange',
      'total = 0',
      'for x in tqdm(range(4), desc="epoch 1", mininterval=60):',
      '    total += x',
      'print("total", total)',
      'losses = []',
      'pbar = tqdm([0.9, 0.5, 0.25], mininterval=60, unit="batch")',
      'for loss in pbar:',
      '    losses.append(loss)',
      '    pbar.set_postfix(loss=loss / 3, step=len(losses))',
      'print(losses)',
      'for i in trange(2, leave=False, mininterval=60):',
      '    pass',
      'for x in tqdm(iter("ab"), mininterval=60):',
      '    break',
      'print(len(tqdm(range(7), disable=True)), list(tqdm("xy", disable=True)))',
    ].join('\n');
    const r = run(source + '\n', { file: 'train.py' });
    assert.equal(r.error && formatError(r.error), null);
    assert.equal(r.output, "total 6\n[0.9, 0.5, 0.25]\n7 ['x', 'y']\n");
    const bar = (k: number) => '█'.repeat(k);
    assert.equal(
      timings(r.stderr),
      [
        '\repoch 1:   0%|          | 0/4 [T<?, R it/s]',
        `\repoch 1: 100%|${bar(10)}| 4/4 [T<T, R it/s]\n`,
        '\r  0%|          | 0/3 [T<?, R batch/s]',
        '\r  0%|          | 0/3 [T<?, R batch/s, loss=0.3, step=1]',
        `\r 33%|${bar(3)}▎      | 1/3 [T<T, R batch/s, loss=0.167, step=2]`,
        `\r 67%|${bar(6)}▋   | 2/3 [T<T, R batch/s, loss=0.0833, step=3]`,
        `\r100%|${bar(10)}| 3/3 [T<T, R batch/s, loss=0.0833, step=3]\n`,
        '\r  0%|          | 0/2 [T<?, R it/s]',
        '\r' + ' '.repeat('  0%|          | 0/2 [00:00<?, ?it/s]'.length),
        '\r',
        '\r0it [T, R it/s]',
        '\r0it [T, R it/s]\n',
      ].join('').replace(/ R (it|batch)/g, ' R$1'),
    );
  });

  it('closes a bar that enumerate, zip or map draws from when the loop breaks or zip stops at a shorter argument', () => {
    // What tqdm 4.70.1 writes for this program under CPython 3.11 (the rates aside): the loop frees
    // enumerate/zip, which frees tqdm's generator, whose `finally` closes the bar at the items done.
    const source = [
      'from tqdm import tqdm',
      'xs = list(range(5))',
      'for i, x in enumerate(tqdm(xs, mininterval=60)):',
      '    if i == 2:',
      '        break',
      'for a, b in zip(tqdm(xs, desc="zip", mininterval=60), xs):',
      '    if a == 1:',
      '        break',
      'for a, b in zip(range(2), tqdm(xs, desc="short", mininterval=60)):',
      '    pass',
      'for i, y in enumerate(map(abs, tqdm([-1, -2, -3], desc="map", mininterval=60))):',
      '    pass',
      'print("done")',
    ].join('\n');
    const r = run(source + '\n', { file: 'x.py' });
    assert.equal(r.error && formatError(r.error), null);
    assert.equal(r.output, 'done\n');
    const bar = (k: number) => '█'.repeat(k);
    assert.equal(
      timings(r.stderr),
      [
        '\r  0%|          | 0/5 [T<?, Rit/s]',
        `\r 40%|${bar(4)}      | 2/5 [T<T, Rit/s]\n`,
        '\rzip:   0%|          | 0/5 [T<?, Rit/s]',
        `\rzip:  20%|${bar(2)}        | 1/5 [T<T, Rit/s]\n`,
        '\rshort:   0%|          | 0/5 [T<?, Rit/s]',
        `\rshort:  20%|${bar(2)}        | 1/5 [T<T, Rit/s]\n`,
        '\rmap:   0%|          | 0/3 [T<?, Rit/s]',
        `\rmap: 100%|${bar(10)}| 3/3 [T<T, Rit/s]\n`,
      ].join(''),
    );
  });

  it('keeps tqdm.write off the bars, and `with tqdm(total=...)` counts update() calls', () => {
    const r = run('from tqdm import tqdm\nwith tqdm(total=4, mininterval=60) as bar:\n    bar.update(3)\n    tqdm.write("val loss 0.5")\n    bar.update()\n    print(bar.n, bar.total)\n', { file: 'x.py' });
    assert.equal(r.output, 'val loss 0.5\n4 4\n');
    assert.ok(timings(r.stderr).endsWith(`\r100%|${'█'.repeat(10)}| 4/4 [T<T, Rit/s]\n`), JSON.stringify(r.stderr));
    assert.ok(r.stderr.includes('\r                                     \r'), JSON.stringify(r.stderr));
  });

  it('refuses the options whose layout it does not reproduce, at the call', () => {
    const r = run('from tqdm import tqdm\nxs = [1]\nfor x in tqdm(xs, bar_format="{l_bar}"):\n    pass\n', { file: 'x.py' });
    assert.equal(r.error && formatError(r.error), "x.py:3:10: error: tqdm(bar_format=...) is not supported by Gradlens: leave it out for tqdm's default bar");
  });
});
