import * as tf from '@tensorflow/tfjs-core';
import { LruCache } from '../../core';
import type { ShaderProgram, ShaderRunner } from '../backend';
import { TfjsArray } from '../tfjs';
import { gpuConstants, type GpuComputePipeline, type GpuBindGroupLayout, type TfjsWebgpuInternals } from './gpu_types';

/** What a compute pipeline may hold beside its WGSL (compiled code on the device and in the browser), a guess. */
const PIPELINE_BYTES = 64 * 1024;

/**
 * Runs our own compute shaders inside tfjs-backend-webgpu's command stream: operands are its
 * tensors' buffers, results are buffers from its pool wrapped as its tensors, and the dispatch is
 * recorded into its open compute pass, so eager ops and fused kernels interleave in issue order
 * and their values mix without copies.
 */
export function createShaderRunner(be: TfjsWebgpuInternals, unwrap: (x: TfjsArray) => tf.Tensor): ShaderRunner<TfjsArray> {
  const { compute } = gpuConstants();
  // NB: one pipeline a shape of a fused kernel; a long session sees shapes without end. A pipeline
  // dropped here is freed by the GPU once no submitted command uses it (WebGPU has no destroy for it).
  const pipelines = new LruCache<string, { pipeline: GpuComputePipeline; layout: GpuBindGroupLayout }>(256, 32 * 2 ** 20, (_, key) => PIPELINE_BYTES + 2 * key.length);
  const stats = { compiled: 0, hits: 0 };

  const pipelineFor = (program: ShaderProgram, inputs: number) => {
    const cached = pipelines.get(program.key);
    if (cached) {
      stats.hits++;
      return cached;
    }
    const entries = Array.from({ length: inputs + program.outputs.length }, (_, binding) => ({
      binding, visibility: compute, buffer: { type: binding < inputs ? 'read-only-storage' : 'storage' },
    }));
    const layout = be.device.createBindGroupLayout({ entries });
    const module = be.device.createShaderModule({ code: program.source, label: 'gradlens fused kernel' });
    const pipeline = be.device.createComputePipeline({
      layout: be.device.createPipelineLayout({ bindGroupLayouts: [layout] }),
      compute: { module, entryPoint: 'main' },
      label: 'gradlens fused kernel',
    });
    stats.compiled++;
    const made = { pipeline, layout };
    pipelines.set(program.key, made);
    return made;
  };

  return {
    maxBindings: be.device.limits.maxStorageBuffersPerShaderStage,
    maxWorkgroupsPerDimension: be.device.limits.maxComputeWorkgroupsPerDimension,
    cacheStats: () => ({ ...stats }),
    run(program, inputs) {
      const tensors = inputs.map(unwrap);
      for (const t of tensors) be.uploadToGPU(t.dataId);
      const outs = program.outputs.map((aval) => {
        const info = be.makeTensorInfo([...aval.shape], aval.dtype);
        be.uploadToGPU(info.dataId);
        return info;
      });
      const ids = [...tensors.map((t) => t.dataId), ...outs.map((o) => o.dataId)];
      const { pipeline, layout } = pipelineFor(program, tensors.length);
      const group = be.device.createBindGroup({
        layout,
        entries: ids.map((id, binding) => ({ binding, resource: { buffer: be.tensorMap.get(id).resource! } })),
      });
      // NB: tfjs defers freeing a buffer that its unsubmitted commands use; ours are registered the same way.
      for (const id of ids) be.commandQueueOwnedIds.add(id);
      be.ensureCommandEncoderReady();
      be.computePassEncoder ??= be.commandEncoder!.beginComputePass({});
      be.computePassEncoder.setPipeline(pipeline);
      be.computePassEncoder.setBindGroup(0, group);
      be.computePassEncoder.dispatchWorkgroups(...program.workgroups);
      be.dispatchCountInPass++;
      if ((tf.env().get('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE') as number) <= be.dispatchCountInPass) {
        be.endComputePassEncoder();
        be.submitQueue();
      }
      return outs.map((info, k) => new TfjsArray('webgpu', tf.engine().makeTensorFromTensorInfo(info as tf.TensorInfo),
        program.outputs[k].shape, program.outputs[k].dtype));
    },
  };
}
