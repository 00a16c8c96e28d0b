// Shared shape of a kernel definition in this package: a tfjs kernel name and a function of the
// (named) inputs, the attrs and the torch backend. index.ts registers them all for 'torch'.
import type * as tfTypes from '@tensorflow/tfjs';
import type { TF, TorchBackendLike } from '../backend.js';

export type TensorInfo = tfTypes.TensorInfo;
export type Inputs = Record<string, TensorInfo>;
// biome-ignore lint/suspicious/noExplicitAny: kernel attributes are whatever tfjs passes for each op
export type Attrs = Record<string, any>;

export interface KernelDef {
  name: string;
  run(inputs: Inputs, attrs: Attrs, backend: TorchBackendLike, tf: TF): TensorInfo | TensorInfo[];
}

/** A kernel that is a single native call with inputs in the given order. */
export function native(name: string, order: string[], attrs: (a: Attrs, inputs: Inputs, tf: TF) => unknown[] = () => []): KernelDef {
  return {
    name,
    run(inputs, a, backend, tf) {
      const ins = order.map((k) => inputs[k]).filter((t): t is TensorInfo => t != null);
      const out = backend.run(name, ins, attrs(a, inputs, tf));
      return out.length === 1 ? out[0] : out;
    },
  };
}
