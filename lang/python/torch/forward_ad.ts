/**
 * `torch.autograd.forward_ad` as PyTorch 1.13's forward_ad.py writes it: `dual_level()` (a context
 * manager and decorator), `enter_dual_level`/`exit_dual_level` with the module's current level,
 * `make_dual` and `unpack_dual` (the `UnpackedDualTensor` named tuple). The tangents themselves
 * travel with each op in the eager engine (runtime/eager/forward_ad.ts), by the primitives' JVP rules.
 */
import { enterDualLevel, exitDualLevel, makeDual, unpackDual } from '../../../runtime/eager';
import {
  bindArgs, HostObject, hostType, type HostContext, type Kwargs, NOT_IMPLEMENTED, pyError, PyFunction, pyFunction, PyTuple, PyType, type PyValue, getitem, repr, typeName,
} from '../interpreter';
import { isFloating } from './dtype';
import { PyTensor, type TorchRuntime } from './tensor';

export const FORWARD_AD_NAMES = ['UnpackedDualTensor', 'enter_dual_level', 'exit_dual_level', 'make_dual', 'unpack_dual', 'dual_level'] as const;

const unpackedType = hostType('UnpackedDualTensor', 'torch.autograd.forward_ad');
const FIELDS = ['primal', 'tangent'] as const;

/** `UnpackedDualTensor(primal=..., tangent=...)`, PyTorch's namedtuple. */
class UnpackedDualTensor extends HostObject {
  constructor(readonly items: readonly [PyValue, PyValue]) {
    super();
  }

  get pyType(): PyType {
    return unpackedType;
  }

  override getattr(name: string): PyValue | undefined {
    const i = (FIELDS as readonly string[]).indexOf(name);
    return i >= 0 ? this.items[i] : undefined;
  }

  override getitem(index: PyValue, ctx: HostContext): PyValue {
    return getitem(new PyTuple([...this.items]), index, ctx);
  }

  override len(): number {
    return 2;
  }

  override iter(): Iterable<PyValue> {
    return this.items;
  }

  override compare(): PyValue {
    return NOT_IMPLEMENTED;
  }

  override repr(ctx: HostContext): string {
    return `UnpackedDualTensor(primal=${repr(this.items[0], ctx)}, tangent=${repr(this.items[1], ctx)})`;
  }
}

export function forwardAdAttrs(rt: TorchRuntime): Record<(typeof FORWARD_AD_NAMES)[number], PyValue> {
  // forward_ad.py's _current_level.
  let currentLevel = -1;

  const enter = (): bigint => {
    rt.run(() => enterDualLevel(rt.engine));
    currentLevel = 0;
    return 0n;
  };
  const exit = (level: number): null => {
    if (level !== currentLevel) throw pyError('RuntimeError', 'Trying to exit a forward AD level that was not the last one that was created. This is not supported.');
    if (level < 0) throw pyError('RuntimeError', 'Dual level must be a positive number.');
    exitDualLevel(rt.engine);
    currentLevel = level - 1;
    return null;
  };
  const levelArg = (v: PyValue | undefined): number => (v === undefined || v === null ? currentLevel : Number(v));

  const dualLevelType: PyType = new PyType('dual_level', {
    module: 'torch.autograd.forward_ad',
    construct: (args, kwargs, ctx) => {
      bindArgs('dual_level', [], args, kwargs, ctx);
      return new DualLevel(dualLevelType, enter, () => exit(currentLevel));
    },
  });

  return {
    UnpackedDualTensor: unpackedType,
    enter_dual_level: pyFunction('enter_dual_level', (args, kwargs, ctx) => {
      bindArgs('enter_dual_level', [], args, kwargs, ctx);
      return enter();
    }),
    exit_dual_level: pyFunction('exit_dual_level', (args, kwargs, ctx) => {
      const a = bindArgs('exit_dual_level', ['*', 'level?'], args, kwargs, ctx);
      return exit(levelArg(a.opt('level')));
    }),
    make_dual: pyFunction('make_dual', (args, kwargs, ctx) => {
      const a = bindArgs('make_dual', ['tensor', 'tangent', '*', 'level?'], args, kwargs, ctx);
      const tensor = a.required('tensor');
      const tangent = a.required('tangent');
      if (levelArg(a.opt('level')) < 0) {
        throw pyError('RuntimeError', 'Trying to create a dual Tensor for forward AD but no level exists, make sure to enter_dual_level() first.');
      }
      if (!(tensor instanceof PyTensor)) throw pyError('AttributeError', `'${typeName(tensor)}' object has no attribute 'is_floating_point'`);
      if (!isFloating(tensor.dtype)) throw pyError('ValueError', `Expected primal to be floating point or complex, but got: torch.${tensor.dtype}`);
      if (!(tangent instanceof PyTensor)) throw pyError('AttributeError', `'${typeName(tangent)}' object has no attribute 'is_floating_point'`);
      if (!isFloating(tangent.dtype)) throw pyError('ValueError', `Expected tangent to be floating point or complex, but got: torch.${tangent.dtype}`);
      return rt.run(() => rt.wrap(makeDual(rt.engine, tensor.t, tangent.t), tensor.dtype));
    }),
    unpack_dual: pyFunction('unpack_dual', (args, kwargs, ctx) => {
      const a = bindArgs('unpack_dual', ['tensor', '*', 'level?'], args, kwargs, ctx);
      const tensor = a.required('tensor');
      if (levelArg(a.opt('level')) < 0) return new UnpackedDualTensor([tensor, null]);
      if (!(tensor instanceof PyTensor)) throw pyError('TypeError', `_unpack_dual(): argument 'tensor' (position 1) must be Tensor, not ${typeName(tensor)}`);
      return rt.run(() => {
        const { primal, tangent } = unpackDual(rt.engine, tensor.t);
        return new UnpackedDualTensor([rt.wrap(primal, tensor.dtype), tangent && rt.wrap(tangent, tensor.dtype)]);
      });
    }),
    dual_level: dualLevelType,
  };
}

/** `with dual_level():` (gives the level entered) and `@dual_level()`. */
class DualLevel extends HostObject {
  constructor(
    private readonly type: PyType,
    private readonly enterLevel: () => bigint,
    private readonly exitLevel: () => null,
  ) {
    super();
  }

  get pyType(): PyType {
    return this.type;
  }

  override enter(): PyValue {
    return this.enterLevel();
  }

  override exit(): boolean {
    this.exitLevel();
    return false;
  }

  override call(args: PyValue[], kwargs: Kwargs): PyValue {
    const fn = args[0];
    if (args.length !== 1 || kwargs.size > 0 || !(fn instanceof PyFunction || fn instanceof HostObject)) {
      throw pyError('TypeError', "'dual_level' object is not callable with these arguments");
    }
    return pyFunction(fn instanceof PyFunction ? fn.name : 'dual_level', (a, kw, c) => {
      this.enterLevel();
      try {
        return c.call(fn, a, kw);
      } finally {
        this.exitLevel();
      }
    });
  }
}
