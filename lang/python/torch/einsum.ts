/**
 * torch.einsum as PyTorch 1.13 contracts it: each operand's repeated subscripts reduced to their
 * diagonal, subscripts no other operand or the output needs summed out, then the operands
 * contracted left to right (one batched product per pair, a plain product where nothing is
 * summed), the result permuted to the output's order. Ellipsis stands for the broadcast dims.
 */
import type { Tensor } from '../../../runtime/eager';
import { bindArgs, pyError, type HostContext, PyList, PyTuple, type PyValue, typeName } from '../interpreter';
import { asTensor } from './arith';
import { PyTensor, type TorchRuntime } from './tensor';
import * as T from './tensor_ops';

/** An operand's labels (one per dim, ellipsis dims as '0', '1', ... counted from the right). */
type Labels = string[];

const ELLIPSIS_LABELS = (n: number, rank: number): Labels => Array.from({ length: n }, (_, i) => String(rank - n + i));

function parseTerm(term: string, rank: number, index: number): Labels {
  const dots = term.indexOf('...');
  const letters = term.replace('...', '');
  for (let i = 0; i < letters.length; i++) {
    if (!/[a-zA-Z]/.test(letters[i])) throw pyError('RuntimeError', `einsum(): invalid subscript given at index ${i} in the equation string, subscripts must be in [a-zA-Z]`);
  }
  if (dots < 0) {
    if (letters.length !== rank) {
      throw pyError('RuntimeError', `einsum(): the number of subscripts in the equation (${letters.length}) does not match the number of dimensions (${rank}) for operand ${index} and no ellipsis was given`);
    }
    return [...letters];
  }
  if (letters.length > rank) {
    throw pyError('RuntimeError', `einsum(): the number of subscripts in the equation (${letters.length}) is more than the number of dimensions (${rank}) for operand ${index}`);
  }
  const before = term.slice(0, dots);
  const after = term.slice(dots + 3);
  return [...before, ...ELLIPSIS_LABELS(rank - letters.length, 16), ...after];
}

/** x with its repeated labels reduced to their diagonal (mask by equal positions, sum one of the pair). */
function diagonals(rt: TorchRuntime, t: Tensor, labels: Labels): [Tensor, Labels] {
  const o = rt.ops;
  for (;;) {
    const i = labels.findIndex((l, k) => labels.indexOf(l) !== k);
    if (i < 0) return [t, labels];
    const j = labels.indexOf(labels[i]);
    if (t.shape[i] !== t.shape[j]) throw pyError('RuntimeError', `einsum(): subscript ${labels[i]} is repeated for operand but the sizes don't match, ${t.shape[j]} != ${t.shape[i]}`);
    const equal = o.eq(o.iota('int32', t.shape, i), o.iota('int32', t.shape, j));
    t = o.reduceSum(o.select(equal, t, o.zerosLike(t)), [i]);
    labels = labels.filter((_, k) => k !== i);
  }
}

function einsum(rt: TorchRuntime, equation: string, xs: PyTensor[]): PyTensor {
  const eq = equation.replace(/\s/g, '');
  const [lhs, explicit] = eq.includes('->') ? eq.split('->') : [eq, null];
  const terms = lhs.split(',');
  if (terms.length !== xs.length) throw pyError('RuntimeError', `einsum(): more operands were provided than specified in the equation`);
  const parsed = terms.map((term, k) => parseTerm(term, xs[k].shape.length, k));
  const ellipsisRank = Math.max(0, ...parsed.map((ls) => ls.filter((l) => /\d/.test(l)).length));
  const all = parsed.flat();
  const output: Labels = explicit !== null
    ? parseOutput(explicit, ellipsisRank)
    : [...ELLIPSIS_LABELS(ellipsisRank, 16), ...[...new Set(all.filter((l) => /[a-zA-Z]/.test(l)))].filter((l) => all.indexOf(l) === all.lastIndexOf(l)).sort(sortLetters)];
  for (const l of output) if (/[a-zA-Z]/.test(l) && !all.includes(l)) throw pyError('RuntimeError', `einsum(): output subscript ${l} does not appear in the equation for any input operand`);
  const sizes = new Map<string, number>();
  parsed.forEach((ls, k) => ls.forEach((l, d) => {
    const s = xs[k].shape[d];
    const known = sizes.get(l);
    if (known === undefined || known === 1) sizes.set(l, s);
    else if (s !== 1 && s !== known) {
      throw pyError('RuntimeError', `einsum(): subscript ${l} has size ${s} for operand ${k} which does not broadcast with previously seen size ${known}`);
    }
  }));
  const o = rt.ops;
  return rt.run(() => {
    let dtypeOf = xs[0].t;
    for (const x of xs.slice(1)) dtypeOf = rt.torch.coerce(dtypeOf, x.t)[0];
    const operands: { t: Tensor; labels: Labels }[] = xs.map((x, k) => {
      const [t, labels] = diagonals(rt, o.convert(x.t, dtypeOf.dtype), parsed[k]);
      return { t, labels };
    });
    const diagonal = operands.some((p, k) => p.labels.length !== parsed[k].length);
    const neededLater = (k: number) => new Set([...output, ...operands.slice(k + 1).flatMap((p) => p.labels)]);
    // Sum each operand's labels that nothing else needs.
    let summed = false;
    operands.forEach((p, k) => {
      const others = new Set([...neededLater(k), ...operands.slice(0, k).flatMap((q) => q.labels)]);
      const drop = p.labels.map((l, d) => (others.has(l) ? -1 : d)).filter((d) => d >= 0);
      if (drop.length) {
        p.t = o.reduceSum(p.t, drop);
        p.labels = p.labels.filter((_, d) => !drop.includes(d));
        summed = true;
      }
    });
    let acc = operands[0];
    let multiplied = false;
    let contracted = false;
    for (let k = 1; k < operands.length; k++) {
      const next = operands[k];
      const keep = neededLater(k);
      const shared = acc.labels.filter((l) => next.labels.includes(l));
      const batch = shared.filter((l) => keep.has(l));
      const contract = shared.filter((l) => !keep.has(l));
      const freeA = acc.labels.filter((l) => !shared.includes(l));
      const freeB = next.labels.filter((l) => !shared.includes(l));
      const a = broadcastLabels(rt, acc.t, acc.labels, sizes);
      const b = broadcastLabels(rt, next.t, next.labels, sizes);
      let t: Tensor;
      if (contract.length === 0) {
        const labels = [...batch, ...freeA, ...freeB];
        const place = (x: Tensor, ls: Labels) => o.broadcastInDim(o.transpose(x, orderOf(ls, labels)), labels.map((l) => sizes.get(l)!), labels.map((l, i) => (ls.includes(l) ? i : -1)).filter((i) => i >= 0));
        t = o.mul(place(a, acc.labels), place(b, next.labels));
        multiplied = true;
      } else {
        t = o.dotGeneral(a, b, {
          lhsContracting: contract.map((l) => acc.labels.indexOf(l)), rhsContracting: contract.map((l) => next.labels.indexOf(l)),
          lhsBatch: batch.map((l) => acc.labels.indexOf(l)), rhsBatch: batch.map((l) => next.labels.indexOf(l)),
        });
        contracted = true;
      }
      acc = { t, labels: [...batch, ...freeA, ...freeB] };
    }
    const final = broadcastLabels(rt, acc.t, acc.labels, sizes);
    const perm = output.map((l) => acc.labels.indexOf(l));
    const isIdentity = perm.every((p, i) => p === i);
    const out = isIdentity ? final : o.transpose(final, perm);
    // The grad_fn PyTorch's last step gives: the product's view, else the sum, else the permute (a diagonal is a permuted view).
    const name = contracted ? 'ViewBackward0' : multiplied ? 'MulBackward0' : summed && isIdentity ? 'SumBackward1' : summed || diagonal || !isIdentity ? 'PermuteBackward0' : 'ViewBackward0';
    return rt.result(T.rename(out, xs.map((x) => x.t), name), xs);
  });
}

/** A size-1 dim of an operand stretched to its label's size, where another operand broadcasts it. */
function broadcastLabels(rt: TorchRuntime, t: Tensor, labels: Labels, sizes: Map<string, number>): Tensor {
  const target = labels.map((l) => sizes.get(l)!);
  return target.every((s, i) => s === t.shape[i]) ? t : rt.ops.broadcastTo(t, target);
}

/** The permutation putting `ls` in the order they appear in `labels`. */
function orderOf(ls: Labels, labels: Labels): number[] {
  return ls.map((_, i) => i).sort((i, j) => labels.indexOf(ls[i]) - labels.indexOf(ls[j]));
}

/** Implicit output order: upper case before lower case, as PyTorch sorts subscripts. */
function sortLetters(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function parseOutput(term: string, ellipsisRank: number): Labels {
  const dots = term.indexOf('...');
  const letters = term.replace('...', '');
  for (let i = 0; i < letters.length; i++) {
    if (!/[a-zA-Z]/.test(letters[i])) throw pyError('RuntimeError', `einsum(): invalid subscript given at index ${i} in the equation string, subscripts must be in [a-zA-Z]`);
    if (letters.indexOf(letters[i]) !== i) throw pyError('RuntimeError', `einsum(): output subscript ${letters[i]} appears more than once in the output`);
  }
  if (dots < 0) return [...letters];
  return [...term.slice(0, dots), ...ELLIPSIS_LABELS(ellipsisRank, 16), ...term.slice(dots + 3)];
}

/** `torch.einsum(equation, *operands)` or `torch.einsum(equation, [operands])`. */
export function einsumFunction(rt: TorchRuntime, args: PyValue[], kwargs: Map<string, PyValue>, ctx: HostContext): PyTensor {
  const a = bindArgs('einsum', ['equation', '*operands'], args, kwargs, ctx);
  const equation = a.required('equation');
  if (typeof equation !== 'string') throw pyError('TypeError', `einsum(): argument 'equation' must be str, not ${typeName(equation)}`);
  const rest = a.rest.length === 1 && (a.rest[0] instanceof PyList || a.rest[0] instanceof PyTuple) ? (a.rest[0] as PyList | PyTuple).items : a.rest;
  if (rest.length === 0) throw pyError('RuntimeError', 'einsum(): must provide at least one operand');
  return einsum(rt, equation, rest.map((v) => asTensor(rt, v, ctx, 'operands')));
}
