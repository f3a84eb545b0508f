import * as assert from 'node:assert/strict';
import { createReferenceBackend, createTfjsBackend, type Backend } from '../../../runtime/backends';
import { EagerEngine } from '../../../runtime/eager';
import { formatError } from '../../../lang/python/run';
import { runPython } from '../../../evaluation';

/*
 * complex64 arrays as JAX's Autodiff Cookbook uses them ("Complex numbers and differentiation"),
 * in our own programs. Expected texts are NumPy 1.24's prints of the same complex64 arrays (JAX
 * prints through NumPy: `Array(` for `array(`, the dtype always named); expected numbers come from
 * NumPy complex128 twins and from PyTorch 1.13's complex autograd, whose z.grad for a real loss is
 * the conjugate of JAX's grad (PyTorch: dL/dz* times 2; JAX: the transpose of the JVP, never
 * conjugated): for L = |z|^2 at 3+4j PyTorch gives 6+8j, JAX (the cookbook) 6-8j.
 */
function run(source: string, backend: Backend = createReferenceBackend()): string {
  // NB: a tfjs backend shares tfjs's engine with earlier suites: count only this run's arrays.
  const before = backend.liveCount();
  const r = runPython(source, new EagerEngine(backend), { file: 'cplx.py' });
  assert.equal(r.error ? formatError(r.error) : null, null);
  assert.equal(backend.liveCount(), before, 'every array is freed when the run ends');
  return r.output;
}

function errorOf(source: string): string | null {
  const r = runPython(`import jax\nimport jax.numpy as jnp\nfrom jax import lax\nz = jnp.array([1+2j, 3-4j])\n${source}`, new EagerEngine(createReferenceBackend()), { file: 'bad.py' });
  return r.error ? formatError(r.error) : null;
}

/** The complex numbers `(a+bj)` a line prints, in order. */
function complexesIn(line: string): [number, number][] {
  return [...line.matchAll(/(-?[\d.]+(?:e[-+]?\d+)?)\s*([-+])\s*([\d.]+(?:e[-+]?\d+)?)j/g)].map((m) => [Number(m[1]), Number(m[2] + m[3])]);
}

function assertComplexClose(line: string, want: readonly [number, number][], rtol = 2e-6): void {
  const got = complexesIn(line);
  assert.equal(got.length, want.length, `${line}: ${got.length} complex numbers, expected ${want.length}`);
  got.forEach(([re, im], k) => {
    const [wr, wi] = want[k];
    const tol = rtol * Math.max(1, Math.hypot(wr, wi));
    assert.ok(Math.abs(re - wr) <= tol && Math.abs(im - wi) <= tol, `${line}: element ${k} is ${re}${im >= 0 ? '+' : ''}${im}j, expected ${wr}${wi >= 0 ? '+' : ''}${wi}j`);
  });
}

const PRELUDE = 'import jax\nimport jax.numpy as jnp\nfrom jax import lax\n';

describe('jax shim: complex64 arrays (the Autodiff Cookbook\'s complex section)', () => {
  it('are made from Python complex numbers, x + 1j * y and lax.complex, and print as NumPy prints complex64', () => {
    const out = run(`${PRELUDE}z = jnp.array([1+2j, 3-4j])
print(z)
print(repr(z), z.dtype)
x = jnp.array([1.0, 2.0])
y = jnp.array([0.5, -1.5])
print(repr(x + 1j * y))
print(repr(lax.complex(x, y)))
print(z.real, z.imag, jnp.conj(z), jnp.abs(z))
print(repr(-z), repr(z - 1), z.conj(), jnp.array(2j), repr(jnp.array(2j)))
print(repr(z * z), repr(z / (1+1j)), repr(z @ z), z.sum(), f"{jnp.sum(z)}")
w = jnp.array([[0.5+1j, -2.25+0j], [1e-3-4j, 100+0.5j]])
print(repr(w))
print(jnp.array([complex(1.5, float('inf')), complex(float('nan'), 0), complex(-2, -0.125)]))
print(jnp.zeros(2, dtype=jnp.complex64), jnp.array([1.0, 2.0], dtype=complex).dtype, jnp.complex64(3).dtype)
`);
    assert.equal(out, `[1.+2.j 3.-4.j]
Array([1.+2.j, 3.-4.j], dtype=complex64) complex64
Array([1.+0.5j, 2.-1.5j], dtype=complex64)
Array([1.+0.5j, 2.-1.5j], dtype=complex64)
[1. 3.] [ 2. -4.] [1.-2.j 3.+4.j] [2.236068 5.      ]
Array([-1.-2.j, -3.+4.j], dtype=complex64) Array([0.+2.j, 2.-4.j], dtype=complex64) [1.-2.j 3.+4.j] 2j Array(0.+2.j, dtype=complex64, weak_type=True)
Array([-3. +4.j, -7.-24.j], dtype=complex64) Array([ 1.5+0.5j, -0.5-3.5j], dtype=complex64) Array(-10.-20.j, dtype=complex64) (4-2j) (4-2j)
Array([[ 5.00e-01+1.j , -2.25e+00+0.j ],
       [ 1.00e-03-4.j ,  1.00e+02+0.5j]], dtype=complex64)
[ 1.5  +infj  nan+0.j    -2. -0.125j]
[0.+0.j 0.+0.j] complex64 complex64
`);
  });

  it('computes exp, log, sin, cos, sqrt, integer powers and dot products as NumPy\'s complex functions', () => {
    const out = run(`${PRELUDE}z = jnp.array([1+2j, 3-4j, -0.5+0.25j])
for f in (jnp.exp, jnp.log, jnp.sin, jnp.cos, jnp.sqrt, jnp.square, lambda v: v ** -2, lambda v: jnp.dot(v, v[::-1])):
    print(f(z).tolist())
`).trim().split('\n');
    // NumPy 1.24, complex128: for f in (np.exp, np.log, np.sin, np.cos, np.sqrt, np.square, lambda v: v ** -2, lambda v: np.dot(v, v[::-1])): print(f(z))
    const want: [number, number][][] = [
      [[-1.1312043837568135, 2.4717266720048188], [-13.128783081462158, 15.200784463067954], [0.5876750903439226, 0.15005808662216327]],
      [[0.8047189562170503, 1.1071487177940904], [1.6094379124341003, -0.9272952180016122], [-0.5815754049028404, 2.677945044588987]],
      [[3.165778513216168, 1.9596010414216063], [3.853738037919377, 27.016813258003932], [-0.494485780933195, 0.22168816414957482]],
      [[2.0327230070196656, -3.0518977991518], [-27.034945603074224, 3.851153334811777], [0.9051501505596068, 0.12110879604381165]],
      [[1.272019649514069, 0.7861513777574233], [2, -1], [0.17178037486125622, 0.7276733451126774]],
      [[-3, 4], [-7, -24], [0.1875, -0.25]],
      [[-0.12, -0.16], [-0.0112, 0.0384], [1.92, 2.56]],
      [[-9, -25.5]],
    ];
    assert.equal(out.length, want.length);
    out.forEach((line, k) => assertComplexClose(line, want[k]));
  });

  it('grad of a real function of z is the conjugate of PyTorch\'s z.grad: 2*conj(z) for |z|^2, conj(z)/|z| for |z|', () => {
    const out = run(`${PRELUDE}def f(z):
    x, y = jnp.real(z), jnp.imag(z)
    return x ** 2 + y ** 2


print(jax.grad(f)(3. + 4j))
print(jax.grad(lambda z: jnp.abs(z) ** 2)(3. + 4j))
print(jax.grad(jnp.abs)(3. + 4j))
z = jnp.array([0.5+1j, -1+0.25j])
print(jax.grad(lambda w: jnp.sum(jnp.real(jnp.exp(w) * jnp.conj(w))))(z))
print(jax.value_and_grad(lambda w: jnp.sum(jnp.abs(w) ** 2))(z))
`).trim().split('\n');
    assertComplexClose(out[0], [[6, -8]]);
    assertComplexClose(out[1], [[6, -8]]);
    assertComplexClose(out[2], [[0.6, -0.8]]);
    // torch: z.grad of (torch.exp(z) * z.conj()).real.sum() is [2.7235634+1.5844835j, 0.0227537+0.2711404j].
    assertComplexClose(out[3], [[2.7235634, -1.5844835], [0.0227537, -0.2711404]]);
    // NumPy: repr(np.array([1-2j, -2-0.5j], dtype=np.complex64)) is array([ 1.-2.j , -2.-0.5j], dtype=complex64).
    assert.equal(out[4], '(Array(2.3125, dtype=float32), Array([ 1.-2.j , -2.-0.5j], dtype=complex64))');
  });

  it('grad, jvp, vjp, jacfwd and jacrev with holomorphic=True give f\'(z) (never conjugated)', () => {
    const out = run(`${PRELUDE}f = lambda z: jnp.sin(z) ** 2
print(jax.grad(f, holomorphic=True)(3. + 4j))
g = lambda z: jnp.exp(z) * z
z = jnp.array([0.5+1j, -1+0.25j])
print(jax.jvp(g, (z,), (jnp.ones(2, dtype=jnp.complex64),))[1])
y, pull = jax.vjp(g, z)
print(pull(jnp.ones(2, dtype=jnp.complex64))[0])
print(jax.jacfwd(g, holomorphic=True)(z))
print(jax.jacrev(g, holomorphic=True)(z))
print(jax.vmap(jax.grad(lambda w: jnp.log(w) * w, holomorphic=True))(z))
print(jax.jit(jax.grad(lambda w: jnp.sqrt(w), holomorphic=True))(z[0]))
`).trim().split('\n');
    // NumPy twins: sin(2z) = 2 sin z cos z; (1 + z) exp(z); log(z) + 1; 1 / (2 sqrt(z)).
    assertComplexClose(out[0], [[-416.4629773963945, 1431.1134814046534]], 1e-5);
    const gPrime: [number, number][] = [[-0.05113925, 2.97183457], [-0.02275371, 0.08911074]];
    assertComplexClose(out[1], gPrime);
    assertComplexClose(out[2], gPrime);
    assertComplexClose(out[3] + out[4], [gPrime[0], [0, 0], [0, 0], gPrime[1]]);
    assertComplexClose(out[5] + out[6], [gPrime[0], [0, 0], [0, 0], gPrime[1]]);
    assertComplexClose(out[7], [[1.1115717756571049, 1.1071487177940904], [1.0303123109082175, 2.896613990462929]]);
    assertComplexClose(out[8], [[0.4022479320953552, -0.2486028939392892]]);
  });

  it('check_grads on complex inputs: jvp and grad against central differences, orders 1 and 2', () => {
    // Along a complex direction v: jvp is the difference quotient; for a real f, JAX's grad g gives it as Re(sum(g * v)).
    const out = run(`${PRELUDE}def central(f, z, v, eps=1e-2):
    return (f(z + eps * v) - f(z - eps * v)) / (2 * eps)


def close(a, b):
    return abs(complex(a) - complex(b)) <= 5e-3 * max(1.0, abs(complex(b)))


def check_real(name, f, z, v, u):
    fd = central(f, z, v)
    fwd = jax.jvp(f, (z,), (v,))[1]
    rev = jnp.real(jnp.sum(jax.grad(f)(z) * v))
    g_u = lambda w: jnp.real(jnp.sum(jax.grad(f)(w) * u))
    fd2 = central(g_u, z, v)
    fwd2 = jax.jvp(g_u, (z,), (v,))[1]
    rev2 = jnp.real(jnp.sum(jax.grad(g_u)(z) * v))
    print(name, 'ok' if close(fwd.item(), fd.item()) and close(rev.item(), fd.item()) and close(fwd2.item(), fd2.item()) and close(rev2.item(), fd2.item()) else 'differs')


def check_holomorphic(name, f, z, v):
    fd = central(f, z, v)
    fwd = jax.jvp(f, (z,), (v,))[1]
    rev = jax.grad(f, holomorphic=True)(z) * v
    d2 = lambda w: jax.grad(f, holomorphic=True)(w)
    fwd2 = jax.jvp(d2, (z,), (v,))[1]
    rev2 = jax.grad(d2, holomorphic=True)(z) * v
    fd2 = central(d2, z, v)
    print(name, 'ok' if close(fwd.item(), fd.item()) and close(rev.item(), fd.item()) and close(fwd2.item(), fd2.item()) and close(rev2.item(), fd2.item()) else 'differs')


z3 = jnp.array([0.7+0.2j, -1.3+0.5j, 0.4-1.1j])
v3 = jnp.array([0.3-0.6j, 0.9+0.1j, -0.4+0.8j])
u3 = jnp.array([-0.8+0.3j, 0.2+0.2j, 0.5-0.4j])
check_real('abs squared', lambda w: jnp.sum(jnp.abs(w) ** 2), z3, v3, u3)
check_real('abs', lambda w: jnp.sum(jnp.abs(w * w + 1)), z3, v3, u3)
check_real('real and imag', lambda w: jnp.sum(jnp.real(w) * jnp.imag(w) ** 3), z3, v3, u3)
check_real('exp times conj', lambda w: jnp.sum(jnp.real(jnp.exp(w) * jnp.conj(w))), z3, v3, u3)
check_real('log, sqrt, division', lambda w: jnp.sum(jnp.imag(jnp.log(w) / jnp.sqrt(w + 2))), z3, v3, u3)
check_real('matmul', lambda w: jnp.real(jnp.dot(jnp.outer(w, w) @ jnp.conj(w), w)), z3, v3, u3)
check_holomorphic('sin squared', lambda w: jnp.sin(w) ** 2, jnp.array(0.7 + 0.2j), 0.3 - 0.6j)
check_holomorphic('exp over cos', lambda w: jnp.exp(w) / jnp.cos(w), jnp.array(-0.4 + 0.3j), 0.9 + 0.1j)
check_holomorphic('polynomial', lambda w: (w ** 3 - 2 * w + 1j) * w, jnp.array(1.1 - 0.5j), -0.4 + 0.8j)
`).trim().split('\n');
    assert.equal(out.length, 9);
    for (const line of out) assert.match(line, / ok$/, line);
  });

  it('make_jaxpr prints c64 types and the complex primitives as JAX 0.4.35 does', () => {
    const out = run(`${PRELUDE}def f(z):
    x, y = jnp.real(z), jnp.imag(z)
    return x ** 2 + y ** 2


print(jax.make_jaxpr(f)(3. + 4j))
print(jax.make_jaxpr(lambda z: jnp.sin(z) ** 2)(3. + 4j))
print(jax.make_jaxpr(lambda z: jnp.conj(z) * z * 2.0)(1 + 2j))
print(jax.make_jaxpr(lax.complex)(1.0, 2.0))
print(jax.make_jaxpr(lambda x: jnp.abs(x + 0j))(jnp.ones(3)))
`);
    assert.equal(out, `{ lambda ; a:c64[]. let
    b:f32[] = real a
    c:f32[] = imag a
    d:f32[] = integer_pow[y=2] b
    e:f32[] = integer_pow[y=2] c
    f:f32[] = add d e
  in (f,) }
{ lambda ; a:c64[]. let b:c64[] = sin a; c:c64[] = integer_pow[y=2] b in (c,) }
{ lambda ; a:c64[]. let
    b:c64[] = conj[input_dtype=complex64] a
    c:c64[] = mul b a
    d:c64[] = mul c (2+0j)
  in (d,) }
{ lambda ; a:f32[] b:f32[]. let c:c64[] = complex a b in (c,) }
{ lambda ; a:f32[3]. let
    b:c64[3] = convert_element_type[new_dtype=complex64 weak_type=False] a
    c:c64[3] = add b (0+0j)
    d:f32[3] = abs c
  in (d,) }
`);
  });

  it('runs on the CPU backends too: complex arrays live on the host beside tfjs, whole', async () => {
    const source = `${PRELUDE}z = jnp.array([1+2j, 3-4j])
print(repr(z * jnp.conj(z) + 1j), jax.grad(lambda w: jnp.sum(jnp.abs(w) ** 2))(z), jax.jit(lambda w: jnp.sum(w * w))(z))
`;
    const want = run(source);
    assert.equal(want, 'Array([ 5.+1.j, 25.+1.j], dtype=complex64) [2.-4.j 6.+8.j] (-10-20j)\n');
    for (const name of ['cpu', 'wasm'] as const) assert.equal(run(source, await createTfjsBackend(name)), want, name);
  });

  it('jit keeps complex constants whole (a folded exp(1j), a constant of (1+1j)s); mean, norm and vdot (conjugating) as NumPy\'s', () => {
    const out = run(`${PRELUDE}z = jnp.array([1+2j, 3-4j])
c = jnp.array([1+1j, 1+1j])
print(jax.jit(lambda w: w * c)(z))
print(jax.jit(lambda w: w + jnp.exp(jnp.array(1j)))(z))
print(jnp.mean(z), jax.jit(jnp.mean)(z))
print(jnp.linalg.norm(z), jnp.vdot(z, jnp.array([1j, 2])), jnp.vdot(z, z))
`);
    // NumPy: z * (1+1j), z + np.exp(1j), np.mean(z); np.linalg.norm(z), np.vdot(z, [1j, 2]) (conjugating z), np.vdot(z, z).
    assert.equal(out, '[-1.+3.j  7.-1.j]\n[1.5403023+2.841471j 3.5403023-3.158529j]\n(2-1j) (2-1j)\n5.477226 (8+9j) (30+0j)\n');
  });

  it('says JAX\'s errors for grad of a complex output and holomorphic=True on real values, at the line', () => {
    assert.equal(errorOf('print(jax.grad(lambda w: w * w)(1.0 + 2j))\n'), 'bad.py:5:7: error: TypeError: grad requires real-valued outputs (output dtype that is a sub-dtype of np.floating), but got complex64. '
      + 'For holomorphic differentiation, pass holomorphic=True. For differentiation of non-holomorphic functions involving complex outputs, use jax.vjp directly.');
    assert.equal(errorOf('print(jax.grad(lambda x: x * x, holomorphic=True)(1.0))\n'),
      'bad.py:5:7: error: TypeError: grad with holomorphic=True requires inputs with complex dtype, but got float32.');
    assert.equal(errorOf('print(jax.grad(jnp.abs, holomorphic=True)(1.0 + 2j))\n'),
      'bad.py:5:7: error: TypeError: grad with holomorphic=True requires outputs with complex dtype, but got float32.');
    assert.equal(errorOf('print(jax.jacrev(lambda w: w * 2)(z))\n'), 'bad.py:5:7: error: TypeError: jacrev requires real-valued outputs (output dtype that is a sub-dtype of np.floating), but got complex64. '
      + 'For holomorphic differentiation, pass holomorphic=True. For differentiation of non-holomorphic functions involving complex outputs, use jax.vjp directly.');
    assert.equal(errorOf('print(jax.jacfwd(jnp.abs)(z))\n'), 'bad.py:5:7: error: TypeError: jacfwd requires real-valued inputs (input dtype that is a sub-dtype of np.floating), but got complex64. '
      + 'For holomorphic differentiation, pass holomorphic=True. For differentiation of non-holomorphic functions involving complex inputs or integer inputs, use jax.jvp directly.');
  });

  it('refuses at the line what it cannot compute on complex values, never dropping the imaginary part', () => {
    const refused = (prim: string) => `bad.py:5:7: error: TypeError: ${prim} does not accept dtype complex64: Gradlens computes complex arrays through arithmetic, exp, log, sin, cos, sqrt, abs, real, imag, conj, sums, dot products and reshaping only; take real and imaginary parts first (jnp.real, jnp.imag)`;
    assert.equal(errorOf('print(jnp.tanh(z))\n'), refused('tanh'));
    assert.equal(errorOf('print(jnp.maximum(z, 1))\n'), refused('max'));
    assert.equal(errorOf('print(z < 1)\n'), refused('lt'));
    assert.equal(errorOf('print(complex(z[1]), z.tolist())\n'), null);
    assert.equal(errorOf('print(float(z[0]))\n'), "bad.py:5:7: error: TypeError: can't convert a complex array to float; take jnp.real(x) or jnp.abs(x) first");
    assert.equal(errorOf('print(lax.erf(z))\n'), refused('erf'));
    assert.equal(errorOf('print(jnp.angle(z))\n'), 'bad.py:5:7: error: NotImplementedError: jnp.angle of a complex array is not supported by Gradlens yet (it has no atan2 primitive); jnp.log(z).imag gives the same angle');
    assert.equal(errorOf('print(jnp.array([1.0, 2j], dtype=jnp.float32))\n'),
      'bad.py:5:7: error: TypeError: cannot put complex values into a float32 array without dropping their imaginary parts; take their real parts first');
    assert.match(errorOf('import numpy as np\nprint(np.asarray(z))\n') ?? '', /^bad\.py:6:7: error: NotImplementedError: a complex64 array cannot leave jax in Gradlens/);
  });
});
