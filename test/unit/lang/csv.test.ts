import * as assert from 'node:assert/strict';
import { formatError, run } from '../../../lang/python';

// csv's errors as CPython 3.11.2 words them (checked with /usr/bin/python3); what it reads and
// writes is in the program csv_training_log.py (test/fixtures/python/programs).

function uncaught(source: string): string {
  const r = run(source, { file: 'x.py' });
  assert.ok(r.error, `expected an error, got output ${JSON.stringify(r.output)}`);
  return formatError(r.error);
}

describe('csv: errors at the line, as CPython words them', () => {
  const cases: [string, string][] = [
    ["list(csv.reader(['a,\"b'], strict=True))", '_csv.Error: unexpected end of data'],
    ["list(csv.reader(['\"a\"b,c'], strict=True))", "_csv.Error: ',' expected after '\"'"],
    ["csv.writer(io.StringIO(), quoting=csv.QUOTE_NONE).writerow(['a,b'])", '_csv.Error: need to escape, but no escapechar set'],
    ["csv.writer(io.StringIO(), quoting=csv.QUOTE_NONE).writerow([''])", '_csv.Error: single empty field record must be quoted'],
    ["csv.reader([], delimiter='::')", 'TypeError: "delimiter" must be a 1-character string'],
    ["csv.reader([], dialect='tsv')", '_csv.Error: unknown dialect'],
    ['list(csv.reader([1]))', '_csv.Error: iterator should return strings, not int (the file should be opened in text mode)'],
    ["list(csv.reader(['x,y'], quoting=csv.QUOTE_NONNUMERIC))", "ValueError: could not convert string to float: 'x'"],
    ['csv.writer(io.StringIO()).writerow(5)', '_csv.Error: iterable expected, not int'],
    ["list(csv.reader(['a\\rb']))", '_csv.Error: new-line character seen in unquoted field - do you need to open the file in universal-newline mode?'],
    ["csv.DictWriter(io.StringIO(), ['a'], extrasaction='drop')", "ValueError: extrasaction (drop) must be 'raise' or 'ignore'"],
    ["csv.DictWriter(io.StringIO(), ['a']).writerow({'a': 1, 'b': 2})", "ValueError: dict contains fields not in fieldnames: 'b'"],
  ];
  for (const [expr, message] of cases) {
    it(`${expr} raises ${message}`, () => {
      assert.equal(uncaught(`import csv, io\nx = ${expr}\n`), `x.py:2:5: error: ${message}`);
    });
  }

  it('reads a record left open in a quoted field at the end, then stops (not strict)', () => {
    const r = run("import csv\nprint(list(csv.reader(['a,\"b'])), list(csv.reader(['\"multi', 'line\",x'])))\n");
    assert.equal(r.output, "[['a', 'b']] [['multiline', 'x']]\n");
  });
});
