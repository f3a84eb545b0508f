/**
 * `abc`: `ABC` and `abstractmethod`, as CPython 3.11's ABCMeta and object.__new__ have them: a
 * class deriving from ABC whose MRO leaves a method marked abstract unoverridden cannot be
 * instantiated (`TypeError: Can't instantiate abstract class Base with abstract methods a, b`,
 * names sorted). `metaclass=ABCMeta` is a class keyword, which Gradlens refuses at its line:
 * write `class Base(ABC):`.
 */
import {
  bindArgs,
  ClassMethod,
  getattrOrUndefined,
  type HostContext,
  objectMethod,
  pyError,
  pyFunction,
  PyModule,
  PyType,
  type PyValue,
  setattr,
  StaticMethod,
  truthy,
  type ModuleShim,
} from '../interpreter';

const MARK = '__isabstractmethod__';

function isAbstract(v: PyValue, ctx: HostContext): boolean {
  const inner = v instanceof ClassMethod || v instanceof StaticMethod ? v.fn : v;
  const mark = getattrOrUndefined(inner, MARK, ctx);
  return mark !== undefined && truthy(mark, ctx);
}

/** The names a class still leaves abstract: marked somewhere in its MRO and not overridden by a concrete one. */
function abstractMethods(cls: PyType, ctx: HostContext): string[] {
  const names = new Set<string>();
  for (const t of cls.mro) for (const [name, v] of t.attrs) if (isAbstract(v, ctx)) names.add(name);
  return [...names].filter((name) => isAbstract(cls.lookup(name)!, ctx)).sort();
}

function abcType(): PyType {
  const abc = new PyType('ABC', { module: 'abc' });
  // object.__new__ with ABCMeta's check before it.
  abc.attrs.set('__new__', new StaticMethod(pyFunction('__new__', (args, kwargs, ctx) => {
    const cls = args[0];
    if (!(cls instanceof PyType)) throw pyError('TypeError', 'ABC.__new__(X): X is not a type object');
    const missing = abstractMethods(cls, ctx);
    if (missing.length) {
      throw pyError('TypeError', `Can't instantiate abstract class ${cls.name} with abstract method${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
    }
    if ((args.length > 1 || kwargs.size) && cls.lookup('__init__') === undefined) throw pyError('TypeError', `${cls.name}() takes no arguments`);
    return ctx.call(objectMethod('__new__')!, [cls]);
  })));
  return abc;
}

const abstractmethod = pyFunction('abstractmethod', (args, kwargs, ctx) => {
  const f = bindArgs('abstractmethod', ['funcobj'], args, kwargs, ctx).required('funcobj');
  setattr(f instanceof ClassMethod || f instanceof StaticMethod ? f.fn : f, MARK, true, ctx);
  return f;
});

export const abcModule: ModuleShim = {
  exports: ['ABC', 'abstractmethod'],
  create() {
    return new PyModule('abc', new Map<string, PyValue>([['ABC', abcType()], ['abstractmethod', abstractmethod]]));
  },
};
