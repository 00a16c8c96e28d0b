// The tensor backends a pipeline may ask for, and the order `auto` tries them in (fastest first).
// Kept apart from backend.ts, which loads TensorFlow.js: the pipeline schema and doctor read
// these names without loading any backend.
export const BACKEND_NAMES = ['auto', 'torch', 'torch-cpu', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];
export type ConcreteBackend = Exclude<BackendName, 'auto'>;

export const AUTO_ORDER: readonly ConcreteBackend[] = ['torch', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];
