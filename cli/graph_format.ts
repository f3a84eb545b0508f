/**
 * How `gradlens graph` prints a graph: a traced jaxpr (with its fusion plan) or an eager tape, as
 * text, JSON, Graphviz DOT or SVG (laid out as the panel draws it).
 */
import { bareSpan, formatAval, scopeChain, scopeJson, scopeLabel, type OpScope } from '../runtime/core';
import type { TapeGraph, TapeGraphNode } from '../runtime/eager';
import { isVar, nameVars, outsOf, printJaxpr, type Jaxpr, type Var } from '../runtime/ir';
import type { Plan } from '../runtime/jit';

export const GRAPH_FORMATS = ['text', 'json', 'dot', 'svg'] as const;
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

/** A DOT double-quoted string. */
const q = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;

/**
 * DOT statements placed in clusters by scope: each scope (an nn.Module call, a named scope, a
 * function) a `subgraph cluster_s<n>` labelled as the graph view labels it, nested as the
 * scopes are; scopes are numbered in the order they are first met.
 */
class ScopeClusters {
  private readonly held = new Map<OpScope | null, { statements: string[]; inner: OpScope[] }>([[null, { statements: [], inner: [] }]]);
  private readonly numbers = new Map<OpScope, number>();

  /** Whether any statement went into a scope. */
  get scoped(): boolean {
    return this.numbers.size > 0;
  }

  /** Adds a statement (one or more lines, indented relative to its cluster) inside `scope`. */
  add(scope: OpScope | null | undefined, statement: string): void {
    this.holder(scope ?? null).statements.push(statement);
  }

  private holder(scope: OpScope | null): { statements: string[]; inner: OpScope[] } {
    let h = this.held.get(scope);
    if (!h) {
      // NB: the enclosing scope first, so that an outer scope's number is below an inner one's.
      const parent = this.holder(scope!.parent);
      h = { statements: [], inner: [] };
      this.held.set(scope, h);
      this.numbers.set(scope!, this.numbers.size);
      parent.inner.push(scope!);
    }
    return h;
  }

  /** The statements with their clusters, indented from `indent`. */
  lines(indent = '  ', scope: OpScope | null = null): string[] {
    const h = this.held.get(scope)!;
    const out = h.statements.flatMap((st) => st.split('\n').map((l) => `${indent}${l}`));
    for (const s of h.inner) {
      out.push(`${indent}subgraph cluster_s${this.numbers.get(s)} {`, `${indent}  label=${q(scopeLabel(s))};`, `${indent}  style=rounded;`);
      out.push(...this.lines(`${indent}  `, s), `${indent}}`);
    }
    return out;
  }
}

/** The jaxpr as JAX prints it. */
export function jaxprText(jaxpr: Jaxpr): string {
  return `${printJaxpr(jaxpr)}\n`;
}

/**
 * The jaxpr as a DOT digraph: a node per input and per equation (primitive and output type), an
 * edge per operand labelled with its type, each scope the equations ran in (modules, functions)
 * as `cluster_s<i>`, and each fused kernel of the plan as `cluster_k<i>` (inside the scope that
 * holds all its equations; a kernel across a scope's border is not drawn as a cluster).
 */
export function jaxprDot(name: string, jaxpr: Jaxpr, plan: Plan): string {
  const names = nameVars(jaxpr);
  const producer = new Map<Var, string>();
  const clusters = new ScopeClusters();
  const lines = [`digraph ${q(name)} {`, '  rankdir=TB;', '  node [shape=box, fontname="monospace"];', '  edge [fontname="monospace", fontsize=10];'];
  jaxpr.constvars.forEach((v, i) => {
    producer.set(v, `c${i}`);
    clusters.add(null, `c${i} [label=${q(`const ${names.get(v)}:${formatAval(v.aval)}`)}, shape=note];`);
  });
  jaxpr.invars.forEach((v, i) => {
    producer.set(v, `in${i}`);
    clusters.add(null, `in${i} [label=${q(`${names.get(v)}:${formatAval(v.aval)}`)}, shape=ellipse];`);
  });
  const scopeOf = (i: number) => jaxpr.eqns[i].span?.scope ?? null;
  const eqnLine = (i: number) => {
    const e = jaxpr.eqns[i];
    return `e${i} [label=${q(`${e.primitive}\n${outsOf(e).map((v) => `${names.get(v)}:${formatAval(v.aval)}`).join(' ')}`)}${e.span ? `, tooltip=${q(`line ${e.span.line}`)}` : ''}];`;
  };
  const clustered = new Set<number>();
  plan.kernels.forEach((k, ki) => {
    if (k.kind !== 'fused' || !k.eqns.every((i) => scopeOf(i) === scopeOf(k.eqns[0]))) return;
    const label = `kernel ${ki}: fused, ${k.eqns.length} equation${k.eqns.length === 1 ? '' : 's'}`;
    clusters.add(scopeOf(k.eqns[0]), [`subgraph cluster_k${ki} {`, `  label=${q(label)};`, '  style=dashed;', ...k.eqns.map((i) => `  ${eqnLine(i)}`), '}'].join('\n'));
    for (const i of k.eqns) clustered.add(i);
  });
  jaxpr.eqns.forEach((e, i) => {
    if (!clustered.has(i)) clusters.add(scopeOf(i), eqnLine(i));
    for (const v of outsOf(e)) producer.set(v, `e${i}`);
  });
  lines.push(...clusters.lines());
  jaxpr.eqns.forEach((e, i) => {
    for (const a of e.inputs) {
      const from = isVar(a) ? producer.get(a) : undefined;
      if (from) lines.push(`  ${from} -> e${i} [label=${q(formatAval(a.aval))}];`);
    }
  });
  jaxpr.outvars.forEach((a, i) => {
    lines.push(`  out${i} [label=${q(`out ${i}`)}, shape=ellipse];`);
    const from = isVar(a) ? producer.get(a) : undefined;
    if (from) lines.push(`  ${from} -> out${i} [label=${q(formatAval(a.aval))}];`);
  });
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** Each tape node's inputs, in argument order. */
function tapeInputs(tape: TapeGraph): Map<string, string[]> {
  const inputs = new Map<string, string[]>();
  for (const e of [...tape.edges].sort((a, b) => a.index - b.index)) inputs.set(e.to, [...(inputs.get(e.to) ?? []), e.from]);
  return inputs;
}

/**
 * One line a node: `n3 MulBackward0 f32[3] <- n1, n2  (line 4)`; a leaf names its parameter (a
 * function's, or a module's: `fc1.weight`); a node that ran in a module ends with its scopes,
 * `in Net/fc1 (Linear)`.
 */
export function tapeText(tape: TapeGraph, leaves: ReadonlyMap<string, string>): string {
  const inputs = tapeInputs(tape);
  const lines = tape.nodes.map((n) => {
    const from = inputs.get(n.id);
    const named = leaves.get(n.id) ?? n.parameter;
    const where = n.span ? `  (line ${n.span.line})` : named ? `  (${named})` : '';
    const scope = n.scope ? `  in ${scopeChain(n.scope).map(scopeLabel).join('/')}` : '';
    return `${n.id} ${n.name} ${formatAval(n.output)}${from ? ` <- ${from.join(', ')}` : ''}${where}${scope}`;
  });
  return `${lines.join('\n')}\noutput: ${tape.outputs.join(', ')}\n`;
}

/**
 * The tape as a DOT digraph, gradient flowing from the output's grad_fn down to the leaves; the
 * nodes of each nn.Module call (its parameters too) in a `cluster_s<i>`, nested as the modules are.
 */
export function tapeDot(name: string, tape: TapeGraph, leaves: ReadonlyMap<string, string>): string {
  const lines = [`digraph ${q(name)} {`, '  rankdir=BT;', '  node [shape=box, fontname="monospace"];', '  edge [fontname="monospace", fontsize=10];'];
  const clusters = new ScopeClusters();
  for (const n of tape.nodes) {
    const named = leaves.get(n.id) ?? n.parameter;
    const label = `${n.name}\n${formatAval(n.output)}${named ? `\n${named}` : ''}`;
    clusters.add(n.scope, `${n.id} [label=${q(label)}${n.kind === 'leaf' ? ', shape=ellipse' : ''}${n.span ? `, tooltip=${q(`line ${n.span.line}`)}` : ''}];`);
  }
  lines.push(...clusters.lines());
  for (const e of tape.edges) lines.push(`  ${e.from} -> ${e.to} [label=${q(formatAval(e.value))}];`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** A tape node as JSON gives it: its span without the scope, its scopes (outermost first) apart. */
export function tapeNodeJson(n: TapeGraphNode): object {
  const { span, scope, ...rest } = n;
  return { ...rest, span: span && bareSpan(span), ...(scope ? { scope: scopeJson(scope) } : {}) };
}
