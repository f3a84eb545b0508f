/**
 * `unicodedata`: `normalize`, `is_normalized` and `category`, from the JavaScript engine's own
 * Unicode tables (String.prototype.normalize, the regular expressions' \p{...} general categories),
 * which is what the tutorials call (the PyTorch name-classification tutorial strips accents with
 * NFD and category 'Mn'). The engine's Unicode version may be newer than CPython 3.11's 14.0.0,
 * which differs only for characters assigned since. The name database (`name`, `lookup`) and the
 * numeric properties are not here, and say so as any name the module lacks does.
 */
import { bindArgs, type HostContext, type Kwargs, pyError, pyFunction, PyModule, type PyValue, typeName, type ModuleShim } from '../interpreter';

const FORMS = new Set(['NFC', 'NFD', 'NFKC', 'NFKD']);

/** The 30 general categories, the unassigned one (Cn) last, as a character matches exactly one. */
const CATEGORIES = ['Lu', 'Ll', 'Lt', 'Lm', 'Lo', 'Mn', 'Mc', 'Me', 'Nd', 'Nl', 'No', 'Pc', 'Pd', 'Ps', 'Pe', 'Pi', 'Pf', 'Po',
  'Sm', 'Sc', 'Sk', 'So', 'Zs', 'Zl', 'Zp', 'Cc', 'Cf', 'Cs', 'Co'].map((name) => ({ name, test: new RegExp(`^\\p{${name}}$`, 'u') }));

function formAndText(fname: string, args: PyValue[], kwargs: Kwargs, ctx: HostContext): { form: 'NFC' | 'NFD' | 'NFKC' | 'NFKD'; text: string } {
  const a = bindArgs(fname, ['form', 'unistr'], args, kwargs, ctx);
  const form = a.required('form');
  const text = a.required('unistr');
  if (typeof form !== 'string') throw pyError('TypeError', `${fname}() argument 1 must be str, not ${typeName(form)}`);
  if (typeof text !== 'string') throw pyError('TypeError', `${fname}() argument 2 must be str, not ${typeName(text)}`);
  if (!FORMS.has(form)) throw pyError('ValueError', 'invalid normalization form');
  return { form: form as 'NFC' | 'NFD' | 'NFKC' | 'NFKD', text };
}

const normalize = pyFunction('normalize', (args, kwargs, ctx) => {
  const { form, text } = formAndText('normalize', args, kwargs, ctx);
  ctx.tick(text.length);
  return text.normalize(form);
});

const isNormalized = pyFunction('is_normalized', (args, kwargs, ctx) => {
  const { form, text } = formAndText('is_normalized', args, kwargs, ctx);
  ctx.tick(text.length);
  return text.normalize(form) === text;
});

const category = pyFunction('category', (args, kwargs, ctx) => {
  const c = bindArgs('category', ['chr'], args, kwargs, ctx).required('chr');
  if (typeof c !== 'string' || [...c].length !== 1) throw pyError('TypeError', `category() argument must be a unicode character, not ${typeName(c)}`);
  // NB: a lone surrogate is its own character in Python; \p{Cs} matches it in a 'u' regular expression.
  return CATEGORIES.find((k) => k.test.test(c))?.name ?? 'Cn';
});

export const unicodedataModule: ModuleShim = {
  exports: ['normalize', 'is_normalized', 'category'],
  create() {
    return new PyModule('unicodedata', new Map<string, PyValue>([['normalize', normalize], ['is_normalized', isNormalized], ['category', category]]), true);
  },
};
