// Element-wise kernels: binary (NumPy broadcasting), unary, casts and parametrised activations.
import type { KernelDef } from './types.js';
import { native } from './types.js';

const arithmetic = ['Add', 'Sub', 'Multiply', 'Mod', 'Maximum', 'Minimum', 'Pow', 'SquaredDifference'];
const floatBinary = ['RealDiv', 'Atan2'];
const predicates = ['Less', 'LessEqual', 'Greater', 'GreaterEqual', 'Equal', 'NotEqual', 'LogicalAnd', 'LogicalOr', 'LogicalXor'];

const unary = [
  'Neg', 'Abs', 'Square', 'Sign', 'Relu', 'Relu6', 'Floor', 'Ceil', 'Round', 'Exp', 'Expm1', 'Log', 'Log1p', 'Sqrt',
  'Rsqrt', 'Reciprocal', 'Sigmoid', 'Tanh', 'Softplus', 'Elu', 'Selu', 'Erf', 'Sin', 'Cos', 'Tan', 'Asin', 'Acos',
  'Atan', 'Sinh', 'Cosh', 'Asinh', 'Acosh', 'Atanh', 'IsNan', 'IsInf', 'IsFinite', 'LogicalNot',
];

export const elementwiseKernels: KernelDef[] = [
  // attrs[0] is the tfjs result dtype (see binding/kernels_math.cc).
  ...arithmetic.map((n) => native(n, ['a', 'b'], (_a, i, tf) => [tf.upcastType(i.a.dtype, i.b.dtype)])),
  native('FloorDiv', ['a', 'b'], () => ['int32']), // tfjs: always int32, even for float inputs
  ...floatBinary.map((n) => native(n, ['a', 'b'], () => ['float32'])),
  ...predicates.map((n) => native(n, ['a', 'b'], () => ['bool'])),
  {
    name: 'AddN',
    run(inputs, _a, backend) {
      const xs = Object.values(inputs);
      if (xs.length === 1) return backend.alias(xs[0]);
      return backend.run('AddN', xs, [xs[0].dtype])[0];
    },
  },
  native('Prelu', ['x', 'alpha'], () => ['float32']),
  native('EluGrad', ['dy', 'y'], () => ['float32']),
  ...unary.map((n) => native(n, ['x'])),
  native('Step', ['x'], (a) => [a.alpha ?? 0]),
  native('LeakyRelu', ['x'], (a) => [a.alpha ?? 0.2]),
  native('ClipByValue', ['x'], (a) => [a.clipValueMin, a.clipValueMax]),
  {
    name: 'Cast',
    run(inputs, a, backend) {
      const x = inputs.x;
      if (a.dtype === x.dtype) return backend.alias(x);
      return backend.run('Cast', [x], [a.dtype])[0];
    },
  },
];
