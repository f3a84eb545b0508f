/**
 * `functools.cached_property`: a descriptor that computes the attribute once per instance and
 * stores it in the instance's `__dict__`, where later lookups find it first (it defines no
 * `__set__`), as CPython's.
 */
import { type HostContext, NativeDescriptor, PyInstance, pyError, PyType, type PyValue, typeName } from '../interpreter';

const cachedPropertyType = new PyType('cached_property', { module: 'functools' });

export class CachedProperty extends NativeDescriptor {
  private attrName: string | null = null;

  constructor(readonly func: PyValue) {
    super(cachedPropertyType);
    this.dict.set('func', func);
    this.dict.set('attrname', null);
  }

  override setName(_owner: PyType, name: string): void {
    this.attrName = name;
    this.dict.set('attrname', name);
  }

  get(obj: PyValue | null, _cls: PyType, ctx: HostContext): PyValue {
    if (obj === null) return this;
    const name = this.attrName;
    if (name === null) throw pyError('TypeError', 'Cannot use cached_property instance without calling __set_name__ on it.');
    if (!(obj instanceof PyInstance)) {
      throw pyError('TypeError', `No '__dict__' attribute on '${typeName(obj)}' instance to cache '${name}' property.`);
    }
    const value = ctx.call(this.func, [obj]);
    obj.dict.set(name, value);
    return value;
  }
}
