/**
 * What PyTorch 1.13 says when a script uses an nn.UninitializedParameter or UninitializedBuffer
 * (a lazy module's, before its first forward): UninitializedTensorMixin.__torch_function__ lets
 * a few methods through and refuses everything else with a ValueError naming the function as
 * Python prints it (`<method 'numel' of 'torch._C._TensorBase' objects>`); reading `.shape` is a
 * RuntimeError of its own. A Python-level function's repr carries its address, which no run
 * reproduces: it is named without it (`<function Tensor.__len__>`).
 */
import { type BinaryOp, type CompareOp, type PyError, pyError } from '../interpreter';

/** UninitializedTensorMixin._allowed_methods (and its descriptors, which are method-wrappers). */
export const ALLOWED_ON_UNINITIALIZED: ReadonlySet<string> = new Set([
  'size', 'copy_', 'is_floating_point', 'half', 'float', 'double', 'char', 'short', 'int', 'long', 'cuda', 'cpu', 'to', 'get_device', '__hash__',
]);

/** The methods torch.Tensor defines in Python (torch/_tensor.py), not in C. */
const PYTHON_TENSOR_METHODS: ReadonlySet<string> = new Set([
  '__array__', '__array_wrap__', '__contains__', '__deepcopy__', '__dir__', '__floordiv__', '__format__', '__ipow__', '__iter__', '__len__',
  '__rdiv__', '__reduce_ex__', '__reversed__', '__rfloordiv__', '__rlshift__', '__rmatmul__', '__rmod__', '__rpow__', '__rrshift__', '__rsub__',
  'align_to', 'backward', 'is_shared', 'istft', 'lu', 'norm', 'refine_names', 'register_hook', 'rename', 'rename_', 'resize', 'resize_as',
  'share_memory_', 'split', 'stft', 'storage', 'storage_type', 'to_sparse_coo', 'unflatten', 'unique', 'unique_consecutive',
]);

/** The functions of the torch namespace written in Python (torch/functional.py and friends). */
const PYTHON_TORCH_FUNCTIONS: ReadonlySet<string> = new Set([
  'atleast_1d', 'atleast_2d', 'atleast_3d', 'block_diag', 'broadcast_tensors', 'cartesian_prod', 'cdist', 'chain_matmul', 'einsum',
  'is_tensor', 'lu', 'meshgrid', 'norm', 'split', 'stft', 'tensordot', 'unique', 'unique_consecutive', 'save',
]);

/** The functions of torch.nn.functional that are C builtins; the rest are written in Python. */
const BUILTIN_FUNCTIONAL: ReadonlySet<string> = new Set([
  'adaptive_avg_pool1d', 'avg_pool1d', 'avg_pool2d', 'avg_pool3d', 'bilinear', 'celu_', 'channel_shuffle', 'conv1d', 'conv2d', 'conv3d',
  'conv_tbc', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d', 'cosine_similarity', 'elu_', 'gelu', 'hardshrink', 'hardtanh_',
  'leaky_relu_', 'linear', 'logsigmoid', 'one_hot', 'pad', 'pairwise_distance', 'pdist', 'pixel_shuffle', 'pixel_unshuffle', 'prelu',
  'relu_', 'rrelu_', 'selu_', 'softplus', 'softshrink', 'threshold_',
]);

/** `torch.Tensor.name` as Python prints it. */
export function tensorMethodName(name: string): string {
  if (name === '__getitem__' || name === '__setitem__') return `<slot wrapper '${name}' of 'torch._C._TensorBase' objects>`;
  if (name === 'pow') return '<function _TensorBase.pow>';
  // NB: Tensor.nelement is Tensor.numel, one function object.
  if (name === 'nelement') return tensorMethodName('numel');
  return PYTHON_TENSOR_METHODS.has(name) ? `<function Tensor.${name}>` : `<method '${name}' of 'torch._C._TensorBase' objects>`;
}

/** `torch.name` as Python prints it. */
export function torchFunctionName(name: string): string {
  return PYTHON_TORCH_FUNCTIONS.has(name) ? `<function ${name}>` : `<built-in method ${name} of type object>`;
}

/** `torch.nn.functional.name` as Python prints it. */
export function functionalName(name: string): string {
  return BUILTIN_FUNCTIONAL.has(name) ? `<built-in function ${name}>` : `<function ${name}>`;
}

const BINARY_METHODS: Readonly<Record<BinaryOp, readonly [string, string]>> = {
  '+': ['add', 'add'], '-': ['sub', '__rsub__'], '*': ['mul', 'mul'], '/': ['div', '__rdiv__'], '//': ['__floordiv__', '__rfloordiv__'],
  '%': ['remainder', '__rmod__'], '**': ['pow', '__rpow__'], '@': ['matmul', '__rmatmul__'], '&': ['__and__', 'bitwise_and'],
  '|': ['__or__', 'bitwise_or'], '^': ['__xor__', 'bitwise_xor'], '<<': ['__lshift__', '__rlshift__'], '>>': ['__rshift__', '__rrshift__'],
};

/** The Tensor method `x op y` runs: x's (`reflected`: y's reflected one, x not a tensor). */
export function binaryMethodName(op: BinaryOp, reflected: boolean): string {
  return tensorMethodName(BINARY_METHODS[op][reflected ? 1 : 0]);
}

const INPLACE_METHODS: Readonly<Record<BinaryOp, string>> = {
  '+': 'add_', '-': 'sub_', '*': 'mul_', '/': 'div_', '//': 'floor_divide_', '%': 'remainder_', '**': 'pow_', '@': 'matmul',
  '&': '__iand__', '|': '__ior__', '^': '__ixor__', '<<': '__ilshift__', '>>': '__irshift__',
};

/** The Tensor method `x op= y` runs. */
export function inplaceMethodName(op: BinaryOp): string {
  return op === '**' ? '<function _TensorBase.pow_>' : tensorMethodName(INPLACE_METHODS[op]);
}

const COMPARE_METHODS: Readonly<Record<CompareOp, string>> = { '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge', '==': 'eq', '!=': 'ne' };

export function compareMethodName(op: CompareOp): string {
  return tensorMethodName(COMPARE_METHODS[op]);
}

/** UninitializedTensorMixin.__torch_function__'s refusal of `what` (a function as Python prints it). */
export function uninitializedUse(typeName: string, what: string): PyError {
  return pyError('ValueError', `Attempted to use an uninitialized parameter in ${what}. This error happens when you are using a \`LazyModule\` or `
    + `explicitly manipulating \`torch.nn.parameter.${typeName}\` objects. When using LazyModules Call \`forward\` with a dummy batch `
    + 'to initialize the parameters before calling torch functions');
}

/** UninitializedTensorMixin.shape. */
export function uninitializedShape(): PyError {
  return pyError('RuntimeError', "Can't access the shape of an uninitialized parameter or buffer. This error usually happens in `load_state_dict` when trying to load "
    + 'an uninitialized parameter into an initialized one. Call `forward` to initialize the parameters before accessing their attributes.');
}
