/** What torch.nn still refuses (3-d pooling), and the error that says what to write instead. */
import { pyError } from '../../interpreter';

/** Layers Gradlens does not build yet: what each is. */
export const REFUSED_LAYERS: Readonly<Record<string, string>> = {
  MaxPool3d: '3-d pooling',
  AvgPool3d: '3-d pooling',
};

export const REFUSED_FUNCTIONS: Readonly<Record<string, string>> = {
  max_pool3d: '3-d pooling',
  avg_pool3d: '3-d pooling',
};

export function refusal(what: string, needs: string): Error {
  return pyError(
    'NotImplementedError',
    `${what} is not supported by Gradlens yet (${needs}); the pooling layers are: nn.MaxPool1d/2d, nn.AvgPool1d/2d, nn.AdaptiveAvgPool1d/2d, nn.AdaptiveMaxPool1d/2d`,
  );
}
