/** What torch.nn refuses until the primitives it needs exist, and the error that says what to write instead. */
import { pyError } from '../../interpreter';

/** Layers that need primitives Gradlens lacks (convolution, windowed reductions): what to write instead. */
export const REFUSED_LAYERS: Readonly<Record<string, string>> = {
  Conv1d: 'convolution',
  Conv2d: 'convolution',
  MaxPool2d: 'pooling (a windowed max)',
  AvgPool2d: 'pooling (a windowed mean)',
  AdaptiveAvgPool2d: 'pooling (a windowed mean)',
};

export const REFUSED_FUNCTIONS: Readonly<Record<string, string>> = {
  conv1d: 'convolution',
  conv2d: 'convolution',
  max_pool2d: 'pooling (a windowed max)',
  avg_pool2d: 'pooling (a windowed mean)',
  adaptive_avg_pool2d: 'pooling (a windowed mean)',
};

export function refusal(what: string, needs: string): Error {
  return pyError(
    'NotImplementedError',
    `${what} is not supported by Gradlens yet: ${needs} is planned but has no primitive yet; flatten the input (x.flatten(1) or nn.Flatten()) and use nn.Linear layers instead`,
  );
}

