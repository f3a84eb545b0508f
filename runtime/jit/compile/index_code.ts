/**
 * Index arithmetic shared by the JS and WGSL code generators: an index into a value kept as a
 * flat offset, as coordinates, or both, and the conversions NumPy broadcasting needs between
 * them, written in the target language's syntax.
 */
import { shapeEq, sizeOf, stridesOf, type DType, type Shape } from '../../core';
import type { KernelSpec, MemberSpec, Ref } from './kernel_spec';
import type { LowerMember } from '../../scalar';
import type { ParamsOf, Primitive, ReshapeLikePrimitive } from '../../primitives';

/**
 * An index into a value, as a flat offset, as coordinates, or both (target-language expressions).
 * Keeping whichever form the producer had avoids div/mod when no broadcast needs coordinates.
 * NB: coordinates are in the shape of the value indexed, which need not be the kernel's domain.
 */
export interface Ix {
  readonly flat: string | null;
  readonly coords: readonly string[] | null;
}

/** How a target language writes integer index arithmetic. */
export interface IndexDialect {
  readonly zero: string;
  int(n: number): string;
  /** The integer quotient of a non-negative index by a positive constant. */
  quotient(index: string, n: number): string;
  declare(name: string, expr: string): string;
}

export const JS_INDEX: IndexDialect = {
  zero: '0',
  int: (n) => `${n}`,
  quotient: (index, n) => `((${index} / ${n}) | 0)`,
  declare: (name, expr) => `const ${name} = ${expr};`,
};

export const WGSL_INDEX: IndexDialect = {
  zero: '0i',
  int: (n) => `${n}i`,
  quotient: (index, n) => `(${index} / ${n}i)`,
  declare: (name, expr) => `let ${name} = ${expr};`,
};

/** The flat offset of `coords` in a row-major value of `shape`. */
export function flatFrom(dialect: IndexDialect, coords: readonly string[], shape: Shape): string {
  const strides = stridesOf(shape);
  const terms = coords.map((c, k) => (shape[k] === 1 || c === dialect.zero ? null : strides[k] === 1 ? c : `${c} * ${dialect.int(strides[k])}`))
    .filter((t): t is string => t !== null);
  return terms.length === 0 ? dialect.zero : terms.length === 1 ? terms[0] : `(${terms.join(' + ')})`;
}

/** Where an output member of a fused kernel is written, for the kernel's index `domainIx`. */
export function outputIx(spec: KernelSpec, m: number, domainIx: Ix): Ix {
  const shape = spec.members[m].out.shape;
  if (shapeEq(shape, spec.domain)) return domainIx;
  if (sizeOf(shape) !== sizeOf(spec.domain)) throw new Error(`fused kernel: output member ${m} does not span the domain`);
  return { flat: domainIx.flat, coords: null };
}

/** The statements of one kernel body, each (value, index) expression computed once. */
export class IndexedBody {
  readonly lines: string[] = [];
  protected readonly memo = new Map<string, string>();
  private next = 0;

  /** `lower` gives each elementwise member's body in the scalar IR (runtime/scalar). */
  constructor(readonly dialect: IndexDialect, protected readonly spec: KernelSpec, protected readonly lower: LowerMember) {}

  shapeOf(ref: Ref): Shape {
    if ('literal' in ref) return [];
    return 'input' in ref ? this.spec.inputs[ref.input].shape : this.spec.members[ref.member].out.shape;
  }

  protected dtypeOf(ref: Ref): DType {
    if ('literal' in ref) return ref.dtype;
    return 'input' in ref ? this.spec.inputs[ref.input].dtype : this.spec.members[ref.member].out.dtype;
  }

  local(expr: string, prefix = 't'): string {
    // A bare name needs no copy of its own.
    if (/^[a-z]+\d*$/.test(expr)) return expr;
    let name = this.memo.get(expr);
    if (name === undefined) {
      name = `${prefix}${this.next++}`;
      this.lines.push(this.dialect.declare(name, expr));
      this.memo.set(expr, name);
    }
    return name;
  }

  flat(ix: Ix, shape: Shape): string {
    if (sizeOf(shape) === 1) return this.dialect.zero;
    return ix.flat ?? this.local(flatFrom(this.dialect, ix.coords!, shape), 'f');
  }

  coords(ix: Ix, shape: Shape): readonly string[] {
    return ix.coords ?? this.split(ix.flat!, shape, 'u');
  }

  /** The coordinates of a flat offset into `shape`, each a local named with `prefix`. */
  split(flat: string, shape: Shape, prefix: string): string[] {
    const strides = stridesOf(shape);
    return shape.map((d, k) => {
      if (d === 1) return this.dialect.zero;
      const q = strides[k] === 1 ? flat : this.dialect.quotient(flat, strides[k]);
      return this.local(k === 0 ? q : `(${q} % ${this.dialect.int(d)})`, prefix);
    });
  }

  /** The index into an operand of shape `from` that NumPy broadcasting reads for index `ix` of `to`. */
  broadcast(ix: Ix, from: Shape, to: Shape): Ix {
    if (shapeEq(from, to)) return ix;
    if (sizeOf(from) === 1) return { flat: this.dialect.zero, coords: null };
    if (sizeOf(from) === sizeOf(to)) return { flat: this.flat(ix, to), coords: null };
    const c = this.coords(ix, to);
    const lead = to.length - from.length;
    return { flat: null, coords: from.map((d, k) => (d === 1 ? this.dialect.zero : c[lead + k])) };
  }

  /**
   * For a primitive that only moves values (the reshape-like family), the index into its operand
   * for index `ix` of its output; null for any other primitive.
   */
  operandIndex(s: MemberSpec, ix: Ix): Ix | null {
    const rule = (OPERAND_INDEX as Partial<Record<Primitive, OperandIndex>>)[s.primitive];
    return rule ? rule(this, s, ix) : null;
  }
}

type OperandIndex = (body: IndexedBody, s: MemberSpec, ix: Ix) => Ix;

/** A reshape keeps the flat order; broadcast_in_dim reads the coordinates it keeps. */
const OPERAND_INDEX: { readonly [P in ReshapeLikePrimitive]: OperandIndex } = {
  reshape: (b, s, ix) => ({ flat: b.flat(ix, s.out.shape), coords: null }),
  squeeze: (b, s, ix) => ({ flat: b.flat(ix, s.out.shape), coords: null }),
  expand_dims: (b, s, ix) => ({ flat: b.flat(ix, s.out.shape), coords: null }),
  broadcast_in_dim: (b, s, ix) => {
    const out = s.out.shape;
    const from = b.shapeOf(s.args[0]);
    if (sizeOf(from) === sizeOf(out)) return { flat: b.flat(ix, out), coords: null };
    const c = b.coords(ix, out);
    const dimensions = (s.params as ParamsOf<'broadcast_in_dim'>).broadcastDimensions;
    return { flat: null, coords: from.map((d, k) => (d === 1 ? b.dialect.zero : c[dimensions[k]])) };
  },
};
