/**
 * The CLI's real output (test/fixtures/webview/*.json, written by regenerate.sh) turned into the
 * protocol's shapes, for showing in the panel while the tests drive it from Node.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EvaluationOutcome, GraphEdge, GraphNode, GraphView, Numbers, PlotData, SourceRange } from '../../protocol';

const FIXTURES = join(__dirname, '..', 'test', 'fixtures', 'webview');

interface CliSpan { line: number; column: number; endLine: number; endColumn: number }
interface CliVar { name: string; type: string }
interface CliEqn { primitive: string; inputs: (CliVar | { literal: number })[]; out: CliVar; span: CliSpan | null }
interface CliJaxprGraph {
  jaxpr: { invars: CliVar[]; constvars: CliVar[]; eqns: CliEqn[]; outvars: CliVar[]; text: string };
  plan: { kind: string; eqns: number[] }[];
}
interface CliShape { shape: number[]; dtype: string }
interface CliTapeGraph {
  tape: {
    nodes: { id: string; kind: 'leaf' | 'op'; name: string; output: CliShape; span: CliSpan | null }[];
    edges: { from: string; to: string; value: CliShape }[];
  };
}
interface CliGrad {
  function: string;
  inputs: Record<string, Numbers>;
  value: Numbers;
  grad: Record<string, Numbers>;
  engines: {
    eager?: { value: Numbers; grad: Record<string, Numbers>; ms: number };
    jit?: { value: Numbers; grad: Record<string, Numbers>; trace_ms: number; compile_ms: number; run_ms: number; kernels: number };
  };
}

export function readFixture<T>(name: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as T;
}

function range(span: CliSpan | null): SourceRange | undefined {
  return span ? { line: span.line, col: span.column, endLine: span.endLine, endCol: span.endColumn } : undefined;
}

const DTYPES: Record<string, string> = { float32: 'f32', float64: 'f64', int32: 'i32', bool: 'bool' };
function typeOf(v: CliShape): string {
  return `${DTYPES[v.dtype] ?? v.dtype}[${v.shape.join(',')}]`;
}

/** A jaxpr from `gradlens graph --format json`: a node per input and equation, fused kernels as groups. */
export function jaxprGraph(name: string, kind: 'forward' | 'gradient'): GraphView {
  const { jaxpr, plan } = readFixture<CliJaxprGraph>(name);
  const nodes: GraphNode[] = [
    ...jaxpr.constvars.map((v): GraphNode => ({ id: v.name, label: v.name, kind: 'const', type: v.type })),
    ...jaxpr.invars.map((v): GraphNode => ({ id: v.name, label: v.name, kind: 'input', type: v.type })),
    ...jaxpr.eqns.map((e): GraphNode => ({ id: e.out.name, label: e.primitive, kind: 'op', type: e.out.type, range: range(e.span) })),
  ];
  const edges: GraphEdge[] = jaxpr.eqns.flatMap((e) =>
    e.inputs.flatMap((i) => ('name' in i ? [{ from: i.name, to: e.out.name, type: i.type }] : [])),
  );
  jaxpr.outvars.forEach((v, i) => {
    nodes.push({ id: `out${i}`, label: `out ${i}`, kind: 'output', type: v.type });
    edges.push({ from: v.name, to: `out${i}`, type: v.type });
  });
  const groups = plan
    .map((k, i) => ({ k, i }))
    .filter(({ k }) => k.kind === 'fused')
    .map(({ k, i }) => ({ id: `k${i}`, label: `kernel ${i} (fused)`, nodes: k.eqns.map((e) => jaxpr.eqns[e].out.name) }));
  return { kind, nodes, edges, groups, text: jaxpr.text };
}

/** An autograd tape from `gradlens graph --format json` of a torch function. */
export function tapeGraph(name: string): GraphView {
  const { tape } = readFixture<CliTapeGraph>(name);
  return {
    kind: 'tape',
    nodes: tape.nodes.map((n) => ({ id: n.id, label: n.name, kind: n.kind, type: typeOf(n.output), range: range(n.span) })),
    edges: tape.edges.map((e) => ({ from: e.from, to: e.to, type: typeOf(e.value) })),
    groups: [],
  };
}

/** An outcome as the webview's host reports it, from `gradlens grad --json` and the graphs given. */
export function outcomeOf(name: string, uri: string, style: 'torch' | 'jax', graphs: GraphView[], plot?: PlotData): EvaluationOutcome {
  const grad = readFixture<CliGrad>(name);
  const { eager, jit } = grad.engines;
  return {
    ok: true,
    result: {
      uri,
      function: grad.function,
      sourceHash: 'fixture',
      style,
      inputs: grad.inputs,
      inputOrigin: 'call',
      backend: { name: 'wasm' },
      value: grad.value,
      grad: grad.grad,
      ...(eager ? { eager: { value: eager.value, grad: eager.grad, runMs: eager.ms, ops: 0, lines: [] } } : {}),
      ...(jit
        ? {
            jit: {
              value: jit.value,
              grad: jit.grad,
              traceMs: jit.trace_ms,
              compileMs: jit.compile_ms,
              runMs: jit.run_ms,
              kernels: jit.kernels,
              lineKernels: [],
            },
          }
        : {}),
      graphs,
      ...(plot ? { plot } : {}),
    },
  };
}

/** f and f' sampled by one `gradlens grad --at` a point (seed_jax.plot.jsonl), as the plot's data. */
export function plotOf(name: string, param: string, at: number): PlotData {
  const points = readFileSync(join(FIXTURES, name), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as CliGrad);
  return {
    param,
    at,
    xs: points.map((p) => p.inputs[param] as number),
    f: points.map((p) => p.value as number),
    df: points.map((p) => p.grad[param] as number),
  };
}
