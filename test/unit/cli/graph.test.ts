import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

/** Runs the built command line (`npm test` builds dist/ first) as a user would. */
function gradlens(...args: string[]): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, ['dist/cli.js', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

interface SvgNode { readonly label: string; readonly type: string; readonly kind: string; readonly scopes: readonly string[] }

interface XmlElement { readonly tag: string; readonly attrs: ReadonlyMap<string, string>; readonly children: XmlElement[]; text: string }

/**
 * A strict reader for the XML our SVG writer emits (elements, quoted attributes, text, the five
 * predefined entities): throws on a mismatched or unclosed tag, an unquoted attribute, a bare `&` or
 * `<` in text, or anything after the root, so a malformed SVG fails the test.
 */
function parseXml(xml: string): XmlElement {
  const entity = (t: string) => t.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);|&|</gi, (m, name: string | undefined) => {
    if (!name) throw new Error(`bare '${m}' in ${JSON.stringify(t.slice(0, 40))}`);
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    return named[name] ?? String.fromCodePoint(name[1] === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10));
  });
  const token = /<\?[^>]*\?>|<!--[\s\S]*?-->|<\/([\w:-]+)\s*>|<([\w:-]+)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let read = 0;
  for (let m = token.exec(xml); m; m = token.exec(xml)) {
    read = token.lastIndex;
    const [, closing, tag, attrText, selfClosing, text] = m;
    if (text !== undefined) {
      if (stack.length) stack[stack.length - 1].text += entity(text);
      else if (text.trim()) throw new Error(`text outside the root: ${JSON.stringify(text.slice(0, 40))}`);
    } else if (closing !== undefined) {
      const open = stack.pop();
      if (open?.tag !== closing) throw new Error(`</${closing}> closes <${open?.tag}>`);
    } else if (tag !== undefined) {
      if (!stack.length && root) throw new Error(`a second root <${tag}>`);
      const attrs = new Map([...attrText.matchAll(/([\w:-]+)="([^"]*)"/g)].map(([, k, v]) => [k, entity(v)] as [string, string]));
      const element: XmlElement = { tag, attrs, children: [], text: '' };
      if (stack.length) stack[stack.length - 1].children.push(element);
      else root = element;
      if (!selfClosing) stack.push(element);
    }
  }
  if (read < xml.length) throw new Error(`unreadable XML at ${read}: ${JSON.stringify(xml.slice(read, read + 40))}`);
  if (!root || stack.length) throw new Error(`unclosed <${stack[stack.length - 1]?.tag ?? 'svg'}>`);
  return root;
}

/**
 * The nodes of an SVG read strictly as XML: each node's label and type text and the labels of the
 * scope groups around it, outermost first. Throws on bad XML.
 */
function svgNodes(svg: string): SvgNode[] {
  const root = parseXml(svg);
  assert.equal(root.tag, 'svg');
  assert.equal(root.attrs.get('xmlns'), 'http://www.w3.org/2000/svg');
  const out: SvgNode[] = [];
  const walk = (e: XmlElement, scopes: readonly string[]) => {
    const cls = (e.attrs.get('class') ?? '').split(/\s+/);
    if (cls.includes('scope')) scopes = [...scopes, e.children.find((c) => c.tag === 'text')!.text];
    if (cls.includes('node')) {
      const texts = new Map(e.children.filter((c) => c.tag === 'text').map((t) => [t.attrs.get('class'), t.text]));
      out.push({ label: texts.get('node-label')!, type: texts.get('node-type')!, kind: cls[1].slice('kind-'.length), scopes });
    }
    for (const c of e.children) walk(c, scopes);
  };
  walk(root, []);
  return out;
}

const close = (a: number, b: number, tol = 1e-5) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

describe('gradlens graph', () => {
  it('prints the seed jax function\'s jaxpr as JAX prints it', () => {
    const r = gradlens('graph', 'examples/seed_jax.py:f');
    assert.equal(r.stderr, '');
    assert.equal(r.status, 0);
    assert.equal(r.stdout, [
      '{ lambda ; a:f32[]. let',
      '    b:f32[] = integer_pow[y=2] a',
      '    c:f32[] = mul 3.0 a',
      '    d:f32[] = add b c',
      '    e:f32[] = add d 5.0',
      '  in (e,) }',
      '',
    ].join('\n'));
  });

  it('prints the jaxpr of the gradient with --grad: one output, the derivative', () => {
    const r = gradlens('graph', 'examples/seed_jax.py:f', '--grad');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^\{ lambda ; a:f32\[\]\. let\n/);
    assert.match(r.stdout, /integer_pow\[y=1\] a/, 'd/dx x**2 = 2 x**1');
    assert.match(r.stdout, /\n {2}in \([a-z]+,\) \}\n$/);
  });

  it('gives the jaxpr as JSON with each equation\'s source span and the fusion plan', () => {
    const r = gradlens('graph', 'test/fixtures/cli/jax_loss.py:loss', '--format', 'json');
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.function, 'loss');
    assert.equal(out.style, 'jax');
    assert.deepEqual(out.inputs, { w: [1, -2, 0.5], x: [0.5, 1, 2] });
    assert.deepEqual(out.jaxpr.eqns.map((e: { primitive: string }) => e.primitive), ['mul', 'add', 'tanh', 'integer_pow', 'reduce_sum']);
    assert.deepEqual(out.jaxpr.invars.map((v: { type: string }) => v.type), ['f32[3]', 'f32[3]']);
    assert.deepEqual(out.jaxpr.eqns.map((e: { span: { line: number } }) => e.span.line), [5, 5, 5, 6, 6]);
    assert.equal(out.jaxpr.eqns[2].span.file, 'test/fixtures/cli/jax_loss.py');
    assert.deepEqual(out.plan, [{ kind: 'fused', eqns: [0, 1, 2, 3, 4], inputs: ['b', 'a'], outputs: ['g'], primitives: ['mul', 'add', 'tanh', 'integer_pow', 'reduce_sum'] }]);
  });

  it('with --grad, the JSON is the gradient\'s jaxpr w.r.t. the first argument (as jax.grad), in at most 3 kernels', () => {
    const r = gradlens('graph', 'test/fixtures/cli/jax_loss.py:loss', '--grad', '--format', 'json');
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.grad, true);
    assert.deepEqual(out.wrt, ['w']);
    assert.deepEqual(out.jaxpr.outvars.map((v: { type: string }) => v.type), ['f32[3]']);
    assert.ok(out.plan.length >= 1 && out.plan.length <= 3, JSON.stringify(out.plan));
    const covered = out.plan.flatMap((k: { eqns: number[] }) => k.eqns).sort((a: number, b: number) => a - b);
    assert.deepEqual(covered, out.jaxpr.eqns.map((_: unknown, i: number) => i), 'every equation is in exactly one kernel');
  });

  it('draws the jaxpr as DOT: equations labelled with primitive and type, typed edges, fused kernels as clusters', () => {
    const r = gradlens('graph', 'test/fixtures/cli/jax_loss.py:loss', '--format', 'dot', '--at', 'w=jnp.ones(4),x=jnp.zeros(4)');
    assert.equal(r.status, 0, r.stderr);
    const dot = r.stdout;
    assert.match(dot, /^digraph "loss" \{\n/);
    assert.match(dot, /\n\}\n$/);
    assert.match(dot, /in0 \[label="a:f32\[4\]", shape=ellipse\];/);
    assert.match(dot, /subgraph cluster_k0 \{\n {4}label="kernel 0: fused, 5 equations";/);
    assert.match(dot, /e2 \[label="tanh\\ne:f32\[4\]", tooltip="line 5"\];/);
    assert.match(dot, /e4 \[label="reduce_sum\\ng:f32\[\]", tooltip="line 6"\];/);
    assert.match(dot, /e3 -> e4 \[label="f32\[4\]"\];/);
    assert.match(dot, /e4 -> out0 \[label="f32\[\]"\];/);
    assert.equal((dot.match(/\{/g) ?? []).length, (dot.match(/\}/g) ?? []).length, 'balanced braces');
  });

  it('prints the seed PyTorch function\'s backward graph, a line per grad_fn node', () => {
    const r = gradlens('graph', 'examples/seed_torch.py:f');
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    const ids = lines.slice(0, -1).map((l) => l.split(' ')[0]);
    const norm = r.stdout.replace(/\bn\d+\b/g, (id) => `n${ids.indexOf(id) + 1}`);
    assert.equal(norm, [
      'n1 AccumulateGrad f32[]  (x)',
      'n2 PowBackward0 f32[] <- n1  (line 4)',
      'n3 MulBackward0 f32[] <- n1  (line 4)',
      'n4 AddBackward0 f32[] <- n2, n3  (line 4)',
      'n5 AddBackward0 f32[] <- n4  (line 4)',
      'output: n5',
      '',
    ].join('\n'));
    assert.equal(gradlens('graph', 'examples/seed_torch.py:f', '--grad').stdout.replace(/\bn\d+\b/g, ''), r.stdout.replace(/\bn\d+\b/g, ''), '--grad is implied');
  });

  it('gives the torch tape as JSON and DOT', () => {
    const j = gradlens('graph', 'test/fixtures/cli/grad_inputs.py:linear', '--format', 'json');
    assert.equal(j.status, 0, j.stderr);
    const out = JSON.parse(j.stdout);
    assert.equal(out.style, 'torch');
    const names = out.tape.nodes.map((n: { name: string }) => n.name);
    assert.deepEqual([...names].sort(), ['AccumulateGrad', 'AccumulateGrad', 'AddBackward0', 'MulBackward0', 'MulBackward0', 'SumBackward0'].sort());
    assert.deepEqual(Object.values(out.leaves).sort(), ['b', 'w']);
    const w = out.tape.nodes.find((n: { id: string }) => out.leaves[n.id] === 'w');
    assert.deepEqual(w.output, { shape: [3], dtype: 'float32' });
    assert.equal(out.tape.outputs.length, 1);
    const dot = gradlens('graph', 'test/fixtures/cli/grad_inputs.py:linear', '--format', 'dot').stdout;
    assert.match(dot, /^digraph "linear" \{\n/);
    assert.match(dot, /\[label="AccumulateGrad\\nf32\[3\]\\nw", shape=ellipse\];/);
    assert.match(dot, /n\d+ -> n\d+ \[label="f32\[3\]"\];/);
    assert.match(dot, /\[label="SumBackward0\\nf32\[\]", tooltip="line 8"\];/);
  });

  it('groups a torch model\'s tape by nn.Module: each node ends with its modules, parameters named and inside theirs (text, DOT clusters, JSON scopes)', () => {
    const t = gradlens('graph', 'test/fixtures/cli/torch_modules.py:loss');
    assert.equal(t.status, 0, t.stderr);
    const lines = t.stdout.split('\n');
    assert.ok(lines.some((l) => /^n\d+ AccumulateGrad f32\[3,2\] {2}\(0\.weight\) {2}in Sequential\/0 \(Linear\)$/.test(l)), t.stdout);
    assert.ok(lines.some((l) => /^n\d+ ReluBackward0 f32\[4,3\] <- n\d+ {2}\(line 9\) {2}in Sequential\/1 \(ReLU\)$/.test(l)), t.stdout);
    assert.ok(lines.some((l) => /^n\d+ AccumulateGrad f32\[4,2\] {2}\(x\)$/.test(l)), 'the input is in no module');
    assert.ok(lines.some((l) => /^n\d+ MeanBackward0 f32\[\] <- n\d+ {2}\(line 9\)$/.test(l)), 'the loss is in no module');

    const dot = gradlens('graph', 'test/fixtures/cli/torch_modules.py:loss', '--format', 'dot').stdout;
    assert.match(dot, /\n {2}subgraph cluster_s0 \{\n {4}label="Sequential";\n {4}style=rounded;\n {4}subgraph cluster_s1 \{\n {6}label="0 \(Linear\)";/);
    assert.match(dot, /\n {4}subgraph cluster_s2 \{\n {6}label="1 \(ReLU\)";\n {6}style=rounded;\n {6}n\d+ \[label="ReluBackward0\\nf32\[4,3\]", tooltip="line 9"\];\n {4}\}/);
    assert.match(dot, /\n {6}label="2 \(Linear\)";\n {6}style=rounded;\n {6}n\d+ \[label="AccumulateGrad\\nf32\[1,3\]\\n2\.weight", shape=ellipse\];/);
    assert.equal((dot.match(/\{/g) ?? []).length, (dot.match(/\}/g) ?? []).length, 'balanced braces');

    const out = JSON.parse(gradlens('graph', 'test/fixtures/cli/torch_modules.py:loss', '--format', 'json').stdout);
    type Node = { name: string; parameter: string | null; span: object | null; scope?: { kind: string; name: string; className: string }[] };
    const scopeOf = (n: Node) => (n.scope ?? []).map((s) => `${s.kind}:${s.name}:${s.className}`);
    const relu = out.tape.nodes.find((n: Node) => n.name === 'ReluBackward0');
    assert.deepEqual(scopeOf(relu), ['module::Sequential', 'module:1:ReLU']);
    assert.deepEqual(Object.keys(relu.span).sort(), ['column', 'endColumn', 'endLine', 'file', 'line']);
    const bias = out.tape.nodes.find((n: Node) => n.parameter === '2.bias');
    assert.deepEqual(scopeOf(bias), ['module::Sequential', 'module:2:Linear']);
    assert.equal(out.tape.nodes.find((n: Node) => n.name === 'MeanBackward0').scope, undefined);
  });

  it('groups a jax function\'s jaxpr by the functions it calls and jax.named_scope: DOT clusters, JSON name stacks', () => {
    const dot = gradlens('graph', 'test/fixtures/cli/jax_scopes.py:loss', '--format', 'dot');
    assert.equal(dot.status, 0, dot.stderr);
    assert.match(dot.stdout, /\n {2}subgraph cluster_s0 \{\n {4}label="mlp";\n {4}style=rounded;\n {4}subgraph cluster_s1 \{\n {6}label="hidden";\n {6}style=rounded;\n {6}e2 \[label="tanh\\nh:f32\[4,3\]", tooltip="line 12"\];\n {6}subgraph cluster_s2 \{\n {8}label="dense";/);
    assert.match(dot.stdout, /\n {4}subgraph cluster_s3 \{\n {6}label="dense";\n {6}style=rounded;\n {6}e3 \[label="dot_general\\ni:f32\[4,1\]", tooltip="line 7"\];/);
    assert.match(dot.stdout, /\n {2}e6 \[label="reduce_sum\\nl:f32\[\]", tooltip="line 17"\];/);
    const out = JSON.parse(gradlens('graph', 'test/fixtures/cli/jax_scopes.py:loss', '--format', 'json').stdout);
    const stacks = out.jaxpr.eqns.map((e: { primitive: string; scope?: { name: string }[] }) => `${e.primitive}@${(e.scope ?? []).map((s) => s.name).join('/')}`);
    assert.deepEqual(stacks, ['dot_general@mlp/hidden/dense', 'add@mlp/hidden/dense', 'tanh@mlp/hidden', 'dot_general@mlp/dense', 'add@mlp/dense', 'integer_pow@', 'reduce_sum@']);
    assert.equal(out.jaxpr.eqns[0].span.scope, undefined);
    // The gradient's equations keep their forward op's scope.
    const grad = JSON.parse(gradlens('graph', 'test/fixtures/cli/jax_scopes.py:loss', '--grad', '--format', 'json').stdout);
    assert.ok(grad.jaxpr.eqns.filter((e: { primitive: string }) => e.primitive === 'dot_general').every((e: { scope?: { name: string }[] }) => e.scope?.at(-1)?.name === 'dense'));
  });

  it('writes the graph as SVG laid out as the panel draws it: a node per op with its label, a nested <g> per module, well-formed XML', () => {
    const torch = gradlens('graph', 'test/fixtures/cli/torch_modules.py:loss', '--format', 'svg');
    assert.equal(torch.status, 0, torch.stderr);
    const nodes = svgNodes(torch.stdout);
    const ops = gradlens('graph', 'test/fixtures/cli/torch_modules.py:loss').stdout.split('\n').filter((l) => /^n\d+ /.test(l));
    assert.equal(nodes.length, ops.length + 1, 'one drawn node per tape node, and the output');
    assert.deepEqual(nodes.filter((n) => n.kind === 'output').map((n) => `${n.label}: ${n.type}`), ['out: f32[]']);
    const opNames = ops.filter((l) => !/^n\d+ AccumulateGrad /.test(l)).map((l) => l.split(' ')[1]);
    assert.deepEqual(nodes.filter((n) => n.kind === 'op').map((n) => n.label).sort(), opNames.sort(), 'each op labelled as PyTorch names its grad_fn');
    assert.deepEqual(nodes.filter((n) => n.kind === 'leaf').map((n) => n.label).sort(), ['0.bias', '0.weight', '2.bias', '2.weight', 'x']);
    const at = (label: string) => nodes.filter((n) => n.label === label).map((n) => n.scopes.join('/'));
    assert.deepEqual(at('ReluBackward0'), ['Sequential/1 (ReLU)']);
    assert.equal(nodes.find((n) => n.label === 'ReluBackward0')!.type, 'f32[4,3]');
    assert.deepEqual(at('AddmmBackward0').sort(), ['Sequential/0 (Linear)', 'Sequential/2 (Linear)']);
    assert.deepEqual(at('2.weight'), ['Sequential/2 (Linear)'], 'a parameter inside its module');
    assert.deepEqual([...at('x'), ...at('MeanBackward0')], ['', ''], 'the input and the loss in no module');
    const jax = gradlens('graph', 'test/fixtures/cli/jax_scopes.py:loss', '--format', 'svg');
    assert.equal(jax.status, 0, jax.stderr);
    const eqns = svgNodes(jax.stdout).filter((n) => n.kind === 'op');
    assert.deepEqual(eqns.map((n) => `${n.label}@${n.scopes.join('/')}`).sort(), [
      'add@mlp/dense', 'add@mlp/hidden/dense', 'dot_general@mlp/dense', 'dot_general@mlp/hidden/dense', 'integer_pow@', 'reduce_sum@', 'tanh@mlp/hidden',
    ]);
  });

  it('explains bad graph command lines', () => {
    assert.match(gradlens('graph', 'examples/seed_jax.py').stderr, /graph needs the function: FILE\.py:FUNC/);
    assert.match(gradlens('graph', 'examples/seed_jax.py:f', '--format', 'png').stderr, /--format must be one of text, json, dot, svg/);
    const traced = gradlens('graph', 'test/fixtures/cli/jax_loss.py:branchy');
    assert.equal(traced.status, 1);
    assert.match(traced.stderr, /^test\/fixtures\/cli\/jax_loss\.py:10:\d+: error: .*cannot trace 'if x > 0'/);
    assert.match(gradlens('graph', '--help').stdout, /usage: gradlens graph FILE\.py:FUNC/);
    assert.match(gradlens('--help').stdout, /graph FILE\.py:FUNC/);
  });
});

describe('gradlens grad --engine', () => {
  it('reports the seed jax function through the jit engine: value 15, gradient 7, and its timings', () => {
    const r = gradlens('grad', 'examples/seed_jax.py:f', '--engine', 'jit', '--json');
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.inputs, { x: 2 });
    assert.equal(out.value, 15);
    assert.deepEqual(out.grad, { x: 7 });
    assert.equal(out.engines.eager, undefined);
    const jit = out.engines.jit;
    assert.equal(jit.value, 15);
    assert.deepEqual(jit.grad, { x: 7 });
    for (const k of ['trace_ms', 'compile_ms', 'run_ms']) assert.ok(typeof jit[k] === 'number' && jit[k] >= 0, k);
    assert.ok(Number.isInteger(jit.kernels) && jit.kernels >= 1);
  });

  it('reports both engines side by side in the same shape, agreeing', () => {
    const seed = JSON.parse(gradlens('grad', 'examples/seed_jax.py:f', '--engine', 'both', '--json').stdout);
    assert.equal(seed.engines.eager.value, 15);
    assert.deepEqual(seed.engines.eager.grad, { x: 7 });
    assert.equal(typeof seed.engines.eager.ms, 'number');
    assert.equal(seed.engines.jit.value, 15);
    assert.deepEqual(seed.engines.jit.grad, { x: 7 });

    const r = gradlens('grad', 'test/fixtures/cli/jax_loss.py:loss', '--engine', 'both', '--json');
    assert.equal(r.status, 0, r.stderr);
    const { eager, jit } = JSON.parse(r.stdout).engines;
    // loss = sum(tanh(x w + 0.5)^2); d/dw = 2 t (1 - t^2) x, in float64; x is not differentiated (jax.grad's argnums=0).
    const w = [1, -2, 0.5], x = [0.5, 1, 2];
    const t = w.map((wi, i) => Math.tanh(x[i] * wi + 0.5));
    const expected = { value: t.reduce((s, ti) => s + ti * ti, 0), w: t.map((ti, i) => 2 * ti * (1 - ti * ti) * x[i]) };
    for (const e of [eager, jit]) {
      close(e.value, expected.value);
      assert.deepEqual(Object.keys(e.grad), ['w']);
      e.grad.w.forEach((g: number, i: number) => close(g, expected.w[i]));
    }
  });

  it('prints the jit timings on the human line', () => {
    const r = gradlens('grad', 'examples/seed_jax.py:f', '--engine', 'both');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^f\(x=2\.0\) = 15\.0 {3}∂f\/∂x = 7\.0 {3}\[jit: value 15\.0, trace [\d.]+ ms, compile [\d.]+ ms, run [\d.]+ ms, \d+ kernels?\]\n$/);
  });

  it('runs a torch-style function on the jit engine too: the seed snippet agrees with eager', () => {
    for (const engine of ['jit', 'both']) {
      const r = gradlens('grad', 'examples/seed_torch.py:f', '--engine', engine, '--json');
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.equal(out.engines.jit.value, 15);
      assert.deepEqual(out.engines.jit.grad, { x: 7 });
      assert.equal(out.engines.eager?.value, engine === 'both' ? 15 : undefined);
    }
  });

  it('prints eager\'s line for a torch function jit cannot trace, and jit\'s error at the if', () => {
    const r = gradlens('grad', 'examples/piecewise.py:huber', '--engine', 'both');
    assert.equal(r.status, 1);
    // The call passes r with requires_grad=True: r alone is differentiated, as PyTorch's backward() fills r.grad alone.
    assert.equal(r.stdout, 'huber(r=0.5, delta=1.0) = 0.125   ∂huber/∂r = 0.5\n');
    assert.match(r.stderr, /^examples\/piecewise\.py:5:8: error: jit cannot trace 'if r\.abs\(\) <= delta' on a traced value; use torch\.where/);
  });

  it('documents the engines in --help', () => {
    const help = gradlens('grad', '--help').stdout;
    assert.match(help, /--engine NAME {5}eager \(default\), jit, both/);
    assert.match(help, /torch code as torch\.func\.grad/);
    assert.match(help, /trace_ms, compile_ms, run_ms/);
  });
});
