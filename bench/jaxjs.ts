import * as jax from '@jax-js/jax';
import type { Engine, Outcome, Runner } from './engine';

const np = jax.numpy;
type Arr = jax.Array;

/*
 * jax-js owns arguments by reference count: every use but the last takes `.ref`. The functions
 * below follow that rule, as its README asks.
 */
export const w1 = (x: Arr): Arr => x.ref.mul(x.ref).add(x.mul(3)).add(5);

export const w2 = (x: Arr): Arr => {
  const t = np.tanh(x.ref.mul(1.5).add(0.3));
  const e = np.exp(x.ref.mul(x.ref).neg());
  return np.sum(np.square(t).add(np.sin(x).mul(e)));
};

export const w3 = (W1: Arr, W2: Arr, X: Arr, Y: Arr): Arr => {
  const d = np.matmul(np.tanh(np.matmul(X, W1)), W2).sub(Y);
  return np.mean(np.square(d));
};

/** jax-js on its wasm device, with `jit` around `valueAndGrad` or without. */
export function jaxjsEngine(useJit: boolean): Engine {
  return {
    id: useJit ? 'jaxjs-jit' : 'jaxjs',
    label: useJit ? 'jax-js jit (wasm)' : 'jax-js (wasm)',
    async prepare(w) {
      // NB: init() with no device also tries webgpu, which reads `navigator` (absent in Node 20).
      await jax.init('wasm');
      jax.defaultDevice('wasm');
      const xs = w.inputs.map((x) => np.array(x.values).reshape([...x.shape]));
      let call: () => [Arr, Arr[]];
      if (w.id === 'W3') {
        const [X, W1, W2, Y] = xs;
        // argnums as a tuple: gradients with respect to W1 and W2; X and Y are passed, not closed over.
        let f = jax.valueAndGrad(w3, { argnums: [0, 1] }) as unknown as (...a: Arr[]) => [Arr, Arr[]];
        if (useJit) f = jax.jit(f);
        call = () => f(W1.ref, W2.ref, X.ref, Y.ref);
      } else {
        let f = jax.valueAndGrad(w.id === 'W1' ? w1 : w2) as unknown as (x: Arr) => [Arr, Arr];
        if (useJit) f = jax.jit(f);
        call = () => {
          const [v, g] = f(xs[0].ref);
          return [v, [g]];
        };
      }
      const runner: Runner<unknown> = {
        async call() {
          const [v, gs] = call();
          if (w.id === 'W1') return { value: v.dataSync()[0], grads: [gs[0].dataSync()] };
          await jax.blockUntilReady([v, gs]);
          return [v, gs];
        },
        read(h): Outcome {
          if (w.id === 'W1') return h as Outcome;
          const [v, gs] = h as [Arr, Arr[]];
          return { value: v.ref.dataSync()[0], grads: gs.map((g) => g.ref.dataSync()) };
        },
        free(h) {
          if (w.id !== 'W1') {
            const [v, gs] = h as [Arr, Arr[]];
            v.dispose();
            gs.forEach((g) => g.dispose());
          }
        },
        dispose: () => xs.forEach((x) => x.dispose()),
      };
      return runner;
    },
  };
}
