// Step kind name -> lazy module. Adding a step kind is one line here (plus its own file).
// Modules are imported only when the pipeline needs their metadata or a worker runs them.
import type { StepKind } from './contract.ts';

// biome-ignore lint/suspicious/noExplicitAny: each kind has its own params type; callers see it through the schema
type AnyStepKind = StepKind<any>;

const registry: Record<string, () => Promise<AnyStepKind>> = {
  shell: () => import('./shell.ts').then((m) => m.shell),
  ljspeech: () => import('./ljspeech.ts').then((m) => m.ljspeech),
  download: () => import('./download.ts').then((m) => m.download),
  'speech-corpus': () => import('./speech-corpus.ts').then((m) => m.speechCorpus),
  preprocess: () => import('./preprocess.ts').then((m) => m.preprocess),
  evaluate: () => import('./evaluate.ts').then((m) => m.evaluateStep),
  'train-text2mel': () => import('./train-text2mel.ts').then((m) => m.trainText2Mel),
  'train-ssrn': () => import('./train-ssrn.ts').then((m) => m.trainSsrn),
  synthesize: () => import('./synthesize.ts').then((m) => m.synthesize),
};

export function stepKindNames(): string[] {
  return Object.keys(registry).sort();
}

export function hasStepKind(name: string): boolean {
  return Object.hasOwn(registry, name);
}

export async function loadStepKind(name: string): Promise<AnyStepKind> {
  const load = registry[name];
  if (!load) throw new Error(`unknown step kind '${name}'`);
  return load();
}

export async function loadAllStepKinds(): Promise<Map<string, AnyStepKind>> {
  const names = stepKindNames();
  const kinds = await Promise.all(names.map(loadStepKind));
  return new Map(names.map((n, i) => [n, kinds[i]!]));
}
