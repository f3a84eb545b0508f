/**
 * PyTorch 1.13's CPU nll_loss of an (N, C) float32 input reduced to one value, in PyTorch's order
 * (aten/src/ATen/native/LossNLL.cpp, `nll_loss_out_frame`): each row's -w[y] x[y] subtracted into the
 * first of 8 partial sums, which cascade upward every 2^level_power rows (level_power =
 * max(4, CeilLog2(N) / 8); row 0 climbs to the top at once); then the partial sums added from 0,
 * and the mean divides by the total weight (the kept row count without weights), summed the same
 * way. cross_entropy is log_softmax and this. Checked bit for bit against PyTorch
 * (test/fixtures/random/torch_softmax.py).
 */
const f = Math.fround;
const LEVELS = 8;

/** utils::CeilLog2 */
function ceilLog2(x: number): number {
  return x <= 2 ? 1 : 32 - Math.clz32(x - 1);
}

/**
 * The loss of `logp` (N rows of `classes` float32 values, row-major) at `targets`, rows whose
 * target is `ignoreIndex` left out; `weight` per class or null; the sum, or the mean where `mean`.
 */
export function torchCpuNllLoss(logp: ArrayLike<number>, classes: number, targets: readonly number[], weight: ArrayLike<number> | null, ignoreIndex: number, mean: boolean): number {
  const n = targets.length;
  const levelPower = Math.max(4, Math.floor(ceilLog2(n) / LEVELS));
  const levelMask = 2 ** levelPower - 1;
  const loss = new Array<number>(LEVELS).fill(0);
  const weights = new Array<number>(LEVELS).fill(0);
  let ignored = 0;
  for (let b = 0; b < n; b++) {
    const t = targets[b]!;
    if (t === ignoreIndex) {
      ignored++;
      continue;
    }
    const x = logp[b * classes + t]!;
    if (weight) {
      const w = weight[t]!;
      loss[0] = f(loss[0]! - f(x * w));
      weights[0] = f(weights[0]! + w);
    } else {
      loss[0] = f(loss[0]! - x);
    }
    for (let j = 0; j + 1 < LEVELS; j++) {
      // NB: (level_mask << (j * level_power)) & b, in integers past 2^31 too
      if (Math.floor(b / 2 ** (j * levelPower)) % (levelMask + 1) !== 0) break;
      weights[j + 1] = f(weights[j + 1]! + weights[j]!);
      loss[j + 1] = f(loss[j + 1]! + loss[j]!);
      weights[j] = 0;
      loss[j] = 0;
    }
  }
  const total = (parts: number[]) => parts.reduce((s, v) => f(s + v), 0);
  const out = total(loss);
  if (!mean) return out;
  return f(out / (weight ? total(weights) : f(n - ignored)));
}
