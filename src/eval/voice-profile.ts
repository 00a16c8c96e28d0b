// A voice's profile over a set of clips: median F0 and mean mel-cepstrum; and the verdict of
// whether a synthesised voice is closer to a target speaker than to a base speaker.
import { readWav, mixToMono } from '../audio/wav.ts';
import { resample } from '../audio/resample.ts';
import { voicedF0, median } from './pitch.ts';
import { melCepstra, meanVector, euclidean } from './cepstrum.ts';

export interface VoiceProfile {
  clips: number;
  medianF0: number;
  meanCepstrum: number[];
}

export async function voiceProfile(wavPaths: string[]): Promise<VoiceProfile> {
  const f0: number[] = [];
  const ceps: number[][] = [];
  for (const path of wavPaths) {
    const wav = readWav(path);
    const x = await resample(mixToMono(wav.channels), wav.sampleRate, 16000);
    f0.push(...voicedF0(x, 16000));
    ceps.push(...melCepstra(x));
  }
  return { clips: wavPaths.length, medianF0: median(f0), meanCepstrum: meanVector(ceps) };
}

/** Pitch distance in semitones (perceptual: equal ratios sound equally far apart). */
export function semitones(a: number, b: number): number {
  return Math.abs(12 * Math.log2(a / b));
}

export interface SimilarityVerdict {
  f0Semitones: { target: number; base: number };
  cepstralDistance: { target: number; base: number };
  /** True when both pitch and timbre are nearer the target than the base. */
  closerToTarget: boolean;
}

export function compareVoices(synth: VoiceProfile, target: VoiceProfile, base: VoiceProfile): SimilarityVerdict {
  const f0Semitones = { target: semitones(synth.medianF0, target.medianF0), base: semitones(synth.medianF0, base.medianF0) };
  const cepstralDistance = {
    target: euclidean(synth.meanCepstrum, target.meanCepstrum),
    base: euclidean(synth.meanCepstrum, base.meanCepstrum),
  };
  return {
    f0Semitones,
    cepstralDistance,
    closerToTarget: f0Semitones.target < f0Semitones.base && cepstralDistance.target < cepstralDistance.base,
  };
}
