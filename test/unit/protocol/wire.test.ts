import * as assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import {
  fromWire,
  isEvaluationOutcome,
  isWebviewToExtension,
  resultNotification,
  toWire,
  type EvaluationOutcome,
  type EvaluationResult,
  type GraphView,
  type Numbers,
  type Wire,
} from '../../../protocol';
import { Random } from '../../../runtime/core';
import { evaluated, failed, requestFor } from '../evaluation/support';
import { SEED } from '../support/seed';

/**
 * Issue 11.3: a NaN result never reached the extension. VS Code's webview postMessage and the LSP
 * connection both carry JSON, which has no NaN, Infinity or -0; the validator then refused the
 * `null` that arrived. Every outcome, whatever numbers it holds, must cross both channels and come
 * out valid and equal (Object.is on every number).
 */

const SPECIAL = [NaN, Infinity, -Infinity, -0, 0, 3.4028234663852886e38, -3.4028234663852886e38, 1.7976931348623157e308, 5e-324, 1e-45, 0.30000001192092896];

function number(rng: Random): number {
  const r = rng.uniform();
  if (r < 0.4) return SPECIAL[Math.floor(rng.uniform() * SPECIAL.length)];
  if (r < 0.7) return Math.fround(rng.normal() * 10 ** Math.floor(rng.uniform() * 20 - 10));
  return rng.normal();
}

/** A scalar, a boolean, or a nested list up to 4 deep (ragged included: tolist() of nested lists of tensors). */
function numbers(rng: Random, depth = 0): Numbers {
  const r = rng.uniform();
  if (depth >= 4 || r < 0.35) return rng.uniform() < 0.1 ? rng.uniform() < 0.5 : number(rng);
  return Array.from({ length: Math.floor(rng.uniform() * 5) }, () => numbers(rng, depth + 1));
}

function record(rng: Random): Record<string, Numbers> {
  const names = ['x', 'w', 'b', 'params', 'float', '__proto__', 'constructor', 'features'];
  const out: Record<string, Numbers> = {};
  for (const n of names) if (rng.uniform() < 0.4) Object.defineProperty(out, n, { value: numbers(rng), enumerable: true, writable: true, configurable: true });
  return out;
}

function range(rng: Random) {
  const line = 1 + Math.floor(rng.uniform() * 200);
  return { line, col: 1 + Math.floor(rng.uniform() * 40), endLine: line, endCol: 41 + Math.floor(rng.uniform() * 40) };
}

function graph(rng: Random): GraphView {
  const n = 1 + Math.floor(rng.uniform() * 6);
  const nodes = Array.from({ length: n }, (_, i) => ({
    id: `e${i}`, label: `mul ${number(rng)}`, kind: 'op' as const, type: 'f32[4,3]',
    ...(rng.uniform() < 0.5 ? { range: range(rng) } : {}),
    ...(rng.uniform() < 0.5 ? { ms: number(rng) } : {}),
  }));
  return { kind: 'forward', nodes, edges: nodes.slice(1).map((node, i) => ({ from: nodes[i].id, to: node.id, type: 'f32[]' })), groups: [{ id: 'k0', label: 'kernel 0', nodes: nodes.map((x) => x.id) }], text: '{ lambda ; }' };
}

function outcome(rng: Random): EvaluationOutcome {
  if (rng.uniform() < 0.2) {
    return { ok: false, error: { uri: 'file:///w/nan%20file.py', function: 'f', sourceHash: 'h', kind: 'error', message: 'nan.py:3:5: error: [x](command:y) NaN', ...(rng.uniform() < 0.5 ? { range: range(rng) } : {}) } };
  }
  const run = () => ({ value: numbers(rng), grad: record(rng) });
  const result: EvaluationResult = {
    uri: 'file:///w/nan.py', function: 'Model.loss', sourceHash: 'abc', style: 'torch',
    inputs: record(rng), inputOrigin: 'call', backend: { name: 'webgpu', adapter: 'google (swiftshader)' },
    ...run(),
    eager: { ...run(), runMs: number(rng), ops: 3, lines: [{ line: 4, ms: number(rng), ops: 2 }] },
    jit: { ...run(), traceMs: number(rng), compileMs: number(rng), runMs: number(rng), kernels: 1, ranOn: 'host', lineKernels: [{ line: 4, kernels: [0] }] },
    nonFinite: { range: range(rng), in: 'gradient', op: 'log', value: '-inf' },
    graphs: [graph(rng)],
    plot: { param: 'x', at: number(rng), xs: [number(rng), number(rng)], f: [number(rng), NaN], df: [Infinity, number(rng)] },
  };
  return { ok: true, result };
}

/** Through VS Code's webview channel: JSON text each way. */
function acrossWebview(o: EvaluationOutcome): unknown {
  return JSON.parse(JSON.stringify(toWire({ type: 'outcome', id: 7, outcome: o })));
}

/** A real JSON-RPC connection pair over in-memory streams, as the LSP client and server talk. */
function rpcPair(): { client: MessageConnection; server: MessageConnection; dispose(): void } {
  const up = new PassThrough();
  const down = new PassThrough();
  const client = createMessageConnection(new StreamMessageReader(down), new StreamMessageWriter(up));
  const server = createMessageConnection(new StreamMessageReader(up), new StreamMessageWriter(down));
  client.listen();
  server.listen();
  return { client, server, dispose: () => { client.dispose(); server.dispose(); } };
}

describe('protocol: outcomes cross JSON channels whole (non-finite numbers included)', () => {
  const CASES = 300;

  it(`${CASES} generated outcomes (NaN, ±Inf, -0, huge, tiny, nested, ragged) pass the validator after the webview channel, equal to what was sent (seed ${SEED})`, () => {
    const rng = new Random(SEED);
    for (let i = 0; i < CASES; i++) {
      const sent = outcome(rng);
      assert.ok(isEvaluationOutcome(sent), `case ${i}: the generator made an invalid outcome`);
      const message = fromWire(acrossWebview(sent), isWebviewToExtension);
      assert.ok(message?.type === 'outcome', `case ${i} (seed ${SEED}) was refused after crossing: ${JSON.stringify(toWire(sent)).slice(0, 300)}`);
      assert.deepStrictEqual(message.outcome, sent, `case ${i} (seed ${SEED})`);
    }
  });

  it('without the wire form, JSON turns NaN into null and the validator refuses it (the bug this prevents)', () => {
    const sent: EvaluationOutcome = { ok: true, result: { ...(outcome(new Random(1)) as { result: EvaluationResult }).result, value: NaN } };
    assert.ok(isEvaluationOutcome(sent));
    assert.equal(isWebviewToExtension(JSON.parse(JSON.stringify({ type: 'outcome', id: 1, outcome: sent }))), false);
  });

  it(`${CASES} generated outcomes cross a real JSON-RPC connection as gradlens/result, valid and equal (seed ${SEED})`, async () => {
    const rng = new Random(SEED + 1);
    const { client, server, dispose } = rpcPair();
    try {
      const sent = Array.from({ length: CASES }, () => outcome(rng));
      const received: unknown[] = [];
      const all = new Promise<void>((resolve) => {
        server.onNotification(resultNotification, (data: Wire<EvaluationOutcome>) => {
          received.push(data);
          if (received.length === CASES) resolve();
        });
      });
      for (const o of sent) await client.sendNotification(resultNotification, toWire(o));
      await all;
      received.forEach((data, i) => assert.deepStrictEqual(fromWire(data, isEvaluationOutcome), sent[i], `case ${i} (seed ${SEED})`));
    } finally {
      dispose();
    }
  });

  describe("the evaluator's own outcomes cross both channels valid", () => {
    const PROGRAMS: Record<string, string> = {
      'NaN value (torch log of a negative)': 'import torch\n\ndef f(x):\n    return torch.log(x - 10)\n\nf(torch.tensor(2.0))\n',
      'Inf gradient (jax sqrt at 0)': 'import jax.numpy as jnp\n\ndef f(x):\n    return jnp.sqrt(x)\n\nf(0.0)\n',
      '-Inf value (log of 0)': 'import jax.numpy as jnp\n\ndef f(x):\n    return jnp.log(x)\n\nf(0.0)\n',
      'huge float32 overflowing to Inf (exp of 100)': 'import torch\n\ndef f(x):\n    return torch.exp(x).sum()\n\nf(torch.tensor([1.0, 100.0]))\n',
      'nested NaN in a vector gradient': 'import torch\n\ndef f(w):\n    return (w.sqrt() * 0).sum()\n\nf(torch.tensor([[1.0, -1.0], [0.0, 4.0]]))\n',
      '-0 gradient': 'import jax.numpy as jnp\n\ndef f(x):\n    return -x * 0.0 + 1.0\n\nf(2.0)\n',
    };
    for (const [name, text] of Object.entries(PROGRAMS)) {
      it(name, async () => {
        const result = await evaluated(requestFor('file:///w/n.py', text, 'f', { graphs: true }));
        const sent: EvaluationOutcome = { ok: true, result };
        const web = fromWire(acrossWebview(sent), isWebviewToExtension);
        assert.ok(web?.type === 'outcome');
        assert.deepStrictEqual(web.outcome, sent);
        const { client, server, dispose } = rpcPair();
        try {
          const got = new Promise<unknown>((resolve) => server.onNotification(resultNotification, resolve));
          await client.sendNotification(resultNotification, toWire(sent));
          assert.deepStrictEqual(fromWire(await got, isEvaluationOutcome), sent);
        } finally {
          dispose();
        }
      });
    }

    it('an error outcome (a budget overrun) crosses too', async () => {
      const error = await failed(requestFor('file:///w/n.py', 'def f(x=1.0):\n    while True:\n        x = x + 1\n    return x\n', 'f', { budgets: { steps: 10_000 } }));
      const sent: EvaluationOutcome = { ok: false, error };
      const web = fromWire(acrossWebview(sent), isWebviewToExtension);
      assert.ok(web?.type === 'outcome');
      assert.deepStrictEqual(web.outcome, sent);
    });
  });
});
