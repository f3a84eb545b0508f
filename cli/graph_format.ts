/**
 * How `gradlens graph` prints a graph: a traced jaxpr (with its fusion plan) or an eager tape, as
 * text, JSON or Graphviz DOT.
 */
import { formatAval } from '../runtime/core';
import type { TapeGraph } from '../runtime/eager';
import { isVar, nameVars, outsOf, printJaxpr, type Jaxpr, type Var } from '../runtime/ir';
import type { Plan } from '../runtime/jit';

export const GRAPH_FORMATS = ['text', 'json', 'dot'] as const;
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

/** A DOT double-quoted string. */
const q = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;

/** The jaxpr as JAX prints it. */
export function jaxprText(jaxpr: Jaxpr): string {
  return `${printJaxpr(jaxpr)}\n`;
}

/**
 * The jaxpr as a DOT digraph: a node per input and per equation (primitive and output type), an
 * edge per operand labelled with its type, and each fused kernel of the plan as `cluster_k<i>`.
 */
export function jaxprDot(name: string, jaxpr: Jaxpr, plan: Plan): string {
  const names = nameVars(jaxpr);
  const producer = new Map<Var, string>();
  const lines = [`digraph ${q(name)} {`, '  rankdir=TB;', '  node [shape=box, fontname="monospace"];', '  edge [fontname="monospace", fontsize=10];'];
  jaxpr.constvars.forEach((v, i) => {
    producer.set(v, `c${i}`);
    lines.push(`  c${i} [label=${q(`const ${names.get(v)}:${formatAval(v.aval)}`)}, shape=note];`);
  });
  jaxpr.invars.forEach((v, i) => {
    producer.set(v, `in${i}`);
    lines.push(`  in${i} [label=${q(`${names.get(v)}:${formatAval(v.aval)}`)}, shape=ellipse];`);
  });
  const eqnLine = (i: number) => {
    const e = jaxpr.eqns[i];
    return `e${i} [label=${q(`${e.primitive}\n${outsOf(e).map((v) => `${names.get(v)}:${formatAval(v.aval)}`).join(' ')}`)}${e.span ? `, tooltip=${q(`line ${e.span.line}`)}` : ''}];`;
  };
  const clustered = new Set<number>();
  plan.kernels.forEach((k, ki) => {
    if (k.kind !== 'fused') return;
    lines.push(`  subgraph cluster_k${ki} {`, `    label=${q(`kernel ${ki}: fused, ${k.eqns.length} equation${k.eqns.length === 1 ? '' : 's'}`)};`, '    style=dashed;');
    for (const i of k.eqns) {
      lines.push(`    ${eqnLine(i)}`);
      clustered.add(i);
    }
    lines.push('  }');
  });
  jaxpr.eqns.forEach((e, i) => {
    if (!clustered.has(i)) lines.push(`  ${eqnLine(i)}`);
    for (const v of outsOf(e)) producer.set(v, `e${i}`);
  });
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

/** One line a node: `n3 MulBackward0 f32[3] <- n1, n2  (line 4)`; a leaf names its parameter. */
export function tapeText(tape: TapeGraph, leaves: ReadonlyMap<string, string>): string {
  const inputs = tapeInputs(tape);
  const lines = tape.nodes.map((n) => {
    const from = inputs.get(n.id);
    const where = n.span ? `  (line ${n.span.line})` : leaves.has(n.id) ? `  (${leaves.get(n.id)})` : '';
    return `${n.id} ${n.name} ${formatAval(n.output)}${from ? ` <- ${from.join(', ')}` : ''}${where}`;
  });
  return `${lines.join('\n')}\noutput: ${tape.outputs.join(', ')}\n`;
}

/** The tape as a DOT digraph, gradient flowing from the output's grad_fn down to the leaves. */
export function tapeDot(name: string, tape: TapeGraph, leaves: ReadonlyMap<string, string>): string {
  const lines = [`digraph ${q(name)} {`, '  rankdir=BT;', '  node [shape=box, fontname="monospace"];', '  edge [fontname="monospace", fontsize=10];'];
  for (const n of tape.nodes) {
    const label = `${n.name}\n${formatAval(n.output)}${leaves.has(n.id) ? `\n${leaves.get(n.id)}` : ''}`;
    lines.push(`  ${n.id} [label=${q(label)}${n.kind === 'leaf' ? ', shape=ellipse' : ''}${n.span ? `, tooltip=${q(`line ${n.span.line}`)}` : ''}];`);
  }
  for (const e of tape.edges) lines.push(`  ${e.from} -> ${e.to} [label=${q(formatAval(e.value))}];`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
