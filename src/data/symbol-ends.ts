// The teacher's phone end times (corpus.json, speech-corpus `phone_durations`) placed on an
// utterance's reduced frames (docs/design.md §4.3): minus the silence preprocessing trimmed from
// the start, divided by the reduced frame length hop × r. They belong to the model's input symbols
// only when those are the same phones: the `phones` front end, and t2p read the text as flite
// spoke it (flite's own end pauses are the trimmed silence and have no symbol).
import type { FeatureConfig } from '../audio/feature-config.ts';
import type { CorpusUtterance } from './corpus-manifest.ts';

/** Reduced-frame ends of `symbols` (phones, no E), or undefined when the durations do not fit them. */
export function symbolEnds(durations: CorpusUtterance['durations'], symbols: string[], lead: number, frames: number, cfg: FeatureConfig): number[] | undefined {
  if (!durations) return undefined;
  let first = 0, last = durations.phones.length;
  while (first < last && durations.phones[first] === 'pau') first++;
  while (last > first && durations.phones[last - 1] === 'pau') last--;
  const spoken = durations.phones.slice(first, last);
  if (spoken.length !== symbols.length || spoken.some((p, i) => p !== symbols[i])) return undefined;
  const secondsPerFrame = (cfg.hop_length * cfg.r) / cfg.sample_rate;
  return durations.ends.slice(first, last).map((end) => Math.min(frames, Math.max(0, (end - lead) / secondsPerFrame)));
}
