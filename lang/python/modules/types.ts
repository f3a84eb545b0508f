/** `types.SimpleNamespace`: the attribute bag configs are kept in (`cfg = SimpleNamespace(lr=0.1)`), shown as `namespace(lr=0.1)`. */
import { PyModule, type PyValue, type ModuleShim } from '../interpreter';
import { namespaceType } from './namespace';

const SimpleNamespace = namespaceType('SimpleNamespace', 'types', 'namespace', () => 'no positional arguments expected');

export const typesModule: ModuleShim = {
  exports: ['SimpleNamespace'],
  create: () => new PyModule('types', new Map<string, PyValue>([['SimpleNamespace', SimpleNamespace]]), true),
};
