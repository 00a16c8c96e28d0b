// Vocoder name → lazy module. Adding a vocoder is one file in this folder (exporting `vocoder`,
// see vocoder.ts) plus one line here. The vocoder a synthesis uses is chosen by `chooseVocoder`.
import { UserError } from '../../errors.ts';
import type { Vocoder } from './vocoder.ts';

const registry: Record<string, () => Promise<Vocoder>> = {
  'griffin-lim-ssrn': () => import('./griffin-lim-ssrn.ts').then((m) => m.vocoder),
  'griffin-lim-mel-inverse': () => import('./griffin-lim-mel-inverse.ts').then((m) => m.vocoder),
};

export function vocoderNames(): string[] {
  return Object.keys(registry);
}

export async function loadVocoder(name: string): Promise<Vocoder> {
  const load = Object.hasOwn(registry, name) ? registry[name] : undefined;
  if (!load) throw new UserError(`unknown vocoder '${name}' (known: ${vocoderNames().join(', ')})`);
  return load();
}

/** The one place the vocoder is chosen: the one named, else SSRN + Griffin-Lim where an SSRN was
 * trained, else the mel pseudo-inverse. */
export function chooseVocoder(named: string | undefined, hasSsrn: boolean): Promise<Vocoder> {
  return loadVocoder(named ?? (hasSsrn ? 'griffin-lim-ssrn' : 'griffin-lim-mel-inverse'));
}
