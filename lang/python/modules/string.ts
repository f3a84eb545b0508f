/** `string`: its constants, as CPython's, and `capwords`. */
import { bindArgs, pyError, pyFunction, PyModule, type PyValue, type ModuleShim } from '../interpreter';

const lowercase = 'abcdefghijklmnopqrstuvwxyz';
const uppercase = lowercase.toUpperCase();
const digits = '0123456789';
const punctuation = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
const whitespace = ' \t\n\r\x0b\x0c';

const CONSTANTS: Record<string, string> = {
  ascii_letters: lowercase + uppercase,
  ascii_lowercase: lowercase,
  ascii_uppercase: uppercase,
  digits,
  hexdigits: `${digits}abcdefABCDEF`,
  octdigits: '01234567',
  punctuation,
  printable: digits + lowercase + uppercase + punctuation + whitespace,
  whitespace,
};

/** `capwords(s, sep=None)`: split, capitalize each word, join. */
const capwords = pyFunction('capwords', (args, kwargs, ctx) => {
  const a = bindArgs('capwords', ['s', 'sep?'], args, kwargs, ctx);
  const s = a.required('s');
  const sep = a.opt('sep') ?? null;
  if (typeof s !== 'string' || (sep !== null && typeof sep !== 'string')) throw pyError('TypeError', 'capwords() arguments must be str');
  const words = sep === null ? s.split(/[ \t\n\r\x0b\x0c]+/).filter((w) => w !== '') : s.split(sep);
  const cap = (w: string) => (w ? w[0]!.toUpperCase() + w.slice(1).toLowerCase() : w);
  return words.map(cap).join(sep ?? ' ');
});

export const stringModule: ModuleShim = {
  exports: [...Object.keys(CONSTANTS), 'capwords'],
  create() {
    return new PyModule('string', new Map<string, PyValue>([...Object.entries(CONSTANTS), ['capwords', capwords]]), true);
  },
};
