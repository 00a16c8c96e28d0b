import { elementwiseKernels } from './elementwise.js';
import { nnKernels } from './nn.js';
import { reduceKernels } from './reduce.js';
import { shapeKernels } from './shape.js';
import type { KernelDef } from './types.js';

export const allKernels: KernelDef[] = [...elementwiseKernels, ...reduceKernels, ...shapeKernels, ...nnKernels];
