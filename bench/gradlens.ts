import { createReferenceBackend, createTfjsBackend, type Backend, type DeviceArray } from '../runtime/backends';
import { EagerEngine, TorchOps, type Tensor } from '../runtime/eager';
import { jit, valueAndGrad, type Compile, type Fn, type TraceOps, type Tracer } from '../runtime/jit';
import type { Engine, Outcome, Runner } from './engine';
import type { Workload } from './workloads';

// ---- the workloads as traced functions (jit) and torch-style eager code

const w1Fn: Fn = (o: TraceOps, x: Tracer) => o.add(o.add(o.integerPow(x, 2), o.mul(o.lit(3), x)), o.lit(5));

const w2Fn: Fn = (o: TraceOps, x: Tracer) => {
  const t = o.tanh(o.add(o.mul(o.lit(1.5), x), o.lit(0.3)));
  const y = o.add(o.integerPow(t, 2), o.mul(o.sin(x), o.exp(o.neg(o.mul(x, x)))));
  return o.reduceSum(y, [0]);
};

const matmul = (o: TraceOps, a: Tracer, b: Tracer) =>
  o.dotGeneral(a, b, { lhsContracting: [1], rhsContracting: [0], lhsBatch: [], rhsBatch: [] });

const w3Fn: Fn = (o: TraceOps, X: Tracer, W1: Tracer, W2: Tracer, Y: Tracer) => {
  const d = o.sub(matmul(o, o.tanh(matmul(o, X, W1)), W2), Y);
  const [b, n] = o.shape(d);
  return o.mul(o.reduceSum(o.integerPow(d, 2), [0, 1]), o.lit(1 / (b * n)));
};

export const JIT_FNS: Record<Workload['id'], Fn> = { W1: w1Fn, W2: w2Fn, W3: w3Fn };

/** Gradlens jit: jit(valueAndGrad(f, argnums)) on `backend`, compiled by `compile`. */
export function gradlensJit(backendName: 'reference' | 'wasm', compile: Compile | undefined, compileName: string): Engine {
  return {
    id: `gradlens-jit-${backendName}`,
    label: `Gradlens jit (${backendName}, ${compileName})`,
    async prepare(w) {
      const backend: Backend<DeviceArray> = backendName === 'reference' ? createReferenceBackend() : await createTfjsBackend('wasm');
      const args = w.inputs.map((x) => backend.upload(x.values, { shape: x.shape, dtype: 'float32' }));
      const argnums = w.wrt.length === 1 ? w.wrt[0] : w.wrt;
      const f = jit(valueAndGrad(JIT_FNS[w.id], { argnums }), { backend, compile });
      const leaves = (h: unknown): DeviceArray[] => {
        const [value, g] = h as [DeviceArray, DeviceArray | DeviceArray[]];
        return [value, ...(Array.isArray(g) ? g : [g])];
      };
      const runner: Runner<unknown> = {
        call() {
          const out = f(...args);
          if (w.id !== 'W1') return out;
          const [v, g] = leaves(out);
          const result = { value: backend.readSync(v)[0], grads: [backend.readSync(g)] };
          backend.dispose(v);
          backend.dispose(g);
          return result;
        },
        read(h): Outcome {
          if (w.id === 'W1') return h as Outcome;
          const [v, ...gs] = leaves(h);
          return { value: backend.readSync(v)[0], grads: gs.map((g) => backend.readSync(g)) };
        },
        free(h) {
          if (w.id !== 'W1') leaves(h).forEach((a) => backend.dispose(a));
        },
        dispose: () => args.forEach((a) => backend.dispose(a)),
      };
      return runner;
    },
  };
}

/**
 * A workload as torch-style eager code on `engine`: its tensors (those differentiated require
 * grad), the loss, and a reset of the leaves' gradients between calls. Shared by the Node and
 * browser benches so both time the same program.
 */
export function eagerWorkload(engine: EagerEngine, w: Pick<Workload, 'id' | 'inputs' | 'wrt'>): { ts: Tensor[]; leaves: Tensor[]; loss: () => Tensor; clearGrads: () => void } {
  const torch = new TorchOps(engine);
  const ts = w.inputs.map((x, i) => {
    const t = engine.fromValues(x.values, x.shape, 'float32');
    return w.wrt.includes(i) ? t.requiresGrad_() : t;
  });
  const leaves = w.wrt.map((i) => ts[i]);
  const loss = (): Tensor => {
    if (w.id === 'W1') {
      const [x] = ts;
      return torch.add(torch.add(torch.pow(x, 2), torch.mul(3, x)), 5);
    }
    if (w.id === 'W2') {
      const [x] = ts;
      const t = torch.unary('tanh', torch.add(torch.mul(1.5, x), 0.3));
      const e = torch.unary('exp', torch.neg(torch.mul(x, x)));
      return torch.sum(torch.add(torch.pow(t, 2), torch.mul(torch.unary('sin', x), e)));
    }
    const [X, W1, W2, Y] = ts;
    return torch.mean(torch.pow(torch.sub(torch.matmul(torch.unary('tanh', torch.matmul(X, W1)), W2), Y), 2));
  };
  const clearGrads = () => leaves.forEach((t) => {
    t.grad?.dispose();
    t.setGrad(null);
  });
  return { ts, leaves, loss, clearGrads };
}

/** Gradlens eager on the wasm backend: torch-style ops, backward(), inside engine.tidy per call. */
export function gradlensEager(): Engine {
  return {
    id: 'gradlens-eager',
    label: 'Gradlens eager (wasm)',
    async prepare(w) {
      const engine = new EagerEngine(await createTfjsBackend('wasm'));
      const { ts, leaves, loss, clearGrads } = eagerWorkload(engine, w);
      const runner: Runner<unknown> = {
        call() {
          clearGrads();
          return engine.tidy(() => {
            const y = loss();
            y.backward();
            return w.id === 'W1' ? { value: y.item(), grads: [leaves[0].grad!.dataSync()] } : null;
          });
        },
        read(h): Outcome {
          if (w.id === 'W1') return h as Outcome;
          return { grads: leaves.map((t) => t.grad!.dataSync()) };
        },
        free: () => undefined,
        dispose() {
          clearGrads();
          ts.forEach((t) => t.dispose());
        },
      };
      return runner;
    },
  };
}
