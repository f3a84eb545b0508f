/**
 * `torch.return_types.max(values=..., indices=...)`: the struct sequences that max/min with a dim,
 * sort, topk and their kin return. They are tuples (`isinstance(r, tuple)`, `values, indices = r`,
 * `r[0]`), with a field per name and PyTorch's repr.
 */
import { structSequenceType } from '../modules';
import { type PyTuple, type PyValue, repr } from '../interpreter';

const makers = new Map<string, (items: PyValue[]) => PyTuple>();

/** The `torch.return_types.<name>` tuple of `items`, read by `fields`. */
export function returnTuple(name: string, fields: readonly string[], items: readonly PyValue[]): PyTuple {
  let make = makers.get(name);
  if (!make) {
    make = structSequenceType(name, 'torch.return_types', fields, (t, ctx) => {
      const body = fields.map((f, i) => `${f}=${repr(t.items[i], ctx)}`).join(',\n');
      return `torch.return_types.${name}(\n${body})`;
    }).make;
    makers.set(name, make);
  }
  return make([...items]);
}
