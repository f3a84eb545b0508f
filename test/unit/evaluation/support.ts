import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { openExecutionHost, type ExecutionHost } from '../../../evaluation';
import type { EvaluateRequest } from '../../../protocol/evaluate';
import type { EvaluationError, EvaluationResult } from '../../../protocol/results';

let shared: Promise<ExecutionHost> | null = null;

/** One wasm host for every evaluation test: opening tfjs's wasm backend once is enough. */
export function wasmHost(): Promise<ExecutionHost> {
  shared ??= openExecutionHost('wasm');
  return shared;
}

export function requestFor(uri: string, text: string, fn: string, extra: Partial<EvaluateRequest> = {}): EvaluateRequest {
  return { uri, text, function: fn, engines: 'both', backend: 'wasm', graphs: false, ...extra };
}

export function fileRequest(file: string, fn: string, extra: Partial<EvaluateRequest> = {}): EvaluateRequest {
  return requestFor(file, readFileSync(file, 'utf8'), fn, extra);
}

export async function evaluated(req: EvaluateRequest): Promise<EvaluationResult> {
  const outcome = await (await wasmHost()).evaluate(req);
  if (!outcome.ok) assert.fail(`${outcome.error.kind}: ${outcome.error.message}`);
  return outcome.result;
}

export async function failed(req: EvaluateRequest, signal?: { readonly aborted: boolean }): Promise<EvaluationError> {
  const outcome = await (await wasmHost()).evaluate(req, signal);
  if (outcome.ok) assert.fail(`expected an error, got value ${JSON.stringify(outcome.result.value)}`);
  return outcome.error;
}
