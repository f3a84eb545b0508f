// The engines of the browser table, in the page. Every call ends with its value and gradients read
// back to the page: on a GPU a call only queues work, and reading the results is the one way all
// of these engines share to know it is done.
import * as jax from '@jax-js/jax';
import * as tf from '@tensorflow/tfjs-core';
import { createTfjsBackend, createWebgpuBackend, type Backend, type DeviceArray } from '../../runtime/backends';
import { EagerEngine } from '../../runtime/eager';
import { jit, simplifyAndFuseWith, valueAndGrad, type Compile } from '../../runtime/jit';
import type { Outcome } from '../engine';
import { eagerWorkload, JIT_FNS } from '../gradlens';
import { w1 as jaxW1, w2 as jaxW2, w3 as jaxW3 } from '../jaxjs';
import { valueAndGrads } from '../tfjs';
import type { Workload } from '../workloads';

export interface PageInput { readonly name: string; readonly shape: readonly number[]; readonly values: Float32Array }

/** A workload as the page sees it: its inputs, and which of them are differentiated. */
export type PageWorkload = Pick<Workload, 'id' | 'wrt'> & { readonly inputs: readonly PageInput[] };

export interface BrowserRunner {
  call(): Promise<Outcome>;
  /** Where the calls' kernels ran, where an engine can run a program on either ('gpu', 'host'). */
  ranOn?(): readonly string[];
  dispose(): void;
}

export interface BrowserEngine {
  readonly id: string;
  readonly label: string;
  prepare(w: PageWorkload): Promise<BrowserRunner>;
}

/**
 * Gradlens jit, `jit(valueAndGrad(f, {argnums}))` with the default (fusion) compile, results read
 * with readMany. On webgpu a tiny program may run on the CPU (executable.ts, tinyOnHost): `onGpu`
 * keeps it on the GPU, and the runner says where the calls ran.
 */
export function gradlensJit(name: 'webgpu' | 'wasm', onGpu = false): BrowserEngine {
  return {
    id: `gradlens-jit-${name}${onGpu ? '-gpu' : ''}`,
    label: `Gradlens jit (${name}${onGpu ? ', tinyOnHost off' : ''})`,
    async prepare(w) {
      const backend: Backend = name === 'webgpu' ? await createWebgpuBackend() : await createTfjsBackend('wasm');
      const args = w.inputs.map((x) => backend.upload(x.values, { shape: x.shape, dtype: 'float32' }));
      const ranOn = new Set<string>();
      // simplifyAndFuse, with the compile options and the executable's placement in reach.
      const fused = simplifyAndFuseWith({ tinyOnHost: !onGpu });
      const compile: Compile = (jaxpr, b) => {
        const exe = fused(jaxpr, b);
        return { jaxpr: exe.jaxpr, plan: exe.plan, ranOn: exe.ranOn, run: (xs) => {
          const outs = exe.run(xs);
          if (exe.ranOn) ranOn.add(exe.ranOn);
          return outs;
        } };
      };
      const f = jit(valueAndGrad(JIT_FNS[w.id], { argnums: w.wrt.length === 1 ? w.wrt[0] : w.wrt }), { backend, compile });
      return {
        async call() {
          const [value, g] = f(...args) as [DeviceArray, DeviceArray | DeviceArray[]];
          const leaves = [value, ...(Array.isArray(g) ? g : [g])];
          const [v, ...grads] = await backend.readMany(leaves);
          leaves.forEach((a) => backend.dispose(a));
          return { value: v[0], grads };
        },
        ranOn: () => [...ranOn],
        dispose: () => args.forEach((a) => backend.dispose(a)),
      };
    },
  };
}

/** Gradlens eager on webgpu: torch-style ops, backward() inside engine.tidy, gradients read with readMany. */
export function gradlensEagerWebgpu(): BrowserEngine {
  return {
    id: 'gradlens-eager-webgpu',
    label: 'Gradlens eager (webgpu)',
    async prepare(w) {
      const backend: Backend = await createWebgpuBackend();
      const engine = new EagerEngine(backend);
      const { ts, leaves, loss, clearGrads } = eagerWorkload(engine, w);
      return {
        async call() {
          clearGrads();
          // NB: the read starts inside the tidy, before the loss is freed (the backend defers the free).
          const read = engine.tidy(() => {
            const y = loss();
            y.backward();
            return backend.readMany([y.array, ...leaves.map((t) => t.grad!.array)]);
          });
          const [v, ...grads] = await read;
          return { value: v[0], grads };
        },
        dispose() {
          clearGrads();
          ts.forEach((t) => t.dispose());
        },
      };
    },
  };
}

/** TF.js on its webgpu backend (the same tfjs engine and GPUDevice as Gradlens's), results read with data(). */
export function tfjsWebgpu(): BrowserEngine {
  return {
    id: 'tfjs-webgpu',
    label: 'TF.js webgpu',
    async prepare(w) {
      await createWebgpuBackend();
      const pin = () => {
        if (tf.getBackend() !== 'webgpu') void tf.setBackend('webgpu');
      };
      pin();
      const ts = w.inputs.map((x) => tf.tensor(x.values, [...x.shape], 'float32'));
      const run = valueAndGrads(w as Workload, ts);
      return {
        async call() {
          pin();
          const outs = tf.tidy(() => {
            const { value, grads } = run();
            return [value, ...grads];
          });
          const [v, ...grads] = await Promise.all(outs.map((t) => t.data() as Promise<Float32Array>));
          outs.forEach((t) => t.dispose());
          return { value: v[0], grads };
        },
        dispose: () => ts.forEach((t) => t.dispose()),
      };
    },
  };
}

/** jax-js on its webgpu device, `valueAndGrad` with or without `jit`, results read with data(). */
export function jaxjsWebgpu(useJit: boolean): BrowserEngine {
  return {
    id: useJit ? 'jaxjs-jit-webgpu' : 'jaxjs-webgpu',
    label: useJit ? 'jax-js jit (webgpu)' : 'jax-js (webgpu)',
    async prepare(w) {
      const devices = await jax.init('webgpu');
      if (!devices.includes('webgpu')) throw new Error(`jax-js: init('webgpu') initialised ${JSON.stringify(devices)}, not webgpu`);
      jax.defaultDevice('webgpu');
      const xs = w.inputs.map((x) => jax.numpy.array(x.values).reshape([...x.shape]));
      type Arr = jax.Array;
      let call: () => [Arr, Arr[]];
      if (w.id === 'W3') {
        const [X, W1, W2, Y] = xs;
        let f = jax.valueAndGrad(jaxW3, { argnums: [0, 1] }) as unknown as (...a: Arr[]) => [Arr, Arr[]];
        if (useJit) f = jax.jit(f);
        call = () => f(W1.ref, W2.ref, X.ref, Y.ref);
      } else {
        let f = jax.valueAndGrad(w.id === 'W1' ? jaxW1 : jaxW2) as unknown as (x: Arr) => [Arr, Arr];
        if (useJit) f = jax.jit(f);
        call = () => {
          const [v, g] = f(xs[0].ref);
          return [v, [g]];
        };
      }
      return {
        async call() {
          const [v, gs] = call();
          if (v.device !== 'webgpu') throw new Error(`jax-js: ${w.id}'s result is on its ${v.device} device, not webgpu`);
          const [value, ...grads] = await Promise.all([v, ...gs].map((a) => a.data() as Promise<Float32Array>));
          return { value: value[0], grads };
        },
        dispose: () => xs.forEach((x) => x.dispose()),
      };
    },
  };
}
