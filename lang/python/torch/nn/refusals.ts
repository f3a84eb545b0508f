/** What torch.nn still refuses (3-d and transposed convolution, adaptive max pooling), and the error that says what to write instead. */
import { pyError } from '../../interpreter';

/** Layers Gradlens does not build yet: what each is. */
export const REFUSED_LAYERS: Readonly<Record<string, string>> = {
  Conv3d: '3-d convolution',
  ConvTranspose1d: 'transposed convolution',
  ConvTranspose2d: 'transposed convolution',
  MaxPool3d: '3-d pooling',
  AvgPool3d: '3-d pooling',
  AdaptiveMaxPool1d: 'adaptive max pooling',
  AdaptiveMaxPool2d: 'adaptive max pooling',
};

export const REFUSED_FUNCTIONS: Readonly<Record<string, string>> = {
  conv3d: '3-d convolution',
  conv_transpose1d: 'transposed convolution',
  conv_transpose2d: 'transposed convolution',
  max_pool3d: '3-d pooling',
  avg_pool3d: '3-d pooling',
  adaptive_max_pool1d: 'adaptive max pooling',
  adaptive_max_pool2d: 'adaptive max pooling',
};

export function refusal(what: string, needs: string): Error {
  return pyError(
    'NotImplementedError',
    `${what} is not supported by Gradlens yet (${needs}); the 1-d and 2-d layers are: nn.Conv1d, nn.Conv2d, nn.MaxPool1d/2d, nn.AvgPool1d/2d, nn.AdaptiveAvgPool1d/2d`,
  );
}
