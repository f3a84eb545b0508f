/**
 * Malformed messages for the webview channel, each direction, as a buggy or hostile sender could
 * post them (already in wire form: what arrives after JSON). Shared by the unit table test and the
 * panel's test in headless Chromium.
 */
const REQUEST = { uri: 'file:///w/f.py', text: 'def f(x=1.0):\n    return x\n', function: 'f', engines: 'both', backend: 'auto', graphs: true };
const RESULT = {
  uri: 'file:///w/f.py', function: 'f', sourceHash: 'h', style: 'torch', inputs: { x: 1 }, inputOrigin: 'defaults',
  backend: { name: 'wasm' }, value: 1, grad: { x: 1 },
};
const ERROR = { uri: 'file:///w/f.py', function: 'f', sourceHash: 'h', kind: 'error', message: 'boom' };
const RANGE = { line: 1, col: 1, endLine: 1, endCol: 2 };
/** A 1x1 transparent PNG, in base64. */
const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

/** The well-formed messages the table mutates (each must pass, or the table proves nothing). */
export const VALID_TO_WEBVIEW: readonly unknown[] = [
  { type: 'evaluate', id: 1, request: REQUEST },
  { type: 'cancel', id: 1 },
  { type: 'show', view: 'graph', outcome: { ok: true, result: RESULT } },
  { type: 'show', view: 'results', outcome: { ok: false, error: ERROR } },
];
export const VALID_TO_EXTENSION: readonly unknown[] = [
  { type: 'ready', backend: { name: 'webgpu', adapter: 'swiftshader' } },
  { type: 'progress', id: 1, message: 'Evaluating f()…' },
  { type: 'outcome', id: 1, outcome: { ok: true, result: { ...RESULT, value: { float: 'nan' } } } },
  { type: 'reveal', uri: 'file:///w/f.py', range: RANGE },
  { type: 'log', level: 'warn', message: 'x' },
  { type: 'export', uri: 'file:///w/f.py', fileName: 'f-forward.svg', format: 'svg', content: '<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"></svg>\n' },
  { type: 'export', uri: 'file:///w/f.py', fileName: 'f-forward.png', format: 'png', content: PNG_1X1 },
  { type: 'export', uri: 'file:///w/train.py', fileName: 'train-loss.csv', format: 'csv', content: 'step,loss\n0,2.5\n1,1.25\n' },
];

const BASICS: readonly [string, unknown][] = [
  ['null', null],
  ['a string', 'evaluate'],
  ['a number', 42],
  ['an array', [{ type: 'cancel', id: 1 }]],
  ['no type', { id: 1 }],
  ['an unknown type', { type: 'delete', id: 1 }],
  ['type of another case', { type: 'EVALUATE', id: 1, request: REQUEST }],
];

export const MALFORMED_TO_WEBVIEW: readonly [string, unknown][] = [
  ...BASICS,
  ['evaluate: id a string', { type: 'evaluate', id: '1', request: REQUEST }],
  ['evaluate: id fractional', { type: 'evaluate', id: 1.5, request: REQUEST }],
  ['evaluate: id NaN (null after JSON)', { type: 'evaluate', id: null, request: REQUEST }],
  ['evaluate: id NaN as wire float', { type: 'evaluate', id: { float: 'nan' }, request: REQUEST }],
  ['evaluate: no request', { type: 'evaluate', id: 1 }],
  ['evaluate: request an array', { type: 'evaluate', id: 1, request: [REQUEST] }],
  ['evaluate: text null', { type: 'evaluate', id: 1, request: { ...REQUEST, text: null } }],
  ['evaluate: no function', { type: 'evaluate', id: 1, request: { ...REQUEST, function: undefined } }],
  ['evaluate: unknown backend', { type: 'evaluate', id: 1, request: { ...REQUEST, backend: 'cuda' } }],
  ['evaluate: unknown engines', { type: 'evaluate', id: 1, request: { ...REQUEST, engines: 'all' } }],
  ['evaluate: graphs a string', { type: 'evaluate', id: 1, request: { ...REQUEST, graphs: 'yes' } }],
  ['evaluate: budget steps a string', { type: 'evaluate', id: 1, request: { ...REQUEST, budgets: { steps: '1e9' } } }],
  ['evaluate: inputs a number', { type: 'evaluate', id: 1, request: { ...REQUEST, inputs: 2 } }],
  ['cancel: no id', { type: 'cancel' }],
  ['show: unknown view', { type: 'show', view: 'terminal', outcome: { ok: true, result: RESULT } }],
  ['show: ok a string', { type: 'show', view: 'results', outcome: { ok: 'true', result: RESULT } }],
  ['show: ok true with an error', { type: 'show', view: 'results', outcome: { ok: true, error: ERROR } }],
  ['show: value null (a NaN sent without the wire form)', { type: 'show', view: 'results', outcome: { ok: true, result: { ...RESULT, value: null } } }],
  ['show: a string among the numbers', { type: 'show', view: 'results', outcome: { ok: true, result: { ...RESULT, value: [1, '2'] } } }],
  ['show: an unknown wire float', { type: 'show', view: 'results', outcome: { ok: true, result: { ...RESULT, value: { float: 'NaN' } } } }],
  ['show: a gradient that is a list', { type: 'show', view: 'results', outcome: { ok: true, result: { ...RESULT, grad: [1] } } }],
  ['show: an unknown style', { type: 'show', view: 'results', outcome: { ok: true, result: { ...RESULT, style: 'tensorflow' } } }],
  ['show: a backend with a number adapter', { type: 'show', view: 'results', outcome: { ok: true, result: { ...RESULT, backend: { name: 'webgpu', adapter: 1 } } } }],
  ['show: a graph node with no id', { type: 'show', view: 'graph', outcome: { ok: true, result: { ...RESULT, graphs: [{ kind: 'forward', nodes: [{ label: 'x', kind: 'op', type: 'f32[]' }], edges: [], groups: [] }] } } }],
  ['show: a graph of an unknown kind', { type: 'show', view: 'graph', outcome: { ok: true, result: { ...RESULT, graphs: [{ kind: 'backward', nodes: [], edges: [], groups: [] }] } } }],
  ['show: a plot with a string sample', { type: 'show', view: 'results', outcome: { ok: true, result: { ...RESULT, plot: { param: 'x', at: 1, xs: ['1'], f: [1], df: [1] } } } }],
  ['show: a non-finite of an unknown value', { type: 'show', view: 'results', outcome: { ok: true, result: { ...RESULT, nonFinite: { range: RANGE, in: 'value', op: 'log', value: 'NaN' } } } }],
  ['show: a range with a fractional line', { type: 'show', view: 'results', outcome: { ok: false, error: { ...ERROR, range: { ...RANGE, line: 1.5 } } } }],
  ['show: an error of an unknown kind', { type: 'show', view: 'results', outcome: { ok: false, error: { ...ERROR, kind: 'fatal' } } }],
  ['show: an error with no message', { type: 'show', view: 'results', outcome: { ok: false, error: { ...ERROR, message: undefined } } }],
  ['show: eager run with string timings', { type: 'show', view: 'compare', outcome: { ok: true, result: { ...RESULT, eager: { value: 1, grad: {}, runMs: '3', ops: 1, lines: [] } } } }],
  ['show: jit ran on an unknown device', { type: 'show', view: 'compare', outcome: { ok: true, result: { ...RESULT, jit: { value: 1, grad: {}, traceMs: 1, compileMs: 1, runMs: 1, kernels: 1, ranOn: 'tpu', lineKernels: [] } } } }],
];

export const MALFORMED_TO_EXTENSION: readonly [string, unknown][] = [
  ...BASICS,
  ['ready: no backend', { type: 'ready' }],
  ['ready: unknown backend', { type: 'ready', backend: { name: 'metal' } }],
  ['progress: message a number', { type: 'progress', id: 1, message: 3 }],
  ['progress: id null', { type: 'progress', id: null, message: 'x' }],
  ['outcome: the NaN result without the wire form (issue 11.3)', { type: 'outcome', id: 1, outcome: { ok: true, result: { ...RESULT, value: null } } }],
  ['outcome: no outcome', { type: 'outcome', id: 1 }],
  ['outcome: an outcome with neither result nor error', { type: 'outcome', id: 1, outcome: { ok: false } }],
  ['outcome: inputs holding a string', { type: 'outcome', id: 1, outcome: { ok: true, result: { ...RESULT, inputs: { x: 'x' } } } }],
  ['outcome: an input dtype that is a number (issue 18)', { type: 'outcome', id: 1, outcome: { ok: true, result: { ...RESULT, inputDtypes: { x: 64 } } } }],
  ['outcome: input dtypes a string, not a record per input (issue 18)', { type: 'outcome', id: 1, outcome: { ok: true, result: { ...RESULT, inputDtypes: 'float64' } } }],
  ['outcome: input dtypes a list (issue 18)', { type: 'outcome', id: 1, outcome: { ok: true, result: { ...RESULT, inputDtypes: ['float64'] } } }],
  ['outcome: an unknown input origin', { type: 'outcome', id: 1, outcome: { ok: true, result: { ...RESULT, inputOrigin: 'guess' } } }],
  ['reveal: no range', { type: 'reveal', uri: 'file:///w/f.py' }],
  ['reveal: a range of strings', { type: 'reveal', uri: 'file:///w/f.py', range: { line: '1', col: '1', endLine: '1', endCol: '2' } }],
  ['reveal: uri a number', { type: 'reveal', uri: 7, range: RANGE }],
  ['log: an unknown level', { type: 'log', level: 'fatal', message: 'x' }],
  ['log: no message', { type: 'log', level: 'info' }],
  ['export: a file name with a folder', { type: 'export', uri: 'file:///w/f.py', fileName: '../../.bashrc.svg', format: 'svg', content: '<svg></svg>' }],
  ['export: an absolute file name', { type: 'export', uri: 'file:///w/f.py', fileName: '/etc/f.svg', format: 'svg', content: '<svg></svg>' }],
  ['export: a file name of another format', { type: 'export', uri: 'file:///w/f.py', fileName: 'f.sh', format: 'svg', content: '<svg></svg>' }],
  ['export: a hidden file name', { type: 'export', uri: 'file:///w/f.py', fileName: '.svg', format: 'svg', content: '<svg></svg>' }],
  ['export: an unknown format', { type: 'export', uri: 'file:///w/f.py', fileName: 'f.pdf', format: 'pdf', content: '%PDF' }],
  ['export: an SVG that is not one', { type: 'export', uri: 'file:///w/f.py', fileName: 'f.svg', format: 'svg', content: '<html><script>x</script></html>' }],
  ['export: a PNG that is not one', { type: 'export', uri: 'file:///w/f.py', fileName: 'f.png', format: 'png', content: 'R0lGODlhAQABAAAAACw=' }],
  ['export: a PNG not in base64', { type: 'export', uri: 'file:///w/f.py', fileName: 'f.png', format: 'png', content: 'iVBORw0KGgo\u0000\u0001' }],
  ['export: content a number', { type: 'export', uri: 'file:///w/f.py', fileName: 'f.csv', format: 'csv', content: 3 }],
  ['export: no uri', { type: 'export', fileName: 'f.csv', format: 'csv', content: 'step,loss\n' }],
];
