// The model config of a training step (`config: tiny | default | { base, ...overrides }`) and its
// agreement with the features it trains on.
import { UserError } from '../errors.ts';
import type { FeatureConfig } from '../audio/feature-config.ts';
import { vocabSizeOf } from '../text/front-end.ts';
import { SSRN_DEFAULT, SSRN_TINY, TEXT2MEL_DEFAULT, TEXT2MEL_TINY, withOverrides, type SsrnConfig, type Text2MelConfig } from '../models/config.ts';

type ConfigParam = 'tiny' | 'default' | Record<string, unknown> | undefined;

function pick<T extends { nMels: number }>(param: ConfigParam, features: FeatureConfig, tiny: T, dflt: T): { config: T; label: string; tiny: boolean } {
  // No explicit size: the one whose mel count matches the features.
  const auto = features.n_mels === tiny.nMels ? 'tiny' : 'default';
  if (param === undefined || typeof param === 'string') {
    const size = param ?? auto;
    return { config: size === 'tiny' ? tiny : dflt, label: size, tiny: size === 'tiny' };
  }
  const { base, ...over } = param as { base?: string } & Record<string, unknown>;
  const size = base ?? auto;
  if (size !== 'tiny' && size !== 'default') throw new UserError(`config.base must be tiny or default, got '${size}'`);
  try {
    return { config: withOverrides(size === 'tiny' ? tiny : dflt, over), label: `${size} with overrides`, tiny: size === 'tiny' };
  } catch (err) {
    throw new UserError(`config: ${(err as Error).message}`);
  }
}

/** Whether the config object names `key` itself (then it must agree with the features). */
const names = (param: ConfigParam, key: string) => typeof param === 'object' && param !== null && key in param;

const mismatch = (what: string, featureValue: number, label: string, modelValue: number, featuresPath: string) =>
  new UserError(`the features have ${what} = ${featureValue} (${featuresPath}) but the model config '${label}' expects ${modelValue}; use config: ${modelValue === featureValue ? '' : 'tiny/default matching the preprocess step, '}or override it`);

/** The Text2Mel of the features: its embedding has one row per symbol of their text front end. */
export function text2melConfigFor(param: ConfigParam, features: FeatureConfig, featuresPath: string) {
  const r = pick<Text2MelConfig>(param, features, TEXT2MEL_TINY, TEXT2MEL_DEFAULT);
  if (r.config.nMels !== features.n_mels) throw mismatch('n_mels', features.n_mels, r.label, r.config.nMels, featuresPath);
  const vocab = vocabSizeOf(features.text);
  if (names(param, 'vocab') && r.config.vocab !== vocab) throw mismatch(`a text front end '${features.text ?? 'chars'}' of vocab`, vocab, r.label, r.config.vocab, featuresPath);
  if (r.config.vocab !== vocab) return { ...r, config: { ...r.config, vocab } };
  return r;
}

/** The SSRN of the features: its output has one channel per STFT bin of their n_fft, unless the
 *  config names fBins itself (then they must agree). */
export function ssrnConfigFor(param: ConfigParam, features: FeatureConfig, featuresPath: string) {
  const r = pick<SsrnConfig>(param, features, SSRN_TINY, SSRN_DEFAULT);
  if (r.config.nMels !== features.n_mels) throw mismatch('n_mels', features.n_mels, r.label, r.config.nMels, featuresPath);
  const bins = features.n_fft / 2 + 1;
  if (names(param, 'fBins') && r.config.fBins !== bins) throw mismatch('n_fft/2+1', bins, r.label, r.config.fBins, featuresPath);
  if (2 ** r.config.upsamples !== features.r) throw mismatch('r', features.r, r.label, 2 ** r.config.upsamples, featuresPath);
  if (r.config.fBins !== bins) return { ...r, config: { ...r.config, fBins: bins } };
  return r;
}
