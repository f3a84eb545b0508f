import { S } from './module';

// The text form (WAT) of the modules kernelModule writes, for the graph viewer. It reads only
// what that writer emits (one kernel function, two imported math functions, one imported memory):
// an opcode it does not know is printed as a comment and ends the listing, never guessed past.

const SIMD_NAMES = new Map<number, string>(Object.entries({
  load: 'v128.load', load32Splat: 'v128.load32_splat', store: 'v128.store', const: 'v128.const', i32Splat: 'i32x4.splat',
  f32Splat: 'f32x4.splat', f32Extract: 'f32x4.extract_lane', f32Replace: 'f32x4.replace_lane', i32Eq: 'i32x4.eq',
  i32LtU: 'i32x4.lt_u', f32Eq: 'f32x4.eq', f32Ne: 'f32x4.ne', f32Lt: 'f32x4.lt', f32Gt: 'f32x4.gt', f32Le: 'f32x4.le',
  f32Ge: 'f32x4.ge', not: 'v128.not', and: 'v128.and', andnot: 'v128.andnot', or: 'v128.or', xor: 'v128.xor',
  bitselect: 'v128.bitselect', anyTrue: 'v128.any_true', floor: 'f32x4.floor', nearest: 'f32x4.nearest', i32Shl: 'i32x4.shl',
  i32ShrS: 'i32x4.shr_s', i32ShrU: 'i32x4.shr_u', i32Add: 'i32x4.add', i32Sub: 'i32x4.sub', abs: 'f32x4.abs',
  neg: 'f32x4.neg', sqrt: 'f32x4.sqrt', add: 'f32x4.add', sub: 'f32x4.sub', mul: 'f32x4.mul', div: 'f32x4.div',
  min: 'f32x4.min', max: 'f32x4.max', truncSat: 'i32x4.trunc_sat_f32x4_s', convert: 'f32x4.convert_i32x4_s',
  shuffle: 'i8x16.shuffle', demote: 'f32x4.demote_f64x2_zero', promote: 'f64x2.promote_low_f32x4',
  f64Add: 'f64x2.add', f64Sub: 'f64x2.sub', f64Mul: 'f64x2.mul',
} as Record<keyof typeof S, string>).map(([k, name]) => [S[k as keyof typeof S], name]));

const PLAIN: Readonly<Record<number, string>> = {
  0x1a: 'drop', 0x1b: 'select', 0x45: 'i32.eqz', 0x46: 'i32.eq', 0x47: 'i32.ne', 0x48: 'i32.lt_s', 0x49: 'i32.lt_u',
  0x4a: 'i32.gt_s', 0x4b: 'i32.gt_u', 0x4c: 'i32.le_s', 0x4d: 'i32.le_u', 0x4e: 'i32.ge_s', 0x4f: 'i32.ge_u',
  0x6a: 'i32.add', 0x6b: 'i32.sub', 0x6c: 'i32.mul', 0x6d: 'i32.div_s', 0x6e: 'i32.div_u', 0x71: 'i32.and',
  0x72: 'i32.or', 0x73: 'i32.xor', 0x74: 'i32.shl', 0x75: 'i32.shr_s', 0x76: 'i32.shr_u',
  0xb6: 'f32.demote_f64', 0xbb: 'f64.promote_f32',
};
const VALTYPES: Readonly<Record<number, string>> = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128' };

class Reader {
  at = 0;
  constructor(readonly bytes: Uint8Array) {}
  byte(): number {
    return this.bytes[this.at++];
  }
  uleb(): number {
    let result = 0;
    for (let shift = 0; ; shift += 7) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
    }
  }
  sleb(): number {
    let result = 0;
    let shift = 0;
    let b: number;
    do {
      b = this.byte();
      result |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80);
    return shift < 32 && (b & 0x40) ? result | (-1 << shift) : result;
  }
  take(n: number): Uint8Array {
    this.at += n;
    return this.bytes.subarray(this.at - n, this.at);
  }
}

function v128Text(b: Uint8Array): string {
  const view = new DataView(b.buffer, b.byteOffset, 16);
  return `i32x4 ${[0, 4, 8, 12].map((o) => `0x${view.getUint32(o, true).toString(16).padStart(8, '0')}`).join(' ')}`;
}

function instructions(r: Reader, end: number): string[] {
  const lines: string[] = [];
  let depth = 2;
  const emit = (s: string) => lines.push(`${'  '.repeat(depth)}${s}`);
  while (r.at < end) {
    const op = r.byte();
    if (op === 0x02 || op === 0x03 || op === 0x04) {
      const type = r.byte();
      emit(`${op === 0x02 ? 'block' : op === 0x03 ? 'loop' : 'if'}${type === 0x40 ? '' : ` (result ${VALTYPES[type]})`}`);
      depth++;
    } else if (op === 0x05) {
      depth--;
      emit('else');
      depth++;
    } else if (op === 0x0b) {
      depth--;
      if (depth >= 2) emit('end');
    } else if (op === 0x0c || op === 0x0d) emit(`${op === 0x0c ? 'br' : 'br_if'} ${r.uleb()}`);
    else if (op === 0x10) emit(`call ${r.uleb() === 0 ? '$sin' : '$cos'}`);
    else if (op >= 0x20 && op <= 0x22) emit(`local.${['get', 'set', 'tee'][op - 0x20]} ${r.uleb()}`);
    else if (op === 0x41) emit(`i32.const ${r.sleb()}`);
    else if (op === 0x44) emit(`f64.const ${new DataView(r.take(8).slice().buffer).getFloat64(0, true)}`);
    else if (op in PLAIN) emit(PLAIN[op]);
    else if (op === 0xfd) {
      const code = r.uleb();
      const name = SIMD_NAMES.get(code) ?? `(; simd 0x${code.toString(16)} ;)`;
      if (code === S.load || code === S.load32Splat || code === S.store) {
        const align = r.uleb();
        const offset = r.uleb();
        emit(`${name}${offset ? ` offset=${offset}` : ''} align=${2 ** align}`);
      } else if (code === S.const) emit(`${name} ${v128Text(r.take(16))}`);
      else if (code === S.shuffle) emit(`${name} ${[...r.take(16)].join(' ')}`);
      else if (code === S.f32Extract || code === S.f32Replace) emit(`${name} ${r.byte()}`);
      else emit(name);
    } else {
      emit(`(; opcode 0x${op.toString(16)} not listed ;)`);
      break;
    }
  }
  return lines;
}

/** The WAT text of a kernel module from generateWasm. */
export function watOf(bytes: Uint8Array): string {
  const r = new Reader(bytes);
  r.take(8);
  let params = 0;
  let body: string[] = [];
  while (r.at < bytes.length) {
    const id = r.byte();
    const size = r.uleb();
    const end = r.at + size;
    if (id === 1) {
      r.uleb();
      r.byte();
      params = r.uleb();
    } else if (id === 10) {
      r.uleb();
      const bodyEnd = r.uleb() + r.at;
      const locals: string[] = [];
      for (let groups = r.uleb(); groups > 0; groups--) {
        const n = r.uleb();
        const type = VALTYPES[r.byte()];
        for (let k = 0; k < n; k++) locals.push(type);
      }
      body = [`    (local ${locals.join(' ')})`, ...instructions(r, bodyEnd)];
    }
    r.at = end;
  }
  return [
    '(module',
    '  (import "m" "sin" (func $sin (param f64) (result f64)))',
    '  (import "m" "cos" (func $cos (param f64) (result f64)))',
    '  (import "m" "mem" (memory 1))',
    `  (func (export "k") (param${' i32'.repeat(params)})`,
    ...body,
    '  )',
    ')',
  ].join('\n');
}
