import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import { createTfjsBackend } from '../runtime/backends';
import type { Engine, Outcome, Runner } from './engine';
import type { Workload } from './workloads';

type Grads = { value: tf.Scalar; grads: tf.Tensor[] };

/** The workloads as TF.js code: tf.valueAndGrads over the differentiated inputs, the others closed over. */
export function valueAndGrads(w: Workload, ts: tf.Tensor[]): () => Grads {
  if (w.id === 'W1') {
    const f = tf.valueAndGrad((x: tf.Tensor) => x.square().add(x.mul(3)).add(5) as tf.Scalar);
    return () => {
      const { value, grad } = f(ts[0]);
      return { value, grads: [grad] };
    };
  }
  if (w.id === 'W2') {
    const f = tf.valueAndGrad((x: tf.Tensor) => tf.tanh(x.mul(1.5).add(0.3)).square().add(tf.sin(x).mul(tf.exp(x.mul(x).neg()))).sum() as tf.Scalar);
    return () => {
      const { value, grad } = f(ts[0]);
      return { value, grads: [grad] };
    };
  }
  const [X, W1, W2, Y] = ts;
  const f = tf.valueAndGrads((a: tf.Tensor, b: tf.Tensor) => tf.tanh(X.matMul(a as tf.Tensor2D)).matMul(b as tf.Tensor2D).sub(Y).square().mean() as tf.Scalar);
  return () => f([W1, W2]);
}

/** TensorFlow.js on its cpu (plain JS) or wasm (XNNPACK) backend, in this process's one tfjs engine. */
export function tfjsEngine(name: 'cpu' | 'wasm'): Engine {
  return {
    id: `tfjs-${name}`,
    label: `TF.js ${name}`,
    async prepare(w) {
      // Registers and initialises the backend (wasm binary paths, the cpu banner) as Gradlens does.
      await createTfjsBackend(name);
      await tf.setBackend(name);
      if (tf.getBackend() !== name) throw new Error(`TF.js: setBackend('${name}') left the engine on '${tf.getBackend()}'`);
      const ts = w.inputs.map((x) => tf.tensor(x.values, [...x.shape], 'float32'));
      const run = valueAndGrads(w, ts);
      const runner: Runner<unknown> = {
        call() {
          // NB: Gradlens's wasm backend and this one share tfjs's engine; pin it before each call.
          if (tf.getBackend() !== name) void tf.setBackend(name);
          if (w.id === 'W1') {
            return tf.tidy(() => {
              const { value, grads } = run();
              return { value: value.dataSync()[0], grads: [grads[0].dataSync()] };
            });
          }
          return tf.tidy(() => {
            const { value, grads } = run();
            return [value, ...grads];
          });
        },
        read(h): Outcome {
          if (w.id === 'W1') return h as Outcome;
          const [value, ...grads] = h as tf.Tensor[];
          return { value: value.dataSync()[0], grads: grads.map((g) => g.dataSync()) };
        },
        free(h) {
          if (w.id !== 'W1') (h as tf.Tensor[]).forEach((t) => t.dispose());
        },
        dispose: () => ts.forEach((t) => t.dispose()),
      };
      return runner;
    },
  };
}
